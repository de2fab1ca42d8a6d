package ai.taipan.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The F32 register-blocked micro-kernels over packed panels (loaded only when the Vector API is
 * present; see {@link Kernels}).
 *
 * <p>Packed layout: rows are cut into panels of L = lanes rows; a panel stores, column after column,
 * the L weights of its rows: element (r, c) of a panel sits at c·L + r%L. Two panels form a group
 * (2L rows). The product for one group and one token is
 * <pre>  acc[r] = Σ_c W[r, c] · x[c]   →   acc(vector of L rows) += W_panel[c] (one load) × broadcast(x[c])</pre>
 * so a vector accumulates L outputs and no horizontal reduction is ever needed (the BLAS
 * micro-kernel form: weights vectorised along rows, activations broadcast). matmul keeps 2 panels ×
 * 6 tokens = 12 accumulators in registers: each weight vector loaded is used for 6 tokens, each
 * broadcast for 2 panels, and 12 independent FMA chains cover the FMA latency (4 cycles × 2 ports).
 */
final class VectorKernels {
    private VectorKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Tokens per matmul register block. */
    static final int TB = 6;

    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[L]);

    /**
     * Stores the first {@code valid} lanes of v at out[off..]; nothing when valid ≤ 0. The partial
     * store (last panel of a matrix whose rows are not a multiple of L) goes through a small
     * buffer: building a lane mask with indexInRange was not intrinsified on JDK 17 and showed up
     * at 1.4% of a decode profile (JFR) for one store per matvec.
     */
    static void store(FloatVector v, float[] out, int off, int valid) {
        if (valid >= L) {
            v.intoArray(out, off);
        } else if (valid > 0) {
            float[] tail = TAIL.get();
            v.intoArray(tail, 0);
            System.arraycopy(tail, 0, out, off, valid);
        }
    }

    /**
     * One group, one token: out[outOff + i] = Σ_c W[r0 + i, c]·x[xOff + c] for i < valid (≤ 2L),
     * where the group's panels start at p[base] and p[base + L·cols].
     */
    static void matvecGroup(float[] p, int base, int cols, float[] x, int xOff, float[] out, int outOff, int valid) {
        int b1 = base + L * cols;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        int c = 0;
        // two columns per step: 4 independent chains (the loop is bandwidth-bound for large W)
        for (; c + 1 < cols; c += 2) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            FloatVector x1 = FloatVector.broadcast(S, x[xOff + c + 1]);
            int o = c * L;
            a0 = FloatVector.fromArray(S, p, base + o).fma(x0, a0);
            a1 = FloatVector.fromArray(S, p, b1 + o).fma(x0, a1);
            c0 = FloatVector.fromArray(S, p, base + o + L).fma(x1, c0);
            c1 = FloatVector.fromArray(S, p, b1 + o + L).fma(x1, c1);
        }
        if (c < cols) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            a0 = FloatVector.fromArray(S, p, base + c * L).fma(x0, a0);
            a1 = FloatVector.fromArray(S, p, b1 + c * L).fma(x0, a1);
        }
        store(a0.add(c0), out, outOff, valid);
        store(a1.add(c1), out, outOff + L, valid - L);
    }

    /**
     * One group, tokens [t0, t1): out[outOff + t·rows + i] = Σ_c W[r0 + i, c]·X[xOff + t·cols + c]
     * for i < valid; outOff already points at row r0 of token 0.
     */
    static void matmulGroup(float[] p, int base, int cols, float[] x, int xOff, int t0, int t1,
                            float[] out, int outOff, int rows, int valid) {
        int t = t0;
        for (; t + TB <= t1; t += TB) block2x6(p, base, cols, x, xOff + t * cols, out, outOff + t * rows, rows, valid);
        for (; t < t1; t++) matvecGroup(p, base, cols, x, xOff + t * cols, out, outOff + t * rows, valid);
    }

    /**
     * The register block: 2 panels × 6 tokens over all columns. Kept a small method of its own that
     * is called once per block: C2 then compiles it normally after a few calls. (A long loop in a
     * rarely called method gets only on-stack-replacement code, in which the Vector API boxes its
     * vectors and runs ~100× slower — measured 0.8 vs 95 GFLOP/s on a 32×768 matrix × 252 tokens.)
     */
    private static void block2x6(float[] p, int base, int cols, float[] x, int x0, float[] out, int o, int rows, int valid) {
        int b1 = base + L * cols;
        FloatVector a0 = FloatVector.zero(S), b0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S), b1v = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), b2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S), b4 = FloatVector.zero(S);
        FloatVector a5 = FloatVector.zero(S), b5 = FloatVector.zero(S);
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols, x4 = x3 + cols, x5 = x4 + cols;
        for (int c = 0; c < cols; c++) {
            FloatVector w0 = FloatVector.fromArray(S, p, base + c * L);
            FloatVector w1 = FloatVector.fromArray(S, p, b1 + c * L);
            FloatVector v = FloatVector.broadcast(S, x[x0 + c]);
            a0 = w0.fma(v, a0); b0 = w1.fma(v, b0);
            v = FloatVector.broadcast(S, x[x1 + c]);
            a1 = w0.fma(v, a1); b1v = w1.fma(v, b1v);
            v = FloatVector.broadcast(S, x[x2 + c]);
            a2 = w0.fma(v, a2); b2 = w1.fma(v, b2);
            v = FloatVector.broadcast(S, x[x3 + c]);
            a3 = w0.fma(v, a3); b3 = w1.fma(v, b3);
            v = FloatVector.broadcast(S, x[x4 + c]);
            a4 = w0.fma(v, a4); b4 = w1.fma(v, b4);
            v = FloatVector.broadcast(S, x[x5 + c]);
            a5 = w0.fma(v, a5); b5 = w1.fma(v, b5);
        }
        store(a0, out, o, valid); store(b0, out, o + L, valid - L); o += rows;
        store(a1, out, o, valid); store(b1v, out, o + L, valid - L); o += rows;
        store(a2, out, o, valid); store(b2, out, o + L, valid - L); o += rows;
        store(a3, out, o, valid); store(b3, out, o + L, valid - L); o += rows;
        store(a4, out, o, valid); store(b4, out, o + L, valid - L); o += rows;
        store(a5, out, o, valid); store(b5, out, o + L, valid - L);
    }
}
