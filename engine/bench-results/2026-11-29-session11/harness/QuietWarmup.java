import ai.taipan.engine.model.*;
import java.lang.management.*;
import java.nio.file.Path;
public class QuietWarmup {
  static CompilationMXBean cb = ManagementFactory.getCompilationMXBean();
  static long jit() { return cb.getTotalCompilationTime(); }
  public static void main(String[] a) throws Exception {
    TaipanModel m = TaipanModel.load(Path.of(a[0]));
    boolean quiet = a[1].equals("quiet");
    Session s = m.newSession();
    int[] ids = new int[512]; java.util.Random r = new java.util.Random(3); for (int i = 0; i < 512; i++) ids[i] = r.nextInt(50000);
    long w0 = System.nanoTime();
    int rounds = 0;
    for (;;) {
      long j0 = jit(), t0 = System.nanoTime();
      s.reset(); s.prefill(ids); for (int i = 0; i < 16; i++) s.step(ids[i]);
      rounds++;
      long dj = jit() - j0; double ms = (System.nanoTime() - t0) / 1e6;
      System.err.printf("warm round %d: %.0f ms, jit %d ms%n", rounds, ms, dj);
      if (!quiet && rounds == 2) break;
      if (quiet && (dj <= 0.02 * ms || rounds >= 40)) break;
    }
    System.err.printf("warm-up %.1f s, %d rounds%n", (System.nanoTime() - w0) / 1e9, rounds);
    ai.taipan.engine.bench.HardwareProbe.measure(); System.gc();
    long j0 = jit(); long t0 = System.nanoTime();
    for (int rep = 0; rep < 3; rep++) { s.reset(); for (int i = 0; i < 128; i++) s.step(ids[i]); }
    System.err.printf("decode %.1f tok/s jit %d ms%n", 384 / ((System.nanoTime() - t0) / 1e9), jit() - j0);
    for (int k = 0; k < 6; k++) { j0 = jit(); s.reset(); t0 = System.nanoTime(); s.prefill(ids); System.err.printf("prefill %.0f tok/s jit %d ms%n", 512 / ((System.nanoTime() - t0) / 1e9), jit() - j0); }
  }
}
