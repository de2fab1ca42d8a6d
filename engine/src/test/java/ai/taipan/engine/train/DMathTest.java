package ai.taipan.engine.train;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The training kernels' vector paths against plain loops written here, on sizes that are and are not
 * multiples of the vector width (8 doubles with AVX-512, 4 with AVX2).
 */
class DMathTest {
    private static final int[] SIZES = {1, 3, 7, 8, 9, 16, 17, 31, 40};

    private static double[] random(SplittableRandom r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextDouble(-1, 1);
        return a;
    }

    @Test
    void matmulTMatchesTheLoop() {
        SplittableRandom r = new SplittableRandom(1);
        for (int M : new int[] {1, 5, 9}) for (int N : new int[] {1, 4, 7}) for (int K : SIZES) {
            double[] a = random(r, 2 + M * K), b = random(r, 3 + N * K), c = random(r, M * N), want = c.clone();
            for (int m = 0; m < M; m++) for (int n = 0; n < N; n++) {
                double s = 0;
                for (int k = 0; k < K; k++) s += a[2 + m * K + k] * b[3 + n * K + k];
                want[m * N + n] += s;
            }
            DMath.matmulT(c, 0, a, 2, b, 3, M, N, K, true);
            for (int i = 0; i < M * N; i++) assertEquals(want[i], c[i], 1e-13 * K, "M " + M + " N " + N + " K " + K);
        }
    }

    @Test
    void dotMatchesTheLoop() {
        SplittableRandom r = new SplittableRandom(2);
        for (int n : SIZES) {
            double[] a = random(r, n + 1), b = random(r, n + 2);
            double want = 0;
            for (int i = 0; i < n; i++) want += a[1 + i] * b[2 + i];
            assertEquals(want, DMath.dot(a, 1, b, 2, n), 1e-14 * n, "n " + n);
        }
    }

    @Test
    void dotsTScoresContiguousKeysFromTheTransposedMatrix() {
        SplittableRandom r = new SplittableRandom(3);
        for (int hd : new int[] {1, 3, 8, 16, 17}) for (int n : SIZES) {
            int stride = n + 5, col = 2;
            double[] q = random(r, hd + 4), kT = random(r, hd * stride), out = new double[n + 3];
            DMath.dotsT(out, 3, q, 4, kT, col, stride, n, hd, 0.25);
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int d = 0; d < hd; d++) s += q[4 + d] * kT[d * stride + col + i];
                assertEquals(0.25 * s, out[3 + i], 1e-14 * hd, "hd " + hd + " n " + n + " key " + i);
                // every key the same expression, in a vector block or in the tail: the same score for
                // the same key whatever the run length
                double[] one = new double[1];
                DMath.dotsT(one, 0, q, 4, kT, col + i, stride, 1, hd, 0.25);
                assertEquals(Double.doubleToLongBits(one[0]), Double.doubleToLongBits(out[3 + i]), "hd " + hd + " key " + i);
            }
        }
    }

    @Test
    void axpyIsBitForBitThePlainLoop() {
        SplittableRandom r = new SplittableRandom(4);
        for (int n : SIZES) {
            double[] x = random(r, n + 2), y = random(r, n + 1), want = y.clone();
            double a = r.nextDouble(-3, 3);
            for (int i = 0; i < n; i++) want[1 + i] += a * x[2 + i];
            DMath.axpy(y, 1, a, x, 2, n);
            for (int i = 0; i < y.length; i++) {
                assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(y[i]), "n " + n + " i " + i);
            }
        }
    }

    @Test
    void weightedRowSumIsBitForBitTheAccumulatingLoop() {
        SplittableRandom r = new SplittableRandom(5);
        int rowStride = 45;
        for (int n : SIZES) for (int keys : new int[] {0, 1, 5, 13}) {
            double[] x = random(r, 20 * rowStride), w = random(r, keys + 3), out = random(r, n + 2);
            int[] rows = new int[keys + 1];
            for (int e = 1; e <= keys; e++) rows[e] = r.nextInt(20);
            double[] want = out.clone();
            for (int d = 0; d < n; d++) want[2 + d] = 0;
            for (int e = 1; e <= keys; e++) for (int d = 0; d < n; d++) want[2 + d] += w[2 + e] * x[rows[e] * rowStride + 4 + d];
            DMath.weightedRowSum(out, 2, w, 2, rows, 1, keys + 1, x, 4, rowStride, n);
            for (int i = 0; i < out.length; i++) {
                assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(out[i]), "n " + n + " keys " + keys + " i " + i);
            }
        }
    }
}
