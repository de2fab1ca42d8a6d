package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.Kernels;
import ai.taipan.engine.kernel.VectorOps;

/**
 * The inner loops of the Mamba-2 recurrence ({@link Ssd}), each twice with one signature: a plain
 * scalar loop ({@link Scalar}, the reference) and a Vector API one ({@code SsdSimd}, loaded by name
 * only when jdk.incubator.vector is present and {@code taipan.kernels} is not {@code scalar}, the
 * same switch as the matrix kernels, see {@link Kernels}). The choice is made once, at class
 * initialisation. Results differ from the scalar loops only by summation order.
 *
 * <p>Two operations cover the SSD: {@link #mulAdd} — a small strided matrix product that
 * accumulates, out (rows, cols) += a (rows, inner) · b (inner, cols), delegated to the kernels'
 * {@link VectorOps#mulAdd}; its variant {@link #mulAddPacked} on an operand {@link #pack}ed once, for
 * the B and C that all heads of a group share — and {@link #stateRow}, one row of the recurrent
 * state update of decode.
 */
final class SsdKernels {
    private SsdKernels() {}

    interface Impl {
        float stateRow(float[] s, int sOff, int n, float decay, float dx, float[] b, int bOff, float[] c, int cOff);
    }

    static final Impl IMPL = load();

    private static Impl load() {
        if (!Kernels.vectorEnabled()) return new Scalar();
        try {
            return (Impl) Class.forName("ai.taipan.engine.layers.SsdSimd").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Scalar();
        }
    }

    /** True when the Vector API versions run. */
    static boolean vectorized() { return !(IMPL instanceof Scalar); }

    /**
     * out[oOff + i·oStride + j] += Σ_k a[aOff + i·aStride + k] · b[bOff + k·bStride + j]
     * for i &lt; rows, j &lt; cols, k &lt; inner (k ≤ i with {@code lowerTriangular}, the SSD's
     * causal mask). Runs on the kernels' own micro-kernel ({@link VectorOps#mulAdd}: the matmul's
     * 2 × 8 register block over packed panels; scalar loop without the Vector API), so the SSD has
     * no GEMM kernel of its own. {@code pack}: at least {@link #PACK_PER_INNER}·inner floats.
     */
    static void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                       float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular, float[] pack) {
        VectorOps.mulAdd(out, oOff, oStride, a, aOff, aStride, b, bOff, bStride, rows, inner, cols, lowerTriangular, pack);
    }

    /**
     * Packs b (inner × cols), element (k, j) at b[bOff + k·kStride + j·jStride], for
     * {@link #mulAddPacked} ({@link VectorOps#pack}): an operand that all heads of a group share is
     * packed once per chunk. {@code packed}: at least {@link #packedFloats}(inner, cols) floats.
     */
    static void pack(float[] packed, float[] b, int bOff, int kStride, int jStride, int inner, int cols) {
        VectorOps.pack(packed, b, bOff, kStride, jStride, inner, cols);
    }

    /** Floats {@link #pack} needs for an inner × cols operand. */
    static int packedFloats(int inner, int cols) { return VectorOps.packedFloats(inner, cols); }

    /** {@link #mulAdd} with b packed by {@link #pack}: the same terms in the same order. */
    static void mulAddPacked(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                             float[] packed, int rows, int inner, int cols, boolean lowerTriangular) {
        VectorOps.mulAddPacked(out, oOff, oStride, a, aOff, aStride, packed, rows, inner, cols, lowerTriangular);
    }

    /** Floats of pack scratch per unit of inner dimension. */
    static final int PACK_PER_INNER = VectorOps.PACK_PER_INNER;

    /**
     * One state row of the recurrence: s[i] ← decay·s[i] + dx·b[i] for i &lt; n, and returns the new
     * row · c (SPEC §2 mamba2 step 5: S_h ← exp(Δ_h A_h) S_h + Δ_h x_h ⊗ B; y = S_h · C).
     */
    static float stateRow(float[] s, int sOff, int n, float decay, float dx, float[] b, int bOff, float[] c, int cOff) {
        return IMPL.stateRow(s, sOff, n, decay, dx, b, bOff, c, cOff);
    }

    /** The plain loops: the reference for the vector versions, and the path without the Vector API. */
    static final class Scalar implements Impl {
        @Override
        public float stateRow(float[] s, int sOff, int n, float decay, float dx, float[] b, int bOff, float[] c, int cOff) {
            float acc = 0f;
            for (int i = 0; i < n; i++) {
                float v = decay * s[sOff + i] + dx * b[bOff + i];
                s[sOff + i] = v;
                acc += v * c[cOff + i];
            }
            return acc;
        }
    }
}
