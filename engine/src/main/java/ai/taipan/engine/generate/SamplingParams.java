package ai.taipan.engine.generate;

import java.util.List;

/**
 * How the next token is picked (issue 2 "Generation"). Validated at construction, so a bad value
 * fails where it is given (a CLI option, a GUI field), naming the parameter.
 *
 * @param temperature T ≥ 0; logits are divided by T before the softmax. 0 means greedy (argmax;
 *                    top-k and top-p are then irrelevant). Typical 0.7–1.0.
 * @param topK        keep only the k most probable tokens (ties with the k-th kept too, as HF
 *                    transformers does); 0 = off.
 * @param topP        nucleus: keep the smallest set of most probable tokens whose probability mass
 *                    reaches p (always at least one); in (0, 1], 1 = off.
 * @param seed        seed of the {@link java.util.SplittableRandom} that draws the tokens: the same
 *                    seed, model and prompt give the same text.
 * @param maxTokens   stop after this many generated tokens (≥ 0).
 * @param stop        stop strings: generation ends when the text contains one; it is not emitted.
 */
public record SamplingParams(double temperature, int topK, double topP, long seed, int maxTokens, List<String> stop) {
    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (maxTokens < 0) throw new IllegalArgumentException("max-tokens must be >= 0, got " + maxTokens);
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) throw new IllegalArgumentException("a stop string must not be empty");
        }
    }

    /** Greedy decoding of up to {@code maxTokens} tokens, no stop strings. */
    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 0, 1, 0, maxTokens, List.of());
    }

    /** Plain temperature sampling (no top-k/top-p), seeded. */
    public static SamplingParams sampled(double temperature, long seed, int maxTokens) {
        return new SamplingParams(temperature, 0, 1, seed, maxTokens, List.of());
    }

    public SamplingParams withTopK(int k) { return new SamplingParams(temperature, k, topP, seed, maxTokens, stop); }

    public SamplingParams withTopP(double p) { return new SamplingParams(temperature, topK, p, seed, maxTokens, stop); }

    public SamplingParams withSeed(long s) { return new SamplingParams(temperature, topK, topP, s, maxTokens, stop); }

    public SamplingParams withStop(List<String> s) { return new SamplingParams(temperature, topK, topP, seed, maxTokens, s); }

    public SamplingParams withMaxTokens(int n) { return new SamplingParams(temperature, topK, topP, seed, n, stop); }

    /** True when every token is the argmax. */
    public boolean isGreedy() { return temperature == 0; }
}
