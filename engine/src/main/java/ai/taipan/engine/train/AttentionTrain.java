package ai.taipan.engine.train;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;

import static ai.taipan.engine.train.DMath.linear;
import static ai.taipan.engine.train.DMath.linearBackward;
import static ai.taipan.engine.train.DMath.rmsnorm;
import static ai.taipan.engine.train.DMath.rmsnormBackward;
import static ai.taipan.engine.train.DMath.sigmoid;
import static ai.taipan.engine.train.DMath.silu;
import static ai.taipan.engine.train.DMath.siluGrad;

/**
 * Forward and backward of the attention kinds of SPEC §2 — {@code selective_attention} (Taipan's
 * SAL), {@code attention}, {@code sliding_attention} — each followed by the SwiGLU step, in float64
 * over one sequence of T tokens.
 *
 * <p>Glossary (Taipan paper arXiv 2410.18572 §3; SPEC §2):
 * <pre>
 *   u_t   RMSNorm(h_t)·norm.weight                       (T, D)
 *   s_t   gate scores gate.weight·u_t + gate.bias         (T, 2)
 *   g_t   Gumbel(0,1) noise of the straight-through Gumbel-softmax (T, 2)
 *   m_t   hard selection argmax((s_t + g_t)/τ) == 1       (T)
 *   p1_t  soft probability softmax((s_t + g_t)/τ)[1]      (T)
 *   m̃_t   straight-through mask: value m_t, gradient that of p1_t
 *   α_t   refinement weight σ(s_t1 − s_t0)                (T)
 *   q,k,v projections, heads h·d_h + d                    (T, heads·d_h)
 *   o_t   o_proj·concat_heads(softmax(q·k/√d_h)·v)       (T, D)
 *   SAL:  h_t ← h_t + m̃_t·α_t·(o_t − h_t)   (the training form of SPEC §2)
 *   A/W:  h_t ← h_t + o_t
 *   SwiGLU: h_t ← h_t + down(silu(gate(x_t)) ⊙ up(x_t)),  x_t = RMSNorm(h_t)·mlp_norm.weight
 * </pre>
 *
 * <p>Choices the SPEC leaves open, made here:
 * <ul>
 * <li>The key set of a SAL query follows the hard mask (selected j ≤ t, t − j &lt; window). By default
 *     how the mask shapes the key set is not differentiated — the gate learns through the output
 *     mixing m̃·α·(o − h) and the budget loss, which is what SPEC's training form prescribes. With
 *     {@link #keyGradient} on (the trainer's {@code --sal-key-gradient}) the mask also weights the keys,
 *     a_tj = m̃_j·e^{s_tj} / Σ_j' m̃_j'·e^{s_tj'} (the query's own key weighs 1), which in the forward is
 *     exactly the hard key set, and its straight-through gradient dL/dm̃_j = Σ_t,h (e^{s_tj}/Z_t)·(dL/da_tj −
 *     Σ_j' a_tj'·dL/da_tj') reaches the gate of every token in the window, selected or not. Without it a
 *     token's value as a key (the definition a later query needs) is invisible to its gate, and the gate
 *     meets the budget with tokens where the attention output does no harm; see
 *     sample-models/README.md, "What was tried".</li>
 * <li>An unselected token's m̃ still needs a gradient, dL/dm̃_t = α_t·⟨dL/dh_t, o_t − h_t⟩, and so
 *     needs o_t: the output the token would get if it were selected (its own key plus the selected
 *     keys in its window). Training therefore computes q, k, v for every token; in the forward value
 *     m̃_t = 0 makes that o_t invisible, and no weight gradient flows through it.</li>
 * <li>The budget loss λ·(C − mean_t m̃_t)² is per sequence (mean over its T tokens) and averaged
 *     over the batch like the cross-entropy.</li>
 * </ul>
 */
final class AttentionTrain {
    /** How the SAL chooses m and m̃. */
    enum Selection {
        /** Inference rule, no noise: m = s1 > s0 (a tie is not selected); m̃ = m. */
        EVAL,
        /** Training: m = argmax((s + g)/τ) with the supplied Gumbel noise; m̃ = m, gradient via p1. */
        GUMBEL,
        /**
         * Gradient checking: the mask and a reference p1 are fixed, m̃ = mask + p1 − p1ref. At the point
         * where p1ref was taken m̃ equals the hard mask, and its derivative is exactly p1's — the
         * straight-through gradient becomes the true gradient of a smooth function that finite
         * differences can check.
         */
        PROBE
    }

    private final ModelConfig c;
    final LayerType kind;
    private final int D, HA, hd, AD, I, window;
    private final boolean rope;
    private final double eps, scale;
    private final int oNorm, oQ, oK, oV, oO, oGate, oGateB, oMlpNorm, oMg, oMu, oMd;

    // activations (sized for maxT)
    private final double[] u, rstd;               // (T, D), (T)
    private final double[] q, k, vv, ctx;         // (T, AD)
    final double[] scores, alpha, p1, mt;         // (T, 2), (T), (T), (T)   SAL only
    final int[] mask;                             // (T)                     SAL only
    private final int[] keyStart;                 // (T + 1) offsets into keyIdx
    private int[] keyIdx;                         // (nnz) key positions of every query, ascending
    private double[] prob;                        // (HA, nnz) attention weights
    private final double[] o, h1;                 // (T, D)
    private final double[] x2, rstd2;             // (T, D), (T)
    private final double[] ga, ub, mm;            // (T, I)
    private final double[] cos, sin;              // (T, hd/2) RoPE table
    // backward buffers
    private final double[] dh1, dmm, dga, dub, dx2, dctx, dq, dk, dv, du, dOo, ds;
    private final double[] tmpD;
    private final double[] kT, vT;                // (hd, T) one head's keys / values, transposed (dense layers)
    /**
     * Attention layers: every query's keys are one contiguous run of positions, so a query's scores
     * are computed across keys from the head's transposed keys (DMath.dotsT). The SAL's key sets are
     * sparse (the selected tokens) and keep one dot product per key.
     */
    private final boolean dense;
    /** λ·(C − mean m̃)² of the last forward (SAL), and the mean of m̃. */
    double budgetLoss, selectedFraction;

    /**
     * SAL only: differentiate the key set through m̃ (see the class comment). Off = the SPEC's training form
     * as written, bit for bit as before this option existed.
     */
    boolean keyGradient;
    /** The budget's target C of this step: the config's capacity unless the trainer anneals it (Trainer.capacityAt). */
    double capacity;
    private final double[] logZ, sumPd, dotMix, dMkey;  // (HA, T), (HA, T), (T), (T)   SAL key gradient

    // PROBE inputs
    int[] probeMask;
    double[] probeP1;

    AttentionTrain(ModelConfig c, ParamLayout layout, int layer, int maxT) {
        this.c = c;
        this.kind = c.layerType(layer);
        D = c.hiddenSize; HA = c.numAttentionHeads; hd = c.attentionHeadDim; AD = c.attentionDim; I = c.intermediateSize;
        window = kind == LayerType.ATTENTION ? Integer.MAX_VALUE : c.slidingWindow;
        rope = kind != LayerType.SELECTIVE_ATTENTION || c.salRope;
        eps = c.layerNormEpsilon;
        scale = 1.0 / Math.sqrt(hd);
        String p = "backbone.layers." + layer + ".";
        oNorm = layout.offset(p + "norm.weight");
        oQ = layout.offset(p + "mixer.q_proj.weight");
        oK = layout.offset(p + "mixer.k_proj.weight");
        oV = layout.offset(p + "mixer.v_proj.weight");
        oO = layout.offset(p + "mixer.o_proj.weight");
        boolean sal = kind == LayerType.SELECTIVE_ATTENTION;
        oGate = sal ? layout.offset(p + "mixer.gate.weight") : -1;
        oGateB = sal ? layout.offset(p + "mixer.gate.bias") : -1;
        oMlpNorm = layout.offset(p + "mlp_norm.weight");
        oMg = layout.offset(p + "mlp.gate_proj.weight");
        oMu = layout.offset(p + "mlp.up_proj.weight");
        oMd = layout.offset(p + "mlp.down_proj.weight");
        int T = maxT;
        u = new double[T * D]; rstd = new double[T];
        q = new double[T * AD]; k = new double[T * AD]; vv = new double[T * AD]; ctx = new double[T * AD];
        scores = new double[T * 2]; alpha = new double[T]; p1 = new double[T]; mt = new double[T]; mask = new int[T];
        keyStart = new int[T + 1];
        long nnz = 0;
        for (int t = 0; t < T; t++) nnz += Math.min(t + 1, window);
        keyIdx = new int[(int) Math.min(nnz, Integer.MAX_VALUE - 16)];
        prob = new double[(int) Math.min(nnz * HA, Integer.MAX_VALUE - 16)];
        o = new double[T * D]; h1 = new double[T * D];
        x2 = new double[T * D]; rstd2 = new double[T];
        ga = new double[T * I]; ub = new double[T * I]; mm = new double[T * I];
        int half = Math.max(1, hd / 2);
        cos = new double[T * half]; sin = new double[T * half];
        if (rope) {
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < hd / 2; i++) {
                    double ang = t * Math.pow(c.ropeTheta, -2.0 * i / hd);
                    cos[t * half + i] = Math.cos(ang);
                    sin[t * half + i] = Math.sin(ang);
                }
            }
        }
        dh1 = new double[T * D]; dmm = new double[T * I]; dga = new double[T * I]; dub = new double[T * I];
        dx2 = new double[T * D]; dctx = new double[T * AD]; dq = new double[T * AD]; dk = new double[T * AD];
        dv = new double[T * AD]; du = new double[T * D]; dOo = new double[T * D]; ds = new double[T * 2];
        tmpD = new double[T * D];
        kT = new double[hd * T]; vT = new double[hd * T];
        dense = kind != LayerType.SELECTIVE_ATTENTION;
        capacity = c.capacity;
        logZ = new double[sal ? HA * T : 0]; sumPd = new double[sal ? HA * T : 0];
        dotMix = new double[sal ? T : 0]; dMkey = new double[sal ? T : 0];
    }

    /** Attention memory per sequence in doubles: what a training window costs (for the trainer's size check). */
    static long attentionDoubles(ModelConfig c, LayerType kind, int T) {
        int window = kind == LayerType.ATTENTION ? Integer.MAX_VALUE : c.slidingWindow;
        long nnz = 0;
        for (int t = 0; t < T; t++) nnz += Math.min(t + 1, window);
        return nnz * (1L + c.numAttentionHeads);
    }

    static int scratchSize(ModelConfig c, int T) {
        int D = c.hiddenSize;
        return Math.max(Math.max(DMath.linearScratch(T, D, c.attentionDim), DMath.linearScratch(T, c.attentionDim, D)),
                Math.max(DMath.linearScratch(T, D, c.intermediateSize), Math.max(DMath.linearScratch(T, c.intermediateSize, D),
                        DMath.linearScratch(T, D, 2))));
    }

    /**
     * hOut (T, D) = layer(hIn). {@code noise} (T, 2) is the Gumbel noise for {@link Selection#GUMBEL}
     * and {@link Selection#PROBE} (null = none).
     */
    void forward(double[] w, double[] hIn, double[] hOut, int T, Selection sel, double[] noise) {
        rmsnorm(u, 0, hIn, 0, w, oNorm, rstd, 0, T, D, eps);
        boolean sal = kind == LayerType.SELECTIVE_ATTENTION;
        if (sal) {
            linear(scores, 0, u, 0, w, oGate, T, D, 2);
            double sum = 0;
            for (int t = 0; t < T; t++) {
                double s0 = scores[2 * t] + w[oGateB], s1 = scores[2 * t + 1] + w[oGateB + 1];
                scores[2 * t] = s0;
                scores[2 * t + 1] = s1;
                alpha[t] = sigmoid(s1 - s0);
                double g0 = 0, g1 = 0;
                if (sel != Selection.EVAL && noise != null) { g0 = noise[2 * t]; g1 = noise[2 * t + 1]; }
                // softmax((s+g)/τ)[1] = σ(((s1+g1) − (s0+g0))/τ); the argmax is the same for any τ > 0
                p1[t] = sigmoid(((s1 + g1) - (s0 + g0)) / c.gumbelTau);
                switch (sel) {
                    case EVAL -> { mask[t] = s1 > s0 ? 1 : 0; mt[t] = mask[t]; }
                    case GUMBEL -> { mask[t] = (s1 + g1) > (s0 + g0) ? 1 : 0; mt[t] = mask[t]; }
                    case PROBE -> { mask[t] = probeMask[t]; mt[t] = probeMask[t] + p1[t] - probeP1[t]; }
                }
                sum += mt[t];
            }
            selectedFraction = sum / T;
            double gap = capacity - selectedFraction;
            budgetLoss = c.budgetLossWeight * gap * gap;
        }
        linear(q, 0, u, 0, w, oQ, T, D, AD);
        linear(k, 0, u, 0, w, oK, T, D, AD);
        linear(vv, 0, u, 0, w, oV, T, D, AD);
        if (rope) { rotate(q, T, false); rotate(k, T, false); }
        // key sets: causal, inside the window; SAL keys are the selected tokens plus the query itself.
        // PROBE with the key gradient: every key in the window, weighted by m̃ (the smooth function the
        // finite differences check; at the probe point the weights are the hard mask)
        boolean weighted = sal && keyGradient && sel == Selection.PROBE;
        int nnz = 0;
        for (int t = 0; t < T; t++) {
            keyStart[t] = nnz;
            int lo = window == Integer.MAX_VALUE ? 0 : Math.max(0, t - window + 1);
            for (int j = lo; j <= t; j++) {
                if (!sal || j == t || mask[j] == 1 || weighted) keyIdx[nnz++] = j;
            }
        }
        keyStart[T] = nnz;
        for (int h = 0; h < HA; h++) {
            int pOff = h * keyIdx.length;
            if (dense) transposeHead(kT, k, h, T);
            for (int t = 0; t < T; t++) {
                int qr = t * AD + h * hd;
                double mx = Double.NEGATIVE_INFINITY;
                if (dense) {
                    int e0 = keyStart[t], n = keyStart[t + 1] - e0;
                    DMath.dotsT(prob, pOff + e0, q, qr, kT, keyIdx[e0], T, n, hd, scale);
                    for (int e = e0; e < e0 + n; e++) mx = Math.max(mx, prob[pOff + e]);
                } else {
                    for (int e = keyStart[t]; e < keyStart[t + 1]; e++) {
                        int kr = keyIdx[e] * AD + h * hd;
                        double sc = DMath.dot(q, qr, k, kr, hd) * scale;
                        prob[pOff + e] = sc;
                        if (sc > mx) mx = sc;
                    }
                }
                double z = 0;
                for (int e = keyStart[t]; e < keyStart[t + 1]; e++) {
                    double ex = Math.exp(prob[pOff + e] - mx);
                    if (weighted && keyIdx[e] != t) ex *= mt[keyIdx[e]];
                    prob[pOff + e] = ex;
                    z += ex;
                }
                for (int e = keyStart[t]; e < keyStart[t + 1]; e++) prob[pOff + e] /= z;
                if (sal && keyGradient) logZ[h * T + t] = mx + Math.log(z);
                DMath.weightedRowSum(ctx, qr, prob, pOff, keyIdx, keyStart[t], keyStart[t + 1], vv, h * hd, AD, hd);
            }
        }
        linear(o, 0, ctx, 0, w, oO, T, AD, D);
        for (int t = 0; t < T; t++) {
            double f = sal ? mt[t] * alpha[t] : 1.0;
            for (int i = 0; i < D; i++) {
                int j = t * D + i;
                h1[j] = sal ? hIn[j] + f * (o[j] - hIn[j]) : hIn[j] + o[j];
            }
        }
        // SwiGLU
        rmsnorm(x2, 0, h1, 0, w, oMlpNorm, rstd2, 0, T, D, eps);
        linear(ga, 0, x2, 0, w, oMg, T, D, I);
        linear(ub, 0, x2, 0, w, oMu, T, D, I);
        for (int i = 0; i < T * I; i++) mm[i] = silu(ga[i]) * ub[i];
        linear(hOut, 0, mm, 0, w, oMd, T, I, D);
        for (int i = 0; i < T * D; i++) hOut[i] += h1[i];
    }

    /**
     * dMkey[j] = Σ over queries t ≠ j in j's window and heads of (e^{s_tj}/Z_t)·(dL/da_tj − Σ_j' a_tj'·dL/da_tj'):
     * the straight-through gradient of m̃_j as a key weight (class comment). dL/da_tj = ⟨dctx_t, v_j⟩. A
     * query with m̃_t = 0 gets dctx_t = 0 and contributes nothing, so only the selected queries are visited;
     * for them every key in the window is scored, selected or not (e^{s_tj}/Z_t with Z_t from the forward).
     * The exponent is capped at 30 so that a key scoring far above the selected ones gives a large
     * gradient (which the global-norm clip then scales) rather than an infinite one.
     */
    private void keyMaskGradient(int T) {
        java.util.Arrays.fill(dMkey, 0, T, 0);
        for (int t = 0; t < T; t++) {
            if (mt[t] == 0) continue;
            int lo = Math.max(0, t - window + 1);
            for (int h = 0; h < HA; h++) {
                int qr = t * AD + h * hd;
                double lz = logZ[h * T + t], sp = sumPd[h * T + t];
                for (int j = lo; j < t; j++) {
                    int kr = j * AD + h * hd;
                    double u = Math.exp(Math.min(DMath.dot(q, qr, k, kr, hd) * scale - lz, 30.0));
                    dMkey[j] += u * (DMath.dot(dctx, qr, vv, kr, hd) - sp);
                }
            }
        }
    }

    /** dst[d·T + j] = src[j·AD + h·hd + d]: head h of a (T, AD) matrix as (hd, T). */
    private void transposeHead(double[] dst, double[] src, int h, int T) {
        for (int j = 0; j < T; j++) {
            int r = j * AD + h * hd;
            for (int d = 0; d < hd; d++) dst[d * T + j] = src[r + d];
        }
    }

    /**
     * RoPE, rotate-half (HF Llama/NeoX): dim i &lt; hd/2 pairs with i + hd/2, angle pos·θ^(−2i/hd).
     * {@code inverse} applies the transposed rotation (the backward).
     */
    private void rotate(double[] x, int T, boolean inverse) {
        int half = hd / 2;
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < HA; h++) {
                int r = t * AD + h * hd;
                for (int i = 0; i < half; i++) {
                    double cs = cos[t * half + i], sn = inverse ? -sin[t * half + i] : sin[t * half + i];
                    double a = x[r + i], b = x[r + i + half];
                    x[r + i] = a * cs - b * sn;
                    x[r + i + half] = b * cs + a * sn;
                }
            }
        }
    }

    /**
     * dOut (T, D) = dL/dh_out → dIn (T, D) = dL/dh_in (may alias dOut). {@code budgetScale} multiplies
     * the budget loss's gradient (1/batch, like the cross-entropy's).
     */
    void backward(double[] w, double[] gr, double[] hIn, double[] dOut, double[] dIn, int T, double budgetScale, double[] scratch) {
        boolean sal = kind == LayerType.SELECTIVE_ATTENTION;
        // SwiGLU: hOut = h1 + down(mm)
        linearBackward(dmm, 0, false, dOut, 0, mm, 0, w, oMd, gr, oMd, T, I, D, scratch);
        for (int i = 0; i < T * I; i++) {
            double a = ga[i];
            dga[i] = dmm[i] * ub[i] * siluGrad(a);
            dub[i] = dmm[i] * silu(a);
        }
        linearBackward(dx2, 0, false, dga, 0, x2, 0, w, oMg, gr, oMg, T, D, I, scratch);
        linearBackward(dx2, 0, true, dub, 0, x2, 0, w, oMu, gr, oMu, T, D, I, scratch);
        System.arraycopy(dOut, 0, dh1, 0, T * D);
        rmsnormBackward(dh1, 0, true, dx2, 0, h1, 0, w, oMlpNorm, gr, oMlpNorm, rstd2, 0, T, D);

        // the mixing step; dIn starts as the residual part of dh1
        if (sal) {
            for (int t = 0; t < T; t++) {
                double f = mt[t] * alpha[t];
                double dot = 0;
                for (int i = 0; i < D; i++) {
                    int j = t * D + i;
                    double g = dh1[j];
                    dot += g * (o[j] - hIn[j]);
                    dOo[j] = g * f;
                    tmpD[j] = g * (1 - f);
                }
                dotMix[t] = dot;
            }
        } else {
            System.arraycopy(dh1, 0, dOo, 0, T * D);
            System.arraycopy(dh1, 0, tmpD, 0, T * D);
        }
        // o = ctx · o_proj^T
        linearBackward(dctx, 0, false, dOo, 0, ctx, 0, w, oO, gr, oO, T, AD, D, scratch);
        java.util.Arrays.fill(dq, 0, T * AD, 0);
        java.util.Arrays.fill(dk, 0, T * AD, 0);
        java.util.Arrays.fill(dv, 0, T * AD, 0);
        for (int h = 0; h < HA; h++) {
            int pOff = h * keyIdx.length;
            if (dense) transposeHead(vT, vv, h, T);
            for (int t = 0; t < T; t++) {
                int qr = t * AD + h * hd;
                double sPd = 0;
                if (dense) {
                    int e0 = keyStart[t];
                    DMath.dotsT(scratch, 0, dctx, qr, vT, keyIdx[e0], T, keyStart[t + 1] - e0, hd, 1.0);
                }
                for (int e = keyStart[t]; e < keyStart[t + 1]; e++) {
                    int vr = keyIdx[e] * AD + h * hd;
                    double pe = prob[pOff + e];
                    double dp = dense ? scratch[e - keyStart[t]] : DMath.dot(dctx, qr, vv, vr, hd);
                    DMath.axpy(dv, vr, pe, dctx, qr, hd);
                    scratch[e - keyStart[t]] = dp;
                    sPd += pe * dp;
                }
                int e0 = keyStart[t], e1 = keyStart[t + 1];
                for (int e = e0; e < e1; e++) {
                    double dsc = prob[pOff + e] * (scratch[e - e0] - sPd) * scale;
                    scratch[e - e0] = dsc;
                    if (dsc != 0) DMath.axpy(dk, keyIdx[e] * AD + h * hd, dsc, q, qr, hd);
                }
                // dq's row t is this query's alone (it starts at 0): the same sum in registers; a term
                // with dsc = 0 adds a zero, which leaves a finite sum unchanged
                DMath.weightedRowSum(dq, qr, scratch, -e0, keyIdx, e0, e1, k, h * hd, AD, hd);
                if (sal && keyGradient) sumPd[h * T + t] = sPd;
            }
        }
        if (sal) {
            if (keyGradient) keyMaskGradient(T);
            double dBudget = -2.0 * c.budgetLossWeight * (capacity - selectedFraction) / T * budgetScale;
            for (int t = 0; t < T; t++) {
                double dot = dotMix[t];
                double dAlpha = mt[t] * dot;
                double dM = alpha[t] * dot + dBudget;
                if (keyGradient) dM += dMkey[t];
                double dS1 = dAlpha * alpha[t] * (1 - alpha[t]) + dM * p1[t] * (1 - p1[t]) / c.gumbelTau;
                ds[2 * t] = -dS1;
                ds[2 * t + 1] = dS1;
            }
        }
        if (rope) { rotate(dq, T, true); rotate(dk, T, true); }
        linearBackward(du, 0, false, dq, 0, u, 0, w, oQ, gr, oQ, T, D, AD, scratch);
        linearBackward(du, 0, true, dk, 0, u, 0, w, oK, gr, oK, T, D, AD, scratch);
        linearBackward(du, 0, true, dv, 0, u, 0, w, oV, gr, oV, T, D, AD, scratch);
        if (sal) {
            linearBackward(du, 0, true, ds, 0, u, 0, w, oGate, gr, oGate, T, D, 2, scratch);
            for (int t = 0; t < T; t++) { gr[oGateB] += ds[2 * t]; gr[oGateB + 1] += ds[2 * t + 1]; }
        }
        System.arraycopy(tmpD, 0, dIn, 0, T * D);
        rmsnormBackward(dIn, 0, true, du, 0, hIn, 0, w, oNorm, gr, oNorm, rstd, 0, T, D);
    }
}
