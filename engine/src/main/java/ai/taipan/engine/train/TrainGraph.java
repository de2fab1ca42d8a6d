package ai.taipan.engine.train;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;

import java.util.SplittableRandom;

/**
 * The training graph of a whole model over one sequence, float64: embedding → layers → final
 * RMSNorm → head (tied or untied) → cross-entropy, plus the SAL budget loss. One instance per worker
 * thread; it owns every activation buffer (sized once for {@code maxT}) and never allocates per step.
 * Weights {@code w} and gradients {@code g} are flat arrays in {@link ParamLayout} order.
 *
 * <p>Per-sequence objective (SPEC §2 "Training objective"):
 * <pre>
 *   L = (1/T)·Σ_t −log softmax(logits_t)[target_t]  +  λ·Σ_SAL (C − (1/T)·Σ_t m̃_t)²
 * </pre>
 * The batch loss is the mean of L over the batch; {@link #backward} takes that 1/B as {@code scale}.
 */
public final class TrainGraph {
    private final ModelConfig c;
    private final ParamLayout layout;
    final int maxT;
    private final int D, V;
    private final Object[] layers;          // Mamba2Train or AttentionTrain
    private final int[] salOrdinal;         // layer → index among SAL layers, or −1
    private final int numSal;
    private final double[][] hs;            // (L + 1) × (T, D): input of every layer, then the output
    private final double[] hf, rstdF;       // (T, D), (T)
    private final double[] logits;          // (T, V)
    private final double[] dh, dhf, dlogits;
    private final double[] scratch;
    private final double[][] noise;         // per SAL layer (T, 2)
    private int[] tokens, targets;
    private int T;
    private double ce;
    private AttentionTrain.Selection selection = AttentionTrain.Selection.EVAL;
    /**
     * Multiplies the Gumbel noise of {@link AttentionTrain.Selection#GUMBEL} (SPEC: 1). An experiment knob,
     * not part of the model: with noise, a token is selected in training with probability σ(s1 − s0), and
     * the budget loss can be met by a uniformly low score that selects ~C in training and nothing at
     * inference (m = s1 &gt; s0); with scale 0 training selects exactly as inference does and the
     * straight-through gradient of σ((s1 − s0)/τ) moves the boundary tokens.
     */
    double gumbelNoiseScale = 1.0;

    public TrainGraph(ParamLayout layout, int maxT) {
        this.layout = layout;
        this.c = layout.config();
        this.maxT = maxT;
        D = c.hiddenSize; V = c.vocabSize;
        int L = c.numLayers();
        layers = new Object[L];
        salOrdinal = new int[L];
        int scratchSize = DMath.linearScratch(maxT, D, V) + maxT;
        int ns = 0;
        for (int i = 0; i < L; i++) {
            salOrdinal[i] = -1;
            if (c.layerType(i) == LayerType.MAMBA2) {
                layers[i] = new Mamba2Train(c, layout, i, maxT);
                scratchSize = Math.max(scratchSize, Mamba2Train.scratchSize(c, maxT));
            } else {
                layers[i] = new AttentionTrain(c, layout, i, maxT);
                scratchSize = Math.max(scratchSize, AttentionTrain.scratchSize(c, maxT));
                if (c.layerType(i) == LayerType.SELECTIVE_ATTENTION) salOrdinal[i] = ns++;
            }
        }
        numSal = ns;
        hs = new double[L + 1][maxT * D];
        hf = new double[maxT * D]; rstdF = new double[maxT];
        logits = new double[maxT * V];
        dh = new double[maxT * D]; dhf = new double[maxT * D]; dlogits = new double[maxT * V];
        scratch = new double[scratchSize];
        noise = new double[ns][maxT * 2];
    }

    public ParamLayout layout() { return layout; }

    public int numSal() { return numSal; }

    /**
     * Forward pass; returns the per-sequence loss L (cross-entropy + budget). {@code targets} may be
     * null (then only the logits are computed and the loss is 0). {@code noiseRng} draws the Gumbel
     * noise for {@link AttentionTrain.Selection#GUMBEL}.
     */
    public double forward(double[] w, int[] tokens, int[] targets, int T, AttentionTrain.Selection sel, SplittableRandom noiseRng) {
        if (T > maxT) throw new IllegalArgumentException("sequence of " + T + " tokens, graph built for " + maxT);
        this.tokens = tokens;
        this.targets = targets;
        this.T = T;
        this.selection = sel;
        if (sel == AttentionTrain.Selection.GUMBEL) {
            for (double[] n : noise) for (int i = 0; i < 2 * T; i++) n[i] = gumbelNoiseScale * gumbel(noiseRng);
        }
        int oE = layout.offset("backbone.embeddings.weight");
        double[] h0 = hs[0];
        for (int t = 0; t < T; t++) {
            int id = tokens[t];
            if (id < 0 || id >= V) throw new IllegalArgumentException("token id " + id + " at " + t + " outside vocab " + V);
            System.arraycopy(w, oE + id * D, h0, t * D, D);
        }
        double budget = 0;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] instanceof Mamba2Train m) {
                m.forward(w, hs[i], hs[i + 1], T);
            } else {
                AttentionTrain a = (AttentionTrain) layers[i];
                a.forward(w, hs[i], hs[i + 1], T, sel, salOrdinal[i] >= 0 ? noise[salOrdinal[i]] : null);
                if (salOrdinal[i] >= 0) budget += a.budgetLoss;
            }
        }
        DMath.rmsnorm(hf, 0, hs[layers.length], 0, w, layout.offset("backbone.norm_f.weight"), rstdF, 0, T, D, c.layerNormEpsilon);
        DMath.linear(logits, 0, hf, 0, w, layout.headOffset(), T, D, V);
        if (targets == null) { ce = 0; return 0; }
        double sum = 0;
        for (int t = 0; t < T; t++) {
            int r = t * V;
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < V; j++) mx = Math.max(mx, logits[r + j]);
            double z = 0;
            for (int j = 0; j < V; j++) z += Math.exp(logits[r + j] - mx);
            sum += mx + Math.log(z) - logits[r + targets[t]];
        }
        ce = sum / T;
        return ce + budget;
    }

    /** Gumbel(0,1): −log(−log U), U uniform in (0, 1). */
    static double gumbel(SplittableRandom rng) {
        double u;
        do { u = rng.nextDouble(); } while (u <= 0.0);
        return -Math.log(-Math.log(u));
    }

    /** Cross-entropy (nats/token) of the last forward. */
    public double crossEntropy() { return ce; }

    /** The logits (T, V) of the last forward (a view: valid until the next forward). */
    public double[] logits() { return logits; }

    /** Mean m̃ of SAL number {@code s} in the last forward (the selected fraction in training). */
    public double selectedFraction(int s) { return sal(s).selectedFraction; }

    /** The hard mask (T) of SAL number s in the last forward (a view). */
    int[] mask(int s) { return sal(s).mask; }

    /** p1 = softmax((s+g)/τ)[1] (T) of SAL number s in the last forward (a view). */
    double[] softProbability(int s) { return sal(s).p1; }

    /** The Gumbel noise (T, 2) buffer of SAL number s (tests fill it for PROBE). */
    double[] noise(int s) { return noise[s]; }

    /** Differentiates every SAL's key set through m̃ ({@code --sal-key-gradient}; see AttentionTrain). */
    void salKeyGradient(boolean on) {
        for (int s = 0; s < numSal; s++) sal(s).keyGradient = on;
    }

    /** Sets every SAL's budget target for the coming steps (the trainer's capacity anneal). */
    void capacity(double c) {
        for (int s = 0; s < numSal; s++) sal(s).capacity = c;
    }

    /** Fixes SAL number s for {@link AttentionTrain.Selection#PROBE}: the mask and reference p1. */
    void probe(int s, int[] mask, double[] p1ref) {
        AttentionTrain a = sal(s);
        a.probeMask = mask;
        a.probeP1 = p1ref;
    }

    private AttentionTrain sal(int s) {
        for (int i = 0; i < layers.length; i++) if (salOrdinal[i] == s) return (AttentionTrain) layers[i];
        throw new IllegalArgumentException("no SAL number " + s);
    }

    /**
     * Backward of the last forward: adds scale·dL/dw to {@code g} (scale = 1/batch). Requires that
     * forward was called with targets.
     */
    public void backward(double[] w, double[] g, double scale) {
        int T = this.T;
        // d CE / d logits = (softmax − onehot)/T
        for (int t = 0; t < T; t++) {
            int r = t * V;
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < V; j++) mx = Math.max(mx, logits[r + j]);
            double z = 0;
            for (int j = 0; j < V; j++) z += Math.exp(logits[r + j] - mx);
            double f = scale / T;
            for (int j = 0; j < V; j++) dlogits[r + j] = Math.exp(logits[r + j] - mx) / z * f;
            dlogits[r + targets[t]] -= f;
        }
        int oH = layout.headOffset();
        DMath.linearBackward(dhf, 0, false, dlogits, 0, hf, 0, w, oH, g, oH, T, D, V, scratch);
        int L = layers.length;
        int oNf = layout.offset("backbone.norm_f.weight");
        DMath.rmsnormBackward(dh, 0, false, dhf, 0, hs[L], 0, w, oNf, g, oNf, rstdF, 0, T, D);
        for (int i = L - 1; i >= 0; i--) {
            if (layers[i] instanceof Mamba2Train m) m.backward(w, g, hs[i], dh, dh, T, scratch);
            else ((AttentionTrain) layers[i]).backward(w, g, hs[i], dh, dh, T, scale, scratch);
        }
        int oE = layout.offset("backbone.embeddings.weight");
        for (int t = 0; t < T; t++) {
            int r = oE + tokens[t] * D;
            for (int i = 0; i < D; i++) g[r + i] += dh[t * D + i];
        }
    }
}
