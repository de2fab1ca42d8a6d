package ai.taipan.engine.kernel;
import static ai.taipan.engine.kernel.VectorKernels.L;
public class MatvecStreams {
  static volatile double sink;
  static void mvPanel(float[] p, int base, int cols, float[] x, int xOff, float[] out, int outOff, int valid) {
    var S = VectorKernels.S;
    var a0 = jdk.incubator.vector.FloatVector.zero(S);
    for (int c = 0; c < cols; c++) a0 = jdk.incubator.vector.FloatVector.fromArray(S, p, base + c * L).fma(jdk.incubator.vector.FloatVector.broadcast(S, x[xOff + c]), a0);
    VectorKernels.store(a0, out, outOff, valid);
  }
  static void mv4(float[] p, int A, int B, int C, int D, int cols, float[] x, float[] out, int oa, int ob, int oc, int od) {
    var S = VectorKernels.S;
    int A1 = A + L * cols, B1 = B + L * cols, C1 = C + L * cols, D1 = D + L * cols;
    jdk.incubator.vector.FloatVector a0 = jdk.incubator.vector.FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
    for (int c = 0; c < cols; c++) {
      var x0 = jdk.incubator.vector.FloatVector.broadcast(S, x[c]);
      int o = c * L;
      a0 = jdk.incubator.vector.FloatVector.fromArray(S, p, A + o).fma(x0, a0);
      a1 = jdk.incubator.vector.FloatVector.fromArray(S, p, A1 + o).fma(x0, a1);
      b0 = jdk.incubator.vector.FloatVector.fromArray(S, p, B + o).fma(x0, b0);
      b1 = jdk.incubator.vector.FloatVector.fromArray(S, p, B1 + o).fma(x0, b1);
      c0 = jdk.incubator.vector.FloatVector.fromArray(S, p, C + o).fma(x0, c0);
      c1 = jdk.incubator.vector.FloatVector.fromArray(S, p, C1 + o).fma(x0, c1);
      d0 = jdk.incubator.vector.FloatVector.fromArray(S, p, D + o).fma(x0, d0);
      d1 = jdk.incubator.vector.FloatVector.fromArray(S, p, D1 + o).fma(x0, d1);
    }
    a0.intoArray(out, oa); a1.intoArray(out, oa + L); b0.intoArray(out, ob); b1.intoArray(out, ob + L);
    c0.intoArray(out, oc); c1.intoArray(out, oc + L); d0.intoArray(out, od); d1.intoArray(out, od + L);
  }
  public static void main(String[] a) throws Exception {
    int rows = 3352, cols = 768, mats = 36; // ~370 MB
    float[][] ps = new float[mats][];
    int groups = (rows + 2 * L - 1) / (2 * L);
    for (int m = 0; m < mats; m++) { ps[m] = new float[groups * 2 * L * cols]; for (int i = 0; i < ps[m].length; i++) ps[m][i] = (i % 977) * 1e-3f; }
    float[] x = new float[cols]; for (int i = 0; i < cols; i++) x[i] = i * 1e-3f;
    float[] out = new float[rows];
    ai.taipan.engine.bench.HardwareProbe.Bandwidth bw = new ai.taipan.engine.bench.HardwareProbe.Bandwidth(1L << 30);
    String[] names = {"4str", "2str", "1str", "8str"};
    double[][] acc = new double[4][2];
    for (int round = 0; round < 16; round++) {
      StringBuilder sb = new StringBuilder("round " + round + ":");
      for (int v = 0; v < 4; v++) {
        final int vv = v;
        double probe = bw.read();
        long t0 = System.nanoTime();
        for (int rep = 0; rep < 2; rep++) for (int m = 0; m < mats; m++) {
          float[] p = ps[m];
          Parallel.forRange(groups, 1, (g0, g1) -> {
            if (vv == 0) {
              int half = (g1 - g0) / 2;
              for (int i = 0; i < half; i++) { int ga = g0 + i, gb = g0 + half + i;
                VectorKernels.matvec2Groups(p, ga * 2 * L * cols, gb * 2 * L * cols, cols, x, 0, out, ga * 2 * L, rows - ga * 2 * L, gb * 2 * L, rows - gb * 2 * L); }
              for (int g = g0 + 2 * half; g < g1; g++) VectorKernels.matvecGroup(p, g * 2 * L * cols, cols, x, 0, out, g * 2 * L, rows - g * 2 * L);
            } else if (vv == 1) {
              for (int g = g0; g < g1; g++) VectorKernels.matvecGroup(p, g * 2 * L * cols, cols, x, 0, out, g * 2 * L, rows - g * 2 * L);
            } else if (vv == 3) {
              int q4 = (g1 - g0) / 4;
              for (int i = 0; i < q4; i++) { int ga = g0 + i, gb = g0 + q4 + i, gc = g0 + 2 * q4 + i, gd = g0 + 3 * q4 + i;
                mv4(p, ga * 2 * L * cols, gb * 2 * L * cols, gc * 2 * L * cols, gd * 2 * L * cols, cols, x, out, ga * 2 * L, gb * 2 * L, gc * 2 * L, gd * 2 * L); }
              for (int g = g0 + 4 * q4; g < g1; g++) VectorKernels.matvecGroup(p, g * 2 * L * cols, cols, x, 0, out, g * 2 * L, rows - g * 2 * L);
            } else {
              for (int q = 2 * g0; q < 2 * g1; q++) mvPanel(p, q * L * cols, cols, x, 0, out, q * L, rows - q * L);
            }
          });
        }
        double gbs = 2.0 * mats * 4.0 * ps[0].length / (System.nanoTime() - t0);
        if (round >= 3) { acc[v][0] += gbs / probe; acc[v][1]++; }
        sb.append(String.format("  %s %.1f (probe %.1f)", names[v], gbs, probe));
      }
      System.out.println(sb);
    }
    for (int v = 0; v < 4; v++) System.out.printf("%s mean ratio to probe %.3f%n", names[v], acc[v][0] / acc[v][1]);
  }
}
