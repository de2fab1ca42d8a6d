package ai.taipan.engine.generate;

/** Why a generation ended. */
public enum StopReason {
    /** {@link SamplingParams#maxTokens()} tokens were generated. */
    MAX_TOKENS,
    /** A stop string appeared in the text (it is not part of the result text). */
    STOP_STRING,
    /** The caller's cancellation flag was seen. */
    CANCELLED;

    /** Lower-case words for messages, e.g. "max tokens". */
    public String words() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '); }
}
