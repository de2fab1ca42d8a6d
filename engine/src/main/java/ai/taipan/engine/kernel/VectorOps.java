package ai.taipan.engine.kernel;

/**
 * Vector helpers for the model's hot loops (RMSNorm, SSM state update, attention scores), each with
 * a scalar twin ({@link ScalarOps}) that runs when the Vector API is absent or
 * {@code taipan.kernels=scalar}. The choice is made once, at class initialisation.
 *
 * <p>Results differ from a sequential float loop only by summation order (the vector versions keep
 * several partial sums).
 */
public final class VectorOps {
    private VectorOps() {}

    /** The operations, with one scalar and one Vector API implementation. */
    interface Ops {
        float dot(float[] a, int aOff, float[] b, int bOff, int n);

        void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

        void scale(float[] x, int off, int n, float alpha);

        float sumOfSquares(float[] x, int off, int n);

        void flushTiny(float[] x, int off, int n, float threshold);

        float expShiftSum(float[] x, int off, int n, float shift);

        void silu(float[] x, int off, int n);

        void addProduct(float[] y, int yOff, float[] a, int aOff, float[] b, int bOff, int n);

        void siluMul(float[] out, int oOff, float[] z, int zOff, float[] y, int yOff, int n);

        void dotBlocked(float[] out, int oOff, float[] q, int qOff, float[] kb, int slot0, int n, int dim, int col0, int len, float scale);

        void weightedRowSum(float[] out, int oOff, float[] w, int wOff, float[] x, int xOff, int stride, int rows, int n);

        void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                    float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular, float[] pack);

        void pack(float[] packed, float[] b, int bOff, int kStride, int jStride, int inner, int cols);

        void mulAddPacked(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                          float[] packed, int rows, int inner, int cols, boolean lowerTriangular);
    }

    /** Floats of {@link #mulAdd} pack scratch per unit of inner dimension (2 panels of up to 32 lanes). */
    public static final int PACK_PER_INNER = 64;

    /**
     * A small strided matrix product that accumulates:
     * out[oOff + i·oStride + j] += Σ_k a[aOff + i·aStride + k] · b[bOff + k·bStride + j]
     * for i &lt; rows, j &lt; cols, k &lt; inner. With {@code lowerTriangular} the caller promises
     * a[i, k] = 0 for k &gt; i (a causal mask) and the kernel may skip those terms. {@code pack}:
     * scratch of at least {@link #PACK_PER_INNER}·inner floats. The vector version is the
     * matrix kernels' register block ({@code VectorKernels.mulAddStrided}), so the SSD's chunk
     * products and the projections share one micro-kernel.
     */
    public static void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                              float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular, float[] pack) {
        if (pack.length < (long) PACK_PER_INNER * inner) {
            throw new IllegalArgumentException("pack scratch holds " + pack.length + " floats, needs " + PACK_PER_INNER * inner);
        }
        IMPL.mulAdd(out, oOff, oStride, a, aOff, aStride, b, bOff, bStride, rows, inner, cols, lowerTriangular, pack);
    }

    /** Floats that {@link #pack} writes for an inner × cols operand (every implementation). */
    public static int packedFloats(int inner, int cols) {
        return inner * ((cols + PACK_PER_INNER - 1) / PACK_PER_INNER) * PACK_PER_INNER;
    }

    /**
     * Packs b (inner × cols), element (k, j) at b[bOff + k·kStride + j·jStride], into
     * {@code packed} (at least {@link #packedFloats}(inner, cols) floats) in the layout
     * {@link #mulAddPacked} reads: the vector version's panels of {@link #mulAdd}, all column
     * groups at once; the scalar version's plain row-major copy. jStride ≠ 1 packs a transposed
     * operand. For an operand that several products share: pack it once, multiply many times.
     */
    public static void pack(float[] packed, float[] b, int bOff, int kStride, int jStride, int inner, int cols) {
        if (packed.length < packedFloats(inner, cols)) {
            throw new IllegalArgumentException("packed holds " + packed.length + " floats, needs " + packedFloats(inner, cols));
        }
        IMPL.pack(packed, b, bOff, kStride, jStride, inner, cols);
    }

    /**
     * {@link #mulAdd} with b given packed by {@link #pack} (same inner and cols): the same terms in
     * the same order, so the same floats as mulAdd on the unpacked b.
     */
    public static void mulAddPacked(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                                    float[] packed, int rows, int inner, int cols, boolean lowerTriangular) {
        IMPL.mulAddPacked(out, oOff, oStride, a, aOff, aStride, packed, rows, inner, cols, lowerTriangular);
    }

    private static final Ops IMPL = Kernels.vectorEnabled()
            ? (Ops) Kernels.instantiate("ai.taipan.engine.kernel.SimdOps", new Class<?>[0])
            : new ScalarOps();

    /** True when these helpers run on the Vector API. */
    public static boolean vectorized() { return !(IMPL instanceof ScalarOps); }

    /** Σ_i a[aOff+i]·b[bOff+i], i &lt; n. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) { return IMPL.dot(a, aOff, b, bOff, n); }

    /** y[yOff+i] += alpha·x[xOff+i], i &lt; n. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) { IMPL.axpy(alpha, x, xOff, y, yOff, n); }

    /**
     * y[yOff+i] += a[aOff+i]·b[bOff+i] for i &lt; n, the product rounded before the sum (not fused), so
     * the floats equal a plain Java loop's bit for bit (the depthwise conv's taps: Mamba2Layer.convolve).
     */
    public static void addProduct(float[] y, int yOff, float[] a, int aOff, float[] b, int bOff, int n) {
        IMPL.addProduct(y, yOff, a, aOff, b, bOff, n);
    }

    /** x[off+i] *= alpha, i &lt; n. */
    public static void scale(float[] x, int off, int n, float alpha) { IMPL.scale(x, off, n, alpha); }

    /**
     * x[off+i] = 0 where |x[off+i]| &lt; threshold, i &lt; n. Java cannot set the CPU's
     * flush-to-zero mode, and on x86 every FMA or multiply that reads (or produces) a subnormal
     * float takes a microcode assist, ~100× the cost of a normal one (engine/BENCHMARKS.md §6):
     * code that builds operands from decays that can underflow flushes them with this first.
     */
    public static void flushTiny(float[] x, int off, int n, float threshold) { IMPL.flushTiny(x, off, n, threshold); }

    /**
     * x[off+i] = exp(x[off+i] − shift) for i &lt; n, and returns their sum: softmax's numerators. The
     * vector path evaluates exp with the Cephes single-precision polynomial (relative error ~1e-7,
     * arguments below −87.3 give 0); the JDK's vector EXP falls back to ~4 ns an element on JDK 17
     * and Math.exp costs ~9 ns, more than the score itself at attention's head sizes.
     */
    public static float expShiftSum(float[] x, int off, int n, float shift) { return IMPL.expShiftSum(x, off, n, shift); }

    /**
     * x[off+i] = silu(x[off+i]) = x·σ(x) for i &lt; n. The vector path takes exp(−x) from the same
     * polynomial as {@link #expShiftSum} (relative error ~1e-7) and gives 0 below x = −88.7 (where
     * the true value, under 3e-37, is a float subnormal or less): SiLU runs on every conv output and
     * every gate of every Mamba-2 layer, 3,328 values a token on the mamba2-130m shape, and Math.exp
     * at ~9 ns each made it ~10% of prefill (engine/BENCHMARKS.md §19).
     */
    public static void silu(float[] x, int off, int n) { IMPL.silu(x, off, n); }

    /**
     * out[oOff+i] = silu(z[zOff+i]) · y[yOff+i] for i &lt; n (a gated product: Mamba-2's y ⊙ silu(z),
     * SwiGLU's silu(gate) ⊙ up); out may be y or z itself. SiLU as in {@link #silu}.
     */
    public static void siluMul(float[] out, int oOff, float[] z, int zOff, float[] y, int yOff, int n) {
        IMPL.siluMul(out, oOff, z, zOff, y, yOff, n);
    }

    /** Slots per block of {@link #dotBlocked}'s key layout. */
    public static final int KEY_BLOCK = 16;

    /**
     * Index of element i of the key in slot s in the blocked key layout of {@link #dotBlocked}: blocks
     * of {@link #KEY_BLOCK} slots, element-major inside a block (the one definition of the layout;
     * layers.KvRing stores its keys so).
     */
    public static int blockedKeyIndex(int slot, int i, int dim) {
        return (slot / KEY_BLOCK) * KEY_BLOCK * dim + i * KEY_BLOCK + slot % KEY_BLOCK;
    }

    /**
     * out[oOff+r] = scale · Σ_{d&lt;len} q[qOff+d]·K(slot0 + r, col0 + d) for r &lt; n: one query's scores
     * over a run of key slots, where K(s, i) = kb[{@link #blockedKeyIndex}(s, i, dim)] (keys stored in
     * blocks of {@link #KEY_BLOCK} slots, element-major inside a block). The vector path takes the 16
     * slots of a block as lanes: one fused multiply-add per element and block, no reduction.
     */
    public static void dotBlocked(float[] out, int oOff, float[] q, int qOff, float[] kb, int slot0, int n,
                                  int dim, int col0, int len, float scale) {
        IMPL.dotBlocked(out, oOff, q, qOff, kb, slot0, n, dim, col0, len, scale);
    }

    /**
     * out[oOff+d] += Σ_r w[wOff+r]·x[xOff + r·stride + d] for d &lt; n, r &lt; rows: a weighted sum of a
     * run of rows (attention's Σ a_j v_j), the sums held in registers across the rows rather than
     * stored and reloaded once per row as repeated {@link #axpy} calls would.
     */
    public static void weightedRowSum(float[] out, int oOff, float[] w, int wOff, float[] x, int xOff, int stride,
                                      int rows, int n) {
        IMPL.weightedRowSum(out, oOff, w, wOff, x, xOff, stride, rows, n);
    }

    /** Σ_i x[off+i]², i &lt; n. */
    public static float sumOfSquares(float[] x, int off, int n) { return IMPL.sumOfSquares(x, off, n); }
}
