package ai.taipan.engine.train;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) over the flat parameter array, decoupled weight decay applied
 * only where {@link ParamLayout#decayMask()} says so. β = (0.9, 0.95), ε = 1e-8: the Mamba-2 and
 * GPT-3 / Llama pre-training settings (β2 = 0.95 is steadier than 0.999 at small batch).
 *
 * <pre>
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   w ← w − lr·( m/(1−β1^t) / (sqrt(v/(1−β2^t)) + ε) + wd·w·[decay] )
 * </pre>
 */
final class AdamW {
    final double beta1, beta2, eps, weightDecay;
    final double[] m, v;       // first and second moments, ParamLayout order
    private final boolean[] decay;
    long t;                    // updates applied so far

    AdamW(int size, boolean[] decay, double beta1, double beta2, double eps, double weightDecay) {
        this.m = new double[size];
        this.v = new double[size];
        this.decay = decay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    void update(double[] w, double[] g, double lr) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < w.length; i++) {
            double gi = g[i];
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            double upd = (mi / bc1) / (Math.sqrt(vi / bc2) + eps);
            if (decay[i]) upd += weightDecay * w[i];
            w[i] -= lr * upd;
        }
    }
}
