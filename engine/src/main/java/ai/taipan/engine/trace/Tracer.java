package ai.taipan.engine.trace;

/**
 * Receives per-token trace events from a running model (SPEC §2, issue 2 "Trace"). A session
 * with no tracer (null) computes none of this: no norms, no copies, no allocation.
 * Events arrive in token order per layer, on the thread that runs the model.
 */
public interface Tracer {
    /** One token through one selective_attention layer. */
    void sal(SalEvent e);

    /** One token through one mamba2 layer. */
    void mamba(MambaEvent e);

    /**
     * A token's pass through a SAL layer.
     *
     * @param layer        layer index in layer_types
     * @param position     0-based absolute position of the token
     * @param score0       gate score s_t0 ("skip")
     * @param score1       gate score s_t1 ("attend")
     * @param selected     m_t (s_t1 > s_t0 strictly)
     * @param alpha        α_t = σ(s_t1 − s_t0), reported for every token
     * @param keyPositions for a selected token, the positions of its keys (selected tokens j ≤ t with
     *                     t − j < window), oldest first; empty when not selected
     * @param weights      for a selected token, the softmax weights [heads][keys] in the order of
     *                     keyPositions; empty when not selected
     */
    record SalEvent(int layer, int position, float score0, float score1, boolean selected, float alpha,
                    int[] keyPositions, float[][] weights) { }

    /**
     * A token's pass through a Mamba-2 layer.
     *
     * @param layer      layer index
     * @param position   0-based absolute position
     * @param stateNorms Frobenius norm over (P, N) of each head's SSM state S_h after the token, [H]
     */
    record MambaEvent(int layer, int position, float[] stateNorms) { }
}
