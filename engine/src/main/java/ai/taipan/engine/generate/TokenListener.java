package ai.taipan.engine.generate;

/**
 * Receives generated tokens as they are produced, on the generating thread. {@code textPiece} is
 * the text that became safe to show with this token (see {@link StreamingText}): often one
 * character, sometimes "" (the first byte of a multi-byte character, or text that may begin a
 * stop string), sometimes several characters at once. The pieces of one generation concatenate
 * to {@link GenerationResult#text()}.
 */
@FunctionalInterface
public interface TokenListener {
    void onToken(int id, String textPiece);

    /** A listener that ignores everything. */
    TokenListener NONE = (id, piece) -> { };
}
