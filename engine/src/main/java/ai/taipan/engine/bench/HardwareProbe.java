package ai.taipan.engine.bench;

import ai.taipan.engine.kernel.Kernels;
import ai.taipan.engine.kernel.Parallel;

/**
 * The machine's own limits, measured — not the speed of our kernels:
 * <ul>
 *   <li>memory read bandwidth: every core streams its share of a float buffer far larger than the
 *       caches (default 1 GiB), summing it into vector accumulators, its share read as 1, 2 and 4
 *       streams side by side; best of a few passes of each. Why several: which pattern the
 *       hardware prefetchers serve best differs between cores — 4 streams per thread read ~15% more
 *       than 1 on the Intel VM of engine/BENCHMARKS.md §10, while on an AMD EPYC (Zen 4) VM one
 *       thread read 29.5 GB/s as 1 stream and 13.6 as 4 (§21); a probe that reads less than the
 *       decode loop itself makes the roofline ratio exceed 1;</li>
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
                         long bufferBytes, int runs, int readStreams, double[] readGBpsByStreams) {
        /** Streams per thread the probe tries, in the order of {@link #readGBpsByStreams}. */
        public static final int[] STREAMS = {1, 2, 4};
    }

    /** The full probe: a 1 GiB buffer, 5 bandwidth passes, 5 FMA runs of ~0.2 s. */
    public static Limits measure() { return measure(1L << 30, 5, 200); }

    /**
     * @param bufferBytes size of the streamed buffer (make it ≫ last-level cache)
     * @param runs        passes, the best is kept
     * @param fmaMillis   rough duration of one FMA run
     */
    public static Limits measure(long bufferBytes, int runs, int fmaMillis) {
        return measure(new Bandwidth(bufferBytes), runs, fmaMillis);
    }

    /** As {@link #measure(long, int, int)} on a reader the caller keeps (to read again beside a measurement). */
    public static Limits measure(Bandwidth bw, int runs, int fmaMillis) {
        Probe p = bw.probe;
        warmUp(p);
        double[] byStreams = new double[Limits.STREAMS.length];
        for (int r = 0; r < runs; r++) {
            double[] now = bw.readByStreams();
            for (int si = 0; si < byStreams.length; si++) byStreams[si] = Math.max(byStreams[si], now[si]);
        }
        int best = 0;
        for (int si = 1; si < byStreams.length; si++) if (byStreams[si] > byStreams[best]) best = si;
        double bestBw = byStreams[best];
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
        return new Limits(bestBw, bestFlops, Parallel.threads(), p.lanes(), bw.vector, bw.bytes(), runs,
                Limits.STREAMS[best], byStreams);
    }

    /**
     * The bandwidth half of the probe, kept ready: its buffer allocated and mapped, its loops
     * compiled, so that a caller can read the bandwidth again right beside a measurement (taipan
     * bench reads it before and after every decode repetition: on a VM whose memory bandwidth
     * drifts by minutes, 31 to 57 GB/s within one hour on the AMD VM of engine/BENCHMARKS.md §22, a
     * roofline from one earlier probe gave decode "ratios" of 1.25).
     */
    public static final class Bandwidth {
        private final Probe probe;
        private final boolean vector;
        private final float[] buf;

        /** Allocates and maps a buffer of about {@code bufferBytes} (make it ≫ the last-level cache). */
        public Bandwidth(long bufferBytes) {
            vector = Kernels.vectorEnabled();
            probe = vector ? loadVectorProbe() : new ScalarProbe();
            int n = (int) Math.min(Integer.MAX_VALUE - 64, bufferBytes / 4);
            buf = new float[n]; // (n,) ≈ bufferBytes; touched so pages are mapped before timing
            Parallel.forRange(n, 1 << 20, (lo, hi) -> {
                for (int i = lo; i < hi; i++) buf[i] = (i & 1023) * 1e-3f;
            });
            float[] small = new float[1 << 14];
            for (int i = 0; i < 2000; i++) for (int st : Limits.STREAMS) sink(probe.sum(small, 0, small.length, st));
        }

        public long bytes() { return 4L * buf.length; }

        /** One pass over the buffer per stream pattern, all threads: GB/s in {@link Limits#STREAMS} order. */
        public double[] readByStreams() {
            int n = buf.length, threads = Parallel.threads();
            double[] gbps = new double[Limits.STREAMS.length];
            for (int si = 0; si < gbps.length; si++) {
                int streams = Limits.STREAMS[si];
                double[] sums = new double[threads];
                long t0 = System.nanoTime();
                Parallel.forRange(threads, 1, (lo, hi) -> {
                    for (int k = lo; k < hi; k++) {
                        int a = (int) ((long) n * k / threads), b = (int) ((long) n * (k + 1) / threads);
                        sums[k] = probe.sum(buf, a, b, streams);
                    }
                });
                long dt = System.nanoTime() - t0;
                sink(sums[0]);
                gbps[si] = 4.0 * n / dt;
            }
            return gbps;
        }

        /** The bandwidth now: the best pattern of one pass each (GB/s). */
        public double read() {
            double best = 0;
            for (double g : readByStreams()) best = Math.max(best, g);
            return best;
        }
    }

    /**
     * Gets the FMA loop compiled by C2 before anything is timed (the sum loop: {@link Bandwidth}'s
     * constructor): an interpreted Vector API loop boxes every vector and runs ~1000× slower, which
     * would make the calibration and the passes meaningless.
     */
    private static void warmUp(Probe p) {
        for (int i = 0; i < 2000; i++) sink(p.fmaChains(256));
    }

    private static volatile double sinkhole;

    private static void sink(double v) { sinkhole += v; }

    /** What a probe needs from the arithmetic: a streaming sum and independent FMA chains. */
    public interface Probe {
        int CHAINS = 12;

        int lanes();

        /** Σ buf[lo..hi) (only to keep the reads alive), read as {@code streams} (1, 2 or 4) parts side by side. */
        double sum(float[] buf, int lo, int hi, int streams);

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
        public double sum(float[] buf, int lo, int hi, int streams) {
            if (streams != 1 && streams != 2 && streams != 4) {
                throw new IllegalArgumentException("streams must be 1, 2 or 4, not " + streams);
            }
            int q = (hi - lo) / streams;
            float[] s = new float[4];
            for (int j = 0; j < streams; j++) {   // scalar code: one part after another (no prefetch tuning)
                int a = lo + j * q, b = j == streams - 1 ? hi : a + q, i = a;
                for (; i + 4 <= b; i += 4) {
                    s[0] += buf[i]; s[1] += buf[i + 1]; s[2] += buf[i + 2]; s[3] += buf[i + 3];
                }
                for (; i < b; i++) s[0] += buf[i];
            }
            return s[0] + s[1] + s[2] + s[3];
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
