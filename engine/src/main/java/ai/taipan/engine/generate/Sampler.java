package ai.taipan.engine.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits (issue 2 "Generation"): greedy when T = 0, else
 * temperature, then top-k, then top-p (nucleus), the order HF transformers applies its warpers:
 *
 * <pre>
 *   K   = {i < vocab : l_i ≥ l_(k)}    top-k: the k largest logits, ties with the k-th kept
 *   p_i = exp((l_i − max_K l) / T) / Σ_K exp(...)     softmax at temperature T over K
 *   P   = shortest prefix of K by p descending (ties: lower id first) with Σ p ≥ top_p
 *   draw i ∈ P with probability p_i / Σ_P p
 * </pre>
 *
 * One {@link SplittableRandom} seeded from {@link SamplingParams#seed()} drives every draw, so the
 * same seed gives the same sequence. Buffers are sized once from the vocabulary; a sampler is for
 * one generation on one thread.
 */
public final class Sampler {
    private final SamplingParams params;
    private final int vocab;
    private final SplittableRandom random;
    // work buffers, [vocab]
    private final long[] keys;     // sort keys: descending logit, then ascending id
    private final int[] kept;      // ids that survive top-k/top-p, most probable first (or id order)
    private final double[] weight; // unnormalised probability of kept[j]

    /**
     * @param vocab ids {@code [0, vocab)} may be drawn: the tokenizer's vocabulary, which can be
     *              smaller than the model's padded vocab_size (logit rows may be longer)
     */
    public Sampler(SamplingParams params, int vocab) {
        if (vocab <= 0) throw new IllegalArgumentException("vocabulary must be positive, got " + vocab);
        this.params = params;
        this.vocab = vocab;
        this.random = new SplittableRandom(params.seed());
        this.keys = new long[vocab];
        this.kept = new int[vocab];
        this.weight = new double[vocab];
    }

    public SamplingParams params() { return params; }

    /** The next token for these logits (length ≥ vocab). */
    public int sample(float[] logits) {
        check(logits);
        if (params.isGreedy()) return argmax(logits, vocab);
        int m = prepare(logits);
        double total = 0;
        for (int j = 0; j < m; j++) total += weight[j];
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int j = 0; j < m; j++) {
            acc += weight[j];
            if (u < acc) return kept[j];
        }
        return kept[m - 1]; // u within rounding of the total
    }

    /**
     * The probabilities the next {@link #sample} call draws from, [vocab] (zeros for filtered
     * tokens; greedy gives a one-hot). Consumes no randomness: for tests and for showing the
     * distribution in the workbench.
     */
    public double[] distribution(float[] logits) {
        check(logits);
        double[] p = new double[vocab];
        if (params.isGreedy()) {
            p[argmax(logits, vocab)] = 1;
            return p;
        }
        int m = prepare(logits);
        double total = 0;
        for (int j = 0; j < m; j++) total += weight[j];
        for (int j = 0; j < m; j++) p[kept[j]] = weight[j] / total;
        return p;
    }

    /** Index of the largest of the first n logits; the lowest index wins a tie. */
    public static int argmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Fills kept[0..m) and weight[0..m) (unnormalised), returns m ≥ 1. */
    private int prepare(float[] logits) {
        double invT = 1.0 / params.temperature();
        int k = params.topK() > 0 && params.topK() < vocab ? params.topK() : vocab;
        boolean nucleus = params.topP() < 1;
        int m;
        if (k == vocab && !nucleus) {
            // plain temperature: no order needed, keep every id
            for (int i = 0; i < vocab; i++) kept[i] = i;
            m = vocab;
        } else {
            for (int i = 0; i < vocab; i++) keys[i] = ((long) ~sortable(logits[i]) << 32) | i;
            Arrays.sort(keys); // logit descending, id ascending
            for (int j = 0; j < vocab; j++) kept[j] = (int) keys[j];
            m = k;
            float kth = logits[kept[k - 1]];
            while (m < vocab && logits[kept[m]] == kth) m++; // ties with the k-th stay (HF top-k)
        }
        // exp((l − l_max)/T): subtracting before scaling keeps a tiny T from turning two different
        // logits into two infinities; l == l_max gets weight 1 even when l_max is ±inf
        float lmax = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < m; j++) lmax = Math.max(lmax, logits[kept[j]]);
        double total = 0;
        for (int j = 0; j < m; j++) {
            float l = logits[kept[j]];
            double w = l == lmax ? 1.0 : Math.exp(((double) l - lmax) * invT);
            weight[j] = w;
            total += w;
        }
        if (nucleus) {
            // kept[] is sorted by probability here; stop at the first prefix whose mass reaches p
            // (a relative slack of 1e-12 so that a mass that is p up to rounding counts as p)
            double target = params.topP() * total * (1 - 1e-12);
            double acc = 0;
            int j = 0;
            while (j < m) {
                acc += weight[j++];
                if (acc >= target) break;
            }
            m = j;
        }
        return m;
    }

    /** A float's bits as an int that orders like the float (for -inf..+inf; NaN is refused before). */
    private static int sortable(float f) {
        int b = Float.floatToIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    private void check(float[] logits) {
        if (logits.length < vocab) {
            throw new IllegalArgumentException("logits have " + logits.length + " entries, the vocabulary " + vocab);
        }
        for (int i = 0; i < vocab; i++) {
            if (Float.isNaN(logits[i])) throw new IllegalStateException("the model produced a NaN logit (token id " + i + ")");
        }
        // all -inf: every id ties at the maximum and is equally likely (see prepare)
    }
}
