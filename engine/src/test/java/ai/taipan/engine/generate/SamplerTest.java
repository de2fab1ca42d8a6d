package ai.taipan.engine.generate;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampler against distributions computed by hand. Logits ln(1..4) give the softmax
 * (0.1, 0.2, 0.3, 0.4) at T = 1, ∝ (1, 4, 9, 16) at T = 1/2 and ∝ (1, √2, √3, 2) at T = 2.
 */
class SamplerTest {
    private static final float[] L1234 = {(float) Math.log(1), (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)};
    private static final double EPS = 1e-6; // float logits: ln(k) is rounded to 24 bits

    private static SamplingParams t(double temperature) { return SamplingParams.sampled(temperature, 7, 100); }

    private static double[] dist(SamplingParams p, float[] logits) { return new Sampler(p, logits.length).distribution(logits); }

    @Test
    void greedyIsArgmaxWithLowestIdOnTiesAndIgnoresTopKTopP() {
        Sampler s = new Sampler(SamplingParams.greedy(5).withTopK(1).withTopP(0.1), 5);
        assertEquals(3, s.sample(new float[]{0, 1, 2, 5, -1}));
        assertEquals(1, s.sample(new float[]{0, 5, 2, 5, -1}));
        assertArrayEquals(new double[]{0, 0, 0, 1, 0}, s.distribution(new float[]{0, 1, 2, 5, -1}));
        assertEquals(0, Sampler.argmax(new float[]{Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 2));
    }

    @Test
    void temperatureScalesTheSoftmax() {
        assertArrayEquals(new double[]{0.1, 0.2, 0.3, 0.4}, dist(t(1), L1234), EPS);
        assertArrayEquals(new double[]{1 / 30.0, 4 / 30.0, 9 / 30.0, 16 / 30.0}, dist(t(0.5), L1234), EPS);
        double z = 1 + Math.sqrt(2) + Math.sqrt(3) + 2;
        assertArrayEquals(new double[]{1 / z, Math.sqrt(2) / z, Math.sqrt(3) / z, 2 / z}, dist(t(2), L1234), EPS);
        // a tiny temperature tends to the argmax instead of overflowing to NaN
        assertArrayEquals(new double[]{0, 1}, dist(t(1e-30), new float[]{1f, 1.0001f}), 0);
        // -inf logits are never drawn; +inf takes all the mass
        assertArrayEquals(new double[]{0, 0.5, 0.5}, dist(t(1), new float[]{Float.NEGATIVE_INFINITY, 3, 3}), EPS);
        assertArrayEquals(new double[]{0, 1, 0}, dist(t(1), new float[]{7, Float.POSITIVE_INFINITY, 1}), 0);
    }

    @Test
    void topKKeepsTheKMostProbableAndTheirTies() {
        assertArrayEquals(new double[]{0, 0, 3 / 7.0, 4 / 7.0}, dist(t(1).withTopK(2), L1234), EPS);
        assertArrayEquals(new double[]{0, 0, 0, 1}, dist(t(1).withTopK(1), L1234), EPS);
        assertArrayEquals(new double[]{0.1, 0.2, 0.3, 0.4}, dist(t(1).withTopK(4), L1234), EPS);
        assertArrayEquals(new double[]{0.1, 0.2, 0.3, 0.4}, dist(t(1).withTopK(50), L1234), EPS);
        // k = 1 with three logits tied at the top keeps all three (HF transformers' TopKLogitsWarper)
        assertArrayEquals(new double[]{1 / 3.0, 0, 1 / 3.0, 1 / 3.0}, dist(t(1).withTopK(1), new float[]{2, 0, 2, 2}), EPS);
    }

    @Test
    void topPKeepsExactlyTheSmallestSetReachingP() {
        // sorted: 0.4, 0.3, 0.2, 0.1 ; cumulative 0.4, 0.7, 0.9, 1.0 (float logits make these
        // sums exact only to ~1e-7, so the thresholds stay clear of them)
        assertArrayEquals(new double[]{0, 0, 0, 1}, dist(t(1).withTopP(0.39), L1234), EPS);
        assertArrayEquals(new double[]{0, 0, 3 / 7.0, 4 / 7.0}, dist(t(1).withTopP(0.41), L1234), EPS);
        assertArrayEquals(new double[]{0, 0, 3 / 7.0, 4 / 7.0}, dist(t(1).withTopP(0.69), L1234), EPS);
        assertArrayEquals(new double[]{0, 2 / 9.0, 3 / 9.0, 4 / 9.0}, dist(t(1).withTopP(0.71), L1234), EPS);
        assertArrayEquals(new double[]{0.1, 0.2, 0.3, 0.4}, dist(t(1).withTopP(0.95), L1234), EPS);
        // equal logits give exactly 0.25 each: a mass of exactly p is enough, and ties go to the lower id
        float[] flat = {0f, 0f, 0f, 0f};
        assertArrayEquals(new double[]{0.5, 0.5, 0, 0}, dist(t(1).withTopP(0.5), flat), 0);
        assertArrayEquals(new double[]{1 / 3.0, 1 / 3.0, 1 / 3.0, 0}, dist(t(1).withTopP(0.5 + 1e-9), flat), 1e-15);
        assertArrayEquals(new double[]{1, 0, 0, 0}, dist(t(1).withTopP(0.25), flat), 0);
        // top-p applies to the softmax at temperature T (HF order: temperature, top-k, top-p)
        // T = 1/2: 16/30 = 0.533 alone reaches 0.5
        assertArrayEquals(new double[]{0, 0, 0, 1}, dist(t(0.5).withTopP(0.5), L1234), EPS);
    }

    @Test
    void topKThenTopP() {
        // top-3: 0.4/0.9, 0.3/0.9, 0.2/0.9 = 0.444, 0.333, 0.222 ; p = 0.7 keeps the first two (0.778)
        assertArrayEquals(new double[]{0, 0, 3 / 7.0, 4 / 7.0}, dist(t(1).withTopK(3).withTopP(0.7), L1234), EPS);
    }

    @Test
    void drawFrequenciesMatchTheDistribution() {
        float[] logits = {0.3f, -1.2f, 2.0f, 0.0f, 1.1f, -3f};
        int n = 200_000;
        for (SamplingParams p : List.of(t(0.8), t(1.3).withTopK(3), t(1).withTopP(0.8))) {
            Sampler s = new Sampler(p.withSeed(12345), logits.length);
            // expected: hand-rolled softmax of logits / T, then the filters by brute force
            double[] expected = expected(logits, p);
            assertArrayEquals(expected, s.distribution(logits), 1e-9, p.toString());
            int[] count = new int[logits.length];
            for (int i = 0; i < n; i++) count[s.sample(logits)]++;
            for (int i = 0; i < logits.length; i++) {
                double f = count[i] / (double) n;
                double sigma = Math.sqrt(expected[i] * (1 - expected[i]) / n);
                if (expected[i] == 0) assertEquals(0, count[i], p + " drew filtered id " + i);
                else assertEquals(expected[i], f, 5 * sigma, p + " id " + i + " counts " + Arrays.toString(count));
            }
        }
    }

    /** Brute force: softmax at T, keep ids whose rank < k, then the smallest top set with mass ≥ p. */
    private static double[] expected(float[] logits, SamplingParams p) {
        int v = logits.length;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int k = p.topK() == 0 ? v : p.topK();
        double[] w = new double[v];
        double sum = 0;
        for (int r = 0; r < k; r++) sum += (w[order[r]] = Math.exp(logits[order[r]] / p.temperature()));
        double acc = 0;
        double[] out = new double[v];
        double kept = 0;
        for (int r = 0; r < k && acc < p.topP() - 1e-12; r++) {
            acc += w[order[r]] / sum;
            out[order[r]] = w[order[r]];
            kept += w[order[r]];
        }
        for (int i = 0; i < v; i++) out[i] /= kept;
        return out;
    }

    @Test
    void theSameSeedGivesTheSameDraws() {
        float[] logits = {0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0f, -0.1f, -0.2f};
        SamplingParams p = t(1.0).withTopP(0.9).withSeed(42);
        int[] a = draws(new Sampler(p, 8), logits), b = draws(new Sampler(p, 8), logits);
        int[] c = draws(new Sampler(p.withSeed(43), 8), logits);
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    private static int[] draws(Sampler s, float[] logits) {
        int[] r = new int[500];
        for (int i = 0; i < r.length; i++) r[i] = s.sample(logits);
        return r;
    }

    @Test
    void onlyIdsInsideTheVocabularyAreDrawn() {
        float[] logits = {0f, 0f, 100f, 100f}; // a padded model row: ids 2, 3 are not tokens
        Sampler s = new Sampler(t(1), 2);
        for (int i = 0; i < 100; i++) assertTrue(s.sample(logits) < 2);
        assertEquals(1, new Sampler(SamplingParams.greedy(1), 2).sample(new float[]{0f, 1f, 100f}));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(t(1), 5).sample(new float[3]));
    }

    @Test
    void nanLogitsAreAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Sampler(t(1), 3).sample(new float[]{0f, Float.NaN, 1f}));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("1"), e.getMessage());
    }

    @Test
    void parametersAreValidatedNamingTheParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t(-1)).getMessage().contains("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t(Double.NaN)).getMessage().contains("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t(1).withTopK(-1)).getMessage().contains("top-k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t(1).withTopP(0)).getMessage().contains("top-p"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t(1).withTopP(1.5)).getMessage().contains("top-p"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t(1).withMaxTokens(-1)).getMessage().contains("max-tokens"));
        assertThrows(IllegalArgumentException.class, () -> t(1).withStop(List.of("")));
        assertEquals(List.of(), new SamplingParams(1, 0, 1, 0, 1, null).stop());
    }
}
