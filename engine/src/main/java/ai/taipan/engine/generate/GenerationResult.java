package ai.taipan.engine.generate;

/**
 * The outcome of one {@link Generator#generate} call.
 *
 * @param promptIds    the prompt's token ids
 * @param ids          every generated token id, in order (including those that spelled a stop string)
 * @param text         the generated text, up to but not including a stop string
 * @param stopReason   why generation ended
 * @param matchedStop  the stop string that ended it, or null
 * @param prefillNanos wall time of the prompt prefill
 * @param decodeNanos  wall time from the end of prefill to the end (sampling and decode steps)
 * @param decodeSteps  number of single-token decode steps run (the last token is sampled but not
 *                     fed back, as in HF generate, so this is ids.length − 1 at most)
 */
public record GenerationResult(int[] promptIds, int[] ids, String text, StopReason stopReason, String matchedStop,
                               long prefillNanos, long decodeNanos, int decodeSteps) {

    public double prefillMs() { return prefillNanos / 1e6; }

    public double decodeMs() { return decodeNanos / 1e6; }

    /** Prompt tokens per second of prefill (0 when nothing was timed). */
    public double prefillTokensPerSecond() { return prefillNanos > 0 ? promptIds.length / (prefillNanos / 1e9) : 0; }

    /** Decode steps per second (0 when no step ran). */
    public double decodeTokensPerSecond() { return decodeSteps > 0 && decodeNanos > 0 ? decodeSteps / (decodeNanos / 1e9) : 0; }

    /** One line for logs and the CLI: token counts, timings, why it stopped. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "%d prompt tokens, prefill %.1f ms (%.0f tok/s); %d tokens generated, decode %.1f tok/s; stopped: %s",
                promptIds.length, prefillMs(), prefillTokensPerSecond(), ids.length, decodeTokensPerSecond(),
                stopReason.words() + (matchedStop != null ? " " + quote(matchedStop) : ""));
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\"", "\\\"") + '"';
    }
}
