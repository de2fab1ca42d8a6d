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
     * Two groups, one token, side by side: the groups at p[baseA] and p[baseB] (each 2 panels), 4
     * weight streams in flight instead of 2, one broadcast of x[c] shared by 4 FMA chains. Why:
     * decode is a weight stream, and more concurrent sequential streams per core read faster
     * (measured with a C read of 1 GiB on this machine: 4 streams per thread +15% over 1; see
     * bench.VectorProbe). Outputs as {@link #matvecGroup} for each group.
     */
    static void matvec2Groups(float[] p, int baseA, int baseB, int cols, float[] x, int xOff,
                              float[] out, int outA, int validA, int outB, int validB) {
        // per group exactly matvecGroup's arithmetic (two columns per step into two chains, added
        // at the end), so a row's result does not depend on which of the two kernels computed it
        // (Session.prefill's last-token logits equal the sink's, bit for bit)
        int a1 = baseA + L * cols, b1 = baseB + L * cols;
        FloatVector ua0 = FloatVector.zero(S), ua1 = FloatVector.zero(S), uc0 = FloatVector.zero(S), uc1 = FloatVector.zero(S);
        FloatVector va0 = FloatVector.zero(S), va1 = FloatVector.zero(S), vc0 = FloatVector.zero(S), vc1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 1 < cols; c += 2) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            FloatVector x1 = FloatVector.broadcast(S, x[xOff + c + 1]);
            int o = c * L;
            ua0 = FloatVector.fromArray(S, p, baseA + o).fma(x0, ua0);
            ua1 = FloatVector.fromArray(S, p, a1 + o).fma(x0, ua1);
            va0 = FloatVector.fromArray(S, p, baseB + o).fma(x0, va0);
            va1 = FloatVector.fromArray(S, p, b1 + o).fma(x0, va1);
            uc0 = FloatVector.fromArray(S, p, baseA + o + L).fma(x1, uc0);
            uc1 = FloatVector.fromArray(S, p, a1 + o + L).fma(x1, uc1);
            vc0 = FloatVector.fromArray(S, p, baseB + o + L).fma(x1, vc0);
            vc1 = FloatVector.fromArray(S, p, b1 + o + L).fma(x1, vc1);
        }
        if (c < cols) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            int o = c * L;
            ua0 = FloatVector.fromArray(S, p, baseA + o).fma(x0, ua0);
            ua1 = FloatVector.fromArray(S, p, a1 + o).fma(x0, ua1);
            va0 = FloatVector.fromArray(S, p, baseB + o).fma(x0, va0);
            va1 = FloatVector.fromArray(S, p, b1 + o).fma(x0, va1);
        }
        store(ua0.add(uc0), out, outA, validA);
        store(ua1.add(uc1), out, outA + L, validA - L);
        store(va0.add(vc0), out, outB, validB);
        store(va1.add(vc1), out, outB + L, validB - L);
    }

    /**
     * One group, tokens [t0, t1): out[outOff + t·rows + i] = Σ_c W[r0 + i, c]·X[xOff + t·cols + c]
     * for i < valid; outOff already points at row r0 of token 0.
     */
    static void matmulGroup(float[] p, int base, int cols, float[] x, int xOff, int t0, int t1,
                            float[] out, int outOff, int rows, int valid) {
        int t = t0;
        for (; t + TB <= t1; t += TB) block2x6(p, base, cols, x, xOff + t * cols, out, outOff + t * rows, rows, valid);
        if (t + 4 <= t1) {                 // 4 left (256 = 42·6 + 4): one pass over the panels, not four
            block2x4(p, base, L * cols, cols, x, xOff + t * cols, cols, out, outOff + t * rows, rows, valid, false);
            t += 4;
        }
        for (; t < t1; t++) matvecGroup(p, base, cols, x, xOff + t * cols, out, outOff + t * rows, valid);
    }

    /**
     * The 2 × 4 register block (8 accumulators), for the tokens or rows a 6-block leaves when 4 or 5
     * remain: the prefill block of 256 tokens and the SSD's 64-row products both leave 4. Same
     * parameters as the general {@link #block2x6}.
     */
    private static void block2x4(float[] p, int base, int panelStride, int kEnd, float[] x, int x0, int xs,
                                 float[] out, int o, int os, int valid, boolean acc) {
        int b1 = base + panelStride;
        FloatVector a0 = FloatVector.zero(S), b0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S), b1v = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), b2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        int x1 = x0 + xs, x2 = x1 + xs, x3 = x2 + xs;
        for (int c = 0; c < kEnd; c++) {
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
        }
        put(a0, out, o, valid, acc); put(b0, out, o + L, valid - L, acc); o += os;
        put(a1, out, o, valid, acc); put(b1v, out, o + L, valid - L, acc); o += os;
        put(a2, out, o, valid, acc); put(b2, out, o + L, valid - L, acc); o += os;
        put(a3, out, o, valid, acc); put(b3, out, o + L, valid - L, acc);
    }

    /**
     * The register block: 2 panels × 6 tokens over all columns. Kept a small method of its own that
     * is called once per block: C2 then compiles it normally after a few calls. (A long loop in a
     * rarely called method gets only on-stack-replacement code, in which the Vector API boxes its
     * vectors and runs ~100× slower — measured 0.8 vs 95 GFLOP/s on a 32×768 matrix × 252 tokens.)
     */
    private static void block2x6(float[] p, int base, int cols, float[] x, int x0, float[] out, int o, int rows, int valid) {
        block2x6(p, base, L * cols, cols, x, x0, cols, out, o, rows, valid, false);
    }

    /**
     * The general register block: panels at p[base] and p[base + panelStride], columns [0, kEnd);
     * token t's activations at x[x0 + t·xs + c]; token t's outputs at out[o + t·os ...], stored or
     * (acc) added.
     */
    private static void block2x6(float[] p, int base, int panelStride, int kEnd, float[] x, int x0, int xs,
                                 float[] out, int o, int os, int valid, boolean acc) {
        int b1 = base + panelStride;
        int cols = kEnd, rows = os;
        FloatVector a0 = FloatVector.zero(S), b0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S), b1v = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), b2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S), b4 = FloatVector.zero(S);
        FloatVector a5 = FloatVector.zero(S), b5 = FloatVector.zero(S);
        int x1 = x0 + xs, x2 = x1 + xs, x3 = x2 + xs, x4 = x3 + xs, x5 = x4 + xs;
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
        put(a0, out, o, valid, acc); put(b0, out, o + L, valid - L, acc); o += rows;
        put(a1, out, o, valid, acc); put(b1v, out, o + L, valid - L, acc); o += rows;
        put(a2, out, o, valid, acc); put(b2, out, o + L, valid - L, acc); o += rows;
        put(a3, out, o, valid, acc); put(b3, out, o + L, valid - L, acc); o += rows;
        put(a4, out, o, valid, acc); put(b4, out, o + L, valid - L, acc); o += rows;
        put(a5, out, o, valid, acc); put(b5, out, o + L, valid - L, acc);
    }

    private static void put(FloatVector v, float[] out, int off, int valid, boolean acc) {
        if (acc) storeAdd(v, out, off, valid);
        else store(v, out, off, valid);
    }

    /** out[off .. off+valid) += the first valid lanes of v (valid ≤ 0: nothing). */
    static void storeAdd(FloatVector v, float[] out, int off, int valid) {
        if (valid >= L) {
            FloatVector.fromArray(S, out, off).add(v).intoArray(out, off);
        } else if (valid > 0) {
            float[] tail = TAIL.get();
            v.intoArray(tail, 0);
            for (int i = 0; i < valid; i++) out[off + i] += tail[i];
        }
    }

    /**
     * The strided-operand entry point (used by the SSD's chunk products, layers.Ssd):
     * out[oOff + i·oStride + j] += Σ_k a[aOff + i·aStride + k] · b[bOff + k·bStride + j] for
     * i &lt; rows, j &lt; cols, k &lt; inner; with {@code lowerTriangular} the caller promises
     * a[i, k] = 0 for k &gt; i and those terms are skipped.
     *
     * <p>It is the matmul above with the roles renamed: b's columns play the weight rows (vectorised,
     * L per panel), inner the weight columns, a's rows the tokens (broadcast). Each group of 2L
     * columns of b is copied into {@code pack} in the panel layout (panel 0 at 0, panel 1 at
     * L·inner; row k of a panel at k·L, a constant stride, so the loads' bounds checks leave the
     * loop; the last group's missing columns are zero), then the same 2 × 6 register block runs
     * over the rows of a, 6 at a time, adding into out ({@link #groupRows}).
     * {@code pack} holds at least 2L·inner floats ({@link VectorOps#PACK_PER_INNER}·inner).
     */
    static void mulAddStrided(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                              float[] b, int bOff, int bStride, int rows, int inner, int cols,
                              boolean lowerTriangular, float[] pack) {
        int ps = L * inner;
        for (int j0 = 0; j0 < cols; j0 += 2 * L) {
            int valid = Math.min(2 * L, cols - j0);
            packGroup(pack, 0, b, bOff + j0, bStride, 1, inner, valid);
            groupRows(out, oOff + j0, oStride, a, aOff, aStride, pack, 0, ps, rows, inner, valid, lowerTriangular);
        }
    }

    /**
     * b (inner × cols), element (k, j) at b[bOff + k·kStride + j·jStride], into the panel layout of
     * {@link #mulAddStrided} for all its column groups at once: group g (columns [2Lg, 2Lg + 2L))
     * at pack[2L·inner·g], its two panels L·inner apart, row k of a panel at k·L, missing columns
     * zero. jStride ≠ 1 reads b transposed (the SSD packs C_tᵀ so). Needs
     * ⌈cols / 2L⌉·2L·inner floats, at most {@link VectorOps#packedFloats}.
     */
    static void packAll(float[] pack, float[] b, int bOff, int kStride, int jStride, int inner, int cols) {
        for (int j0 = 0, g = 0; j0 < cols; j0 += 2 * L, g += 2 * L * inner) {
            packGroup(pack, g, b, bOff + j0 * jStride, kStride, jStride, inner, Math.min(2 * L, cols - j0));
        }
    }

    /** One group of {@code valid} ≤ 2L columns of b into pack[base ..] (see {@link #packAll}). */
    private static void packGroup(float[] pack, int base, float[] b, int bOff, int kStride, int jStride, int inner, int valid) {
        int ps = L * inner;
        int w0 = Math.min(L, valid), w1 = valid - w0;
        if (jStride == 1) {
            for (int k = 0; k < inner; k++) {
                int src = bOff + k * kStride, dst = base + k * L;
                System.arraycopy(b, src, pack, dst, w0);
                if (w0 < L) java.util.Arrays.fill(pack, dst + w0, dst + L, 0f);
                if (w1 > 0) System.arraycopy(b, src + L, pack, ps + dst, w1);
                if (w1 < L) java.util.Arrays.fill(pack, ps + dst + Math.max(w1, 0), ps + dst + L, 0f);
            }
            return;
        }
        if (valid < 2 * L) java.util.Arrays.fill(pack, base, base + 2 * ps, 0f);
        for (int j = 0; j < valid; j++) {                  // one column of b (contiguous along k when kStride is 1)
            int src = bOff + j * jStride, dst = base + (j < L ? j : ps + j - L);
            for (int k = 0; k < inner; k++) pack[dst + k * L] = b[src + k * kStride];
        }
    }

    /**
     * out[oOff + i·oStride + j] += Σ_k a[aOff + i·aStride + k] · B[k, j] with B already packed by
     * {@link #packAll} (same cols and inner): {@link #mulAddStrided} without its packing, for a b
     * that several products share (the SSD's B and C of a group, shared by its heads). Same
     * arithmetic, term for term, as mulAddStrided on the unpacked b.
     */
    static void mulAddPacked(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                             float[] pack, int rows, int inner, int cols, boolean lowerTriangular) {
        int ps = L * inner;
        for (int j0 = 0, g = 0; j0 < cols; j0 += 2 * L, g += 2 * ps) {
            groupRows(out, oOff + j0, oStride, a, aOff, aStride, pack, g, ps, rows, inner, Math.min(2 * L, cols - j0), lowerTriangular);
        }
    }

    /**
     * All rows of a against one packed group (panels at p[base], p[base + ps]): the 2 × 6 register
     * block over 6 rows at a time, a 2 × 4 block for 4 or 5 left, the last ones one by one.
     */
    private static void groupRows(float[] out, int o0, int oStride, float[] a, int aOff, int aStride,
                                  float[] p, int base, int ps, int rows, int inner, int valid, boolean lowerTriangular) {
        int i = 0;
        for (; i + TB <= rows; i += TB) {
            int kEnd = lowerTriangular ? Math.min(inner, i + TB) : inner;
            block2x6(p, base, ps, kEnd, a, aOff + i * aStride, aStride, out, o0 + i * oStride, oStride, valid, true);
        }
        if (i + 4 <= rows) {
            int kEnd = lowerTriangular ? Math.min(inner, i + 4) : inner;
            block2x4(p, base, ps, kEnd, a, aOff + i * aStride, aStride, out, o0 + i * oStride, oStride, valid, true);
            i += 4;
        }
        for (; i < rows; i++) {
            int kEnd = lowerTriangular ? Math.min(inner, i + 1) : inner;
            rowAdd(p, base, ps, kEnd, a, aOff + i * aStride, out, o0 + i * oStride, valid);
        }
    }

    /** One row of the strided product over one packed group: 4 FMA chains (two k per step). */
    private static void rowAdd(float[] p, int base, int ps, int kEnd, float[] a, int a0, float[] out, int o, int valid) {
        ps += base;
        FloatVector x0 = FloatVector.zero(S), x1 = FloatVector.zero(S);
        FloatVector y0 = FloatVector.zero(S), y1 = FloatVector.zero(S);
        int k = 0;
        for (; k + 1 < kEnd; k += 2) {
            FloatVector v = FloatVector.broadcast(S, a[a0 + k]);
            FloatVector u = FloatVector.broadcast(S, a[a0 + k + 1]);
            x0 = FloatVector.fromArray(S, p, base + k * L).fma(v, x0);
            x1 = FloatVector.fromArray(S, p, ps + k * L).fma(v, x1);
            y0 = FloatVector.fromArray(S, p, base + k * L + L).fma(u, y0);
            y1 = FloatVector.fromArray(S, p, ps + k * L + L).fma(u, y1);
        }
        if (k < kEnd) {
            FloatVector v = FloatVector.broadcast(S, a[a0 + k]);
            x0 = FloatVector.fromArray(S, p, base + k * L).fma(v, x0);
            x1 = FloatVector.fromArray(S, p, ps + k * L).fma(v, x1);
        }
        storeAdd(x0.add(y0), out, o, valid);
        storeAdd(x1.add(y1), out, o + L, valid - L);
    }
}
