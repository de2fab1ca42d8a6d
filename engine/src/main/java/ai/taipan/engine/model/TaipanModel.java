package ai.taipan.engine.model;

import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.format.TensorSource;
import ai.taipan.engine.interop.ShardedCheckpoint;
import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Matrix;
import ai.taipan.engine.layers.AttentionLayer;
import ai.taipan.engine.layers.Layer;
import ai.taipan.engine.layers.Mamba2Layer;
import ai.taipan.engine.layers.SelectiveAttentionLayer;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import ai.taipan.engine.tokenizer.HfTokenizer;
import ai.taipan.engine.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Taipan-family model (SPEC §1): token embedding → layers (layer_types) → final RMSNorm → LM
 * head (tied to the embedding unless tie_word_embeddings is false). Immutable and thread-safe;
 * all per-sequence state lives in a {@link Session}.
 *
 * <p>Glossary: V vocab_size, D hidden_size, L sequence length; E the embedding [V, D];
 * norm_f the final RMSNorm weight [D]; the head W_out [V, D] (E itself when tied).
 */
public final class TaipanModel {
    private final ModelConfig config;
    private final Weights weights;
    private final Tokenizer tokenizer;
    final Layer[] layers;
    final float[] embeddings;   // (V, D)
    final float[] normF;        // (D,)
    final Matrix head;          // (V, D) — the embedding when tied

    /** True for the model {@link #withSalAttentionOff()} made (an ablation; sessions record it). */
    private boolean salAttentionOff;

    public TaipanModel(ModelConfig config, Weights weights, Tokenizer tokenizer) {
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = switch (config.layerType(i)) {
                case MAMBA2 -> new Mamba2Layer(config, i, weights);
                case SELECTIVE_ATTENTION -> new SelectiveAttentionLayer(config, i, weights);
                case ATTENTION, SLIDING_ATTENTION -> new AttentionLayer(config, i, weights);
            };
        }
        embeddings = weights.get("backbone.embeddings.weight");
        normF = weights.get("backbone.norm_f.weight");
        head = Matrices.of(config.tieWordEmbeddings ? embeddings : weights.get("lm_head.weight"),
                config.vocabSize, config.hiddenSize);
    }

    /**
     * Loads a model folder (SPEC §4): config.json + model.safetensors (or a sharded
     * model.safetensors.index.json), our "taipan" folders and plain HF {@code "model_type": "mamba2"}
     * ones alike. Sizes config.json leaves out are read from tensor shapes. The tokenizer: the
     * byte tokenizer for {"type":"bytes"}; a tokenizer.json named by config's "tokenizer" entry or
     * lying in the folder; otherwise the byte tokenizer. State-spaces/mamba folders
     * (pytorch_model.bin) and .bin checkpoints open too: format detection is in interop.ModelSources.
     *
     * @throws ModelFormatException naming the file and the field or tensor at fault
     */
    public static TaipanModel load(Path dir) {
        // every checkpoint format (ours, HF mamba2 single/sharded, mamba_ssm pytorch_model.bin) and
        // tokenizer.json are detected in one place: interop.ModelSources (issue 7)
        return ai.taipan.engine.interop.ModelSources.load(dir);
    }

    private static Tokenizer tokenizerFor(ModelConfig c, Path dir, Path cfgFile) {
        var t = c.tokenizer;
        if (t != null && t.isObject() && "bytes".equals(t.path("type").asText())) return new ByteTokenizer(c.vocabSize);
        if (t != null && t.isTextual()) return HfTokenizer.load(dir.resolve(t.asText()), c.vocabSize);
        if (t != null) throw new ModelFormatException(cfgFile, "tokenizer", "must be {\"type\":\"bytes\"} or a file name, got " + t);
        Path json = dir.resolve("tokenizer.json");
        return Files.exists(json) ? HfTokenizer.load(json, c.vocabSize) : new ByteTokenizer(c.vocabSize);
    }

    public ModelConfig config() { return config; }

    /**
     * The same model with every SAL's attention switched off — an ablation: each SAL's gate weight is
     * zeroed and its bias set to (0, −1), so s_t1 &lt; s_t0 and m_t = 0 for every token (SPEC §2: an
     * unselected token computes no q, k, v and keeps h_t). The SAL's SwiGLU still runs on every token, so
     * what changes is exactly what the attention contributed. Other weights are shared, not copied.
     * A model without SALs is returned as is.
     */
    public TaipanModel withSalAttentionOff() {
        if (!config.hasLayer(LayerType.SELECTIVE_ATTENTION)) return this;
        Map<String, float[]> t = new LinkedHashMap<>(weights.tensors());
        for (int i = 0; i < config.numLayers(); i++) {
            if (config.layerType(i) != LayerType.SELECTIVE_ATTENTION) continue;
            String p = "backbone.layers." + i + ".mixer.gate.";
            t.put(p + "weight", new float[t.get(p + "weight").length]);
            t.put(p + "bias", new float[]{0f, -1f});
        }
        TaipanModel off = new TaipanModel(config, Weights.of(config, t), tokenizer);
        off.salAttentionOff = true;
        return off;
    }

    /** Whether this is the ablated model of {@link #withSalAttentionOff()}. */
    public boolean salAttentionOff() { return salAttentionOff; }

    public Weights weights() { return weights; }

    public Tokenizer tokenizer() { return tokenizer; }

    /** Number of parameters (a tied head counted once). */
    public long parameterCount() { return weights.parameterCount(); }

    /** A new inference session (SPEC §3) at position 0. */
    public Session newSession() { return new Session(this); }

    /**
     * Logits for every token of {@code ids}, [L, V] row-major, from a fresh session:
     * {@link Mode#PARALLEL} streams the sequence in chunks of chunk_size (chunked SSD),
     * {@link Mode#STEP} feeds one token at a time (the decode path).
     */
    public float[] logits(int[] ids, Mode mode) {
        int V = config.vocabSize;
        float[] out = new float[Math.multiplyExact(ids.length, V)];    // (L, V)
        Session s = newSession();
        if (mode == Mode.PARALLEL) {
            s.prefill(ids, (i, l) -> System.arraycopy(l, 0, out, i * V, V));
        } else {
            s.checkIds(ids);
            for (int i = 0; i < ids.length; i++) System.arraycopy(s.step(ids[i]), 0, out, i * V, V);
        }
        return out;
    }
}
