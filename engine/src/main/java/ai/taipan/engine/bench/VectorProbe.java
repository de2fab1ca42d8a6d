package ai.taipan.engine.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link HardwareProbe} arithmetic on the Vector API; loaded by name only when the module is present. */
final class VectorProbe implements HardwareProbe.Probe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override public int lanes() { return S.length(); }

    @Override
    public double sum(float[] buf, int lo, int hi) {
        // four streams per thread: [lo, hi) is cut into 4 parts read side by side. Measured (C,
        // gcc -O3 -march=native, 1 GiB, 2 threads, same load, back to back): 1 stream per thread
        // 12.5–13.2 GB/s, 4 streams 14.6–15.3 — the hardware prefetchers keep more lines in flight
        // with more concurrent streams, so a 1-stream probe under-reads the machine by ~15%.
        int L = S.length();
        int q = (hi - lo) / 4 / L * L;
        int b0 = lo, b1 = lo + q, b2 = lo + 2 * q, b3 = lo + 3 * q;
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        for (int i = 0; i < q; i += L) {
            s0 = s0.add(FloatVector.fromArray(S, buf, b0 + i));
            s1 = s1.add(FloatVector.fromArray(S, buf, b1 + i));
            s2 = s2.add(FloatVector.fromArray(S, buf, b2 + i));
            s3 = s3.add(FloatVector.fromArray(S, buf, b3 + i));
        }
        double s = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        for (int i = lo + 4 * q; i < hi; i++) s += buf[i];
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
