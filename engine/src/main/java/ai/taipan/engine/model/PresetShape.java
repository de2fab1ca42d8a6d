package ai.taipan.engine.model;

import ai.taipan.engine.format.Json;

/**
 * The size options of a fresh preset model, as {@code taipan init}, {@code taipan train --preset}
 * and {@code taipan bench --preset} take them, and the one place their shared defaults live:
 * attention heads D/16 (at least 1), SwiGLU width 8D/3 rounded up to a multiple of 8 (the
 * Transformer++ ratio), the byte tokenizer. Null means "the default".
 *
 * @param preset           SPEC §1 preset
 * @param hiddenSize       D
 * @param layers           number of layers (schedule from {@link Preset#schedule(int)})
 * @param vocab            V
 * @param stateSize        Mamba-2 N
 * @param headDim          Mamba-2 P
 * @param expand           Mamba-2 E
 * @param nGroups          Mamba-2 G
 * @param chunkSize        SSD chunk length, null = ModelConfig's default
 * @param attentionHeads   attention heads, null = D/16
 * @param intermediateSize SwiGLU width, null = 8D/3 rounded up to 8
 * @param window           sliding_window, null = ModelConfig's default (2048)
 * @param capacity         SAL capacity C, null = ModelConfig's default (0.15)
 * @param untied           a separate lm_head
 */
public record PresetShape(Preset preset, int hiddenSize, int layers, int vocab, int stateSize, int headDim, int expand,
                          int nGroups, Integer chunkSize, Integer attentionHeads, Integer intermediateSize,
                          Integer window, Double capacity, boolean untied) {

    /** Parses the preset name; fails with the option name and the choices. */
    public static Preset parsePreset(String name) {
        Preset p = Preset.parse(name);
        if (p == null) throw new IllegalArgumentException("--preset: unknown preset '" + name + "'; choose one of " + Preset.names());
        return p;
    }

    /** The validated config (ModelConfig names any inconsistent field). */
    public ModelConfig build() {
        if (layers <= 0) throw new IllegalArgumentException("--layers must be positive, got " + layers);
        if (hiddenSize <= 0) throw new IllegalArgumentException("--hidden-size must be positive, got " + hiddenSize);
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = vocab;
        b.hiddenSize = hiddenSize;
        b.layerTypes = preset.schedule(layers);
        b.tieWordEmbeddings = !untied;
        b.stateSize = stateSize;
        b.headDim = headDim;
        b.expand = expand;
        b.nGroups = nGroups;
        if (chunkSize != null) b.chunkSize = chunkSize;
        b.numAttentionHeads = attentionHeads != null ? attentionHeads : Math.max(1, hiddenSize / 16);
        b.intermediateSize = intermediateSize != null ? intermediateSize : (8 * hiddenSize / 3 + 7) / 8 * 8;
        if (window != null) b.slidingWindow = window;
        if (capacity != null) b.capacity = capacity;
        b.tokenizer = Json.mapper().createObjectNode().put("type", "bytes");
        return b.build();
    }
}
