package ai.taipan.engine.layers;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;

/**
 * The activation buffers of one session, sized once from the config for a chunk of at most
 * {@link #maxTokens} tokens and shared by all layers (they run one after the other). This is
 * the "activations in one place" of llm.c / llama3.java's State: the per-token path allocates
 * nothing except where a full-attention cache must grow.
 *
 * <p>T = tokens in the chunk (≤ maxTokens), D = hidden_size, V = vocab, H/P/N/G = Mamba-2
 * heads/head_dim/state/groups, A = attention dim = heads·d_h, I = intermediate_size.
 */
public final class Workspace {
    public final int maxTokens;

    // ---- residual stream and norms (every layer)
    public final float[] h;        // (T, D) residual stream of the chunk
    public final float[] u;        // (T, D) RMSNorm(h) ⊙ weight — the mixer / MLP input
    public final float[] out;      // (T, D) mixer / MLP output before it is added

    // ---- mamba2
    public final float[] zxbcdt;   // (T, dInProj) in_proj output: z | xBC | dt
    public final float[] xbc;      // (T, convDim) conv + SiLU output: x | B | C
    public final float[] dt;       // (T, H) softplus(dt + dt_bias), clamped
    public final float[] y;        // (T, dInner) SSM output y (incl. D·x), then gated + normed in place
    public final float[] headState;// (P, N) one head's state, replayed token by token when tracing
    public final float[] norms;    // (T, H) per-token state norms (tracing only)
    public final Ssd.Scratch ssd;  // scratch of the fast SSD forms: (Q, Q) etc. per kernel thread; null without mamba2

    // ---- attention kinds and SwiGLU
    public final float[] q, k, v;  // (T, A) projections (SAL: packed, selected tokens only)
    public final float[] att;      // (T, A) concat_heads(softmax(qk/√d_h)·v)
    public final float[] packed;   // (T, D) SAL: u of the selected tokens, packed; then o_proj output
    public final float[] scores2;  // (T, 2) SAL gate scores s_t
    public final int[] selected;   // (T,) SAL: chunk indices of the selected tokens
    public final float[] ropeCos, ropeSin; // (d_h/2,) RoPE angles of one position
    public final float[] mlpGate, mlpUp;   // (T, I) SwiGLU hidden
    private float[] scores = new float[64]; // (keys,) attention scores of one query head; grows

    // ---- head
    public final float[] logits;   // (V,) one token's logits
    private float[] logitsBlock;   // (LOGITS_BLOCK, V) logits of several tokens; only for per-token sinks
    public static final int LOGITS_BLOCK = 16;

    public Workspace(ModelConfig c, int maxTokens) {
        this.maxTokens = maxTokens;
        int T = maxTokens, D = c.hiddenSize;
        h = new float[T * D];
        u = new float[T * D];
        out = new float[T * D];
        boolean mamba = c.hasLayer(LayerType.MAMBA2);
        zxbcdt = new float[mamba ? T * c.dInProj : 0];
        xbc = new float[mamba ? T * c.convDim : 0];
        dt = new float[mamba ? T * c.numHeads : 0];
        y = new float[mamba ? T * c.dInner : 0];
        int Q = Math.min(T, Ssd.chunkFor(c.chunkSize));      // SSD chunk length
        headState = new float[mamba ? c.headDim * c.stateSize : 0];
        norms = new float[mamba ? T * c.numHeads : 0];
        ssd = mamba ? new Ssd.Scratch(Q, c.headDim, c.stateSize) : null;
        boolean attn = c.layerTypes.stream().anyMatch(LayerType::isAttention);
        int A = attn ? c.attentionDim : 0;
        q = new float[T * A];
        k = new float[T * A];
        v = new float[T * A];
        att = new float[T * A];
        packed = new float[attn ? T * D : 0];
        scores2 = new float[attn ? T * 2 : 0];
        selected = new int[attn ? T : 0];
        ropeCos = new float[attn ? Math.max(1, c.attentionHeadDim / 2) : 0];
        ropeSin = new float[ropeCos.length];
        mlpGate = new float[attn ? T * c.intermediateSize : 0];
        mlpUp = new float[attn ? T * c.intermediateSize : 0];
        logits = new float[c.vocabSize];
    }

    /** (LOGITS_BLOCK, V), allocated on first use (a prefill that reports every token's logits). */
    public float[] logitsBlock(int vocab) {
        if (logitsBlock == null) logitsBlock = new float[LOGITS_BLOCK * vocab];
        return logitsBlock;
    }

    /** A score buffer for at least n keys (grows by doubling; only full attention ever needs that). */
    public float[] scores(int n) {
        if (scores.length < n) scores = new float[Math.max(n, 2 * scores.length)];
        return scores;
    }
}
