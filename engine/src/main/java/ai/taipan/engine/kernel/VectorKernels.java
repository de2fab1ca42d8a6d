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
 * 8 tokens = 16 accumulators in registers ({@link #block2x8}): each weight vector loaded is used for
 * 8 tokens, each broadcast for 2 panels, and 16 independent FMA chains cover the FMA latency (4
 * cycles × 2 ports). The tokens are packed first, eight interleaved ({@link #packRows}), so that
 * all eight broadcasts of a column come from one place.
 */
final class VectorKernels {
    private VectorKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Tokens (or rows of a) per matmul register block. */
    static final int TB = 8;

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
     * One group, one token: out[outOff + i] = Σ_c W[r0 + i, c]·x[xOff + c] for i &lt; valid (≤ 2L),
     * where the group's panels start at p[base] and p[base + L·cols]. Each output is one FMA chain
     * over c in order, the same arithmetic as {@link #block2x8} gives every token of a matmul, so
     * a token's outputs do not depend on whether it went through matvec or matmul (a prompt's last
     * logits from Session.prefill equal the ones its sink sees, bit for bit). Two columns per loop
     * step into the same chains; decode streams the weights from memory, so the chains' FMA
     * latency is not what bounds it.
     */
    static void matvecGroup(float[] p, int base, int cols, float[] x, int xOff, float[] out, int outOff, int valid) {
        int b1 = base + L * cols;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 1 < cols; c += 2) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            FloatVector x1 = FloatVector.broadcast(S, x[xOff + c + 1]);
            int o = c * L;
            a0 = FloatVector.fromArray(S, p, base + o).fma(x0, a0);
            a1 = FloatVector.fromArray(S, p, b1 + o).fma(x0, a1);
            a0 = FloatVector.fromArray(S, p, base + o + L).fma(x1, a0);
            a1 = FloatVector.fromArray(S, p, b1 + o + L).fma(x1, a1);
        }
        if (c < cols) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            a0 = FloatVector.fromArray(S, p, base + c * L).fma(x0, a0);
            a1 = FloatVector.fromArray(S, p, b1 + c * L).fma(x0, a1);
        }
        store(a0, out, outOff, valid);
        store(a1, out, outOff + L, valid - L);
    }

    /**
     * Two groups, one token, side by side: the groups at p[baseA] and p[baseB] (each 2 panels), 4
     * weight streams in flight instead of 2, one broadcast of x[c] shared by 4 FMA chains. Why:
     * decode is a weight stream, and more concurrent sequential streams per core read faster
     * (measured with a C read of 1 GiB on this machine: 4 streams per thread +15% over 1; see
     * bench.VectorProbe). Outputs and arithmetic as {@link #matvecGroup} for each group.
     */
    static void matvec2Groups(float[] p, int baseA, int baseB, int cols, float[] x, int xOff,
                              float[] out, int outA, int validA, int outB, int validB) {
        int a1 = baseA + L * cols, b1 = baseB + L * cols;
        FloatVector ua0 = FloatVector.zero(S), ua1 = FloatVector.zero(S), va0 = FloatVector.zero(S), va1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 1 < cols; c += 2) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            FloatVector x1 = FloatVector.broadcast(S, x[xOff + c + 1]);
            int o = c * L;
            ua0 = FloatVector.fromArray(S, p, baseA + o).fma(x0, ua0);
            ua1 = FloatVector.fromArray(S, p, a1 + o).fma(x0, ua1);
            va0 = FloatVector.fromArray(S, p, baseB + o).fma(x0, va0);
            va1 = FloatVector.fromArray(S, p, b1 + o).fma(x0, va1);
            ua0 = FloatVector.fromArray(S, p, baseA + o + L).fma(x1, ua0);
            ua1 = FloatVector.fromArray(S, p, a1 + o + L).fma(x1, ua1);
            va0 = FloatVector.fromArray(S, p, baseB + o + L).fma(x1, va0);
            va1 = FloatVector.fromArray(S, p, b1 + o + L).fma(x1, va1);
        }
        if (c < cols) {
            FloatVector x0 = FloatVector.broadcast(S, x[xOff + c]);
            int o = c * L;
            ua0 = FloatVector.fromArray(S, p, baseA + o).fma(x0, ua0);
            ua1 = FloatVector.fromArray(S, p, a1 + o).fma(x0, ua1);
            va0 = FloatVector.fromArray(S, p, baseB + o).fma(x0, va0);
            va1 = FloatVector.fromArray(S, p, b1 + o).fma(x0, va1);
        }
        store(ua0, out, outA, validA);
        store(ua1, out, outA + L, validA - L);
        store(va0, out, outB, validB);
        store(va1, out, outB + L, validB - L);
    }

    /**
     * Tokens per matmul chunk, packed once and shared by all groups: 256 × 768 floats (768 KB) stay in
     * L2 beside a group's panels; chunks of 40 to 256 tokens (120 KB to 1.5 MB packed) changed nothing
     * measurable (engine/BENCHMARKS.md §19), and the chunk bounds the packing scratch whatever the token count.
     */
    static final int CHUNK = 256;

    private static final ThreadLocal<float[]> TOKENS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> ROWS = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Rows [0, n) of a (row r, element k at a[off + r·stride + k], k &lt; inner) into this thread's
     * scratch in the interleaved layout the register block reads: block b (rows 8b .. 8b+7) at
     * b·8·inner, element k of its row j at k·8 + j, missing rows of the last block zero. Returns the
     * scratch ({@code which}: the matmul's tokens or the SSD's rows, so the two never share one).
     */
    static float[] packRows(ThreadLocal<float[]> which, float[] a, int off, int stride, int n, int inner) {
        int blocks = (n + TB - 1) / TB;
        float[] xp = which.get();
        if (xp.length < blocks * TB * inner) which.set(xp = new float[blocks * TB * inner]);
        for (int b = 0; b < blocks; b++) {
            int base = b * TB * inner, r0 = b * TB, m = Math.min(TB, n - r0);
            if (m < TB) java.util.Arrays.fill(xp, base, base + TB * inner, 0f);
            for (int j = 0; j < m; j++) {
                int src = off + (r0 + j) * stride, dst = base + j;
                for (int k = 0; k < inner; k++) xp[dst + k * TB] = a[src + k];
            }
        }
        return xp;
    }

    /** One panel group's share of a matmul chunk (see {@link #matmulChunks}). */
    @FunctionalInterface
    interface GroupProduct {
        /** Group g over the chunk's n tokens, packed in xp; the chunk's token 0, row 0 is at out[o]. */
        void run(int g, float[] xp, int n, int o);
    }

    /**
     * The matmul of a panel matrix (groups of 2L rows, cols columns) over tokens [0, tokens) of x: in
     * chunks of {@link #CHUNK} tokens, each packed once by the calling thread ({@link #packRows}) and
     * then shared by every group, the groups split over the kernel threads. {@code body} runs one
     * group over one chunk (the F32 and the half matrices differ only in where a group's panels come from).
     */
    static void matmulChunks(int groups, int rows, int cols, float[] x, int xOff, int tokens, int outOff, GroupProduct body) {
        for (int t0 = 0; t0 < tokens; t0 += CHUNK) {
            int n = Math.min(CHUNK, tokens - t0), o = outOff + t0 * rows;
            float[] xp = packRows(TOKENS, x, xOff + t0 * cols, cols, n, cols);
            // below ~64K multiply-adds a thread costs more to wake than it saves
            Parallel.forRange(groups, Math.max(1, (1 << 16) / (2 * L * cols * n) + 1), (g0, g1) -> {
                for (int g = g0; g < g1; g++) body.run(g, xp, n, o);
            });
        }
    }

    /**
     * One group, all tokens of a chunk: out[outOff + t·rows + i] = Σ_c W[r0 + i, c]·X[t, c] for
     * i &lt; valid, t &lt; tokens, with X packed by {@link #packRows}; outOff points at row r0 of
     * token 0. Eight tokens at a time; a last block of fewer runs padded (its zero lanes are not
     * stored), so every token's outputs are the same single FMA chain over c whatever the count.
     */
    static void matmulGroup(float[] p, int base, int cols, float[] xp, int tokens, float[] out, int outOff, int rows, int valid) {
        for (int t = 0; t < tokens; t += TB) {
            block2x8(p, base, L * cols, cols, xp, t * cols, out, outOff + t * rows, rows, valid, Math.min(TB, tokens - t), false);
        }
    }

    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[TB * 2 * L]);

    /**
     * The 2 × 8 register block ({@link #kernel2x8}) for any block: columns [0, kEnd) of the panels at
     * p[base] and p[base + panelStride]; token j's activations at xp[x0 + c·8 + j]; its outputs at
     * out[o + j·os ...] for j &lt; n and the first {@code valid} rows, stored or (acc) added. A full
     * block (8 tokens, 2L rows, stored) goes straight to out; any other through a small buffer.
     */
    static void block2x8(float[] p, int base, int panelStride, int kEnd, float[] xp, int x0,
                         float[] out, int o, int os, int valid, int n, boolean acc) {
        if (!acc && n == TB && valid >= 2 * L) {
            kernel2x8(p, base, base + panelStride, kEnd, xp, x0, out, o, os);
            return;
        }
        float[] buf = BLOCK.get();
        kernel2x8(p, base, base + panelStride, kEnd, xp, x0, buf, 0, 2 * L);
        for (int j = 0; j < n; j++) {
            put(FloatVector.fromArray(S, buf, j * 2 * L), out, o + j * os, valid, acc);
            put(FloatVector.fromArray(S, buf, j * 2 * L + L), out, o + j * os + L, valid - L, acc);
        }
    }

    /**
     * The register block: 2 panels (at p[base] and p[b1]) × 8 tokens = 16 accumulators, columns
     * [0, kEnd). Token j's activation for column c is xp[x0 + c·8 + j] (the interleaved packing: one
     * base register and constant displacements for all eight broadcasts); its 2L outputs are stored
     * at out[o + j·os ...]. One column per loop step, so each output is the plain FMA chain over c.
     * As few parameters as will do: with the store rules of {@link #block2x8} in here too, C2 ran
     * out of registers and spilled an accumulator in the loop.
     *
     * <p>Why this shape (engine/BENCHMARKS.md §19): the earlier 2 × 6 block read its six tokens
     * from six rows of x, and C2 spent two integer ops per broadcast on their addresses plus loop
     * overhead per column — ~40 instructions per 12 FMAs, so the core's issue width, not its FMA
     * ports, set the pace. Here one column step is 2 loads, 8 broadcasts and 16 FMAs at fixed
     * offsets. It is also kept a small method called once per block so that C2 compiles it
     * normally (a long loop in a rarely called method gets only on-stack-replacement code, in
     * which the Vector API boxes its vectors ~100× slower).
     *
     * <p>One column a step, not two (§21): the two-column body (with an odd last column added
     * after the stores) measured ~4% faster on the Intel VM, but on the AMD EPYC VM the single
     * column is 2–3% faster per core (KernelProbe 107.6–108.8 vs 105.0–106.3 GFLOP/s), and the
     * bigger method was the one that C2 in some processes compiled with its last vector stores not
     * intrinsified ("failed to inline (intrinsic)"), at half speed for the whole process; with the
     * smaller body the slow processes were rarer and milder in the same harness (§21).
     */
    private static void kernel2x8(float[] p, int base, int b1, int kEnd, float[] xp, int x0, float[] out, int o, int os) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
        for (int c = 0; c < kEnd; c++) {
            FloatVector w0 = FloatVector.fromArray(S, p, base + c * L);
            FloatVector w1 = FloatVector.fromArray(S, p, b1 + c * L);
            int xi = x0 + c * TB;
            FloatVector v = FloatVector.broadcast(S, xp[xi]); a0 = w0.fma(v, a0); c0 = w1.fma(v, c0);
            v = FloatVector.broadcast(S, xp[xi + 1]); a1 = w0.fma(v, a1); c1 = w1.fma(v, c1);
            v = FloatVector.broadcast(S, xp[xi + 2]); a2 = w0.fma(v, a2); c2 = w1.fma(v, c2);
            v = FloatVector.broadcast(S, xp[xi + 3]); a3 = w0.fma(v, a3); c3 = w1.fma(v, c3);
            v = FloatVector.broadcast(S, xp[xi + 4]); a4 = w0.fma(v, a4); c4 = w1.fma(v, c4);
            v = FloatVector.broadcast(S, xp[xi + 5]); a5 = w0.fma(v, a5); c5 = w1.fma(v, c5);
            v = FloatVector.broadcast(S, xp[xi + 6]); a6 = w0.fma(v, a6); c6 = w1.fma(v, c6);
            v = FloatVector.broadcast(S, xp[xi + 7]); a7 = w0.fma(v, a7); c7 = w1.fma(v, c7);
        }
        a0.intoArray(out, o); c0.intoArray(out, o + L); o += os;
        a1.intoArray(out, o); c1.intoArray(out, o + L); o += os;
        a2.intoArray(out, o); c2.intoArray(out, o + L); o += os;
        a3.intoArray(out, o); c3.intoArray(out, o + L); o += os;
        a4.intoArray(out, o); c4.intoArray(out, o + L); o += os;
        a5.intoArray(out, o); c5.intoArray(out, o + L); o += os;
        a6.intoArray(out, o); c6.intoArray(out, o + L); o += os;
        a7.intoArray(out, o); c7.intoArray(out, o + L);
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
     * loop; the last group's missing columns are zero), then the same 2 × 8 register block runs
     * over the rows of a (packed as the matmul's tokens are), 8 at a time, adding into out ({@link #groupRows}).
     * {@code pack} holds at least 2L·inner floats ({@link VectorOps#PACK_PER_INNER}·inner).
     */
    static void mulAddStrided(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                              float[] b, int bOff, int bStride, int rows, int inner, int cols,
                              boolean lowerTriangular, float[] pack) {
        int ps = L * inner;
        float[] ap = packRows(ROWS, a, aOff, aStride, rows, inner);
        for (int j0 = 0; j0 < cols; j0 += 2 * L) {
            int valid = Math.min(2 * L, cols - j0);
            packGroup(pack, 0, b, bOff + j0, bStride, 1, inner, valid);
            groupRows(out, oOff + j0, oStride, ap, pack, 0, ps, rows, inner, valid, lowerTriangular);
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
        float[] ap = packRows(ROWS, a, aOff, aStride, rows, inner);
        for (int j0 = 0, g = 0; j0 < cols; j0 += 2 * L, g += 2 * ps) {
            groupRows(out, oOff + j0, oStride, ap, pack, g, ps, rows, inner, Math.min(2 * L, cols - j0), lowerTriangular);
        }
    }

    /**
     * All rows of a (packed by {@link #packRows}) against one packed group (panels at p[base],
     * p[base + ps]): the 2 × 8 register block over 8 rows at a time, adding into out; with the
     * causal mask a block of rows i .. i+7 stops at column i + 8.
     */
    private static void groupRows(float[] out, int o0, int oStride, float[] ap, float[] p, int base, int ps,
                                  int rows, int inner, int valid, boolean lowerTriangular) {
        for (int i = 0; i < rows; i += TB) {
            int kEnd = lowerTriangular ? Math.min(inner, i + TB) : inner;
            block2x8(p, base, ps, kEnd, ap, i * inner, out, o0 + i * oStride, oStride, valid, Math.min(TB, rows - i), true);
        }
    }
}
