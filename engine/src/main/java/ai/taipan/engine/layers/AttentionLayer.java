package ai.taipan.engine.layers;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.trace.Tracer;

/**
 * {@code attention} and {@code sliding_attention} + SwiGLU (SPEC §2): the Transformer++ block.
 *
 * <p>Glossary: u_t = RMSNorm(h_t) ⊙ norm.weight; q, k, v = W_{q,k,v}·u_t, heads of d_h
 * (attention_head_dim); RoPE on q and k (keys cached after rotation); causal softmax attention
 * with scale 1/√d_h over all j ≤ t ({@code attention}) or t − j &lt; w ({@code sliding_attention},
 * w = sliding_window); h ← h + o_proj·concat_heads; then {@link SwiGlu}.
 *
 * <p>State (SPEC §3): a {@link KvRing} — the last w (pos, k, v) for sliding attention, all of them
 * for full attention (grows with the context: that is the Transformer).
 */
public final class AttentionLayer implements Layer {
    private final int index, D, heads, hd, dim, window;
    private final boolean sliding;
    private final float eps;
    private final float[] normW;                 // (D,)
    private final QkvoProjections proj;
    private final Rope rope;
    private final SwiGlu mlp;

    public AttentionLayer(ModelConfig c, int index, Weights w) {
        this.index = index;
        String p = "backbone.layers." + index + ".";
        D = c.hiddenSize;
        heads = c.numAttentionHeads;
        hd = c.attentionHeadDim;
        dim = c.attentionDim;
        sliding = c.layerType(index) == LayerType.SLIDING_ATTENTION;
        window = sliding ? c.slidingWindow : ai.taipan.engine.model.ModelConfig.UNLIMITED;
        eps = (float) c.layerNormEpsilon;
        normW = w.get(p + "norm.weight");
        proj = new QkvoProjections(c, p, w);
        rope = new Rope(hd, c.ropeTheta);
        mlp = new SwiGlu(c, p, w);
    }

    @Override public int index() { return index; }

    @Override public LayerState newState() { return new KvRing(window, heads, hd); }

    @Override
    public void forward(LayerState st, Workspace ws, int T, int pos0, boolean recurrent, Tracer tracer, Probe probe) {
        KvRing ring = (KvRing) st;
        Ops.rmsNormRows(ws.u, ws.h, normW, T, D, eps);              // u (T, D)
        proj.qkv(ws, ws.u, T);                                      // q, k, v (T, A)
        for (int t = 0; t < T; t++) {
            int pos = pos0 + t;
            rope.angles(pos, ws.ropeCos, ws.ropeSin);
            rope.rotate(ws.q, t * dim, heads, ws.ropeCos, ws.ropeSin);
            rope.rotate(ws.k, t * dim, heads, ws.ropeCos, ws.ropeSin);
            ring.evictBefore(pos - window + 1);                     // keep t − j < w
            ring.push(pos, ws.k, t * dim, ws.v, t * dim);
            Attention.attend(ring, ws.q, t * dim, ws.att, t * dim, heads, hd, ws, null);
        }
        proj.out(ws.out, ws.att, T);                                // (T, D)
        for (int i = 0; i < T * D; i++) ws.h[i] += ws.out[i];
        mlp.forward(ws, T);
    }
}
