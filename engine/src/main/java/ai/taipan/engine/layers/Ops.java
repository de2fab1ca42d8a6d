package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.Matrix;

/**
 * The small element-wise operations every layer shares (SPEC §1–2). Outputs first, offsets into
 * caller-owned buffers, no allocation.
 *
 * <p>Glossary: rstd = 1/sqrt(mean(x²) + eps) (llm.c's name); silu(x) = x·σ(x);
 * softplus(x) = log(1 + eˣ), taken as x for x > 20 exactly as PyTorch's F.softplus does.
 */
public final class Ops {
    private Ops() {}

    /** out[o..o+n) = x[xo..xo+n) · rstd ⊙ w[wo..wo+n) — RMSNorm of SPEC §1 (one vector). */
    public static void rmsNorm(float[] out, int o, float[] x, int xo, float[] w, int wo, int n, float eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xo + i] * x[xo + i];
        float rstd = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[o + i] = x[xo + i] * rstd * w[wo + i];
    }

    /** RMSNorm of T rows of width n: out[t] = RMSNorm(x[t]) ⊙ w. */
    public static void rmsNormRows(float[] out, float[] x, float[] w, int rows, int n, float eps) {
        for (int t = 0; t < rows; t++) rmsNorm(out, t * n, x, t * n, w, 0, n, eps);
    }

    public static float silu(float x) { return x / (1f + (float) Math.exp(-x)); }

    public static float sigmoid(float x) { return 1f / (1f + (float) Math.exp(-x)); }

    /** PyTorch F.softplus with beta 1, threshold 20 (SPEC §2 mamba2 step 4). */
    public static float softplus(float x) { return x > 20f ? x : (float) Math.log1p(Math.exp(x)); }

    /**
     * y = W·x for T tokens through the kernel seam: one token is a matvec (decode), more are a
     * matmul (prefill chunk), so the kernels helper can make each path fast on its own.
     * x is [T, W.cols] at xOff, out is [T, W.rows] at outOff.
     */
    public static void project(Matrix w, float[] out, int outOff, float[] x, int xOff, int tokens) {
        if (tokens == 1) w.matvec(out, outOff, x, xOff);
        else w.matmul(out, outOff, x, xOff, tokens);
    }

    /** out[i] += b[i] for each of T rows of width n (an optional projection bias). */
    public static void addBiasRows(float[] out, int off, float[] b, int rows, int n) {
        if (b == null) return;
        for (int t = 0; t < rows; t++) for (int i = 0; i < n; i++) out[off + t * n + i] += b[i];
    }
}
