package ai.taipan.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VectorOps (vector) and ScalarOps against double references, odd lengths and offsets. */
class VectorOpsTest {
    static final int[] LENGTHS = {0, 1, 3, 7, 15, 16, 17, 31, 33, 65, 127, 257, 1000};

    @Test
    void vectorAndScalarAgreeWithReference() {
        VectorOps.Ops simd = (VectorOps.Ops) Kernels.instantiate("ai.taipan.engine.kernel.SimdOps", new Class<?>[0]);
        for (VectorOps.Ops ops : new VectorOps.Ops[] {simd, new ScalarOps()}) check(ops);
    }

    @Test
    void publicFacadeUsesVectorPathInTests() {
        assertTrue(VectorOps.vectorized());
        float[] a = {1, 2, 3}, b = {4, 5, 6};
        assertEquals(32f, VectorOps.dot(a, 0, b, 0, 3), 0f);
        assertEquals(14f, VectorOps.sumOfSquares(a, 0, 3), 0f);
    }

    private static void check(VectorOps.Ops ops) {
        Random rnd = new Random(3);
        String name = ops.getClass().getSimpleName();
        for (int n : LENGTHS) {
            int aOff = rnd.nextInt(5), bOff = rnd.nextInt(5);
            float[] a = random(rnd, aOff + n + 3), b = random(rnd, bOff + n + 2);
            double dot = 0, mag = 0, ss = 0;
            for (int i = 0; i < n; i++) {
                dot += (double) a[aOff + i] * b[bOff + i];
                mag += Math.abs((double) a[aOff + i] * b[bOff + i]);
                ss += (double) a[aOff + i] * a[aOff + i];
            }
            assertEquals(dot, ops.dot(a, aOff, b, bOff, n), 1e-6 + 1e-5 * mag, name + " dot n=" + n);
            assertEquals(ss, ops.sumOfSquares(a, aOff, n), 1e-6 + 1e-5 * ss, name + " sumOfSquares n=" + n);

            float alpha = (float) rnd.nextGaussian();
            float[] y = b.clone();
            ops.axpy(alpha, a, aOff, y, bOff, n);
            for (int i = 0; i < y.length; i++) {
                boolean inside = i >= bOff && i < bOff + n;
                double want = inside ? b[i] + (double) alpha * a[aOff + i - bOff] : b[i];
                assertEquals(want, y[i], 1e-6 * (1 + Math.abs(want)), name + " axpy n=" + n + " i=" + i);
            }
            float[] s = a.clone();
            ops.scale(s, aOff, n, alpha);
            for (int i = 0; i < s.length; i++) {
                boolean inside = i >= aOff && i < aOff + n;
                assertEquals(inside ? a[i] * alpha : a[i], s[i], 0f, name + " scale n=" + n + " i=" + i);
            }
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }
}
