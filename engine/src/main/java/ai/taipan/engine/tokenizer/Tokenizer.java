package ai.taipan.engine.tokenizer;

/** Text ↔ token ids. Implementations are immutable and thread-safe. */
public interface Tokenizer {
    /** Token ids for the text; fails with a clear message for text the vocabulary cannot encode. */
    int[] encode(String text);

    /** The text of a sequence of ids (bytes of an incomplete UTF-8 sequence become U+FFFD). */
    String decode(int[] ids);

    /** The raw bytes one token stands for (for streaming decoders that must join partial UTF-8). */
    byte[] tokenBytes(int id);

    /** Number of ids this tokenizer can produce. */
    int vocabSize();
}
