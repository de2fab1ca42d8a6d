package ai.taipan.app.model;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;

/**
 * Predicts how many bytes a session needs at context length N (SPEC §3), so the workbench can
 * refuse a run that cannot fit ("out of memory at N") instead of attempting it:
 * <pre>
 *   mamba2              conv state [conv_dim, K] + SSM state [H, P, N_state]      constant in N
 *   selective_attention ≤ min(w, N) × (k, v [d_attn] each + position)            bounded by the window
 *   sliding_attention   min(w, N) × (k, v)                                        bounded by the window
 *   attention           N × (k, v)                                                grows with N
 * </pre>
 * all float32. The SAL bound assumes every token in the window was selected (the worst case).
 */
public final class MemoryModel {
    private MemoryModel() {}

    public static long stateBytes(ModelConfig c, long n) {
        long total = 0;
        long kv = 2L * c.attentionDim * Float.BYTES;                 // one token's k and v
        for (LayerType t : c.layerTypes) {
            total += switch (t) {
                case MAMBA2 -> ((long) c.convDim * c.convKernel + (long) c.numHeads * c.headDim * c.stateSize) * Float.BYTES;
                case SELECTIVE_ATTENTION -> Math.min(c.slidingWindow, n) * (kv + Integer.BYTES);
                case SLIDING_ATTENTION -> Math.min(c.slidingWindow, n) * kv;
                case ATTENTION -> n * kv;
            };
        }
        return total;
    }

    /**
     * Everything a prefill of N tokens holds at once beyond the weights: the state, the ids
     * (int32), and one chunk of activations (in_proj output is the widest row, times a small
     * factor for the other buffers of the chunk).
     */
    public static long runBytes(ModelConfig c, long n) {
        long chunk = Math.min(n, c.chunkSize);
        long widest = Math.max(Math.max(c.dInProj, c.intermediateSize * 2L), (long) c.vocabSize);
        long activations = chunk * widest * Float.BYTES * 4;
        return stateBytes(c, n) + n * Integer.BYTES + activations;
    }

    /** True when a run of N tokens is predicted to fit in {@code budgetBytes}. */
    public static boolean fits(ModelConfig c, long n, long budgetBytes) {
        return runBytes(c, n) <= budgetBytes;
    }

    /** The heap a new run may use: max heap minus what is in use now, minus a 10% safety margin. */
    public static long heapBudget() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        return (long) ((rt.maxMemory() - used) * 0.9);
    }
}
