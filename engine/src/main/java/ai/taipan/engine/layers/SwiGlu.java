package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Matrix;
import ai.taipan.engine.kernel.VectorOps;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;

/**
 * The SwiGLU MLP step of the attention kinds (SPEC §2 SAL step 5):
 * h ← h + down_proj( silu(gate_proj·x) ⊙ up_proj·x ), x = RMSNorm(h) ⊙ mlp_norm.weight — for
 * every token, selected or not.
 */
final class SwiGlu {
    private final int D, I;
    private final float eps;
    private final float[] normW;            // (D,)
    private final Matrix gate, up, down;    // (I, D), (I, D), (D, I)

    SwiGlu(ModelConfig c, String prefix, Weights w) {
        D = c.hiddenSize;
        I = c.intermediateSize;
        eps = (float) c.layerNormEpsilon;
        normW = w.get(prefix + "mlp_norm.weight");
        gate = Matrices.of(w.get(prefix + "mlp.gate_proj.weight"), I, D);
        up = Matrices.of(w.get(prefix + "mlp.up_proj.weight"), I, D);
        down = Matrices.of(w.get(prefix + "mlp.down_proj.weight"), D, I);
    }

    void forward(Workspace ws, int T) {
        Ops.rmsNormRows(ws.u, ws.h, normW, T, D, eps);          // x (T, D)
        Ops.project(gate, ws.mlpGate, 0, ws.u, 0, T);           // (T, I)
        Ops.project(up, ws.mlpUp, 0, ws.u, 0, T);               // (T, I)
        VectorOps.siluMul(ws.mlpGate, 0, ws.mlpGate, 0, ws.mlpUp, 0, T * I);
        Ops.project(down, ws.out, 0, ws.mlpGate, 0, T);         // (T, D)
        for (int i = 0; i < T * D; i++) ws.h[i] += ws.out[i];
    }
}
