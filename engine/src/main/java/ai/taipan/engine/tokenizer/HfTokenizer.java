package ai.taipan.engine.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer: byte-level BPE as GPT-NeoX-20B (the tokenizer
 * of the Mamba checkpoints) and Llama-3 (the Taipan paper's) use, with their added/special tokens.
 *
 * <p>Encoding and decoding are done by the Hugging Face {@code tokenizers} Rust library through
 * DJL's {@code ai.djl.huggingface:tokenizers} (maintained; its jar bundles the linux-x86_64,
 * linux-aarch64, osx-aarch64 and win-x86_64 natives, so nothing is downloaded at run time — we pin
 * the CPU flavour so that a CUDA machine does not ask DJL for a GPU build). Truncation and
 * padding are switched off: the engine streams contexts of any length.
 *
 * <p>{@link #encode(String)} encodes the text as it is: special tokens written in the text (e.g.
 * {@code <|begin_of_text|>}) become their ids, and no BOS/EOS is added (what a prompt prefix
 * means is the caller's choice; {@link #encode(String, boolean)} applies the file's
 * post-processor). {@link #tokenBytes(int)} is computed here from the vocabulary: byte-level
 * tokens map back through GPT-2's byte↔symbol table, SentencePiece-style ones through ▁ and
 * {@code <0xNN>}; added tokens are their UTF-8 text.
 */
public final class HfTokenizer implements Tokenizer {
    static {
        // DJL picks a CUDA build (and downloads it) when it sees a GPU unless told otherwise; the
        // bundled CPU library is the one that works offline. Both are plain settings of DJL.
        if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
    }

    private final Path file;
    private final HuggingFaceTokenizer hf;
    private final String[] tokens;      // id -> token string as in the vocab (null for holes)
    private final byte[][] bytes;       // id -> the bytes it stands for
    private final boolean[] special;    // id -> an added token marked special
    private final Map<String, Integer> ids;
    private final int vocabSize;
    private final boolean byteLevel;    // decoder is GPT-2 byte-level: decode = concatenated token bytes

    private HfTokenizer(Path file, HuggingFaceTokenizer hf, JsonNode root) {
        this.file = file;
        this.hf = hf;
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode model = root.path("model");
        JsonNode v = model.path("vocab");
        if (!v.isObject()) {
            throw new ModelFormatException(file, "model.vocab", "is missing or not an object (model type '"
                    + model.path("type").asText("?") + "'; only BPE-style vocabularies are supported)");
        }
        int max = -1;
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new ModelFormatException(file, "model.vocab", "token '" + e.getKey() + "' has an invalid id " + e.getValue());
            }
            vocab.put(e.getKey(), e.getValue().asInt());
            max = Math.max(max, e.getValue().asInt());
        }
        Map<Integer, String> added = new HashMap<>();
        Map<Integer, Boolean> addedSpecial = new HashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            int id = a.path("id").asInt(-1);
            String content = a.path("content").asText(null);
            if (id < 0 || content == null) throw new ModelFormatException(file, "added_tokens", "entry " + a + " has no id/content");
            added.put(id, content);
            addedSpecial.put(id, a.path("special").asBoolean(false));
            vocab.put(content, id);
            max = Math.max(max, id);
        }
        this.vocabSize = max + 1;
        this.tokens = new String[vocabSize];
        this.special = new boolean[vocabSize];
        for (var e : vocab.entrySet()) tokens[e.getValue()] = e.getKey();
        this.ids = vocab;
        this.bytes = new byte[vocabSize][];
        String decoder = decoderKind(root.path("decoder"));
        this.byteLevel = decoder.equals("bytelevel");
        for (int id = 0; id < vocabSize; id++) {
            String t = tokens[id];
            if (t == null) { bytes[id] = new byte[0]; continue; }
            if (added.containsKey(id)) {
                bytes[id] = t.getBytes(StandardCharsets.UTF_8);
                special[id] = addedSpecial.get(id);
            } else {
                bytes[id] = decoder.equals("bytelevel") ? byteLevel(t) : metaspace(t);
            }
        }
    }

    /** Loads a tokenizer.json. */
    public static HfTokenizer load(Path tokenizerJson) {
        byte[] json;
        try {
            json = Files.readAllBytes(tokenizerJson);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(tokenizerJson, null, "no such file");
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerJson, null, "cannot read: " + e.getMessage(), e);
        }
        return load(tokenizerJson, json);
    }

    /**
     * Loads a tokenizer.json for a model with {@code modelVocab} rows of embedding: every id the
     * tokenizer can produce must be below it (a model's vocabulary may be padded past the
     * tokenizer's — mamba_ssm pads to a multiple of 8 — but never the other way round).
     */
    public static HfTokenizer load(Path tokenizerJson, int modelVocab) {
        HfTokenizer t = load(tokenizerJson);
        t.checkFits(modelVocab);
        return t;
    }

    /** Loads tokenizer.json bytes; {@code file} names them in errors. */
    public static HfTokenizer load(Path file, byte[] json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("model")) {
            throw new ModelFormatException(file, "model", "is missing: not a Hugging Face tokenizer.json");
        }
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file, null, "the tokenizers library cannot load it: " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            throw new ModelFormatException(file, null, "the native tokenizers library cannot be loaded on this platform: "
                    + e.getMessage(), e);
        }
        return new HfTokenizer(file, hf, root);
    }

    /** Fails, naming the file, if an id of this tokenizer would index past the model's vocabulary. */
    public void checkFits(int modelVocab) {
        if (vocabSize > modelVocab) {
            int first = -1;
            for (int id = modelVocab; id < vocabSize; id++) if (tokens[id] != null) { first = id; break; }
            throw new ModelFormatException(file, "vocab", "the tokenizer has ids up to " + (vocabSize - 1)
                    + (first >= 0 ? " (e.g. '" + tokens[first] + "' = " + first + ")" : "")
                    + " but the model's vocab_size is " + modelVocab + ": the vocabularies disagree");
        }
    }

    private static String decoderKind(JsonNode d) {
        String type = d.path("type").asText("");
        if (type.equals("ByteLevel")) return "bytelevel";
        if (type.equals("Sequence")) {
            for (JsonNode x : d.path("decoders")) if (x.path("type").asText("").equals("ByteLevel")) return "bytelevel";
        }
        return "metaspace";
    }

    // ------------------------------------------------------------------ Tokenizer

    @Override
    public int[] encode(String text) { return encode(text, false); }

    /** Encodes; with {@code addSpecialTokens} the file's post-processor adds its BOS/EOS (if any). */
    public int[] encode(String text, boolean addSpecialTokens) {
        Encoding e = hf.encode(text, addSpecialTokens, false);
        long[] l = e.getIds();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) out[i] = Math.toIntExact(l[i]);
        return out;
    }

    @Override
    public String decode(int[] ids) {
        if (!byteLevel) return decodeWithLibrary(ids, false); // Metaspace & co. strip/replace in context
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int id : ids) b.writeBytes(tokenBytes(checked(id)));
        // malformed UTF-8 (a token sequence cut inside a character) becomes U+FFFD, as the contract says
        return new String(b.toByteArray(), StandardCharsets.UTF_8);
    }

    /** Decodes through the library's own decoder chain (e.g. to compare with it). */
    public String decodeWithLibrary(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = checked(ids[i]);
        return hf.decode(l, skipSpecialTokens);
    }

    @Override
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= vocabSize) return new byte[0];
        return bytes[id].clone();
    }

    @Override
    public int vocabSize() { return vocabSize; }

    /** The token string of an id as written in the vocabulary, or null. */
    public String token(int id) { return id >= 0 && id < vocabSize ? tokens[id] : null; }

    /** The id of a token string (vocabulary or added token), or -1. */
    public int id(String token) { return ids.getOrDefault(token, -1); }

    /** True for added tokens marked special (BOS/EOS/…). */
    public boolean isSpecial(int id) { return id >= 0 && id < vocabSize && special[id]; }

    /** The tokenizer.json this came from. */
    public Path file() { return file; }

    private int checked(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("token id " + id + " is outside the tokenizer's vocabulary of " + vocabSize);
        }
        return id;
    }

    // ------------------------------------------------------------------ token → bytes

    /** GPT-2's symbol → byte table (openai/gpt-2 encoder.py bytes_to_unicode, inverted). */
    private static final int[] SYMBOL_TO_BYTE = new int[324];
    static {
        java.util.Arrays.fill(SYMBOL_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            int cp = printable ? b : 256 + n++;
            SYMBOL_TO_BYTE[cp] = b;
        }
    }

    private static byte[] byteLevel(String token) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < SYMBOL_TO_BYTE.length && SYMBOL_TO_BYTE[cp] >= 0) b.write(SYMBOL_TO_BYTE[cp]);
            else b.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    /** SentencePiece-style: ▁ is a space, {@code <0xNN>} a raw byte (byte_fallback). */
    private static byte[] metaspace(String token) {
        if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
            try {
                return new byte[]{(byte) Integer.parseInt(token.substring(3, 5), 16)};
            } catch (NumberFormatException ignored) {
                // not a byte token
            }
        }
        return token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }
}
