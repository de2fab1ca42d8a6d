package ai.taipan.engine.bench;

import ai.taipan.engine.kernel.Kernels;
import ai.taipan.engine.kernel.Parallel;

/**
 * The machine's own limits, measured — not the speed of our kernels:
 * <ul>
 *   <li>memory read bandwidth: every core streams its share of a float buffer far larger than the
 *       caches (default 1 GiB), summing it into several vector accumulators; best of a few passes;</li>
 *   <li>FMA peak: every core runs independent FMA chains on registers (12 chains × lanes, enough to
 *       cover the 4-cycle FMA latency on two FMA ports), counting 2 flops per FMA lane.</li>
 * </ul>
 * Both run on all cores through {@link Parallel}, so they measure what the kernels could reach. On
 * a machine shared with other work both read low; the best of several runs is reported.
 */
public final class HardwareProbe {
    private HardwareProbe() {}

    /** Measured limits. */
    public record Limits(double readGBps, double fmaGflops, int threads, int vectorLanes, boolean vectorApi,
                         long bufferBytes, int runs) {}

    /** The full probe: a 1 GiB buffer, 5 bandwidth passes, 5 FMA runs of ~0.2 s. */
    public static Limits measure() { return measure(1L << 30, 5, 200); }

    /**
     * @param bufferBytes size of the streamed buffer (make it ≫ last-level cache)
     * @param runs        passes, the best is kept
     * @param fmaMillis   rough duration of one FMA run
     */
    public static Limits measure(long bufferBytes, int runs, int fmaMillis) {
        boolean vector = Kernels.vectorEnabled();
        Probe p = vector ? loadVectorProbe() : new ScalarProbe();
        warmUp(p);
        int n = (int) Math.min(Integer.MAX_VALUE - 64, bufferBytes / 4);
        float[] buf = new float[n]; // (n,) ≈ bufferBytes; touched so pages are mapped before timing
        Parallel.forRange(n, 1 << 20, (lo, hi) -> {
            for (int i = lo; i < hi; i++) buf[i] = (i & 1023) * 1e-3f;
        });
        double bestBw = 0;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            double[] sums = new double[Parallel.threads()];
            Parallel.forRange(Parallel.threads(), 1, (lo, hi) -> {
                for (int k = lo; k < hi; k++) {
                    int a = (int) ((long) n * k / Parallel.threads()), b = (int) ((long) n * (k + 1) / Parallel.threads());
                    sums[k] = p.sum(buf, a, b);
                }
            });
            long dt = System.nanoTime() - t0;
            sink(sums[0]);
            bestBw = Math.max(bestBw, 4.0 * n / dt);
        }
        // FMA: calibrate iterations so one run lasts ~fmaMillis on one thread
        long iters = 1 << 14;
        while (true) {
            long t0 = System.nanoTime();
            sink(p.fmaChains(iters));
            long dt = System.nanoTime() - t0;
            if (dt > fmaMillis * 1_000_000L / 4 || iters > 1L << 40) {
                iters = Math.max(1, (long) (iters * (fmaMillis * 1e6 / Math.max(1, dt))));
                break;
            }
            iters *= 4;
        }
        final long it = iters;
        double bestFlops = 0;
        for (int r = 0; r < runs; r++) {
            double[] sums = new double[Parallel.threads()];
            long t0 = System.nanoTime();
            Parallel.forRange(Parallel.threads(), 1, (lo, hi) -> {
                for (int k = lo; k < hi; k++) sums[k] = p.fmaChains(it);
            });
            long dt = System.nanoTime() - t0;
            sink(sums[0]);
            double flops = 2.0 * p.lanes() * Probe.CHAINS * it * Parallel.threads();
            bestFlops = Math.max(bestFlops, flops / dt);
        }
        return new Limits(bestBw, bestFlops, Parallel.threads(), p.lanes(), vector, 4L * n, runs);
    }

    /**
     * Gets both loops compiled by C2 before anything is timed: an interpreted Vector API loop boxes
     * every vector and runs ~1000× slower, which would make the calibration and the passes meaningless.
     */
    private static void warmUp(Probe p) {
        float[] small = new float[1 << 14];
        for (int i = 0; i < 2000; i++) sink(p.sum(small, 0, small.length));
        for (int i = 0; i < 2000; i++) sink(p.fmaChains(256));
    }

    private static volatile double sinkhole;

    private static void sink(double v) { sinkhole += v; }

    /** What a probe needs from the arithmetic: a streaming sum and independent FMA chains. */
    public interface Probe {
        int CHAINS = 12;

        int lanes();

        /** Σ buf[lo..hi) (only to keep the reads alive). */
        double sum(float[] buf, int lo, int hi);

        /** CHAINS independent chains of iters FMAs each, on registers. */
        double fmaChains(long iters);
    }

    private static Probe loadVectorProbe() {
        try {
            return (Probe) Class.forName("ai.taipan.engine.bench.VectorProbe").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Without the Vector API: scalar FMAs (Math.fma is an intrinsic) and an unrolled sum. */
    static final class ScalarProbe implements Probe {
        @Override public int lanes() { return 1; }

        @Override
        public double sum(float[] buf, int lo, int hi) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = lo;
            for (; i + 4 <= hi; i += 4) {
                s0 += buf[i]; s1 += buf[i + 1]; s2 += buf[i + 2]; s3 += buf[i + 3];
            }
            for (; i < hi; i++) s0 += buf[i];
            return s0 + s1 + s2 + s3;
        }

        @Override
        public double fmaChains(long iters) {
            float a = 0.999999f, b = 1e-7f;
            float c0 = 1, c1 = 2, c2 = 3, c3 = 4, c4 = 5, c5 = 6, c6 = 7, c7 = 8, c8 = 9, c9 = 10, c10 = 11, c11 = 12;
            for (long i = 0; i < iters; i++) {
                c0 = Math.fma(c0, a, b); c1 = Math.fma(c1, a, b); c2 = Math.fma(c2, a, b); c3 = Math.fma(c3, a, b);
                c4 = Math.fma(c4, a, b); c5 = Math.fma(c5, a, b); c6 = Math.fma(c6, a, b); c7 = Math.fma(c7, a, b);
                c8 = Math.fma(c8, a, b); c9 = Math.fma(c9, a, b); c10 = Math.fma(c10, a, b); c11 = Math.fma(c11, a, b);
            }
            return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        }
    }
}
