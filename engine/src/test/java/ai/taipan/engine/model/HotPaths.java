package ai.taipan.engine.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A measuring harness for the model's hot paths (not a unit test; surefire skips it by name).
 * It times with the calling thread's CPU time, which a shared, loaded machine does not distort
 * as it does wall time; run it with -Dtaipan.threads=1 so that all the work is on this thread.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -Dtaipan.threads=1 -cp engine/target/taipan.jar:engine/target/test-classes \
 *        ai.taipan.engine.model.HotPaths MODEL_DIR decode 64 | prefill 512 | long 1048576
 * </pre>
 * decode N: N steps after a 16-token prefill, CPU ms per token (median of 3);
 * prefill L: prefill(ids) of L tokens, last-token logits only, CPU ms total and per token;
 * long L: streams L tokens in prefill calls of 4096, printing CPU time, state bytes and VmHWM at
 * every power-of-4 multiple of 1K, then the decode latency at that depth.
 */
public final class HotPaths {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        TaipanModel m = TaipanModel.load(Path.of(args[0]));
        String what = args[1];
        int n = Integer.parseInt(args[2]);
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int V = m.config().vocabSize;
        Random rnd = new Random(7);
        Session s = m.newSession();
        switch (what) {
            case "decode" -> {
                s.prefill(ids(rnd, V, 16));
                for (int i = 0; i < 16; i++) s.step(rnd.nextInt(V)); // warm-up
                double[] ms = new double[reps];
                for (int r = 0; r < reps; r++) {
                    long c0 = cpu(), w0 = System.nanoTime();
                    for (int i = 0; i < n; i++) s.step(rnd.nextInt(V));
                    ms[r] = (cpu() - c0) / 1e6 / n;
                    System.out.printf("decode rep %d: %.3f ms/token CPU, %.3f ms/token wall%n", r, ms[r], (System.nanoTime() - w0) / 1e6 / n);
                }
                java.util.Arrays.sort(ms);
                System.out.printf("decode median %.3f ms/token CPU (%.1f tok/s per core)%n", ms[reps / 2], 1000 / ms[reps / 2]);
            }
            case "prefill" -> {
                int[] ids = ids(rnd, V, n);
                s.prefill(ids); // warm-up
                double[] ms = new double[reps];
                for (int r = 0; r < reps; r++) {
                    s.reset();
                    long c0 = cpu(), w0 = System.nanoTime();
                    s.prefill(ids);
                    ms[r] = (cpu() - c0) / 1e6;
                    System.out.printf("prefill %d rep %d: %.1f ms CPU, %.1f ms wall%n", n, r, ms[r], (System.nanoTime() - w0) / 1e6);
                }
                java.util.Arrays.sort(ms);
                System.out.printf("prefill %d median %.1f ms CPU = %.1f tok/s per core%n", n, ms[reps / 2], n * 1000 / ms[reps / 2]);
            }
            case "long" -> {
                int part = 4096;
                int[] ids = ids(rnd, V, part);
                long c0 = cpu(), w0 = System.nanoTime();
                int next = 1024;
                System.out.printf("%10s %12s %12s %12s %14s %12s%n", "tokens", "cpu s", "wall s", "decode ms", "state bytes", "VmHWM kB");
                for (int done = 0; done < n; ) {
                    int len = Math.min(part, Math.min(n, next) - done);
                    if (len == part) s.prefill(ids);
                    else s.prefill(java.util.Arrays.copyOf(ids, len));
                    done += len;
                    if (done == next) {
                        double cpuS = (cpu() - c0) / 1e9, wallS = (System.nanoTime() - w0) / 1e9;
                        long d0 = cpu();
                        for (int i = 0; i < 8; i++) s.step(ids[i]);
                        double dec = (cpu() - d0) / 1e6 / 8;
                        System.out.printf("%10d %12.2f %12.2f %12.3f %14d %12d%n", done, cpuS, wallS, dec, s.stateBytes(), hwm());
                        c0 += cpu() - d0;
                        next *= 4;
                    }
                }
            }
            default -> throw new IllegalArgumentException(what);
        }
    }

    static int[] ids(Random r, int V, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(V);
        return a;
    }

    static long cpu() { return MX.getCurrentThreadCpuTime(); }

    static long hwm() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
