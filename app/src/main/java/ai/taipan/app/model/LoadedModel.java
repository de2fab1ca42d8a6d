package ai.taipan.app.model;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.TaipanModel;

import java.nio.file.Path;
import java.util.List;

/**
 * A model the workbench holds: the engine model plus where it came from. A model made with
 * Weights.random has no folder; its seed lets a session file re-create it. {@code format} says
 * which checkpoint format and weight file the folder was read from ("mamba_ssm:
 * pytorch_model.bin, byte tokenizer").
 */
public record LoadedModel(String name, Path folder, TaipanModel model, Long randomSeed, String format) {

    public LoadedModel(String name, Path folder, TaipanModel model, Long randomSeed) {
        this(name, folder, model, randomSeed, folder == null ? "random weights" : "taipan");
    }

    public boolean isRandom() { return folder == null; }

    /** Whether every SAL's attention is switched off in this model (an ablation of a loaded one). */
    public boolean salAttentionOff() { return model.salAttentionOff(); }

    /** Whether this model has a SAL whose attention can be switched off. */
    public boolean hasSal() { return config().hasLayer(LayerType.SELECTIVE_ATTENTION); }

    /**
     * The same model with every SAL's attention switched off (engine: TaipanModel.withSalAttentionOff —
     * no token selected, the SALs' SwiGLU still runs), named so that it cannot be mistaken for the model.
     */
    public LoadedModel withSalAttentionOff() {
        if (!hasSal()) throw new IllegalArgumentException(name + " has no selective_attention layer to switch off");
        if (salAttentionOff()) return this;
        return new LoadedModel(name + " [SAL attention off]", folder, model.withSalAttentionOff(), randomSeed,
                format + "; ablation: SAL attention off");
    }

    public ModelConfig config() { return model.config(); }

    /**
     * The preset whose schedule this model's layer_types equal, or "custom". A schedule of
     * mamba2 layers only is "mamba2": the hybrid presets cut below 7 layers have no attention
     * layer either, but such a model (any Mamba-2 checkpoint) is a Mamba-2 model.
     */
    public String preset() {
        List<LayerType> types = config().layerTypes;
        if (types.stream().allMatch(t -> t == LayerType.MAMBA2)) return Preset.MAMBA2.key();
        for (Preset p : Preset.values()) if (p.schedule(types.size()).equals(types)) return p.key();
        return "custom";
    }

    /** The numbers of the model card. */
    public ModelCard card() {
        ModelConfig c = config();
        boolean hasSal = hasSal();
        boolean windowed = hasSal || c.hasLayer(LayerType.SLIDING_ATTENTION);
        long emptyState = model.newSession().stateBytes();
        return new ModelCard(name, folder == null ? "(fresh random weights, seed " + randomSeed + ")" : folder.toString(),
                format, preset(), c.layerTypes, model.parameterCount(), hasSal ? c.capacity : Double.NaN,
                windowed ? c.slidingWindow : -1, emptyState, MemoryModel.stateBytes(c, 1 << 20));
    }
}
