package ai.taipan.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The byte tokenizer ({@code "tokenizer": {"type": "bytes"}}): token id = UTF-8 byte value.
 * A model whose vocab_size is below 256 can only take the bytes below its vocab size; any other
 * byte is an unknown token and a clear error.
 */
public final class ByteTokenizer implements Tokenizer {
    private final int modelVocab;

    /** @param modelVocab the model's vocab_size (ids at or past min(256, vocab) cannot be encoded) */
    public ByteTokenizer(int modelVocab) {
        this.modelVocab = modelVocab;
    }

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        int limit = Math.min(256, modelVocab);
        for (int i = 0; i < b.length; i++) {
            int v = b[i] & 0xff;
            if (v >= limit) {
                int cp = characterAt(text, i);
                throw new IllegalArgumentException("byte 0x" + Integer.toHexString(v) + " at byte offset " + i
                        + " (of " + (Character.isISOControl(cp) ? String.format("U+%04X", cp) : "'" + Character.toString(cp) + "'")
                        + ") is an unknown token: the model's vocab_size is " + modelVocab);
            }
            ids[i] = v;
        }
        return ids;
    }

    /** The code point whose UTF-8 encoding covers byte offset {@code byteOffset}. */
    private static int characterAt(String text, int byteOffset) {
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes > byteOffset) return cp;
            i += Character.charCount(cp);
        }
        return 0xFFFD;
    }

    @Override
    public String decode(int[] ids) {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) b[i] = (byte) ids[i];
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return id >= 0 && id < 256 ? new byte[]{(byte) id} : new byte[0];
    }

    @Override
    public int vocabSize() { return Math.min(256, modelVocab); }
}
