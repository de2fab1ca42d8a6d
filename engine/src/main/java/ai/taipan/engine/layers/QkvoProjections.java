package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Matrix;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;

/**
 * The q/k/v/o projections every attention kind shares (SPEC §2, §4 names
 * {@code mixer.{q,k,v,o}_proj.weight}, optional {@code .bias}): row h·d_h + d of q/k/v is head h,
 * dimension d; o_proj takes the heads concatenated in that order (no grouped-query sharing).
 */
final class QkvoProjections {
    private final int D, dim;
    private final Matrix wq, wk, wv, wo;         // (A, D) ×3, (D, A)
    private final float[] bq, bk, bv, bo;        // optional biases, null when absent

    QkvoProjections(ModelConfig c, String layerPrefix, Weights w) {
        D = c.hiddenSize;
        dim = c.attentionDim;
        String p = layerPrefix + "mixer.";
        wq = Matrices.of(w.get(p + "q_proj.weight"), dim, D);
        wk = Matrices.of(w.get(p + "k_proj.weight"), dim, D);
        wv = Matrices.of(w.get(p + "v_proj.weight"), dim, D);
        wo = Matrices.of(w.get(p + "o_proj.weight"), D, dim);
        bq = w.getOrNull(p + "q_proj.bias");
        bk = w.getOrNull(p + "k_proj.bias");
        bv = w.getOrNull(p + "v_proj.bias");
        bo = w.getOrNull(p + "o_proj.bias");
    }

    /** ws.q, ws.k, ws.v (rows, A) = W_{q,k,v}·u (+ bias) for u = src (rows, D). */
    void qkv(Workspace ws, float[] src, int rows) {
        Ops.project(wq, ws.q, 0, src, 0, rows);
        Ops.project(wk, ws.k, 0, src, 0, rows);
        Ops.project(wv, ws.v, 0, src, 0, rows);
        Ops.addBiasRows(ws.q, 0, bq, rows, dim);
        Ops.addBiasRows(ws.k, 0, bk, rows, dim);
        Ops.addBiasRows(ws.v, 0, bv, rows, dim);
    }

    /** dst (rows, D) = o_proj·att (+ bias) for att (rows, A). */
    void out(float[] dst, float[] att, int rows) {
        Ops.project(wo, dst, 0, att, 0, rows);
        Ops.addBiasRows(dst, 0, bo, rows, D);
    }
}
