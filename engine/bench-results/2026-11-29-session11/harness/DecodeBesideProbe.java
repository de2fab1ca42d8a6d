package ai.taipan.engine.bench;
import ai.taipan.engine.kernel.*;
import ai.taipan.engine.model.*;
import java.nio.file.Path;
public class DecodeBesideProbe {
  static volatile double sink;
  public static void main(String[] a) throws Exception {
    TaipanModel mdl = TaipanModel.load(Path.of(a[0]));
    long wbytes = Long.parseLong(a[1]);
    Session s = mdl.newSession();
    int[] ids = new int[512]; java.util.Random r = new java.util.Random(3); for (int i = 0; i < 512; i++) ids[i] = r.nextInt(50000);
    for (int w = 0; w < 3; w++) { s.reset(); s.prefill(ids); for (int i = 0; i < 32; i++) s.step(ids[i]); }
    VectorProbe p = new VectorProbe();
    int T = Parallel.threads();
    float[] small = new float[1 << 14];
    for (int i = 0; i < 3000; i++) for (int st : new int[]{1,2,4}) sink += p.sum(small, 0, small.length, st);
    int n = 1 << 28; float[] buf = new float[n];
    for (int i = 0; i < n; i++) buf[i] = (i & 1023) * 1e-3f;
    s.reset();
    for (int round = 0; round < 14; round++) {
      StringBuilder sb = new StringBuilder("round " + round + ":");
      for (int st : new int[]{1, 4}) {
        long t0 = System.nanoTime();
        Parallel.forRange(T, 1, (lo, hi) -> { for (int k = lo; k < hi; k++) { int x0 = (int) ((long) n * k / T), x1 = (int) ((long) n * (k + 1) / T); sink += p.sum(buf, x0, x1, st); } });
        sb.append(String.format(" probe/%d %.1f", st, 4.0 * n / (System.nanoTime() - t0)));
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < 24; i++) s.step(ids[i]);
      double dt = (System.nanoTime() - t0) / 1e9;
      sb.append(String.format("  decode %.1f tok/s = %.1f GB/s of weights", 24 / dt, wbytes * 24 / dt / 1e9));
      System.out.println(sb);
    }
  }
}
