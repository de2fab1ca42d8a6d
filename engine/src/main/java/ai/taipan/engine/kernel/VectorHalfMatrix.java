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
 *   F16:  for h = one half: f32bits = ((h &amp; 0x7FFF) &lt;&lt; 13) | sign,  value = float(f32bits) · 2^112
 * </pre>
 * The F16 rule rebases the exponent (bias 15 → 127 is a factor 2^112) and is exact for normal and
 * subnormal halves alike; it needs finite weights, which {@link HalfPacking#toHalf} enforces.
 * We measured this "int pairs" layout against short[] storage widened with a S2I lane conversion
 * (ShortVector 256-bit → IntVector 512-bit, then the same shift): within ±10% of each other either
 * way, in cache and streaming from memory (engine/BENCHMARKS.md, "Half widening"), so we kept the
 * layout that needs no shape change.
 *
 * <p>matvec widens in registers; matmul widens one group (2L rows) into a per-thread F32 scratch
 * panel once and then runs the F32 micro-kernel over all tokens, so the widening cost is paid once
 * per weight, not once per token.
 */
final class VectorHalfMatrix implements Matrix {
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final float F16_REBASE = 0x1p112f;
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

    private static FloatVector bf16Low(IntVector v) { return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(); }

    private static FloatVector bf16High(IntVector v) { return v.and(0xFFFF0000).reinterpretAsFloats(); }

    private static FloatVector f16Low(IntVector v) {
        IntVector t = v.lanewise(VectorOperators.LSHL, 16);
        return f16High(t);
    }

    private static FloatVector f16High(IntVector v) {
        IntVector bits = v.lanewise(VectorOperators.LSHR, 3).and(0x0FFFE000).or(v.and(0x80000000));
        return bits.reinterpretAsFloats().mul(F16_REBASE);
    }

    @Override
    public void matvec(float[] out, int outOff, float[] x, int xOff) {
        checkBounds(out, outOff, x, xOff, 1);
        Parallel.forRange(groups, Math.max(1, (1 << 16) / (2 * L * cols) + 1), (g0, g1) -> {
            for (int g = g0; g < g1; g++) {
                int base = g * 2 * L * pairs;
                if (bf16) matvecGroupBf16(base, x, xOff, out, outOff + g * 2 * L, rows - g * 2 * L);
                else matvecGroupF16(base, x, xOff, out, outOff + g * 2 * L, rows - g * 2 * L);
            }
        });
    }

    private void matvecGroupBf16(int base, float[] x, int xOff, float[] out, int outOff, int valid) {
        int b1 = base + L * pairs, full = cols >> 1;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        for (int k = 0; k < full; k++) {
            IntVector i0 = IntVector.fromArray(IS, q, base + k * L);
            IntVector i1 = IntVector.fromArray(IS, q, b1 + k * L);
            FloatVector xl = FloatVector.broadcast(S, x[xOff + 2 * k]);
            FloatVector xh = FloatVector.broadcast(S, x[xOff + 2 * k + 1]);
            a0 = bf16Low(i0).fma(xl, a0);
            c0 = bf16High(i0).fma(xh, c0);
            a1 = bf16Low(i1).fma(xl, a1);
            c1 = bf16High(i1).fma(xh, c1);
        }
        if ((cols & 1) != 0) { // last column alone in the low half
            FloatVector xl = FloatVector.broadcast(S, x[xOff + cols - 1]);
            a0 = bf16Low(IntVector.fromArray(IS, q, base + full * L)).fma(xl, a0);
            a1 = bf16Low(IntVector.fromArray(IS, q, b1 + full * L)).fma(xl, a1);
        }
        VectorKernels.store(a0.add(c0), out, outOff, valid);
        VectorKernels.store(a1.add(c1), out, outOff + L, valid - L);
    }

    private void matvecGroupF16(int base, float[] x, int xOff, float[] out, int outOff, int valid) {
        int b1 = base + L * pairs, full = cols >> 1;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        for (int k = 0; k < full; k++) {
            IntVector i0 = IntVector.fromArray(IS, q, base + k * L);
            IntVector i1 = IntVector.fromArray(IS, q, b1 + k * L);
            FloatVector xl = FloatVector.broadcast(S, x[xOff + 2 * k]);
            FloatVector xh = FloatVector.broadcast(S, x[xOff + 2 * k + 1]);
            a0 = f16Low(i0).fma(xl, a0);
            c0 = f16High(i0).fma(xh, c0);
            a1 = f16Low(i1).fma(xl, a1);
            c1 = f16High(i1).fma(xh, c1);
        }
        if ((cols & 1) != 0) {
            FloatVector xl = FloatVector.broadcast(S, x[xOff + cols - 1]);
            a0 = f16Low(IntVector.fromArray(IS, q, base + full * L)).fma(xl, a0);
            a1 = f16Low(IntVector.fromArray(IS, q, b1 + full * L)).fma(xl, a1);
        }
        VectorKernels.store(a0.add(c0), out, outOff, valid);
        VectorKernels.store(a1.add(c1), out, outOff + L, valid - L);
    }

    @Override
    public void matmul(float[] out, int outOff, float[] x, int xOff, int tokens) {
        if (tokens == 1) { matvec(out, outOff, x, xOff); return; }
        checkBounds(out, outOff, x, xOff, tokens);
        Parallel.forRange(groups, Math.max(1, (1 << 16) / (2 * L * cols * tokens) + 1), (g0, g1) -> {
            float[] panel = SCRATCH.get();
            if (panel.length < 2 * L * cols) SCRATCH.set(panel = new float[2 * L * cols]); // (2, cols, L)
            for (int g = g0; g < g1; g++) {
                widenGroup(g * 2 * L * pairs, panel);
                VectorKernels.matmulGroup(panel, 0, cols, x, xOff, 0, tokens, out, outOff + g * 2 * L, rows, rows - g * 2 * L);
            }
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
