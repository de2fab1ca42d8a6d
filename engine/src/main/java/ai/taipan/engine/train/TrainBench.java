package ai.taipan.engine.train;

import ai.taipan.engine.bench.HardwareProbe;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tasks.TrainingData;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;

/**
 * Training throughput beside the machine's FLOP roofline:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp engine/target/taipan.jar ai.taipan.engine.train.TrainBench [T] [steps] [threads]
 * </pre>
 * For presets taipan / mamba2 / transformer at a few widths it runs real {@link Trainer} steps
 * (batch = 2·threads, the Gumbel path, AdamW included) and reports tokens/s and the achieved
 * GFLOP/s counted the usual way, 6·params·tokens (which ignores the scan's and attention's own
 * work). The roofline: {@link HardwareProbe}'s float32 FMA peak on all cores, and a float64 FMA
 * peak measured here the same way (independent FMA chains on registers) — training runs in float64.
 */
public final class TrainBench {
    public static void main(String[] args) {
        int T = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        HardwareProbe.Limits lim = HardwareProbe.measure(1L << 28, 3, 200);
        double f64 = doubleFmaPeak(threads);
        System.out.printf(Locale.ROOT, "roofline: float32 FMA peak %.1f GFLOP/s (HardwareProbe, %d threads, %d lanes); "
                        + "float64 FMA peak %.1f GFLOP/s (%d threads, %d lanes); memory read %.1f GB/s; load average %.1f%n",
                lim.fmaGflops(), lim.threads(), lim.vectorLanes(), f64, threads, DoubleVector.SPECIES_PREFERRED.length(),
                lim.readGBps(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        int[][] sizes = {{64, 7}, {128, 7}, {192, 14}};
        for (Preset p : new Preset[]{Preset.TAIPAN, Preset.MAMBA2, Preset.TRANSFORMER}) {
            for (int[] s : sizes) run(config(p, s[0], s[1]), p.key(), T, steps, threads, f64);
        }
    }

    static ModelConfig config(Preset p, int d, int layers) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 256; b.hiddenSize = d; b.layerTypes = p.schedule(layers);
        b.stateSize = 32; b.headDim = 32; b.expand = 2;
        b.numAttentionHeads = Math.max(1, d / 32); b.intermediateSize = (8 * d / 3 + 7) / 8 * 8; b.slidingWindow = 64;
        return b.build();
    }

    static void run(ModelConfig c, String name, int T, int steps, int threads, double peak) {
        ParamLayout layout = new ParamLayout(c);
        double[] w = layout.pack(Weights.random(c, 1).tensors());
        TrainingData data = (rng, len) -> {
            int[] s = new int[len];
            for (int i = 0; i < len; i++) s[i] = rng.nextInt(256);
            return s;
        };
        Trainer.Options o = new Trainer.Options(steps + 2, 2 * threads, T, 1e-3, 0.1, 1, 1, 0.01, 0.9, 0.95, 1.0);
        try (Trainer tr = new Trainer(c, w, data, o, threads)) {
            tr.trainStep();
            tr.trainStep(); // warm-up (JIT)
            long t0 = System.nanoTime(), cpu0 = cpuNanos();
            for (int i = 0; i < steps; i++) tr.trainStep();
            double sec = (System.nanoTime() - t0) / 1e9, cpu = (cpuNanos() - cpu0) / 1e9;
            double tokens = (double) steps * o.batch() * T;
            double tps = tokens / sec;
            // on a shared machine the wall clock counts other people's work; tokens per CPU-second × threads is
            // what the same run would reach with the cores to itself (less any serial part)
            double tpsCpu = tokens / cpu * threads;
            double gf = 6.0 * layout.size() * tpsCpu / 1e9;
            System.out.printf(Locale.ROOT, "%-12s %-15s D=%-4d params=%,10d  T=%d batch=%d threads=%d  %7.0f tokens/s wall, "
                            + "%7.0f tokens/s per %d CPU-s  %6.2f GFLOP/s = %4.1f%% of float64 peak%n",
                    name, c.scheduleString(), c.hiddenSize, layout.size(), T, o.batch(), threads, tps, tpsCpu, threads, gf, 100 * gf / peak);
        }
    }

    /** Float64 FMA peak: 12 independent vector FMA chains per thread, 2 flops per lane, best of 3. */
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    static double doubleFmaPeak(int threads) {
        for (int i = 0; i < 3000; i++) chains(S, 64);
        long iters = 20_000_000L / S.length();
        double best = 0;
        for (int r = 0; r < 3; r++) {
            Thread[] ts = new Thread[threads];
            long t0 = System.nanoTime();
            for (int k = 0; k < threads; k++) {
                ts[k] = new Thread(() -> sink(chains(S, iters)));
                ts[k].start();
            }
            for (Thread t : ts) {
                try { t.join(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }
            double dt = System.nanoTime() - t0;
            best = Math.max(best, 2.0 * S.length() * 12 * iters * threads / dt);
        }
        return best;
    }

    private static double chains(VectorSpecies<Double> unused, long iters) { // species must be a constant for C2
        DoubleVector a = DoubleVector.broadcast(S, 0.999999), b = DoubleVector.broadcast(S, 1e-7);
        DoubleVector c0 = DoubleVector.broadcast(S, 1), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        DoubleVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(
                jdk.incubator.vector.VectorOperators.ADD);
    }

    private static long cpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : System.nanoTime();
    }

    private static volatile double sinkhole;

    private static void sink(double v) { sinkhole += v; }
}
