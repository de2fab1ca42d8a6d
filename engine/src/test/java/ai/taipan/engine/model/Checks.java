package ai.taipan.engine.model;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison that prints first values and the max difference (STYLE.md, llm.c check_tensor). */
final class Checks {
    private Checks() {}

    /** |a − e| ≤ atol + rtol·|e| for every element, else fails with the first values and the worst element. */
    static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        double maxDiff = 0;
        int worst = -1, bad = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (!(d <= atol + rtol * Math.abs(expected[i]))) {
                bad++;
                if (worst < 0 || d > maxDiff || Double.isNaN(d)) { maxDiff = d; worst = i; }
            } else if (worst < 0 && d > maxDiff) {
                maxDiff = d;
            }
        }
        if (bad > 0) {
            fail(String.format("%s: %d of %d elements differ; max |diff| %.3g at [%d] (actual %.7g, expected %.7g)%n"
                    + "  first actual:   %s%n  first expected: %s", what, bad, expected.length, maxDiff, worst,
                    actual[worst], expected[worst], first(actual), first(expected)));
        }
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    static String first(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(6, v.length); i++) sb.append(i == 0 ? "" : ", ").append(String.format("%.6g", v[i]));
        return sb.append(v.length > 6 ? ", …]" : "]").toString();
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
