package ai.taipan.engine.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API version of {@link SsdKernels#stateRow} (loaded by name only when the module is
 * present). The chunk products have no kernel here: they run on kernel.VectorOps.mulAdd.
 */
final class SsdSimd implements SsdKernels.Impl {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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
