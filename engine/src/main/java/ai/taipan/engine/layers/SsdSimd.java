package ai.taipan.engine.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link SsdKernels} (loaded by name only when the module is present).
 *
 * <p>mulAdd keeps a register block of 6 rows × 2 vectors of columns (12 accumulators, as the
 * matrix kernels' 2×6 block): each b vector loaded serves 6 rows, each broadcast a[i, k] two
 * vectors. Columns past the last whole pair of vectors and rows past the last whole block of 6 go
 * through narrower blocks and finally the scalar loop. Each block is a small method called many
 * times, so C2 compiles it normally (a long loop in a rarely called method only gets OSR code, in
 * which vectors are boxed — see kernel.VectorKernels).
 */
final class SsdSimd implements SsdKernels.Impl {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int RB = 6;
    private static final SsdKernels.Scalar SCALAR = new SsdKernels.Scalar();

    @Override
    public void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aRowStride, int aColStride,
                       float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular) {
        int cv = cols - cols % (2 * L);          // columns done by 2-vector blocks
        int c1 = cols - cols % L;                // ... plus one-vector blocks
        int i = 0;
        for (; i + RB <= rows; i += RB) {
            int kEnd = lowerTriangular ? Math.min(inner, i + RB) : inner;
            int ai = aOff + i * aRowStride, oi = oOff + i * oStride;
            for (int j = 0; j < cv; j += 2 * L) block6x2(out, oi + j, oStride, a, ai, aRowStride, aColStride, b, bOff + j, bStride, kEnd);
            for (int j = cv; j < c1; j += L) {
                for (int r = 0; r < RB; r++) {
                    row1(out, oi + r * oStride + j, a, ai + r * aRowStride, aColStride, b, bOff + j, bStride,
                            lowerTriangular ? Math.min(inner, i + r + 1) : inner);
                }
            }
        }
        for (; i < rows; i++) {
            int kEnd = lowerTriangular ? Math.min(inner, i + 1) : inner;
            int ai = aOff + i * aRowStride, oi = oOff + i * oStride;
            for (int j = 0; j < c1; j += L) row1(out, oi + j, a, ai, aColStride, b, bOff + j, bStride, kEnd);
        }
        if (c1 < cols) {                          // the last cols % L columns, plain
            SCALAR.mulAdd(out, oOff + c1, oStride, a, aOff, aRowStride, aColStride, b, bOff + c1, bStride,
                    rows, inner, cols - c1, lowerTriangular);
        }
    }

    /** out rows i..i+5, columns j..j+2L: += Σ_{k < kEnd} a[i+r, k] · b[k, j..]. */
    private static void block6x2(float[] out, int o, int os, float[] a, int ai, int ars, int acs,
                                 float[] b, int bo, int bs, int kEnd) {
        FloatVector x0 = FloatVector.zero(S), y0 = FloatVector.zero(S);
        FloatVector x1 = FloatVector.zero(S), y1 = FloatVector.zero(S);
        FloatVector x2 = FloatVector.zero(S), y2 = FloatVector.zero(S);
        FloatVector x3 = FloatVector.zero(S), y3 = FloatVector.zero(S);
        FloatVector x4 = FloatVector.zero(S), y4 = FloatVector.zero(S);
        FloatVector x5 = FloatVector.zero(S), y5 = FloatVector.zero(S);
        int a1 = ai + ars, a2 = a1 + ars, a3 = a2 + ars, a4 = a3 + ars, a5 = a4 + ars;
        for (int k = 0; k < kEnd; k++) {
            int bk = bo + k * bs, ak = k * acs;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector v = FloatVector.broadcast(S, a[ai + ak]);
            x0 = b0.fma(v, x0); y0 = b1.fma(v, y0);
            v = FloatVector.broadcast(S, a[a1 + ak]);
            x1 = b0.fma(v, x1); y1 = b1.fma(v, y1);
            v = FloatVector.broadcast(S, a[a2 + ak]);
            x2 = b0.fma(v, x2); y2 = b1.fma(v, y2);
            v = FloatVector.broadcast(S, a[a3 + ak]);
            x3 = b0.fma(v, x3); y3 = b1.fma(v, y3);
            v = FloatVector.broadcast(S, a[a4 + ak]);
            x4 = b0.fma(v, x4); y4 = b1.fma(v, y4);
            v = FloatVector.broadcast(S, a[a5 + ak]);
            x5 = b0.fma(v, x5); y5 = b1.fma(v, y5);
        }
        acc(out, o, x0, y0); o += os;
        acc(out, o, x1, y1); o += os;
        acc(out, o, x2, y2); o += os;
        acc(out, o, x3, y3); o += os;
        acc(out, o, x4, y4); o += os;
        acc(out, o, x5, y5);
    }

    private static void acc(float[] out, int o, FloatVector x, FloatVector y) {
        FloatVector.fromArray(S, out, o).add(x).intoArray(out, o);
        FloatVector.fromArray(S, out, o + L).add(y).intoArray(out, o + L);
    }

    /** One output row, one vector of columns. */
    private static void row1(float[] out, int o, float[] a, int ai, int acs, float[] b, int bo, int bs, int kEnd) {
        FloatVector x = FloatVector.zero(S), y = FloatVector.zero(S);
        int k = 0;
        for (; k + 1 < kEnd; k += 2) {      // two chains
            x = FloatVector.fromArray(S, b, bo + k * bs).fma(FloatVector.broadcast(S, a[ai + k * acs]), x);
            y = FloatVector.fromArray(S, b, bo + (k + 1) * bs).fma(FloatVector.broadcast(S, a[ai + (k + 1) * acs]), y);
        }
        if (k < kEnd) x = FloatVector.fromArray(S, b, bo + k * bs).fma(FloatVector.broadcast(S, a[ai + k * acs]), x);
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
