package ai.taipan.engine.layers;

/**
 * Rotary position embedding, rotate-half form (HF Llama / GPT-NeoX; SPEC §2): dim i &lt; d_h/2
 * pairs with i + d_h/2, angle = pos · θ^(−2i/d_h); x' = x·cos + rotate_half(x)·sin with
 * rotate_half(x) = [−x₂, x₁]. The whole head is rotated.
 */
public final class Rope {
    private final int hd, half;
    private final double[] invFreq; // (d_h/2,) θ^(−2i/d_h)

    public Rope(int headDim, double theta) {
        this.hd = headDim;
        this.half = headDim / 2;
        invFreq = new double[half];
        for (int i = 0; i < half; i++) invFreq[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
    }

    /** Fills cos/sin (d_h/2,) for one position. */
    public void angles(int pos, float[] cos, float[] sin) {
        for (int i = 0; i < half; i++) {
            double a = pos * invFreq[i];
            cos[i] = (float) Math.cos(a);
            sin[i] = (float) Math.sin(a);
        }
    }

    /** Rotates {@code heads} heads of x[off ..] in place with the angles of {@link #angles}. */
    public void rotate(float[] x, int off, int heads, float[] cos, float[] sin) {
        for (int h = 0; h < heads; h++) {
            int o = off + h * hd;
            for (int i = 0; i < half; i++) {
                float x1 = x[o + i], x2 = x[o + i + half];
                x[o + i] = x1 * cos[i] - x2 * sin[i];
                x[o + i + half] = x2 * cos[i] + x1 * sin[i];
            }
        }
    }
}
