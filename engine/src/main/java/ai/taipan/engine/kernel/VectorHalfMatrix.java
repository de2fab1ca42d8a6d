package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static ai.taipan.engine.kernel.VectorKernels.L;
import static ai.taipan.engine.kernel.VectorKernels.S;

/**
 * F16 or BF16 weights (2 bytes each), widened to F32 inside the kernel.
 *
 * <p>Storage: the panel layout of {@link VectorKernels}, but two neighbouring columns share one int:
 * element (r, 2k) in the low 16 bits, (r, 2k+1) in the high 16 bits, at k·L + r%L of the panel.
 * One int-vector load then yields two float vectors with int lane ops only, no shape change:
 * <pre>
 *   BF16: low = bits &lt;&lt; 16,  high = bits &amp; 0xFFFF0000            (BF16 is the top half of an F32)
 *   F16:  exponent|mantissa = (h &amp; 0x7FFF) &lt;&lt; 13; normal: + (112 &lt;&lt; 23) (bias 15 → 127);
 *         exponent 0: m·2^-24 computed without denormals (see f16High); then the sign bit
 * </pre>
 * Exact for normal and subnormal halves; it needs finite weights, which {@link HalfPacking#toHalf}
 * enforces (an F16 infinity would come out as a large finite float).
 * We measured this "int pairs" layout against short[] storage widened with a S2I lane conversion
 * (ShortVector 256-bit → IntVector 512-bit, then the same shift): within ±10% of each other either
 * way, in cache and streaming from memory (engine/BENCHMARKS.md, "Half widening"), so we kept the
 * layout that needs no shape change.
 *
 * <p>matvec widens in registers; matmul widens one group (2L rows) into a per-thread F32 scratch
 * panel once and then runs the F32 micro-kernel over all tokens of a chunk (up to
 * {@link VectorKernels#CHUNK}), so the widening cost is paid once per weight and chunk, not once per token.
 */
final class VectorHalfMatrix implements Matrix {
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private final int[] q; // (groups, 2, pairs, L) packed column pairs
    private final int rows, cols, pairs, groups;
    private final boolean bf16;
    private final DType dtype;

    VectorHalfMatrix(float[] w, int rows, int cols, DType dtype) {
        this(HalfPacking.toHalf(w, rows, cols, dtype), rows, cols, dtype);
    }

    VectorHalfMatrix(short[] h, int rows, int cols, DType dtype) {
        if (IS.length() != L) throw new IllegalStateException("int and float species differ in lanes");
        if (dtype != DType.F16 && dtype != DType.BF16) throw new IllegalArgumentException("not a half type: " + dtype);
        if ((long) rows * cols != h.length) {
            throw new IllegalArgumentException("weights hold " + h.length + " values, not " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.dtype = dtype;
        this.bf16 = dtype == DType.BF16;
        this.pairs = (cols + 1) / 2;
        this.groups = (rows + 2 * L - 1) / (2 * L);
        this.q = new int[Math.multiplyExact(groups * 2 * L, pairs)];
        for (int r = 0; r < rows; r++) {
            int pb = (r / L) * L * pairs + r % L;
            for (int c = 0; c < cols; c++) {
                int bits = h[r * cols + c] & 0xffff;
                q[pb + (c >> 1) * L] |= (c & 1) == 0 ? bits : bits << 16;
            }
        }
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return dtype; }
    @Override public Kernels.Path pathFor(int tokens) { return Kernels.Path.VECTOR; }

    private static FloatVector bf16Low(IntVector v) { return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(); }

    private static FloatVector bf16High(IntVector v) { return v.and(0xFFFF0000).reinterpretAsFloats(); }

    private static FloatVector f16Low(IntVector v) {
        IntVector t = v.lanewise(VectorOperators.LSHL, 16);
        return f16High(t);
    }

    /**
     * F16 in the high 16 bits of each lane → float, without ever forming a float denormal: an F16
     * subnormal rebased by multiplying a denormal by 2^112 (the textbook trick) costs a microcode
     * assist per FMA/MUL on this CPU — measured 5.3 vs 42 GB/s for a BF16 matvec whose weights were
     * ~1% denormal — and ~0.2% of N(0, 0.02) weights are F16 subnormals. So: normal halves rebase the
     * exponent by integer add; zero/subnormal halves (exponent 0) are m·2^-24 = (2^-14 + m·2^-24) − 2^-14.
     */
    private static FloatVector f16High(IntVector v) {
        // integer ops and one float subtraction (a compare + blend version ran 5× slower on JDK 17)
        IntVector bits = v.lanewise(VectorOperators.LSHR, 3).and(0x0FFFE000);  // exponent|mantissa at F32 position
        IntVector tiny = bits.and(0x0F800000).sub(1).lanewise(VectorOperators.ASHR, 31); // -1 where the F16 exponent is 0
        IntVector sign = v.and(0x80000000);
        FloatVector hi = bits.add(0x38000000).add(tiny.and(0x00800000)).or(sign).reinterpretAsFloats(); // bias +112 (+113 if tiny)
        FloatVector lo = tiny.and(0x38800000).or(sign).reinterpretAsFloats();   // ±2^-14 where tiny, else ±0
        return hi.sub(lo);
    }

    @Override
    public void matvec(float[] out, int outOff, float[] x, int xOff) {
        checkBounds(out, outOff, x, xOff, 1);
        Parallel.forRange(groups, Math.max(1, (1 << 16) / (2 * L * cols) + 1), (g0, g1) -> {
            int g = g0;
            if (bf16) {
                // the chunk's two halves side by side: 4 weight streams per core (as VectorF32Matrix)
                int half = (g1 - g0) / 2;
                for (int i = 0; i < half; i++) {
                    int ga = g0 + i, gb = g0 + half + i;
                    matvec2GroupsBf16(ga * 2 * L * pairs, gb * 2 * L * pairs, x, xOff,
                            out, outOff + ga * 2 * L, rows - ga * 2 * L, outOff + gb * 2 * L, rows - gb * 2 * L);
                }
                for (g = g0 + 2 * half; g < g1; g++) {
                    matvecGroupBf16(g * 2 * L * pairs, x, xOff, out, outOff + g * 2 * L, rows - g * 2 * L);
                }
                return;
            }
            for (; g < g1; g++) {
                matvecGroupF16(g * 2 * L * pairs, x, xOff, out, outOff + g * 2 * L, rows - g * 2 * L);
            }
        });
    }

    private void matvecGroupBf16(int base, float[] x, int xOff, float[] out, int outOff, int valid) {
        int b1 = base + L * pairs, full = cols >> 1;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        for (int k = 0; k < full; k++) {
            IntVector i0 = IntVector.fromArray(IS, q, base + k * L);
            IntVector i1 = IntVector.fromArray(IS, q, b1 + k * L);
            FloatVector xl = FloatVector.broadcast(S, x[xOff + 2 * k]);
            FloatVector xh = FloatVector.broadcast(S, x[xOff + 2 * k + 1]);
            a0 = bf16Low(i0).fma(xl, a0);
            a1 = bf16Low(i1).fma(xl, a1);
            a0 = bf16High(i0).fma(xh, a0);
            a1 = bf16High(i1).fma(xh, a1);
        }
        if ((cols & 1) != 0) { // last column alone in the low half
            FloatVector xl = FloatVector.broadcast(S, x[xOff + cols - 1]);
            a0 = bf16Low(IntVector.fromArray(IS, q, base + full * L)).fma(xl, a0);
            a1 = bf16Low(IntVector.fromArray(IS, q, b1 + full * L)).fma(xl, a1);
        }
        VectorKernels.store(a0, out, outOff, valid);
        VectorKernels.store(a1, out, outOff + L, valid - L);
    }

    /**
     * Two groups of matvecGroupBf16 side by side (4 streams), each with exactly its arithmetic: one
     * FMA chain per output over the columns in order (low half, then high half of each pair), as
     * the matmul's widened panels give, so matvec and matmul agree bit for bit (VectorKernels.matvecGroup).
     */
    private void matvec2GroupsBf16(int baseA, int baseB, float[] x, int xOff,
                                   float[] out, int outA, int validA, int outB, int validB) {
        int a1 = baseA + L * pairs, b1 = baseB + L * pairs, full = cols >> 1;
        FloatVector ua0 = FloatVector.zero(S), ua1 = FloatVector.zero(S), va0 = FloatVector.zero(S), va1 = FloatVector.zero(S);
        for (int k = 0; k < full; k++) {
            IntVector i0 = IntVector.fromArray(IS, q, baseA + k * L);
            IntVector i1 = IntVector.fromArray(IS, q, a1 + k * L);
            IntVector j0 = IntVector.fromArray(IS, q, baseB + k * L);
            IntVector j1 = IntVector.fromArray(IS, q, b1 + k * L);
            FloatVector xl = FloatVector.broadcast(S, x[xOff + 2 * k]);
            FloatVector xh = FloatVector.broadcast(S, x[xOff + 2 * k + 1]);
            ua0 = bf16Low(i0).fma(xl, ua0);
            ua1 = bf16Low(i1).fma(xl, ua1);
            va0 = bf16Low(j0).fma(xl, va0);
            va1 = bf16Low(j1).fma(xl, va1);
            ua0 = bf16High(i0).fma(xh, ua0);
            ua1 = bf16High(i1).fma(xh, ua1);
            va0 = bf16High(j0).fma(xh, va0);
            va1 = bf16High(j1).fma(xh, va1);
        }
        if ((cols & 1) != 0) {
            FloatVector xl = FloatVector.broadcast(S, x[xOff + cols - 1]);
            ua0 = bf16Low(IntVector.fromArray(IS, q, baseA + full * L)).fma(xl, ua0);
            ua1 = bf16Low(IntVector.fromArray(IS, q, a1 + full * L)).fma(xl, ua1);
            va0 = bf16Low(IntVector.fromArray(IS, q, baseB + full * L)).fma(xl, va0);
            va1 = bf16Low(IntVector.fromArray(IS, q, b1 + full * L)).fma(xl, va1);
        }
        VectorKernels.store(ua0, out, outA, validA);
        VectorKernels.store(ua1, out, outA + L, validA - L);
        VectorKernels.store(va0, out, outB, validB);
        VectorKernels.store(va1, out, outB + L, validB - L);
    }

    /**
     * As matvecGroupBf16 with F16 widening written out in the loop: called as a helper (f16High)
     * four times per step, C2 stopped inlining it and boxed every vector (6× slower, measured).
     * Each panel's int vector is widened by one pass over both halves: the low half is moved up
     * (t = i &lt;&lt; 16) and both go through the same integer rebasing as {@link #f16High}.
     */
    private void matvecGroupF16(int base, float[] x, int xOff, float[] out, int outOff, int valid) {
        int b1 = base + L * pairs, full = cols >> 1;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        for (int k = 0; k < full; k++) {
            FloatVector xl = FloatVector.broadcast(S, x[xOff + 2 * k]);
            FloatVector xh = FloatVector.broadcast(S, x[xOff + 2 * k + 1]);
            IntVector i0 = IntVector.fromArray(IS, q, base + k * L);
            IntVector i1 = IntVector.fromArray(IS, q, b1 + k * L);
            IntVector t0 = i0.lanewise(VectorOperators.LSHL, 16), t1 = i1.lanewise(VectorOperators.LSHL, 16);
            // bits = exponent|mantissa at F32 position; tiny = -1 where the F16 exponent is 0
            IntVector bl0 = t0.lanewise(VectorOperators.LSHR, 3).and(0x0FFFE000);
            IntVector bh0 = i0.lanewise(VectorOperators.LSHR, 3).and(0x0FFFE000);
            IntVector bl1 = t1.lanewise(VectorOperators.LSHR, 3).and(0x0FFFE000);
            IntVector bh1 = i1.lanewise(VectorOperators.LSHR, 3).and(0x0FFFE000);
            IntVector zl0 = bl0.and(0x0F800000).sub(1).lanewise(VectorOperators.ASHR, 31);
            IntVector zh0 = bh0.and(0x0F800000).sub(1).lanewise(VectorOperators.ASHR, 31);
            IntVector zl1 = bl1.and(0x0F800000).sub(1).lanewise(VectorOperators.ASHR, 31);
            IntVector zh1 = bh1.and(0x0F800000).sub(1).lanewise(VectorOperators.ASHR, 31);
            IntVector sl0 = t0.and(0x80000000), sh0 = i0.and(0x80000000), sl1 = t1.and(0x80000000), sh1 = i1.and(0x80000000);
            FloatVector wl0 = bl0.add(0x38000000).add(zl0.and(0x00800000)).or(sl0).reinterpretAsFloats()
                    .sub(zl0.and(0x38800000).or(sl0).reinterpretAsFloats());
            FloatVector wh0 = bh0.add(0x38000000).add(zh0.and(0x00800000)).or(sh0).reinterpretAsFloats()
                    .sub(zh0.and(0x38800000).or(sh0).reinterpretAsFloats());
            FloatVector wl1 = bl1.add(0x38000000).add(zl1.and(0x00800000)).or(sl1).reinterpretAsFloats()
                    .sub(zl1.and(0x38800000).or(sl1).reinterpretAsFloats());
            FloatVector wh1 = bh1.add(0x38000000).add(zh1.and(0x00800000)).or(sh1).reinterpretAsFloats()
                    .sub(zh1.and(0x38800000).or(sh1).reinterpretAsFloats());
            a0 = wl0.fma(xl, a0);
            a1 = wl1.fma(xl, a1);
            a0 = wh0.fma(xh, a0);
            a1 = wh1.fma(xh, a1);
        }
        if ((cols & 1) != 0) {
            FloatVector xl = FloatVector.broadcast(S, x[xOff + cols - 1]);
            a0 = f16Low(IntVector.fromArray(IS, q, base + full * L)).fma(xl, a0);
            a1 = f16Low(IntVector.fromArray(IS, q, b1 + full * L)).fma(xl, a1);
        }
        VectorKernels.store(a0, out, outOff, valid);
        VectorKernels.store(a1, out, outOff + L, valid - L);
    }

    @Override
    public void matmul(float[] out, int outOff, float[] x, int xOff, int tokens) {
        if (tokens == 1) { matvec(out, outOff, x, xOff); return; }
        checkBounds(out, outOff, x, xOff, tokens);
        VectorKernels.matmulChunks(groups, rows, cols, x, xOff, tokens, outOff, (g, xp, n, o) -> {
            float[] panel = SCRATCH.get();
            if (panel.length < 2 * L * cols) SCRATCH.set(panel = new float[2 * L * cols]); // (2, cols, L)
            widenGroup(g * 2 * L * pairs, panel);
            VectorKernels.matmulGroup(panel, 0, cols, xp, n, out, o + g * 2 * L, rows, rows - g * 2 * L);
        });
    }

    /** Widens one group (2 panels) into F32 panel layout: panel[pl·L·cols + c·L + lane]. */
    private void widenGroup(int base, float[] panel) {
        for (int pl = 0; pl < 2; pl++) {
            int src = base + pl * L * pairs, dst = pl * L * cols;
            for (int k = 0; k < pairs; k++) {
                IntVector v = IntVector.fromArray(IS, q, src + k * L);
                (bf16 ? bf16Low(v) : f16Low(v)).intoArray(panel, dst + 2 * k * L);
                if (2 * k + 1 < cols) (bf16 ? bf16High(v) : f16High(v)).intoArray(panel, dst + (2 * k + 1) * L);
            }
        }
    }

    private void checkBounds(float[] out, int outOff, float[] x, int xOff, int tokens) {
        if (outOff < 0 || (long) outOff + (long) tokens * rows > out.length
                || xOff < 0 || (long) xOff + (long) tokens * cols > x.length) {
            throw new IndexOutOfBoundsException("matmul " + rows + "x" + cols + " for " + tokens + " tokens: out["
                    + out.length + "] at " + outOff + ", x[" + x.length + "] at " + xOff);
        }
    }

    private short bits(int r, int c) {
        int v = q[(r / L) * L * pairs + (c >> 1) * L + r % L];
        return (short) ((c & 1) == 0 ? v : v >>> 16);
    }

    @Override public float get(int r, int c) { return HalfPacking.widen(bits(r, c), dtype); }

    @Override
    public void row(int r, float[] dst, int off) {
        for (int c = 0; c < cols; c++) dst[off + c] = get(r, c);
    }
}
