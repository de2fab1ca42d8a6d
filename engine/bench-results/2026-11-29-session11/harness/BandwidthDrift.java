package ai.taipan.engine.bench;
import ai.taipan.engine.kernel.*;
public class BandwidthDrift {
  static volatile double sink;
  public static void main(String[] a) throws Exception {
    VectorProbe p = new VectorProbe();
    int T = Parallel.threads();
    float[] small = new float[1 << 14];
    for (int i = 0; i < 3000; i++) for (int st : new int[]{1,2,4}) sink += p.sum(small, 0, small.length, st);
    // (a) one big buffer
    int n = 1 << 28; float[] buf = new float[n];
    for (int i = 0; i < n; i++) buf[i] = (i & 1023) * 1e-3f;
    // (c) many 10 MB arrays, 512 MB total
    int m = 52; float[][] arrs = new float[m][10 << 18];
    for (float[] x : arrs) for (int i = 0; i < x.length; i++) x[i] = (i & 1023) * 1e-3f;
    for (int round = 0; round < 10; round++) {
      StringBuilder sb = new StringBuilder("round " + round + ":");
      for (int st : new int[]{1, 2, 4}) {
        long t0 = System.nanoTime();
        Parallel.forRange(T, 1, (lo, hi) -> { for (int k = lo; k < hi; k++) { int x0 = (int) ((long) n * k / T), x1 = (int) ((long) n * (k + 1) / T); sink += p.sum(buf, x0, x1, st); } });
        sb.append(String.format(" big/%d %.1f", st, 4.0 * n / (System.nanoTime() - t0)));
      }
      for (int st : new int[]{1, 4}) {
        long t0 = System.nanoTime();
        for (float[] x : arrs) Parallel.forRange(T, 1, (lo, hi) -> { for (int k = lo; k < hi; k++) { int x0 = x.length * k / T, x1 = x.length * (k + 1) / T; sink += p.sum(x, x0, x1, st); } });
        sb.append(String.format(" arrs/%d %.1f", st, 4.0 * m * arrs[0].length / (System.nanoTime() - t0)));
      }
      System.out.println(sb);
    }
  }
}
