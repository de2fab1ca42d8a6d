package ai.taipan.app.model;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;

/**
 * Predicts how many bytes a session needs at context length N (SPEC §3), so the workbench can
 * refuse a run that cannot fit ("out of memory at N") instead of attempting it:
 * <pre>
 *   mamba2              conv state [conv_dim, K] + SSM state [H, P, N_state]      constant in N
 *   selective_attention ring of ≤ w (position, k, v)                             bounded by the window
 *   sliding_attention   ring of ≤ w (position, k, v)                             bounded by the window
 *   attention           ring of all N (position, k, v)                           grows with N
 * </pre>
 * all float32 (positions int32). Rings are sized as the engine's KvRing sizes them: a bound of at
 * most 65,536 entries is allocated in full up front; larger ones start at 256 entries and double.
 */
public final class MemoryModel {
    /** KvRing.PREALLOCATE_LIMIT and its first capacity when growing (engine layers.KvRing). */
    static final int PREALLOCATE_LIMIT = 1 << 16, FIRST_CAPACITY = 256;

    private MemoryModel() {}

    /**
     * The state bytes a session reports after n tokens (engine Session.stateBytes(): a preallocated
     * ring counts its whole allocation, a growing one the entries it holds).
     */
    public static long stateBytes(ModelConfig c, long n) { return bytes(c, n, false); }

    /** The bytes the state's arrays occupy after n tokens (growing rings double their capacity). */
    public static long allocatedBytes(ModelConfig c, long n) { return bytes(c, n, true); }

    private static long bytes(ModelConfig c, long n, boolean allocated) {
        long total = 0;
        long entry = Integer.BYTES + 2L * c.attentionDim * Float.BYTES;   // (position, k, v) of one token
        for (LayerType t : c.layerTypes) {
            long max = switch (t) {
                case MAMBA2 -> 0;
                case SELECTIVE_ATTENTION, SLIDING_ATTENTION -> c.slidingWindow;
                case ATTENTION -> Long.MAX_VALUE;
            };
            if (t == LayerType.MAMBA2) {
                total += ((long) c.convDim * c.convKernel + (long) c.numHeads * c.headDim * c.stateSize) * Float.BYTES;
            } else if (max <= PREALLOCATE_LIMIT) {
                total += max * entry;
            } else {
                total += (allocated ? ringCapacity(max, n) : Math.min(max, n)) * entry;
            }
        }
        return total;
    }

    /** Entries a ring bounded by {@code maxEntries} has allocated after n pushes. */
    static long ringCapacity(long maxEntries, long n) {
        if (maxEntries <= PREALLOCATE_LIMIT) return maxEntries;
        long cap = FIRST_CAPACITY, want = Math.min(n, maxEntries);
        while (cap < want) cap = Math.min(maxEntries, cap * 2);
        return cap;
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
        // a growing ring briefly holds its old arrays beside the new ones (half the new size)
        long growth = c.layerTypes.contains(LayerType.ATTENTION) ? allocatedBytes(c, n) / (2L * c.layerTypes.size()) : 0;
        return allocatedBytes(c, n) + growth + n * Integer.BYTES + activations;
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
