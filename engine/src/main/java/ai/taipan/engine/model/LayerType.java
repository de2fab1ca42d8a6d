package ai.taipan.engine.model;

/** The layer kinds of SPEC §2, spelled as in {@code layer_types}. */
public enum LayerType {
    /** The official Mamba-2 block (SSD). Letter M in layer-schedule strips. */
    MAMBA2("mamba2", 'M'),
    /** Taipan's Selective Attention Layer + SwiGLU. Letter S. */
    SELECTIVE_ATTENTION("selective_attention", 'S'),
    /** Full causal attention with RoPE + SwiGLU. Letter A. */
    ATTENTION("attention", 'A'),
    /** Sliding-window attention with RoPE + SwiGLU (every token attends). Letter W. */
    SLIDING_ATTENTION("sliding_attention", 'W');

    private final String key;
    private final char letter;

    LayerType(String key, char letter) {
        this.key = key;
        this.letter = letter;
    }

    /** The spelling in config.json. */
    public String key() { return key; }

    /** One letter for layer-schedule strips. */
    public char letter() { return letter; }

    /** True for the kinds that carry q/k/v/o projections and a SwiGLU MLP. */
    public boolean isAttention() { return this != MAMBA2; }

    public static LayerType parse(String s) {
        for (LayerType t : values()) if (t.key.equals(s)) return t;
        return null;
    }
}
