package ai.taipan.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of {@link VectorOps}; loaded by name only when the module is present. */
final class SimdOps implements VectorOps.Ops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) { // two chains: the FMA latency is not the limit at these lengths
            s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
            s1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), s1);
        }
        for (; i + L <= n; i += L) {
            s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void scale(float[] x, int off, int n, float alpha) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(S, x, off + i).mul(alpha).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= alpha;
    }

    @Override
    public float sumOfSquares(float[] x, int off, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i), w = FloatVector.fromArray(S, x, off + i + L);
            s0 = v.fma(v, s0);
            s1 = w.fma(w, s1);
        }
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            s0 = v.fma(v, s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[off + i] * x[off + i];
        return s;
    }

    @Override
    public void flushTiny(float[] x, int off, int n, float threshold) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            // compares are not arithmetic: no assist for the subnormal lanes being tested
            v.blend(0f, v.abs().compare(VectorOperators.LT, threshold)).intoArray(x, off + i);
        }
        for (; i < n; i++) if (Math.abs(x[off + i]) < threshold) x[off + i] = 0f;
    }

    @Override
    public void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                       float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular, float[] pack) {
        VectorKernels.mulAddStrided(out, oOff, oStride, a, aOff, aStride, b, bOff, bStride, rows, inner, cols, lowerTriangular, pack);
    }
}
