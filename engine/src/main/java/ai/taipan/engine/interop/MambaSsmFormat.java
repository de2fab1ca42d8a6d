package ai.taipan.engine.interop;

import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.TensorSource;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The original state-spaces/mamba checkpoint format ({@code MambaLMHeadModel.save_pretrained}):
 * config.json is the {@code MambaConfig} dataclass (mamba_ssm/models/config_mamba.py) and the
 * weights are {@code torch.save(model.state_dict())}.
 *
 * <p>Glossary, mamba_ssm → SPEC §4:
 * <pre>
 *  d_model, n_layer, vocab_size          hidden_size, #layers, vocab_size padded up to a multiple of
 *                                        pad_vocab_size_multiple (MambaLMHeadModel.__init__)
 *  ssm_cfg {layer: "Mamba2", d_state,    state_size, conv_kernel, expand, head_dim, n_groups,
 *    d_conv, expand, headdim, ngroups,   chunk_size, time_step_limit, use_conv_bias
 *    chunk_size, dt_limit, conv_bias}
 *  attn_layer_idx, attn_cfg{num_heads,   layers of kind "attention": num_attention_heads,
 *    head_dim, rotary_emb_base, …}       attention_head_dim, rope_theta
 *  tie_embeddings                        tie_word_embeddings
 *  backbone.embedding.weight             backbone.embeddings.weight
 *  layers.i.mixer.* (Mamba2)             the same names (HF kept them)
 *  layers.i.mixer.in_proj.{weight,bias}  rows [0,A) q_proj, [A,2A) k_proj, [2A,3A) v_proj
 *    (MHA: fused q | k | v, heads-major) (mha.py: q then kv as "(two hkv d)")
 *  layers.i.mixer.out_proj.*             o_proj.*
 *  layers.i.norm2.weight, mlp.fc1/fc2    mlp_norm.weight; fc1 rows [0,I) up_proj, [I,2I) gate_proj
 *                                        (GatedMLP: y, gate = fc1(x).chunk(2); y·silu(gate)); fc2 down_proj
 * </pre>
 * The block of mamba_ssm (modules/block.py) is the pre-norm residual of SPEC §2 with the
 * add-then-norm order swapped for fusion only; residual_in_fp32 / fused_add_norm change rounding,
 * not the function. What SPEC cannot express is refused, naming config.json and the field:
 * Mamba-1/Mamba-3 layers, LayerNorm (rms_norm false), an MLP after Mamba layers (d_intermediate
 * &gt; 0 with any Mamba layer), GQA/MQA, partial or interleaved or absent rotary embeddings,
 * non-causal attention, a conv or MLP inside MHA, d_ssm &lt; d_inner, D per channel, norm before gate.
 */
final class MambaSsmFormat {
    private MambaSsmFormat() {}

    /** True for a MambaConfig-style config.json. */
    static boolean recognises(JsonNode cfg) {
        return cfg.has("d_model") && cfg.has("n_layer") && !cfg.has("layer_types");
    }

    /** The SPEC config for a mamba_ssm config.json; {@code src} gives tensor shapes. */
    static ModelConfig config(ObjectNode cfg, Path file, TensorSource src) {
        Fields f = new Fields(cfg, file);
        int d = f.integer("d_model", null);
        int nLayer = f.integer("n_layer", null);
        int dInter = f.integer("d_intermediate", 0);
        int vocab = f.integer("vocab_size", 50277);
        int padMult = f.integer("pad_vocab_size_multiple", 8);
        if (!f.bool("rms_norm", true)) {
            throw new ModelFormatException(file, "rms_norm", "false means LayerNorm (with bias and mean subtraction); SPEC §1 uses RMSNorm only");
        }
        boolean tie = f.bool("tie_embeddings", true);
        if (padMult > 0 && vocab % padMult != 0) vocab += padMult - vocab % padMult;

        Set<Integer> attnIdx = new HashSet<>();
        JsonNode ai = cfg.get("attn_layer_idx");
        if (ai != null && !ai.isNull()) {
            if (!ai.isArray()) throw new ModelFormatException(file, "attn_layer_idx", "must be a list of layer indices");
            for (JsonNode n : ai) {
                if (!n.canConvertToInt() || n.asInt() < 0 || n.asInt() >= nLayer) {
                    throw new ModelFormatException(file, "attn_layer_idx", "entry " + n + " is not a layer index below n_layer " + nLayer);
                }
                attnIdx.add(n.asInt());
            }
        }
        List<LayerType> types = new ArrayList<>();
        for (int i = 0; i < nLayer; i++) types.add(attnIdx.contains(i) ? LayerType.ATTENTION : LayerType.MAMBA2);
        boolean anyMamba = types.contains(LayerType.MAMBA2);

        ModelConfig.Builder b = ModelConfig.builder();
        b.modelType = "taipan";
        b.vocabSize = vocab;
        b.hiddenSize = d;
        b.layerTypes = types;
        b.layerNormEpsilon = 1e-5; // MixerModel's norm_epsilon default; MambaConfig has no field for it
        b.tieWordEmbeddings = tie;

        // the prefill chunk length: ssm_cfg's (256 by default) even when every layer is attention,
        // since chunking changes float rounding and a converted model should match its source run
        b.chunkSize = f.sub("ssm_cfg").integer("chunk_size", 256);
        if (anyMamba) {
            Fields s = f.sub("ssm_cfg");
            String layer = s.str("layer", "Mamba1");
            if (!layer.equals("Mamba2")) {
                throw new ModelFormatException(file, "ssm_cfg.layer", "is '" + layer + "'" + (s.has("layer") ? "" : " (the default)")
                        + "; only Mamba2 layers are part of SPEC §2");
            }
            b.stateSize = s.integer("d_state", 128);
            b.convKernel = s.integer("d_conv", 4);
            b.expand = s.integer("expand", 2);
            b.headDim = s.integer("headdim", 64);
            b.nGroups = s.integer("ngroups", 1);
            b.useConvBias = s.bool("conv_bias", true);
            if (s.bool("bias", false)) throw new ModelFormatException(file, "ssm_cfg.bias", "in_proj/out_proj biases are not part of SPEC §2");
            if (s.bool("D_has_hdim", false)) throw new ModelFormatException(file, "ssm_cfg.D_has_hdim", "a D per channel is not part of SPEC §2 (D is per head)");
            if (!s.bool("rmsnorm", true)) throw new ModelFormatException(file, "ssm_cfg.rmsnorm", "false drops the gated RMSNorm of SPEC §2 step 6");
            if (s.bool("norm_before_gate", false)) throw new ModelFormatException(file, "ssm_cfg.norm_before_gate", "true normalises before the gate; SPEC §2 gates first");
            if (s.has("d_ssm") && s.integer("d_ssm", 0) != b.expand * d) {
                throw new ModelFormatException(file, "ssm_cfg.d_ssm", "an SSM narrower than d_inner (with a gated MLP beside it) is not part of SPEC §2");
            }
            JsonNode lim = s.node("dt_limit");
            if (lim != null && !lim.isNull()) {
                if (!lim.isArray() || lim.size() != 2) throw new ModelFormatException(file, "ssm_cfg.dt_limit", "must be [lo, hi]");
                b.timeStepMin = lim.get(0).asDouble();
                b.timeStepMax = lim.get(1).isTextual() ? Double.parseDouble(lim.get(1).asText().replace("inf", "Infinity")) : lim.get(1).asDouble();
            }
        }
        if (!attnIdx.isEmpty()) {
            Fields a = f.sub("attn_cfg");
            int heads = a.integer("num_heads", null);
            if (a.has("num_heads_kv") && a.integer("num_heads_kv", heads) != heads) {
                throw new ModelFormatException(file, "attn_cfg.num_heads_kv", a.integer("num_heads_kv", heads) + " ≠ num_heads " + heads
                        + ": grouped-query attention is not part of SPEC §2 (no grouped-query sharing)");
            }
            int hd = a.integer("head_dim", heads > 0 && d % heads == 0 ? d / heads : -1);
            if (hd <= 0) throw new ModelFormatException(file, "attn_cfg.head_dim", "is missing and num_heads does not divide d_model");
            if (!a.bool("causal", false)) throw new ModelFormatException(file, "attn_cfg.causal", "is false (MHA's default): a language model's attention must be causal");
            if (a.integer("d_conv", 0) != 0) throw new ModelFormatException(file, "attn_cfg.d_conv", "a convolution inside MHA is not part of SPEC §2");
            if (a.integer("mlp_dim", 0) != 0) throw new ModelFormatException(file, "attn_cfg.mlp_dim", "an MLP fused into MHA is not part of SPEC §2");
            int rot = a.integer("rotary_emb_dim", 0);
            if (rot != hd) {
                throw new ModelFormatException(file, "attn_cfg.rotary_emb_dim", "is " + rot + " but head_dim is " + hd
                        + (rot == 0 ? ": attention without positional encoding" : ": partial rotary")
                        + " is not part of SPEC §2 (RoPE rotates the whole head)");
            }
            if (a.bool("rotary_emb_interleaved", false)) {
                throw new ModelFormatException(file, "attn_cfg.rotary_emb_interleaved", "interleaved (GPT-J) RoPE; SPEC §2 uses rotate-half");
            }
            if (a.has("softmax_scale") && Math.abs(a.dbl("softmax_scale", 0) - 1 / Math.sqrt(hd)) > 1e-9) {
                throw new ModelFormatException(file, "attn_cfg.softmax_scale", "differs from 1/sqrt(head_dim) of SPEC §2");
            }
            b.numAttentionHeads = heads;
            b.attentionHeadDim = hd;
            b.ropeTheta = a.dbl("rotary_emb_base", 10000.0);
            b.slidingWindow = ModelConfig.UNLIMITED; // full causal attention; the window is not used by kind "attention"
            if (dInter > 0) {
                if (anyMamba) {
                    throw new ModelFormatException(file, "d_intermediate", "is " + dInter + ": mamba_ssm then puts a gated MLP after every "
                            + "Mamba layer too, which SPEC §2's mamba2 block does not have");
                }
                // GatedMLP rounds hidden_features up to a multiple of 128: the truth is fc1's shape
                int first = types.indexOf(LayerType.ATTENTION);
                String fc1 = "backbone.layers." + first + ".mlp.fc1.weight";
                if (!src.has(fc1)) throw new ModelFormatException(src.fileOf(fc1), fc1, "tensor is missing (d_intermediate > 0)");
                b.intermediateSize = Math.toIntExact(src.shape(fc1)[0] / 2);
            } else {
                // no MLP in the checkpoint: SPEC's SwiGLU becomes an exact identity (zero down_proj);
                // its width is then irrelevant, so the smallest one keeps the cost negligible
                b.intermediateSize = 1;
            }
        }
        b.extra.put("converted_from", new TextNode("mamba_ssm"));
        try {
            return b.build();
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file, e.item(), e.getMessage(), e);
        }
    }

    /** Our tensors over the mamba_ssm state dict. */
    static TensorSource tensors(ModelConfig c, TensorSource src, Path configFile) {
        DerivedTensorSource t = new DerivedTensorSource(src, src.names().isEmpty() ? configFile : src.fileOf(src.names().get(0)));
        long D = c.hiddenSize;
        String emb = "backbone.embedding.weight";
        if (src.has(emb)) {
            long[] s = src.shape(emb);
            if (s.length != 2 || s[0] != c.vocabSize) {
                throw new ModelFormatException(src.fileOf(emb), emb, "has shape " + Arrays.toString(s) + " but vocab_size padded to a multiple of "
                        + "pad_vocab_size_multiple is " + c.vocabSize + " (" + configFile + ")");
            }
        }
        t.rename("backbone.embeddings.weight", emb);
        t.rename("backbone.norm_f.weight", "backbone.norm_f.weight");
        if (!c.tieWordEmbeddings) t.rename("lm_head.weight", "lm_head.weight");
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "backbone.layers." + i + ".";
            t.rename(p + "norm.weight", p + "norm.weight");
            if (c.layerType(i) == LayerType.MAMBA2) {
                for (String n : List.of("in_proj.weight", "conv1d.weight", "dt_bias", "A_log", "D", "norm.weight", "out_proj.weight")) {
                    t.rename(p + "mixer." + n, p + "mixer." + n);
                }
                if (c.useConvBias) t.rename(p + "mixer.conv1d.bias", p + "mixer.conv1d.bias");
                continue;
            }
            long A = c.attentionDim;
            String in = p + "mixer.in_proj.weight";
            if (src.has(in) && src.shape(in)[0] != 3 * A) {
                throw new ModelFormatException(src.fileOf(in), in, "has " + src.shape(in)[0] + " rows, not q|k|v = 3·" + A
                        + " (GQA, or an MLP fused into MHA?)");
            }
            if (src.has(p + "mixer.conv1d.weight")) {
                throw new ModelFormatException(src.fileOf(p + "mixer.conv1d.weight"), p + "mixer.conv1d.weight",
                        "a convolution inside MHA is not part of SPEC §2");
            }
            t.rows(p + "mixer.q_proj.weight", in, 0, A);
            t.rows(p + "mixer.k_proj.weight", in, A, 2 * A);
            t.rows(p + "mixer.v_proj.weight", in, 2 * A, 3 * A);
            t.rename(p + "mixer.o_proj.weight", p + "mixer.out_proj.weight");
            // MHA has qkv_proj_bias / out_proj_bias on by default; the engine applies them when present
            String inB = p + "mixer.in_proj.bias";
            if (src.has(inB)) {
                t.rows(p + "mixer.q_proj.bias", inB, 0, A);
                t.rows(p + "mixer.k_proj.bias", inB, A, 2 * A);
                t.rows(p + "mixer.v_proj.bias", inB, 2 * A, 3 * A);
            }
            if (src.has(p + "mixer.out_proj.bias")) t.rename(p + "mixer.o_proj.bias", p + "mixer.out_proj.bias");
            long I = c.intermediateSize;
            if (src.has(p + "mlp.fc1.weight")) {
                for (String bias : List.of("mlp.fc1.bias", "mlp.fc2.bias")) {
                    if (src.has(p + bias)) throw new ModelFormatException(src.fileOf(p + bias), p + bias, "MLP biases are not part of SPEC §2");
                }
                t.rename(p + "mlp_norm.weight", p + "norm2.weight");
                t.rows(p + "mlp.up_proj.weight", p + "mlp.fc1.weight", 0, I);     // y (first chunk)
                t.rows(p + "mlp.gate_proj.weight", p + "mlp.fc1.weight", I, 2 * I); // gate (second chunk)
                t.rename(p + "mlp.down_proj.weight", p + "mlp.fc2.weight");
            } else {
                // d_intermediate = 0: the block has no MLP. h + down_proj(silu(gate·x) ⊙ up·x) with
                // down_proj = 0 adds exactly 0 for every input, so the layer equals mamba_ssm's.
                t.constant(p + "mlp_norm.weight", 1f, D);
                t.constant(p + "mlp.gate_proj.weight", 0f, I, D);
                t.constant(p + "mlp.up_proj.weight", 0f, I, D);
                t.constant(p + "mlp.down_proj.weight", 0f, D, I);
            }
        }
        return t;
    }

    /** Typed access to MambaConfig fields (and one nested dict) with errors naming the field. */
    private record Fields(JsonNode o, Path file, String prefix) {
        Fields(JsonNode o, Path file) { this(o, file, ""); }

        boolean has(String k) { return o.has(k) && !o.get(k).isNull(); }

        JsonNode node(String k) { return o.get(k); }

        Fields sub(String k) {
            JsonNode n = o.get(k);
            if (n == null || n.isNull()) return new Fields(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), file, prefix + k + ".");
            if (!n.isObject()) throw new ModelFormatException(file, prefix + k, "must be an object");
            return new Fields(n, file, prefix + k + ".");
        }

        int integer(String k, Integer dflt) {
            if (!has(k)) {
                if (dflt == null) throw new ModelFormatException(file, prefix + k, "is missing");
                return dflt;
            }
            JsonNode n = o.get(k);
            if (!n.canConvertToInt() || !n.isIntegralNumber()) throw new ModelFormatException(file, prefix + k, "must be an integer, got " + n);
            return n.asInt();
        }

        double dbl(String k, double dflt) {
            if (!has(k)) return dflt;
            JsonNode n = o.get(k);
            if (!n.isNumber()) throw new ModelFormatException(file, prefix + k, "must be a number, got " + n);
            return n.asDouble();
        }

        boolean bool(String k, boolean dflt) {
            if (!has(k)) return dflt;
            JsonNode n = o.get(k);
            if (!n.isBoolean()) throw new ModelFormatException(file, prefix + k, "must be true or false, got " + n);
            return n.asBoolean();
        }

        String str(String k, String dflt) {
            if (!has(k)) return dflt;
            JsonNode n = o.get(k);
            if (!n.isTextual()) throw new ModelFormatException(file, prefix + k, "must be a string, got " + n);
            return n.asText();
        }
    }
}
