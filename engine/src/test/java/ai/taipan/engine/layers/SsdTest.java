package ai.taipan.engine.layers;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SSD forms against the plain sequential scan on random inputs (mamba.py compare_seq_pscan):
 * same outputs and final state, tolerance growing with |ref|, for chunk sizes that do and do not
 * divide T, a non-zero initial state, several groups, and strong decay (large Δ·|A|). The plain
 * chunked form and the fast forms (vectorised, heads in parallel) are each compared with it, on
 * sizes that are and are not a multiple of the vector width.
 */
class SsdTest {
    static final int H = 6, P = 5, N = 7, G = 3;

    static void check(String what, float[] ref, float[] got) {
        double worst = 1;
        int at = -1;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(ref[i] - got[i]) / (1e-5 + 1e-4 * Math.abs(ref[i]));
            if (!(d <= worst)) { worst = d; at = i; }
        }
        if (at >= 0) {
            fail(what + ": |diff| " + Math.abs(ref[at] - got[at]) + " at " + at + " (ref " + ref[at] + ", got " + got[at] + ")");
        }
    }

    @Test
    void chunkedEqualsSequentialScan() {
        Random r = new Random(1);
        for (int[] shape : new int[][]{{H, P, N, G}, {4, 19, 35, 2}, {3, 16, 32, 1}}) {
            int h = shape[0], p = shape[1], n = shape[2], g = shape[3];
            for (double dtScale : new double[]{0.05, 0.5, 4.0}) {
                for (int chunk : new int[]{1, 3, 8, 16, 40}) {
                    compareForms(r, h, p, n, g, chunk, 37, dtScale);
                }
            }
        }
        // long chunks: several of the fast form's 32-token decay blocks, decays that pass through
        // float's subnormal range (0.3, 0.5: flushed below Ssd.TINY by the fast form) and that underflow
        for (double dtScale : new double[]{0.05, 0.3, 0.5, 4.0}) {
            compareForms(r, 4, 16, 16, 1, 96, 200, dtScale);
            compareForms(r, 2, 9, 20, 2, 256, 300, dtScale);
        }
    }

    @Test
    void fastScanEqualsPlainScanOverManySteps() {
        // decode: many one-token calls, the state carried (the error must not build up)
        Random r = new Random(2);
        int h = 5, p = 19, n = 33, g = 1, T = 1;
        Ssd ssd = new Ssd(h, p, n, g, 8);
        Ssd.Scratch scratch = new Ssd.Scratch(1, p, n);
        float[] A = new float[h], D = new float[h];
        for (int i = 0; i < h; i++) { A[i] = (float) -(1 + 3 * r.nextDouble()); D[i] = (float) r.nextGaussian(); }
        float[] sPlain = new float[h * p * n], sFast = new float[h * p * n];
        for (int step = 0; step < 50; step++) {
            float[] xbc = new float[T * ssd.convDim], dt = new float[T * h];
            for (int i = 0; i < xbc.length; i++) xbc[i] = (float) r.nextGaussian();
            for (int i = 0; i < dt.length; i++) dt[i] = (float) (0.3 * r.nextDouble());
            float[] yPlain = new float[ssd.dInner], yFast = new float[ssd.dInner];
            float[] nPlain = new float[h], nFast = new float[h];
            ssd.scanPlain(yPlain, xbc, dt, A, D, sPlain, T, nPlain);
            ssd.scan(yFast, xbc, dt, A, D, sFast, T, nFast, scratch);
            check("step " + step + " y", yPlain, yFast);
            check("step " + step + " norms", nPlain, nFast);
        }
        check("state after 50 steps", sPlain, sFast);
    }

    @Test
    void mulAddMatchesPlainLoopOnOddSizes() {
        Random r = new Random(3);
        for (int[] sz : new int[][]{{1, 1, 1}, {7, 5, 3}, {13, 17, 23}, {6, 40, 16}, {25, 25, 64}, {12, 9, 33}, {19, 11, 81}, {6, 30, 48}}) {
            int rows = sz[0], inner = sz[1], cols = sz[2];
            for (boolean tri : new boolean[]{false, true}) {
                {
                    int aStride = inner + 2;
                    float[] a = new float[(rows + 2) * (inner + 2) + 3];
                    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
                    if (tri) {                           // the caller's promise: a[i, k] = 0 above the diagonal
                        for (int i = 0; i < rows; i++) for (int k = i + 1; k < inner; k++) a[2 + i * aStride + k] = 0f;
                    }
                    float[] pack = new float[SsdKernels.PACK_PER_INNER * inner];
                    int bStride = cols + 3, oStride = cols + 5;
                    float[] b = new float[inner * bStride + 1];
                    for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                    float[] ref = new float[rows * oStride + 4];
                    for (int i = 0; i < ref.length; i++) ref[i] = (float) r.nextGaussian();
                    float[] got = ref.clone();
                    plainMulAdd(ref, 4, oStride, a, 2, aStride, b, 1, bStride, rows, inner, cols);
                    SsdKernels.mulAdd(got, 4, oStride, a, 2, aStride, b, 1, bStride, rows, inner, cols, tri, pack);
                    check("mulAdd " + rows + "x" + inner + "x" + cols + (tri ? " causal" : ""), ref, got);
                }
            }
        }
    }

    /** The reference: every term, in double, no mask skipping (the masked terms are zeros in a). */
    private static void plainMulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                                    float[] b, int bOff, int bStride, int rows, int inner, int cols) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double s = out[oOff + i * oStride + j];
                for (int k = 0; k < inner; k++) s += (double) a[aOff + i * aStride + k] * b[bOff + k * bStride + j];
                out[oOff + i * oStride + j] = (float) s;
            }
        }
    }

    @Test
    void vectorPathIsActiveWhenTheModuleIsPresent() {
        // the build adds jdk.incubator.vector to the test JVM: the comparisons above then exercise SsdSimd
        assertTrue(SsdKernels.vectorized() || System.getProperty("taipan.kernels", "").equals("scalar")
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty());
    }

    private static void compareForms(Random r, int h, int p, int n, int g, int chunk, int T, double dtScale) {
        Ssd ssd = new Ssd(h, p, n, g, chunk);
        float[] xbc = new float[T * ssd.convDim], dt = new float[T * h], A = new float[h], D = new float[h];
        for (int i = 0; i < xbc.length; i++) xbc[i] = (float) r.nextGaussian();
        for (int i = 0; i < dt.length; i++) dt[i] = (float) (dtScale * r.nextDouble());
        for (int i = 0; i < h; i++) { A[i] = (float) -(1 + 15 * r.nextDouble()); D[i] = (float) r.nextGaussian(); }
        float[] s0 = new float[h * p * n];
        for (int i = 0; i < s0.length; i++) s0[i] = (float) r.nextGaussian();
        String what = "H" + h + " P" + p + " N" + n + " G" + g + ", dt scale " + dtScale + ", chunk " + chunk;

        float[] sSeq = s0.clone(), ySeq = new float[T * ssd.dInner], norms = new float[T * h];
        ssd.scanPlain(ySeq, xbc, dt, A, D, sSeq, T, norms);

        int Q = Math.min(chunk, T);
        float[] sChunk = s0.clone(), yChunk = new float[T * ssd.dInner], replayed = new float[T * h];
        ssd.replayNorms(replayed, xbc, dt, A, sChunk, T, new float[p * n]);
        ssd.chunkedPlain(yChunk, xbc, dt, A, D, sChunk, T, new float[Q * Q], new double[Q], new float[Q]);
        check(what + " plain chunked y", ySeq, yChunk);
        check(what + " plain chunked final state", sSeq, sChunk);
        check(what + " state norms", norms, replayed);

        Ssd.Scratch scratch = new Ssd.Scratch(Q, p, n);
        float[] sFast = s0.clone(), yFast = new float[T * ssd.dInner];
        ssd.chunked(yFast, xbc, dt, A, D, sFast, T, scratch);
        check(what + " fast chunked y", ySeq, yFast);
        check(what + " fast chunked final state", sSeq, sFast);

        float[] sScan = s0.clone(), yScan = new float[T * ssd.dInner], nScan = new float[T * h];
        ssd.scan(yScan, xbc, dt, A, D, sScan, T, nScan, scratch);
        check(what + " fast scan y", ySeq, yScan);
        check(what + " fast scan final state", sSeq, sScan);
        check(what + " fast scan norms", norms, nScan);
    }
}
