package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Half;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kernel path against a plain reference loop in double, on odd sizes (1 … 257: not multiples
 * of the 8/16-lane vectors, nor of the 2-panel groups) and 1–17 tokens (around the 8-token register
 * block), and 300 tokens on two shapes (past the vector matmul's 256-token chunk). Half storage is checked against the reference on the rounded weights, so the only
 * difference left is float summation: |out − ref| ≤ 1e-6 + 1e-5·Σ_c |w_rc·x_c| (the float error
 * bound scales with the sum of magnitudes, not with |ref|, which cancellation can make ~0).
 */
class MatrixPathsTest {
    static final int[] SIZES = {1, 3, 7, 17, 33, 65, 127, 257};
    static final int PAD = 5; // sentinel slots around the output, to catch writes outside it

    @Test
    void vectorIsAvailableInTests() {
        // surefire runs with --add-modules jdk.incubator.vector (parent pom): the vector path must be live here
        assertTrue(Kernels.vectorAvailable(), "jdk.incubator.vector should be present in the test JVM");
        assertTrue(VectorOps.vectorized());
    }

    @Test
    void scalarF32() { checkAll(DType.F32, Kernels.Path.SCALAR, ScalarMatrix.class); }

    @Test
    void scalarF16() { checkAll(DType.F16, Kernels.Path.SCALAR, ScalarHalfMatrix.class); }

    @Test
    void scalarBf16() { checkAll(DType.BF16, Kernels.Path.SCALAR, ScalarHalfMatrix.class); }

    @Test
    void vectorF32() { checkAll(DType.F32, Kernels.Path.VECTOR, VectorF32Matrix.class); }

    @Test
    void vectorF16() { checkAll(DType.F16, Kernels.Path.VECTOR, VectorHalfMatrix.class); }

    @Test
    void vectorBf16() { checkAll(DType.BF16, Kernels.Path.VECTOR, VectorHalfMatrix.class); }

    @Test
    void autoUsesVector() {
        Matrix m = Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.AUTO);
        assertEquals(VectorF32Matrix.class, m.getClass());
    }

    /** ND4J: one small case — its natives unpack slowly on a cold cache (see engine/BENCHMARKS.md). */
    @Test
    void nd4jF32() {
        long t0 = System.nanoTime();
        Random rnd = new Random(7);
        Matrix m = Matrices.of(randomWeights(rnd, 17 * 33), 17, 33, DType.F32, Kernels.Path.ND4J);
        assertEquals("Nd4jMatrix", m.getClass().getSimpleName());
        check(m, referenceWeights(m, 17, 33), rnd, 1);
        check(m, referenceWeights(m, 17, 33), rnd, 5);
        System.out.printf("ND4J first use (load + 2 products): %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void nd4jWithHalfStorageUsesVectorKernels() {
        assertEquals(VectorHalfMatrix.class, Matrices.of(new float[6], 2, 3, DType.BF16, Kernels.Path.ND4J).getClass());
    }

    @Test
    void halfWeightsAreRoundedToNearestEven() {
        float[] w = {1.0f, 1.00048828125f /* 1 + 2^-11: an F16 tie → even (1.0) */, 1.0009765625f, -65504f, 3e-6f /* F16 subnormal */, 0f};
        Matrix f16 = Matrices.of(w, 2, 3, DType.F16, Kernels.Path.VECTOR);
        Matrix s16 = Matrices.of(w, 2, 3, DType.F16, Kernels.Path.SCALAR);
        for (int i = 0; i < w.length; i++) {
            float expect = Half.f16ToFloat(Half.floatToF16(w[i]));
            assertEquals(expect, f16.get(i / 3, i % 3), 0f, "vector F16 element " + i);
            assertEquals(expect, s16.get(i / 3, i % 3), 0f, "scalar F16 element " + i);
        }
        assertEquals(1.0f, f16.get(0, 1), 0f);
        Matrix bf = Matrices.of(w, 2, 3, DType.BF16, Kernels.Path.VECTOR);
        for (int i = 0; i < w.length; i++) {
            assertEquals(Half.bf16ToFloat(Half.floatToBf16(w[i])), bf.get(i / 3, i % 3), 0f, "BF16 element " + i);
        }
    }

    @Test
    void f16RejectsWeightsOutsideItsRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Matrices.of(new float[] {0f, 1e5f}, 1, 2, DType.F16, Kernels.Path.VECTOR));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
    }

    @Test
    void badShapesAndTypesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Matrices.of(new float[5], 2, 3, DType.F32, Kernels.Path.VECTOR));
        assertThrows(IllegalArgumentException.class, () -> Matrices.of(new float[6], 2, 3, DType.F64, Kernels.Path.VECTOR));
        Matrix m = Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.VECTOR);
        assertThrows(IndexOutOfBoundsException.class, () -> m.matmul(new float[3], 0, new float[6], 0, 2));
    }

    @Test
    void bytesFollowStorage() {
        assertEquals(2L * 3 * 4, Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.VECTOR).bytes());
        assertEquals(2L * 3 * 2, Matrices.of(new float[6], 2, 3, DType.BF16, Kernels.Path.VECTOR).bytes());
    }

    private void checkAll(DType storage, Kernels.Path path, Class<?> expected) {
        Random rnd = new Random(42 + storage.ordinal() * 31L + path.ordinal());
        for (int rows : SIZES) {
            for (int cols : SIZES) {
                Matrix m = Matrices.of(randomWeights(rnd, rows * cols), rows, cols, storage, path);
                assertEquals(expected, m.getClass());
                assertEquals(storage, m.dtype());
                double[] ref = referenceWeights(m, rows, cols);
                // tokens 1..17 on a few shapes, 1, 7, 8 and 9 on the rest: the 8-token block and its tail
                boolean full = rows == 33 || rows == 257 || cols == 17;
                for (int t = 1; t <= 17; t++) if (full || t == 1 || (t >= 7 && t <= 9)) check(m, ref, rnd, t);
                if ((rows == 33 && cols == 65) || (rows == 65 && cols == 7)) check(m, ref, rnd, 300);
            }
        }
    }

    /**
     * The vector paths give a token the same floats, bit for bit, whatever else is in the call:
     * matvec alone, or matmul among 2, 5, 8, 9, 13 or 300 tokens at any place (one FMA chain per
     * output, in column order, in every kernel); Session.prefill's last-token logits rely on it.
     */
    @Test
    void vectorTokenOutputsDoNotDependOnTheBatch() {
        Random rnd = new Random(5);
        for (DType dt : new DType[]{DType.F32, DType.BF16, DType.F16}) {
            for (int[] shape : new int[][]{{33, 65}, {257, 17}, {40, 768}}) {
                int rows = shape[0], cols = shape[1];
                Matrix m = Matrices.of(randomWeights(rnd, rows * cols), rows, cols, dt, Kernels.Path.VECTOR);
                for (int tokens : new int[]{2, 5, 8, 9, 13, 300}) {
                    float[] x = new float[tokens * cols];
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                    float[] all = new float[tokens * rows], one = new float[rows];
                    m.matmul(all, 0, x, 0, tokens);
                    for (int t : new int[]{0, tokens / 2, tokens - 1}) {
                        m.matvec(one, 0, x, t * cols);
                        assertArrayEquals(one, java.util.Arrays.copyOfRange(all, t * rows, (t + 1) * rows),
                                dt + " " + rows + "x" + cols + ": token " + t + " of " + tokens);
                    }
                }
            }
        }
    }

    /** The stored weights, read back with get(), checked against row() too. */
    private static double[] referenceWeights(Matrix m, int rows, int cols) {
        double[] ref = new double[rows * cols];
        float[] row = new float[cols + 2];
        for (int r = 0; r < rows; r++) {
            m.row(r, row, 1);
            for (int c = 0; c < cols; c++) {
                ref[r * cols + c] = m.get(r, c);
                if (row[1 + c] != m.get(r, c)) fail("row(" + r + ")[" + c + "] != get(" + r + ", " + c + ")");
            }
        }
        return ref;
    }

    static void check(Matrix m, double[] w, Random rnd, int tokens) {
        int rows = m.rows(), cols = m.cols();
        float[] x = new float[PAD + tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] out = new float[2 * PAD + tokens * rows];
        java.util.Arrays.fill(out, Float.NaN);
        if (tokens == 1) m.matvec(out, PAD, x, PAD);
        else m.matmul(out, PAD, x, PAD, tokens);
        for (int i = 0; i < PAD; i++) {
            assertTrue(Float.isNaN(out[i]) && Float.isNaN(out[out.length - 1 - i]),
                    m.getClass().getSimpleName() + " wrote outside its output");
        }
        // spot checks also against the stored weights, as the kernels should use them
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double s = 0, mag = 0;
                for (int c = 0; c < cols; c++) {
                    double p = w[r * cols + c] * x[PAD + t * cols + c];
                    s += p;
                    mag += Math.abs(p);
                }
                double got = out[PAD + t * rows + r];
                double tol = 1e-6 + 1e-5 * mag;
                if (!(Math.abs(got - s) <= tol)) {
                    fail(String.format("%s %s %dx%d tokens=%d: out[t=%d, r=%d] = %s, reference %s (tol %.3g)",
                            m.getClass().getSimpleName(), m.dtype(), rows, cols, tokens, t, r, got, s, tol));
                }
            }
        }
    }

    static float[] randomWeights(Random rnd, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            // mostly N(0, 0.5), some tiny values (F16 subnormals) and exact zeros
            int k = rnd.nextInt(20);
            w[i] = k == 0 ? 0f : k == 1 ? (float) (rnd.nextGaussian() * 1e-6) : (float) (rnd.nextGaussian() * 0.5);
        }
        return w;
    }
}
