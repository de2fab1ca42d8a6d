package ai.taipan.engine.train;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Double-precision kernels of the training graph. Training runs in float64 throughout, so the very
 * code that trains is the code the finite-difference gradient checks verify (no float/double twin to
 * drift apart); the price is half the SIMD width of float32 (measured in {@link TrainBench}).
 *
 * <p>All products go through one kernel, {@link #matmulT}: C[M,N] (+)= A[M,K]·B[N,K]^T with rows
 * contiguous ("dot form"). A linear layer's forward, input gradient and weight gradient are all that
 * form after a transpose (see {@link #linearBackward}); the transposes cost O(M·K), the product
 * O(M·N·K). Like every hot op of the project the kernel exists twice — a plain scalar loop and a
 * Vector API tile — and {@code -Dtaipan.simd=false} switches to the scalar one (STYLE "Kernels").
 * Kernels take outputs first, with offsets, and never allocate.
 */
public final class DMath {
    private DMath() {}

    static final boolean SIMD = !"false".equals(System.getProperty("taipan.simd"));
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();

    // ------------------------------------------------------------------ products

    /**
     * C[m,n] = (acc ? C[m,n] : 0) + Σ_k A[m,k]·B[n,k]; A (M,K), B (N,K), C (M,N), all row-major at the
     * given offsets.
     */
    public static void matmulT(double[] c, int cOff, double[] a, int aOff, double[] b, int bOff,
                               int M, int N, int K, boolean acc) {
        if (SIMD && K >= 2 * LANES) matmulTVector(c, cOff, a, aOff, b, bOff, M, N, K, acc);
        else matmulTScalar(c, cOff, a, aOff, b, bOff, M, N, K, acc);
    }

    /** The reference loop of {@link #matmulT}. */
    static void matmulTScalar(double[] c, int cOff, double[] a, int aOff, double[] b, int bOff,
                              int M, int N, int K, boolean acc) {
        for (int m = 0; m < M; m++) {
            int ar = aOff + m * K;
            for (int n = 0; n < N; n++) {
                int br = bOff + n * K;
                double s = 0;
                for (int k = 0; k < K; k++) s += a[ar + k] * b[br + k];
                int ci = cOff + m * N + n;
                c[ci] = acc ? c[ci] + s : s;
            }
        }
    }

    /**
     * 4×4 register tiles of vector accumulators along k; scalar tail for k beyond the last full vector.
     * Each tile is its own small method: C2 must inline every Vector API call to intrinsify it, and a
     * single large method exceeds its inlining budget (the calls then fall back to Java loops, ~10×
     * slower — seen in a JFR profile).
     */
    static void matmulTVector(double[] c, int cOff, double[] a, int aOff, double[] b, int bOff,
                              int M, int N, int K, boolean acc) {
        int kv = K - K % LANES;
        int m = 0;
        for (; m + 4 <= M; m += 4) {
            int n = 0;
            for (; n + 4 <= N; n += 4) tile4x4(c, cOff + m * N + n, N, a, aOff + m * K, b, bOff + n * K, K, kv, acc);
            for (; n < N; n++) tile4x1(c, cOff + m * N + n, N, a, aOff + m * K, b, bOff + n * K, K, kv, acc);
        }
        for (; m < M; m++) {
            for (int n = 0; n < N; n++) tile1x1(c, cOff + m * N + n, a, aOff + m * K, b, bOff + n * K, K, kv, acc);
        }
    }

    private static void tile4x4(double[] c, int cr, int N, double[] a, int a0, double[] b, int b0, int K, int kv, boolean acc) {
        int a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
        int b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        DoubleVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        DoubleVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        DoubleVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int k = 0; k < kv; k += LANES) {
            DoubleVector x0 = DoubleVector.fromArray(S, a, a0 + k);
            DoubleVector x1 = DoubleVector.fromArray(S, a, a1 + k);
            DoubleVector x2 = DoubleVector.fromArray(S, a, a2 + k);
            DoubleVector x3 = DoubleVector.fromArray(S, a, a3 + k);
            DoubleVector y = DoubleVector.fromArray(S, b, b0 + k);
            c00 = x0.fma(y, c00); c10 = x1.fma(y, c10); c20 = x2.fma(y, c20); c30 = x3.fma(y, c30);
            y = DoubleVector.fromArray(S, b, b1 + k);
            c01 = x0.fma(y, c01); c11 = x1.fma(y, c11); c21 = x2.fma(y, c21); c31 = x3.fma(y, c31);
            y = DoubleVector.fromArray(S, b, b2 + k);
            c02 = x0.fma(y, c02); c12 = x1.fma(y, c12); c22 = x2.fma(y, c22); c32 = x3.fma(y, c32);
            y = DoubleVector.fromArray(S, b, b3 + k);
            c03 = x0.fma(y, c03); c13 = x1.fma(y, c13); c23 = x2.fma(y, c23); c33 = x3.fma(y, c33);
        }
        row4(c, cr, acc, c00, c01, c02, c03, a, a0, b, b0, K, kv);
        row4(c, cr + N, acc, c10, c11, c12, c13, a, a1, b, b0, K, kv);
        row4(c, cr + 2 * N, acc, c20, c21, c22, c23, a, a2, b, b0, K, kv);
        row4(c, cr + 3 * N, acc, c30, c31, c32, c33, a, a3, b, b0, K, kv);
    }

    private static void row4(double[] c, int cr, boolean acc, DoubleVector v0, DoubleVector v1, DoubleVector v2,
                             DoubleVector v3, double[] a, int ar, double[] b, int b0, int K, int kv) {
        put(c, cr, acc, v0.reduceLanes(VectorOperators.ADD) + tail(a, ar, b, b0, kv, K));
        put(c, cr + 1, acc, v1.reduceLanes(VectorOperators.ADD) + tail(a, ar, b, b0 + K, kv, K));
        put(c, cr + 2, acc, v2.reduceLanes(VectorOperators.ADD) + tail(a, ar, b, b0 + 2 * K, kv, K));
        put(c, cr + 3, acc, v3.reduceLanes(VectorOperators.ADD) + tail(a, ar, b, b0 + 3 * K, kv, K));
    }

    private static void tile4x1(double[] c, int cr, int N, double[] a, int a0, double[] b, int b0, int K, int kv, boolean acc) {
        int a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
        DoubleVector c0 = DoubleVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int k = 0; k < kv; k += LANES) {
            DoubleVector y = DoubleVector.fromArray(S, b, b0 + k);
            c0 = DoubleVector.fromArray(S, a, a0 + k).fma(y, c0);
            c1 = DoubleVector.fromArray(S, a, a1 + k).fma(y, c1);
            c2 = DoubleVector.fromArray(S, a, a2 + k).fma(y, c2);
            c3 = DoubleVector.fromArray(S, a, a3 + k).fma(y, c3);
        }
        put(c, cr, acc, c0.reduceLanes(VectorOperators.ADD) + tail(a, a0, b, b0, kv, K));
        put(c, cr + N, acc, c1.reduceLanes(VectorOperators.ADD) + tail(a, a1, b, b0, kv, K));
        put(c, cr + 2 * N, acc, c2.reduceLanes(VectorOperators.ADD) + tail(a, a2, b, b0, kv, K));
        put(c, cr + 3 * N, acc, c3.reduceLanes(VectorOperators.ADD) + tail(a, a3, b, b0, kv, K));
    }

    private static void tile1x1(double[] c, int ci, double[] a, int a0, double[] b, int b0, int K, int kv, boolean acc) {
        DoubleVector c0 = DoubleVector.zero(S);
        for (int k = 0; k < kv; k += LANES) {
            c0 = DoubleVector.fromArray(S, a, a0 + k).fma(DoubleVector.fromArray(S, b, b0 + k), c0);
        }
        put(c, ci, acc, c0.reduceLanes(VectorOperators.ADD) + tail(a, a0, b, b0, kv, K));
    }

    /** Σ_i a[aOff+i]·b[bOff+i] for i &lt; n. */
    public static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
        int i = 0;
        double s = 0;
        if (SIMD && n >= LANES) {
            DoubleVector acc = DoubleVector.zero(S);
            for (; i + LANES <= n; i += LANES) {
                acc = DoubleVector.fromArray(S, a, aOff + i).fma(DoubleVector.fromArray(S, b, bOff + i), acc);
            }
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /**
     * The scores of one query against n contiguous keys held transposed:
     * out[i] = scale · Σ_d q[qOff+d]·kT[d·stride + col+i] for i &lt; n, the sum taken in the order of d
     * with a fused multiply-add per step. Vectorised across keys (no horizontal reduction per key, which
     * is what makes {@link #dot} slow at attention's head sizes of 16–64); every lane and the scalar
     * tail compute the same expression, so a key's score does not depend on where it falls in a block.
     */
    public static void dotsT(double[] out, int outOff, double[] q, int qOff, double[] kT, int col, int stride,
                             int n, int hd, double scale) {
        int i = 0;
        if (SIMD && n >= LANES) {
            for (; i + LANES <= n; i += LANES) dotsTBlock(out, outOff + i, q, qOff, kT, col + i, stride, hd, scale);
            // the last partial block as one more block ending at n: it recomputes a few keys, to the bit
            if (i < n) dotsTBlock(out, outOff + n - LANES, q, qOff, kT, col + n - LANES, stride, hd, scale);
            return;
        }
        for (; i < n; i++) {
            double s = 0;
            for (int d = 0; d < hd; d++) s = Math.fma(q[qOff + d], kT[d * stride + col + i], s);
            out[outOff + i] = s * scale;
        }
    }

    private static void dotsTBlock(double[] out, int o, double[] q, int qOff, double[] kT, int col, int stride,
                                   int hd, double scale) {
        DoubleVector acc = DoubleVector.zero(S);
        for (int d = 0; d < hd; d++) {
            acc = DoubleVector.fromArray(S, kT, d * stride + col).fma(DoubleVector.broadcast(S, q[qOff + d]), acc);
        }
        acc.mul(scale).intoArray(out, o);
    }

    /**
     * out[oOff+d] = Σ_e w[wOff+e]·x[rows[e]·rowStride + xOff + d] for d &lt; n, e from e0 to e1 − 1 in
     * order, starting from 0, a multiply then an add per term: bit for bit the loop
     * {@code out[d] = 0; for e: for d: out[d] += w[e]·x[row_e + d]}, with the sums held in registers
     * instead of going through memory once per term (a store-to-load chain that made the attention
     * trainer's context and query-gradient loops latency-bound).
     */
    public static void weightedRowSum(double[] out, int oOff, double[] w, int wOff, int[] rows, int e0, int e1,
                                      double[] x, int xOff, int rowStride, int n) {
        int d = 0;
        if (SIMD) {
            for (; d + LANES <= n; d += LANES) weightedRowSumBlock(out, oOff + d, w, wOff, rows, e0, e1, x, xOff + d, rowStride);
        }
        for (; d < n; d++) {
            double s = 0;
            for (int e = e0; e < e1; e++) s += w[wOff + e] * x[rows[e] * rowStride + xOff + d];
            out[oOff + d] = s;
        }
    }

    private static void weightedRowSumBlock(double[] out, int o, double[] w, int wOff, int[] rows, int e0, int e1,
                                            double[] x, int xOff, int rowStride) {
        DoubleVector acc = DoubleVector.zero(S);
        for (int e = e0; e < e1; e++) {
            acc = acc.add(DoubleVector.fromArray(S, x, rows[e] * rowStride + xOff).mul(w[wOff + e]));
        }
        acc.intoArray(out, o);
    }

    /**
     * y[i] += a·x[i] for i &lt; n, a multiply then an add per element (no fused step), so the vector
     * path gives bit for bit what the plain loop gives.
     */
    public static void axpy(double[] y, int yOff, double a, double[] x, int xOff, int n) {
        int i = 0;
        if (SIMD) {
            for (; i + LANES <= n; i += LANES) {
                DoubleVector.fromArray(S, y, yOff + i)
                        .add(DoubleVector.fromArray(S, x, xOff + i).mul(a))
                        .intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    private static double tail(double[] a, int ar, double[] b, int br, int from, int K) {
        double s = 0;
        for (int k = from; k < K; k++) s += a[ar + k] * b[br + k];
        return s;
    }

    private static void put(double[] c, int i, boolean acc, double v) {
        c[i] = acc ? c[i] + v : v;
    }

    /** dst[c·rows + r] = src[r·cols + c]: (rows, cols) → (cols, rows). */
    public static void transpose(double[] dst, int dOff, double[] src, int sOff, int rows, int cols) {
        final int BL = 32;
        for (int r0 = 0; r0 < rows; r0 += BL) {
            int r1 = Math.min(rows, r0 + BL);
            for (int c0 = 0; c0 < cols; c0 += BL) {
                int c1 = Math.min(cols, c0 + BL);
                for (int r = r0; r < r1; r++) {
                    int s = sOff + r * cols;
                    for (int c = c0; c < c1; c++) dst[dOff + c * rows + r] = src[s + c];
                }
            }
        }
    }

    /** y (T,out) = x (T,in) · W^T, W (out,in). */
    public static void linear(double[] y, int yOff, double[] x, int xOff, double[] w, int wOff, int T, int in, int out) {
        matmulT(y, yOff, x, xOff, w, wOff, T, out, in, false);
    }

    /**
     * Backward of {@link #linear}: dW (out,in) += dY^T·X; dx (T,in) = or += dY·W (skipped when dx is
     * null). The scratch needs {@link #linearScratch} doubles.
     */
    public static void linearBackward(double[] dx, int dxOff, boolean accDx, double[] dy, int dyOff,
                                      double[] x, int xOff, double[] w, int wOff, double[] dw, int dwOff,
                                      int T, int in, int out, double[] scratch) {
        int yT = 0, xT = out * T;
        transpose(scratch, yT, dy, dyOff, T, out);   // (out, T)
        transpose(scratch, xT, x, xOff, T, in);      // (in, T)
        matmulT(dw, dwOff, scratch, yT, scratch, xT, out, in, T, true);
        if (dx != null) {
            int wT = xT;                              // X^T no longer needed
            transpose(scratch, wT, w, wOff, out, in); // (in, out)
            matmulT(dx, dxOff, dy, dyOff, scratch, wT, T, in, out, accDx);
        }
    }

    /** Scratch size of {@link #linearBackward}. */
    public static int linearScratch(int T, int in, int out) {
        return out * T + Math.max(in * T, in * out);
    }

    // ------------------------------------------------------------------ elementwise

    public static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    public static double silu(double x) { return x * sigmoid(x); }

    /** d silu(x) / dx = σ(x)·(1 + x·(1 − σ(x))). */
    public static double siluGrad(double x) {
        double s = sigmoid(x);
        return s * (1 + x * (1 - s));
    }

    /** softplus(x) = log(1 + e^x), and x itself for x > 20 (SPEC §2 mamba2 step 4, as the official code). */
    public static double softplus(double x) { return x > 20 ? x : Math.log1p(Math.exp(x)); }

    /** d softplus / dx: σ(x), and 1 where softplus is the identity. */
    public static double softplusGrad(double x) { return x > 20 ? 1.0 : sigmoid(x); }

    /**
     * RMSNorm of each row: y = x / sqrt(mean(x²) + eps) ⊙ w, for rows of length n (T rows). Stores
     * rstd[t] for the backward.
     */
    public static void rmsnorm(double[] y, int yOff, double[] x, int xOff, double[] w, int wOff,
                               double[] rstd, int rOff, int T, int n, double eps) {
        for (int t = 0; t < T; t++) {
            int xr = xOff + t * n, yr = yOff + t * n;
            double ss = 0;
            for (int i = 0; i < n; i++) ss += x[xr + i] * x[xr + i];
            double r = 1.0 / Math.sqrt(ss / n + eps);
            rstd[rOff + t] = r;
            for (int i = 0; i < n; i++) y[yr + i] = x[xr + i] * r * w[wOff + i];
        }
    }

    /**
     * Backward of {@link #rmsnorm}: dw += Σ_t dy⊙x·rstd; dx (+)= rstd·(dy⊙w) − rstd³/n · x · Σ(dy⊙w⊙x).
     */
    public static void rmsnormBackward(double[] dx, int dxOff, boolean accDx, double[] dy, int dyOff,
                                       double[] x, int xOff, double[] w, int wOff, double[] dw, int dwOff,
                                       double[] rstd, int rOff, int T, int n) {
        for (int t = 0; t < T; t++) {
            int xr = xOff + t * n, yr = dyOff + t * n, dr = dxOff + t * n;
            double r = rstd[rOff + t];
            double dot = 0;
            for (int i = 0; i < n; i++) {
                double g = dy[yr + i];
                dot += g * w[wOff + i] * x[xr + i];
                dw[dwOff + i] += g * x[xr + i] * r;
            }
            double k = r * r * r * dot / n;
            for (int i = 0; i < n; i++) {
                double v = r * dy[yr + i] * w[wOff + i] - k * x[xr + i];
                dx[dr + i] = accDx ? dx[dr + i] + v : v;
            }
        }
    }
}
