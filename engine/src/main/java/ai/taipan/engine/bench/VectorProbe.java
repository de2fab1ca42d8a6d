package ai.taipan.engine.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link HardwareProbe} arithmetic on the Vector API; loaded by name only when the module is present. */
final class VectorProbe implements HardwareProbe.Probe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override public int lanes() { return S.length(); }

    @Override
    public double sum(float[] buf, int lo, int hi, int streams) {
        // [lo, hi) cut into `streams` parts read side by side, four accumulators in all (an add's
        // latency is not what bounds a read from DRAM). Which count reads fastest depends on the
        // core's prefetchers, so HardwareProbe tries each (engine/BENCHMARKS.md §21).
        int L = S.length();
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int done;
        if (streams == 4) {
            int q = (hi - lo) / 4 / L * L;
            int b0 = lo, b1 = lo + q, b2 = lo + 2 * q, b3 = lo + 3 * q;
            for (int i = 0; i < q; i += L) {
                s0 = s0.add(FloatVector.fromArray(S, buf, b0 + i));
                s1 = s1.add(FloatVector.fromArray(S, buf, b1 + i));
                s2 = s2.add(FloatVector.fromArray(S, buf, b2 + i));
                s3 = s3.add(FloatVector.fromArray(S, buf, b3 + i));
            }
            done = 4 * q;
        } else if (streams == 2) {
            int q = (hi - lo) / 4 / L * 2 * L;
            int b0 = lo, b1 = lo + q;
            for (int i = 0; i < q; i += 2 * L) {
                s0 = s0.add(FloatVector.fromArray(S, buf, b0 + i));
                s1 = s1.add(FloatVector.fromArray(S, buf, b1 + i));
                s2 = s2.add(FloatVector.fromArray(S, buf, b0 + i + L));
                s3 = s3.add(FloatVector.fromArray(S, buf, b1 + i + L));
            }
            done = 2 * q;
        } else if (streams == 1) {
            int q = (hi - lo) / (4 * L) * 4 * L;
            for (int i = lo; i < lo + q; i += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(S, buf, i));
                s1 = s1.add(FloatVector.fromArray(S, buf, i + L));
                s2 = s2.add(FloatVector.fromArray(S, buf, i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, buf, i + 3 * L));
            }
            done = q;
        } else {
            throw new IllegalArgumentException("streams must be 1, 2 or 4, not " + streams);
        }
        double s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (int i = lo + done; i < hi; i++) s += buf[i];
        return s;
    }

    @Override
    public double fmaChains(long iters) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1), c1 = FloatVector.broadcast(S, 2), c2 = FloatVector.broadcast(S, 3);
        FloatVector c3 = FloatVector.broadcast(S, 4), c4 = FloatVector.broadcast(S, 5), c5 = FloatVector.broadcast(S, 6);
        FloatVector c6 = FloatVector.broadcast(S, 7), c7 = FloatVector.broadcast(S, 8), c8 = FloatVector.broadcast(S, 9);
        FloatVector c9 = FloatVector.broadcast(S, 10), c10 = FloatVector.broadcast(S, 11), c11 = FloatVector.broadcast(S, 12);
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
