package ai.taipan.engine.model;

import java.util.ArrayList;
import java.util.List;

/** The presets of SPEC §1: each is a layer schedule for a given number of layers. */
public enum Preset {
    /** The paper's model: one SAL after every 6 Mamba-2 blocks. */
    TAIPAN("taipan", LayerType.SELECTIVE_ATTENTION),
    /** The Mamba-2 baseline. */
    MAMBA2("mamba2", null),
    /** Transformer++: RMSNorm, SwiGLU, RoPE, full causal attention. */
    TRANSFORMER("transformer", null),
    /** Mamba-2 + full attention with RoPE, one every 7th layer. */
    JAMBA("jamba", LayerType.ATTENTION),
    /** Ablation: every token attends inside the window. */
    SWA_HYBRID("swa_hybrid", LayerType.SLIDING_ATTENTION);

    /** Mamba-2 blocks between two attention layers in the hybrid presets (the paper's ratio). */
    public static final int MAMBA_PER_ATTENTION = 6;

    private final String key;
    private final LayerType hybridAttention;

    Preset(String key, LayerType hybridAttention) {
        this.key = key;
        this.hybridAttention = hybridAttention;
    }

    public String key() { return key; }

    /**
     * The schedule for {@code n} layers: for hybrids, layer i is attention iff (i+1) % 7 == 0,
     * i.e. [mamba2 ×6, attn] repeated and truncated to n (so n = 7 gives exactly one block).
     */
    public List<LayerType> schedule(int n) {
        List<LayerType> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            switch (this) {
                case MAMBA2 -> out.add(LayerType.MAMBA2);
                case TRANSFORMER -> out.add(LayerType.ATTENTION);
                default -> out.add((i + 1) % (MAMBA_PER_ATTENTION + 1) == 0 ? hybridAttention : LayerType.MAMBA2);
            }
        }
        return out;
    }

    public static Preset parse(String s) {
        for (Preset p : values()) if (p.key.equals(s)) return p;
        return null;
    }

    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (Preset p : values()) sb.append(sb.length() == 0 ? "" : ", ").append(p.key);
        return sb.toString();
    }
}
