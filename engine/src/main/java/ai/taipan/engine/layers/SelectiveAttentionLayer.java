package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Matrix;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.trace.Tracer;

/**
 * Taipan's Selective Attention Layer + SwiGLU (SPEC §2 "selective_attention"; Taipan paper §3).
 *
 * <p>Glossary (paper → here), for token t at absolute position t:
 * <ul>
 *   <li>u_t = RMSNorm(h_t) ⊙ norm.weight</li>
 *   <li>s_t = G_θ(u_t) = gate.weight·u_t + gate.bias ∈ R² — the gating network's scores</li>
 *   <li>m_t = 1 iff s_t1 &gt; s_t0 (inference: hard, no Gumbel noise; a tie is not selected)</li>
 *   <li>α_t = σ(s_t1 − s_t0) — the feature-refinement weight</li>
 *   <li>for m_t = 1: q_t, and keys/values k_j, v_j of the <b>selected</b> tokens j ≤ t with
 *       t − j &lt; w (w = sliding_window, original positions), softmax with scale 1/√d_h, no
 *       positional encoding unless sal_rope; o_t = o_proj·concat_heads;
 *       h_t ← (1 − α_t)·h_t + α_t·o_t. Unselected tokens compute no q, k, v and keep h_t.</li>
 *   <li>then SwiGLU for every token ({@link SwiGlu}).</li>
 * </ul>
 *
 * <p>State (SPEC §3): a {@link KvRing} of the selected tokens' (pos, k, v) inside the window —
 * at most w entries whatever the context length. Entries with t − pos ≥ w are evicted as each
 * token arrives, selected or not.
 */
public final class SelectiveAttentionLayer implements Layer {
    private static final int[] NO_KEYS = new int[0];
    private static final float[][] NO_WEIGHTS = new float[0][];

    private final int index, D, heads, hd, dim, window;
    private final float eps;
    private final float[] normW;                 // (D,)
    private final Matrix gate;                   // (2, D)
    private final float[] gateBias;              // (2,)
    private final QkvoProjections proj;
    private final Rope rope;                     // null unless sal_rope
    private final SwiGlu mlp;

    public SelectiveAttentionLayer(ModelConfig c, int index, Weights w) {
        this.index = index;
        String p = "backbone.layers." + index + ".";
        D = c.hiddenSize;
        heads = c.numAttentionHeads;
        hd = c.attentionHeadDim;
        dim = c.attentionDim;
        window = c.slidingWindow;
        eps = (float) c.layerNormEpsilon;
        normW = w.get(p + "norm.weight");
        gate = Matrices.of(w.get(p + "mixer.gate.weight"), 2, D);
        gateBias = w.get(p + "mixer.gate.bias");
        proj = new QkvoProjections(c, p, w);
        rope = c.salRope ? new Rope(hd, c.ropeTheta) : null;
        mlp = new SwiGlu(c, p, w);
    }

    @Override public int index() { return index; }

    @Override public LayerState newState() { return new KvRing(window, heads, hd); }

    @Override
    public void forward(LayerState st, Workspace ws, int T, int pos0, boolean recurrent, Tracer tracer, Probe probe) {
        KvRing ring = (KvRing) st;
        Ops.rmsNormRows(ws.u, ws.h, normW, T, D, eps);              // u (T, D)
        Ops.project(gate, ws.scores2, 0, ws.u, 0, T);               // s (T, 2)
        Ops.addBiasRows(ws.scores2, 0, gateBias, T, 2);
        if (probe != null) probe.tensor(index, "sal_scores", pos0, ws.scores2, 0, T, 2);

        // 1. selection: pack the selected tokens' u so that q/k/v are computed for them only
        int nSel = 0;
        for (int t = 0; t < T; t++) {
            if (ws.scores2[2 * t + 1] > ws.scores2[2 * t]) {        // m_t: strict, a tie is not selected
                ws.selected[nSel] = t;
                System.arraycopy(ws.u, t * D, ws.packed, nSel * D, D);
                nSel++;
            }
        }
        if (nSel > 0) {
            proj.qkv(ws, ws.packed, nSel);                          // q, k, v (nSel, A)
        }

        // 2. token by token: evict keys that left the window, add a selected token's key, attend
        for (int t = 0, j = 0; t < T; t++) {
            int pos = pos0 + t;
            ring.evictBefore(pos - window + 1);                     // keep t − pos < w
            boolean sel = j < nSel && ws.selected[j] == t;
            float[][] weights = null;
            if (sel) {
                if (rope != null) {
                    rope.angles(pos, ws.ropeCos, ws.ropeSin);
                    rope.rotate(ws.q, j * dim, heads, ws.ropeCos, ws.ropeSin);
                    rope.rotate(ws.k, j * dim, heads, ws.ropeCos, ws.ropeSin);
                }
                ring.push(pos, ws.k, j * dim, ws.v, j * dim);      // a selected token is its own key
                if (tracer != null) weights = new float[heads][ring.size()];
                Attention.attend(ring, ws.q, j * dim, ws.att, j * dim, heads, hd, ws, weights);
            }
            if (tracer != null) {
                float s0 = ws.scores2[2 * t], s1 = ws.scores2[2 * t + 1];
                tracer.sal(new Tracer.SalEvent(index, pos, s0, s1, sel, Ops.sigmoid(s1 - s0),
                        sel ? ring.positions() : NO_KEYS, sel ? weights : NO_WEIGHTS));
            }
            if (sel) j++;
        }

        // 3. o = o_proj·att for the selected; h_t ← (1 − α_t)·h_t + α_t·o_t
        if (nSel > 0) {
            proj.out(ws.packed, ws.att, nSel);                      // o (nSel, D)
            for (int j = 0; j < nSel; j++) {
                int t = ws.selected[j];
                float alpha = Ops.sigmoid(ws.scores2[2 * t + 1] - ws.scores2[2 * t]);
                for (int i = 0; i < D; i++) {
                    float h = ws.h[t * D + i];
                    ws.h[t * D + i] = (1f - alpha) * h + alpha * ws.packed[j * D + i];
                }
            }
        }
        mlp.forward(ws, T);
    }
}
