package ai.taipan.engine.train;

import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every trainable tensor of a model (SPEC §4 names and shapes) laid out in one flat double[]: the
 * weights, their gradients and both AdamW moments share this layout, so the optimizer, the gradient
 * clipping and the batch reduction are plain loops over one array, and the layers address their
 * tensors by offset.
 *
 * <p>Weight decay (issue 3): matrices decay (projections, conv1d.weight, gate.weight, embedding /
 * lm_head); norms, biases, A_log, D and dt_bias do not.
 */
public final class ParamLayout {
    /** One tensor: its SPEC name, shape, offset in the flat array, and whether AdamW decays it. */
    public record Tensor(String name, long[] shape, int offset, int size, boolean decay) { }

    private final Map<String, Tensor> byName = new LinkedHashMap<>();
    private final ModelConfig config;
    private int total;

    public ParamLayout(ModelConfig c) {
        this.config = c;
        int D = c.hiddenSize;
        add("backbone.embeddings.weight", true, c.vocabSize, D);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "backbone.layers." + i + ".";
            add(p + "norm.weight", false, D);
            LayerType t = c.layerType(i);
            if (t == LayerType.MAMBA2) {
                String m = p + "mixer.";
                add(m + "in_proj.weight", true, c.dInProj, D);
                add(m + "conv1d.weight", true, c.convDim, 1, c.convKernel);
                if (c.useConvBias) add(m + "conv1d.bias", false, c.convDim);
                add(m + "dt_bias", false, c.numHeads);
                add(m + "A_log", false, c.numHeads);
                add(m + "D", false, c.numHeads);
                add(m + "norm.weight", false, c.dInner);
                add(m + "out_proj.weight", true, D, c.dInner);
            } else {
                String m = p + "mixer.";
                add(m + "q_proj.weight", true, c.attentionDim, D);
                add(m + "k_proj.weight", true, c.attentionDim, D);
                add(m + "v_proj.weight", true, c.attentionDim, D);
                add(m + "o_proj.weight", true, D, c.attentionDim);
                if (t == LayerType.SELECTIVE_ATTENTION) {
                    add(m + "gate.weight", true, 2, D);
                    add(m + "gate.bias", false, 2);
                }
                add(p + "mlp_norm.weight", false, D);
                add(p + "mlp.gate_proj.weight", true, c.intermediateSize, D);
                add(p + "mlp.up_proj.weight", true, c.intermediateSize, D);
                add(p + "mlp.down_proj.weight", true, D, c.intermediateSize);
            }
        }
        add("backbone.norm_f.weight", false, D);
        if (!c.tieWordEmbeddings) add("lm_head.weight", true, c.vocabSize, D);
    }

    private void add(String name, boolean decay, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        if (total + n > Integer.MAX_VALUE - 16) {
            throw new ModelFormatException(config.source(), "hidden_size", "model too large to train in one array ("
                    + (total + n) + " parameters)");
        }
        byName.put(name, new Tensor(name, shape, total, (int) n, decay));
        total += (int) n;
    }

    public ModelConfig config() { return config; }

    /** Number of trainable scalars. */
    public int size() { return total; }

    public List<Tensor> tensors() { return Collections.unmodifiableList(new ArrayList<>(byName.values())); }

    public boolean has(String name) { return byName.containsKey(name); }

    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in this model");
        return t;
    }

    public int offset(String name) { return tensor(name).offset(); }

    /** Offset of the LM head (the embedding when tied). */
    public int headOffset() {
        return config.tieWordEmbeddings ? offset("backbone.embeddings.weight") : offset("lm_head.weight");
    }

    /** Packs SPEC-named float tensors (e.g. {@code Weights.tensors()}) into a flat array; every tensor must be there. */
    public double[] pack(Map<String, float[]> tensors) {
        double[] w = new double[total];
        for (Tensor t : byName.values()) {
            float[] src = tensors.get(t.name());
            if (src == null) throw new ModelFormatException(config.source(), t.name(), "tensor is missing");
            if (src.length != t.size()) {
                throw new ModelFormatException(config.source(), t.name(), "has " + src.length + " values, expected "
                        + t.size() + " for shape " + java.util.Arrays.toString(t.shape()));
            }
            for (int i = 0; i < src.length; i++) w[t.offset() + i] = src[i];
        }
        return w;
    }

    /** The flat array as SPEC-named float tensors (insertion order = layout order). */
    public Map<String, float[]> unpack(double[] w) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Tensor t : byName.values()) {
            float[] f = new float[t.size()];
            for (int i = 0; i < f.length; i++) f[i] = (float) w[t.offset() + i];
            out.put(t.name(), f);
        }
        return out;
    }

    /** One flag per scalar: decayed by AdamW or not. */
    public boolean[] decayMask() {
        boolean[] m = new boolean[total];
        for (Tensor t : byName.values()) if (t.decay()) java.util.Arrays.fill(m, t.offset(), t.offset() + t.size(), true);
        return m;
    }
}
