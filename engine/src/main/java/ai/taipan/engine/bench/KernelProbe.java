package ai.taipan.engine.bench;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.kernel.Kernels;
import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Matrix;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Kernel timings that survive a shared machine: wall time and the calling thread's CPU time per
 * call. Run it with {@code -Dtaipan.threads=1} and {@code OMP_NUM_THREADS=1} and the CPU time is
 * the per-core cost of a kernel, whatever else the machine is doing (JMH's wall time is not, when
 * other jobs hold the cores). Used for the per-core figures in engine/BENCHMARKS.md:
 * <pre>
 *   OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -Dtaipan.threads=1 \
 *     -cp engine/target/classes:$(cat cp.txt) ai.taipan.engine.bench.KernelProbe \
 *     vector-F32,nd4j-F32 768x1536x1,768x1536x256
 * </pre>
 * Arguments: kernels (path-DTYPE, comma-separated) and shapes ROWSxCOLSxTOKENS.
 */
public final class KernelProbe {
    private KernelProbe() {}

    public static void main(String[] args) {
        String[] kernels = args[0].split(",");
        String[] shapes = args[1].split(",");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-12s %-14s %6s %12s %12s %10s %10s%n", "kernel", "shape", "tokens", "wall µs", "cpu µs", "GB/s(cpu)", "GFLOP/s(cpu)");
        for (String shape : shapes) {
            String[] s = shape.split("x");
            int rows = Integer.parseInt(s[0]), cols = Integer.parseInt(s[1]), tokens = Integer.parseInt(s[2]);
            float[] w = random(rows * cols, 1), x = random(tokens * cols, 2), out = new float[tokens * rows];
            for (String k : kernels) {
                String[] kp = k.split("-");
                DType dtype = DType.valueOf(kp[1]);
                Matrix m = Matrices.of(w, rows, cols, dtype, Kernels.Path.valueOf(kp[0].toUpperCase(Locale.ROOT)));
                // warm up until two consecutive 250 ms blocks agree within 5% (at most 15 s): the vector
                // loops run ~100× slower until C2 has compiled them, and on a loaded machine the
                // compiler threads themselves wait for a core
                int calls = 0;
                double prev = Double.MAX_VALUE;
                long limit = System.nanoTime() + 15_000_000_000L;
                while (System.nanoTime() < limit) {
                    long t0 = System.nanoTime(), end = t0 + 250_000_000L;
                    calls = 0;
                    while (System.nanoTime() < end) { m.matmul(out, 0, x, 0, tokens); calls++; }
                    double per = (System.nanoTime() - t0) / (double) calls;
                    if (Math.abs(per - prev) < 0.05 * prev) break;
                    prev = per;
                }
                calls *= 4; // calls per second
                int n = Math.max(1, calls / 4);
                double bestWall = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
                for (int r = 0; r < 5; r++) {
                    long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) m.matmul(out, 0, x, 0, tokens);
                    bestWall = Math.min(bestWall, (System.nanoTime() - t0) / (double) n);
                    bestCpu = Math.min(bestCpu, (mx.getCurrentThreadCpuTime() - c0) / (double) n);
                }
                System.out.printf("%-12s %-14s %6d %12.2f %12.2f %10.2f %10.2f%n", k, rows + "x" + cols, tokens,
                        bestWall / 1e3, bestCpu / 1e3, m.bytes() / bestCpu, 2.0 * rows * cols * tokens / bestCpu);
            }
        }
        System.exit(0); // ND4J leaves non-daemon threads
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1) * 0.05f;
        return v;
    }
}
