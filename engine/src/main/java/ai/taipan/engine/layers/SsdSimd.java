package ai.taipan.engine.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link SsdKernels} (loaded by name only when the module is present).
 *
 * <p>mulAdd is a GEMM micro-kernel: b is copied, one panel of 2 vectors of columns at a time, into
 * {@code pack} (row k of the panel at k·2L, a constant stride, so C2 hoists the bounds checks of
 * the loads out of the loop — with b's own run-time stride they stayed in it and the kernel ran at
 * ~27 GFLOP/s per core); then a register block of 6 rows × 2 vectors (12 accumulators, as the
 * matrix kernels' 2×6 block) runs down the panel: each b vector loaded serves 6 rows, each
 * broadcast a[i, k] two vectors. Packing costs inner·2L copies per panel against rows·inner·2L
 * FMAs. Columns past the last whole panel go through one-vector panels (6 rows × 1 vector), rows
 * past the last block of 6 one at a time, the last cols % L columns through the scalar loop. Each block is a small method called many times, so C2 compiles it normally (a long loop in
 * a rarely called method only gets OSR code, in which vectors are boxed — see kernel.VectorKernels).
 */
final class SsdSimd implements SsdKernels.Impl {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int W = 2 * L;              // panel width
    private static final int RB = 6;
    private static final SsdKernels.Scalar SCALAR = new SsdKernels.Scalar();

    @Override
    public void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                       float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular, float[] pack) {
        int cv = W > SsdKernels.PACK_PER_INNER ? 0 : cols - cols % W;   // columns done in packed panels
        for (int j = 0; j < cv; j += W) {
            for (int k = 0; k < inner; k++) System.arraycopy(b, bOff + k * bStride + j, pack, k * W, W);
            int i = 0;
            for (; i + RB <= rows; i += RB) {
                int kEnd = lowerTriangular ? Math.min(inner, i + RB) : inner;
                block6(out, oOff + i * oStride + j, oStride, a, aOff + i * aStride, aStride, pack, kEnd);
            }
            for (; i < rows; i++) {
                int kEnd = lowerTriangular ? Math.min(inner, i + 1) : inner;
                block1(out, oOff + i * oStride + j, a, aOff + i * aStride, pack, kEnd);
            }
        }
        int c1 = cols - (cols - cv) % L;                 // then one-vector panels (cols % 2L ≥ L)
        for (int j = cv; j < c1; j += L) {
            if (L > SsdKernels.PACK_PER_INNER) {
                for (int i = 0; i < rows; i++) {
                    int kEnd = lowerTriangular ? Math.min(inner, i + 1) : inner;
                    row1(out, oOff + i * oStride + j, a, aOff + i * aStride, b, bOff + j, bStride, kEnd);
                }
                continue;
            }
            for (int k = 0; k < inner; k++) System.arraycopy(b, bOff + k * bStride + j, pack, k * L, L);
            int i = 0;
            for (; i + RB <= rows; i += RB) {
                int kEnd = lowerTriangular ? Math.min(inner, i + RB) : inner;
                narrow6(out, oOff + i * oStride + j, oStride, a, aOff + i * aStride, aStride, pack, kEnd);
            }
            for (; i < rows; i++) {
                int kEnd = lowerTriangular ? Math.min(inner, i + 1) : inner;
                row1(out, oOff + i * oStride + j, a, aOff + i * aStride, pack, 0, L, kEnd);
            }
        }
        if (c1 < cols) {                                 // the last cols % L columns, plain
            SCALAR.mulAdd(out, oOff + c1, oStride, a, aOff, aStride, b, bOff + c1, bStride,
                    rows, inner, cols - c1, lowerTriangular, pack);
        }
    }

    /** out rows r..r+5, one panel: += Σ_{k < kEnd} a[r, k] · panel[k]. */
    private static void block6(float[] out, int o, int os, float[] a, int a0, int as, float[] p, int kEnd) {
        FloatVector x0 = FloatVector.zero(S), y0 = FloatVector.zero(S);
        FloatVector x1 = FloatVector.zero(S), y1 = FloatVector.zero(S);
        FloatVector x2 = FloatVector.zero(S), y2 = FloatVector.zero(S);
        FloatVector x3 = FloatVector.zero(S), y3 = FloatVector.zero(S);
        FloatVector x4 = FloatVector.zero(S), y4 = FloatVector.zero(S);
        FloatVector x5 = FloatVector.zero(S), y5 = FloatVector.zero(S);
        int a1 = a0 + as, a2 = a1 + as, a3 = a2 + as, a4 = a3 + as, a5 = a4 + as;
        for (int k = 0; k < kEnd; k++) {
            FloatVector b0 = FloatVector.fromArray(S, p, k * W);
            FloatVector b1 = FloatVector.fromArray(S, p, k * W + L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + k]);
            x0 = b0.fma(v, x0); y0 = b1.fma(v, y0);
            v = FloatVector.broadcast(S, a[a1 + k]);
            x1 = b0.fma(v, x1); y1 = b1.fma(v, y1);
            v = FloatVector.broadcast(S, a[a2 + k]);
            x2 = b0.fma(v, x2); y2 = b1.fma(v, y2);
            v = FloatVector.broadcast(S, a[a3 + k]);
            x3 = b0.fma(v, x3); y3 = b1.fma(v, y3);
            v = FloatVector.broadcast(S, a[a4 + k]);
            x4 = b0.fma(v, x4); y4 = b1.fma(v, y4);
            v = FloatVector.broadcast(S, a[a5 + k]);
            x5 = b0.fma(v, x5); y5 = b1.fma(v, y5);
        }
        acc(out, o, x0, y0); o += os;
        acc(out, o, x1, y1); o += os;
        acc(out, o, x2, y2); o += os;
        acc(out, o, x3, y3); o += os;
        acc(out, o, x4, y4); o += os;
        acc(out, o, x5, y5);
    }

    /** out rows r..r+5, one one-vector panel (row k at k·L). */
    private static void narrow6(float[] out, int o, int os, float[] a, int a0, int as, float[] p, int kEnd) {
        FloatVector x0 = FloatVector.zero(S), x1 = FloatVector.zero(S), x2 = FloatVector.zero(S);
        FloatVector x3 = FloatVector.zero(S), x4 = FloatVector.zero(S), x5 = FloatVector.zero(S);
        int a1 = a0 + as, a2 = a1 + as, a3 = a2 + as, a4 = a3 + as, a5 = a4 + as;
        for (int k = 0; k < kEnd; k++) {
            FloatVector b0 = FloatVector.fromArray(S, p, k * L);
            x0 = b0.fma(FloatVector.broadcast(S, a[a0 + k]), x0);
            x1 = b0.fma(FloatVector.broadcast(S, a[a1 + k]), x1);
            x2 = b0.fma(FloatVector.broadcast(S, a[a2 + k]), x2);
            x3 = b0.fma(FloatVector.broadcast(S, a[a3 + k]), x3);
            x4 = b0.fma(FloatVector.broadcast(S, a[a4 + k]), x4);
            x5 = b0.fma(FloatVector.broadcast(S, a[a5 + k]), x5);
        }
        FloatVector.fromArray(S, out, o).add(x0).intoArray(out, o); o += os;
        FloatVector.fromArray(S, out, o).add(x1).intoArray(out, o); o += os;
        FloatVector.fromArray(S, out, o).add(x2).intoArray(out, o); o += os;
        FloatVector.fromArray(S, out, o).add(x3).intoArray(out, o); o += os;
        FloatVector.fromArray(S, out, o).add(x4).intoArray(out, o); o += os;
        FloatVector.fromArray(S, out, o).add(x5).intoArray(out, o);
    }

    /** One output row, one panel. */
    private static void block1(float[] out, int o, float[] a, int a0, float[] p, int kEnd) {
        FloatVector x = FloatVector.zero(S), y = FloatVector.zero(S);
        for (int k = 0; k < kEnd; k++) {
            FloatVector v = FloatVector.broadcast(S, a[a0 + k]);
            x = FloatVector.fromArray(S, p, k * W).fma(v, x);
            y = FloatVector.fromArray(S, p, k * W + L).fma(v, y);
        }
        acc(out, o, x, y);
    }

    private static void acc(float[] out, int o, FloatVector x, FloatVector y) {
        FloatVector.fromArray(S, out, o).add(x).intoArray(out, o);
        FloatVector.fromArray(S, out, o + L).add(y).intoArray(out, o + L);
    }

    /** One output row, one vector of columns (row k of b at bo + k·bs). */
    private static void row1(float[] out, int o, float[] a, int a0, float[] b, int bo, int bs, int kEnd) {
        FloatVector x = FloatVector.zero(S), y = FloatVector.zero(S);
        int k = 0;
        for (; k + 1 < kEnd; k += 2) {      // two chains
            x = FloatVector.fromArray(S, b, bo + k * bs).fma(FloatVector.broadcast(S, a[a0 + k]), x);
            y = FloatVector.fromArray(S, b, bo + (k + 1) * bs).fma(FloatVector.broadcast(S, a[a0 + k + 1]), y);
        }
        if (k < kEnd) x = FloatVector.fromArray(S, b, bo + k * bs).fma(FloatVector.broadcast(S, a[a0 + k]), x);
        FloatVector.fromArray(S, out, o).add(x.add(y)).intoArray(out, o);
    }

    @Override
    public float stateRow(float[] s, int sOff, int n, float decay, float dx, float[] b, int bOff, float[] c, int cOff) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector v0 = FloatVector.fromArray(S, b, bOff + i).mul(dx)
                    .add(FloatVector.fromArray(S, s, sOff + i).mul(decay));
            FloatVector v1 = FloatVector.fromArray(S, b, bOff + i + L).mul(dx)
                    .add(FloatVector.fromArray(S, s, sOff + i + L).mul(decay));
            v0.intoArray(s, sOff + i);
            v1.intoArray(s, sOff + i + L);
            acc0 = v0.fma(FloatVector.fromArray(S, c, cOff + i), acc0);
            acc1 = v1.fma(FloatVector.fromArray(S, c, cOff + i + L), acc1);
        }
        for (; i + L <= n; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, bOff + i).mul(dx)
                    .add(FloatVector.fromArray(S, s, sOff + i).mul(decay));
            v0.intoArray(s, sOff + i);
            acc0 = v0.fma(FloatVector.fromArray(S, c, cOff + i), acc0);
        }
        float acc = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = decay * s[sOff + i] + dx * b[bOff + i];
            s[sOff + i] = v;
            acc += v * c[cOff + i];
        }
        return acc;
    }
}
