package ai.taipan.visualizer.data;

/**
 * Per-token next-token loss of two models on the same ids: loss_t = −log p(ids[t+1] | ids[..t])
 * in nats, for t = 0 … T−2, and the difference B − A. Pure data, immutable.
 */
public final class LossData {
    private final String nameA, nameB;
    private final double[] lossA, lossB;      // [T-1] each

    public LossData(String nameA, double[] lossA, String nameB, double[] lossB) {
        if (lossA.length != lossB.length) throw new IllegalArgumentException("loss arrays differ in length: "
                + lossA.length + " vs " + lossB.length);
        this.nameA = nameA;
        this.nameB = nameB;
        this.lossA = lossA.clone();
        this.lossB = lossB.clone();
    }

    public static LossData empty() { return new LossData("A", new double[0], "B", new double[0]); }

    public String nameA() { return nameA; }
    public String nameB() { return nameB; }
    public int length() { return lossA.length; }
    public double lossA(int t) { return lossA[t]; }
    public double lossB(int t) { return lossB[t]; }
    /** B − A: positive where model B is worse. */
    public double difference(int t) { return lossB[t] - lossA[t]; }
    public double meanA() { return mean(lossA); }
    public double meanB() { return mean(lossB); }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return x.length == 0 ? 0 : s / x.length;
    }
}
