package ai.taipan.engine.eval;

import ai.taipan.engine.tasks.TextCorpus;

import java.util.List;

/**
 * Bits per byte on held-out text at one context length.
 *
 * <p>{@code windows} windows of {@code context} bytes, spread evenly over the corpus split
 * ({@link TextCorpus#evenWindows}: the same text for every model), each run from an empty state.
 * Only the last {@code scoredFraction} of each window is scored — m = max(1, round(fraction·context))
 * tokens, each predicted with between context − m and context − 1 tokens of history — so the
 * number measures the model at that context length, not mostly at short ones. bits/byte =
 * mean over scored tokens of −log₂ softmax(logits)[next byte] (byte tokens: one token per byte).
 */
public final class TextEvaluator {
    public static final double DEFAULT_SCORED_FRACTION = 0.25;

    private TextEvaluator() {}

    public static TextScore bitsPerByte(ScoringModel model, TextCorpus corpus, int context, int windows, double scoredFraction) {
        if (context < 2) throw new IllegalArgumentException("text context must be at least 2, got " + context);
        if (windows < 1) throw new IllegalArgumentException("need at least one text window, got " + windows);
        if (!(scoredFraction > 0 && scoredFraction <= 1)) {
            throw new IllegalArgumentException("scored fraction must be in (0, 1], got " + scoredFraction);
        }
        long t0 = System.nanoTime();
        int m = (int) Math.min(context - 1, Math.max(1, Math.round(scoredFraction * context)));
        int firstScored = context - m;                 // tokens [firstScored, context) are scored
        List<int[]> ws = corpus.evenWindows(context, windows);
        double nats = 0;
        long scored = 0;
        for (int[] ids : ws) {
            for (int id : ids) {
                if (id >= model.vocabSize()) {
                    throw new IllegalArgumentException("text byte " + id + " is past the model's vocab_size " + model.vocabSize());
                }
            }
            double[] sum = {0};
            model.run(ids, k -> k >= firstScored - 1 && k < context - 1,
                    (k, logits) -> sum[0] += ScoringModel.crossEntropy(logits, ids[k + 1]));
            nats += sum[0];
            scored += m;
        }
        return new TextScore(context, windows, scored, nats / scored / Math.log(2), (System.nanoTime() - t0) / 1e9);
    }
}
