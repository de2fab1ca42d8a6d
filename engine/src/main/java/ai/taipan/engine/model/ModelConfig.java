package ai.taipan.engine.model;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The immutable configuration of one model (SPEC §4). Field names follow config.json; the
 * comments give the paper / Mamba-2 symbol and a typical value. Derived sizes are computed once
 * here, and inconsistent values fail at construction with an error naming the file and field.
 *
 * <p>Defaults where config.json is silent: layer_norm_epsilon 1e-5, tie_word_embeddings true,
 * expand 2, chunk_size 256, time_step_limit (0, inf), use_conv_bias true, n_groups 1 and
 * conv_kernel 4 (HF Mamba2Config defaults, or read from tensor shapes when a loader offers them),
 * num_heads = expand·D/head_dim, attention_head_dim = D/num_attention_heads, rope_theta 10000,
 * sal_rope false, sliding_window 2048 (the paper; JSON null means unlimited), capacity 0.15,
 * gumbel_tau 1.0, budget_loss_weight 1.0. A plain HF {@code "model_type": "mamba2"} config has no
 * layer_types: it becomes {@code num_hidden_layers} × mamba2.
 */
public final class ModelConfig {
    /** Unlimited sliding window (a JSON null). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    // ---- model ----
    /** "taipan" (or "mamba2" for HF Mamba-2 folders). */
    public final String modelType;
    /** V, vocabulary size, e.g. 256 for the byte tokenizer. */
    public final int vocabSize;
    /** D, residual width (hidden_size), e.g. 768. */
    public final int hiddenSize;
    /** The layer schedule, e.g. [mamba2 ×6, selective_attention] repeated. */
    public final List<LayerType> layerTypes;
    /** eps of every RMSNorm, 1e-5. */
    public final double layerNormEpsilon;
    /** LM head tied to the embedding. */
    public final boolean tieWordEmbeddings;

    // ---- Mamba-2 ----
    /** N, SSM state size per head (d_state), e.g. 128. */
    public final int stateSize;
    /** E, expansion factor, d_inner = E·D; 2. */
    public final int expand;
    /** P, head dimension (headdim), 64. */
    public final int headDim;
    /** H, number of SSM heads (nheads) = d_inner / P. */
    public final int numHeads;
    /** G, number of B/C groups (ngroups), 1. */
    public final int nGroups;
    /** K, depthwise conv width (d_conv), 4. */
    public final int convKernel;
    /** Chunk length Q of the SSD form, 256. */
    public final int chunkSize;
    /** [dt_min, dt_max] clamp after softplus; default (0, inf). */
    public final double timeStepMin, timeStepMax;
    /** The depthwise conv has a bias. */
    public final boolean useConvBias;

    // ---- attention kinds ----
    /** heads of q/k/v (no GQA). */
    public final int numAttentionHeads;
    /** d_h, per-head dim; scale 1/sqrt(d_h). */
    public final int attentionHeadDim;
    /** SwiGLU hidden width. */
    public final int intermediateSize;
    /** w, SAL / sliding window in tokens (2048 in the paper); {@link #UNLIMITED} for none. */
    public final int slidingWindow;
    /** RoPE base θ, 10000. */
    public final double ropeTheta;
    /** RoPE in the SAL too (the paper: no positional encoding in the SAL). */
    public final boolean salRope;

    // ---- SAL training ----
    /** C, target fraction of tokens routed to attention, 0.15. */
    public final double capacity;
    /** τ of the straight-through Gumbel-softmax, 1.0. */
    public final double gumbelTau;
    /** λ of the budget loss, 1.0. */
    public final double budgetLossWeight;

    /** The tokenizer entry as written ({"type":"bytes"}, a file name, or null = byte tokenizer / tokenizer.json). */
    public final JsonNode tokenizer;

    /** Fields we do not interpret, kept so that a config round-trips. */
    public final Map<String, JsonNode> extra;

    // ---- derived ----
    /** d_inner = E·D. */
    public final int dInner;
    /** conv_dim = d_inner + 2·G·N. */
    public final int convDim;
    /** width of in_proj's output: z | xBC | dt = 2·d_inner + 2·G·N + H. */
    public final int dInProj;
    /** q/k/v output width = heads · d_h. */
    public final int attentionDim;

    private final transient Path source;

    private ModelConfig(Builder b, Path source) {
        this.source = source;
        this.modelType = b.modelType;
        this.vocabSize = b.vocabSize;
        this.hiddenSize = b.hiddenSize;
        this.layerTypes = List.copyOf(b.layerTypes);
        this.layerNormEpsilon = b.layerNormEpsilon;
        this.tieWordEmbeddings = b.tieWordEmbeddings;
        this.stateSize = b.stateSize;
        this.expand = b.expand;
        this.headDim = b.headDim;
        this.nGroups = b.nGroups;
        this.convKernel = b.convKernel;
        this.chunkSize = b.chunkSize;
        this.timeStepMin = b.timeStepMin;
        this.timeStepMax = b.timeStepMax;
        this.useConvBias = b.useConvBias;
        this.numAttentionHeads = b.numAttentionHeads;
        this.intermediateSize = b.intermediateSize;
        this.slidingWindow = b.slidingWindow;
        this.ropeTheta = b.ropeTheta;
        this.salRope = b.salRope;
        this.capacity = b.capacity;
        this.gumbelTau = b.gumbelTau;
        this.budgetLossWeight = b.budgetLossWeight;
        this.tokenizer = b.tokenizer;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));

        require(vocabSize > 0, "vocab_size", "must be positive, got " + vocabSize);
        require(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
        require(!layerTypes.isEmpty(), "layer_types", "must name at least one layer");
        require(layerNormEpsilon > 0, "layer_norm_epsilon", "must be positive");
        // sizes are products of config fields: a lying config must fail here, not overflow into a
        // negative array size (or an absurd allocation) later
        this.dInner = product("expand", expand, hiddenSize);
        if (hasLayer(LayerType.MAMBA2)) {
            require(expand > 0, "expand", "must be positive, got " + expand);
            require(stateSize > 0, "state_size", "must be positive, got " + stateSize);
            require(headDim > 0, "head_dim", "must be positive, got " + headDim);
            require(dInner % headDim == 0, "head_dim", "expand·hidden_size = " + dInner + " is not a multiple of head_dim " + headDim);
            int h = b.numHeads == null ? dInner / headDim : b.numHeads;
            require(h == dInner / headDim, "num_heads", "is " + h + " but expand·hidden_size/head_dim = "
                    + expand + "·" + hiddenSize + "/" + headDim + " = " + (dInner / headDim));
            this.numHeads = h;
            require(nGroups > 0 && numHeads % nGroups == 0, "n_groups", nGroups + " does not divide num_heads " + numHeads);
            require(convKernel > 0, "conv_kernel", "must be positive, got " + convKernel);
            require(chunkSize > 0, "chunk_size", "must be positive, got " + chunkSize);
            require(timeStepMin >= 0 && timeStepMin <= timeStepMax, "time_step_limit",
                    "must be [lo, hi] with 0 <= lo <= hi, got [" + timeStepMin + ", " + timeStepMax + "]");
        } else {
            this.numHeads = b.numHeads == null ? (headDim > 0 ? dInner / headDim : 0) : b.numHeads;
        }
        long gn2 = 2L * nGroups * stateSize;
        require(2L * dInner + gn2 + numHeads <= Integer.MAX_VALUE - 8, "state_size",
                "in_proj width 2·d_inner + 2·n_groups·state_size + num_heads overflows");
        this.convDim = (int) (dInner + gn2);
        this.dInProj = (int) (2L * dInner + gn2 + numHeads);
        if (hasLayer(LayerType.MAMBA2)) product("hidden_size", dInProj, hiddenSize); // in_proj.weight [dInProj, D]
        boolean attn = layerTypes.stream().anyMatch(LayerType::isAttention);
        if (attn) {
            require(numAttentionHeads > 0, "num_attention_heads", "must be positive, got " + numAttentionHeads);
            int hd = b.attentionHeadDim == null ? hiddenSize / numAttentionHeads : b.attentionHeadDim;
            require(b.attentionHeadDim != null || hiddenSize % numAttentionHeads == 0, "num_attention_heads",
                    "does not divide hidden_size " + hiddenSize + " and attention_head_dim is not given");
            require(hd > 0, "attention_head_dim", "must be positive, got " + hd);
            this.attentionHeadDim = hd;
            require(intermediateSize > 0, "intermediate_size", "must be positive, got " + intermediateSize);
            require(slidingWindow > 0, "sliding_window", "must be positive, got " + slidingWindow);
            if (ropeUsed()) {
                require(hd % 2 == 0, "attention_head_dim", "must be even for RoPE, got " + hd);
                require(ropeTheta > 0, "rope_theta", "must be positive");
            }
        } else {
            this.attentionHeadDim = b.attentionHeadDim == null
                    ? (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0) : b.attentionHeadDim;
        }
        this.attentionDim = product("attention_head_dim", numAttentionHeads, attentionHeadDim);
        product("intermediate_size", intermediateSize, hiddenSize);
        product("vocab_size", vocabSize, hiddenSize);
        if (hasLayer(LayerType.SELECTIVE_ATTENTION)) {
            require(capacity > 0 && capacity <= 1, "capacity", "must be in (0, 1], got " + capacity);
            require(gumbelTau > 0, "gumbel_tau", "must be positive, got " + gumbelTau);
            require(budgetLossWeight >= 0, "budget_loss_weight", "must be >= 0, got " + budgetLossWeight);
        }
    }

    private boolean ropeUsed() {
        return hasLayer(LayerType.ATTENTION) || hasLayer(LayerType.SLIDING_ATTENTION)
                || (salRope && hasLayer(LayerType.SELECTIVE_ATTENTION));
    }

    /** a·b, failing on the named field when the product does not fit an int (one Java array). */
    private int product(String field, int a, int b) {
        long p = (long) a * b;
        require(p <= Integer.MAX_VALUE - 8 && p >= Integer.MIN_VALUE, field,
                "gives a size of " + p + " (" + a + " × " + b + "), more than one Java array holds");
        return (int) p;
    }

    private void require(boolean ok, String field, String message) {
        if (!ok) throw new ModelFormatException(source, field, message);
    }

    // ------------------------------------------------------------------ queries

    public int numLayers() { return layerTypes.size(); }

    public LayerType layerType(int i) { return layerTypes.get(i); }

    public boolean hasLayer(LayerType t) { return layerTypes.contains(t); }

    /** Indices of the layers of one kind. */
    public int[] layersOf(LayerType t) {
        return java.util.stream.IntStream.range(0, layerTypes.size()).filter(i -> layerTypes.get(i) == t).toArray();
    }

    /** The schedule as letters, e.g. "MMMMMMS" (see {@link LayerType#letter()}). */
    public String scheduleString() {
        StringBuilder sb = new StringBuilder();
        for (LayerType t : layerTypes) sb.append(t.letter());
        return sb.toString();
    }

    /** The file this config was read from, or null. */
    public Path source() { return source; }

    // ------------------------------------------------------------------ JSON

    /** Reads config.json; {@code shapeOf} (may be null) gives tensor shapes to fill absent sizes. */
    public static ModelConfig read(Path file, Function<String, long[]> shapeOf) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, null, "no such file");
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) throw new ModelFormatException(file, null, "not a JSON object");
        return fromJson((ObjectNode) root, file, shapeOf);
    }

    public static ModelConfig read(Path file) { return read(file, null); }

    private static final Set<String> KNOWN = Set.of("model_type", "vocab_size", "hidden_size", "layer_types",
            "num_hidden_layers", "layer_norm_epsilon", "tie_word_embeddings", "state_size", "expand", "head_dim",
            "num_heads", "n_groups", "conv_kernel", "chunk_size", "time_step_limit", "use_conv_bias",
            "num_attention_heads", "attention_head_dim", "intermediate_size", "sliding_window", "rope_theta",
            "sal_rope", "capacity", "gumbel_tau", "budget_loss_weight", "tokenizer");

    public static ModelConfig fromJson(ObjectNode o, Path file, Function<String, long[]> shapeOf) {
        Reader r = new Reader(o, file);
        Builder b = new Builder();
        b.modelType = r.str("model_type", "taipan");
        if (!b.modelType.equals("taipan") && !b.modelType.equals("mamba2")) {
            throw new ModelFormatException(file, "model_type", "'" + b.modelType + "' is not \"taipan\" or \"mamba2\"");
        }
        if (r.has("use_bias") && o.get("use_bias").asBoolean(false)) {
            throw new ModelFormatException(file, "use_bias", "in_proj/out_proj biases are not part of SPEC §2 (use_bias must be false)");
        }
        b.hiddenSize = r.integer("hidden_size", null);
        if (r.has("layer_types")) {
            JsonNode lt = o.get("layer_types");
            if (!lt.isArray()) throw new ModelFormatException(file, "layer_types", "must be an array of layer kinds");
            List<LayerType> types = new ArrayList<>();
            for (JsonNode n : lt) {
                LayerType t = LayerType.parse(n.asText());
                if (t == null) throw new ModelFormatException(file, "layer_types", "unknown layer kind '" + n.asText() + "'");
                types.add(t);
            }
            b.layerTypes = types;
            if (r.has("num_hidden_layers") && o.get("num_hidden_layers").asInt() != types.size()) {
                throw new ModelFormatException(file, "num_hidden_layers", o.get("num_hidden_layers").asInt()
                        + " disagrees with layer_types, which lists " + types.size());
            }
        } else if (r.has("num_hidden_layers") && b.modelType.equals("mamba2")) {
            int n = r.integer("num_hidden_layers", null);
            b.layerTypes = Collections.nCopies(Math.max(n, 0), LayerType.MAMBA2);
        } else {
            throw new ModelFormatException(file, "layer_types", "is missing");
        }
        Integer vocab = r.integerOrNull("vocab_size");
        if (vocab == null && shapeOf != null) {
            long[] s = shapeOf.apply("backbone.embeddings.weight");
            if (s != null && s.length == 2) vocab = (int) s[0];
        }
        if (vocab == null) throw new ModelFormatException(file, "vocab_size", "is missing");
        b.vocabSize = vocab;
        b.layerNormEpsilon = r.dbl("layer_norm_epsilon", 1e-5);
        b.tieWordEmbeddings = r.bool("tie_word_embeddings", true);
        b.stateSize = r.integer("state_size", 128);
        b.expand = r.integer("expand", 2);
        b.headDim = r.integer("head_dim", 64);
        b.numHeads = r.integerOrNull("num_heads");
        int firstMamba = b.layerTypes.indexOf(LayerType.MAMBA2);
        int firstAttn = -1;
        for (int i = 0; i < b.layerTypes.size(); i++) if (b.layerTypes.get(i).isAttention()) { firstAttn = i; break; }
        Integer groups = r.integerOrNull("n_groups");
        Integer kernel = r.integerOrNull("conv_kernel");
        if (shapeOf != null && firstMamba >= 0) {
            String p = "backbone.layers." + firstMamba + ".mixer.";
            long[] conv = shapeOf.apply(p + "conv1d.weight");
            if (kernel == null && conv != null && conv.length == 3) kernel = (int) conv[2];
            if (groups == null && conv != null && b.hiddenSize != null) {
                long extra = conv[0] - (long) b.expand * b.hiddenSize;
                if (extra > 0 && extra % (2L * b.stateSize) == 0) groups = (int) (extra / (2L * b.stateSize));
            }
        }
        b.nGroups = groups == null ? 1 : groups;
        b.convKernel = kernel == null ? 4 : kernel;
        b.chunkSize = r.integer("chunk_size", 256);
        if (r.has("time_step_limit")) {
            JsonNode tl = o.get("time_step_limit");
            if (!tl.isArray() || tl.size() != 2 || !tl.get(0).isNumber() || !tl.get(1).isNumber()) {
                throw new ModelFormatException(file, "time_step_limit", "must be [lo, hi]");
            }
            b.timeStepMin = tl.get(0).asDouble();
            b.timeStepMax = tl.get(1).asDouble();
        }
        b.useConvBias = r.bool("use_conv_bias", true);
        b.numAttentionHeads = r.integer("num_attention_heads", 0);
        b.attentionHeadDim = r.integerOrNull("attention_head_dim");
        Integer inter = r.integerOrNull("intermediate_size");
        if (inter == null && shapeOf != null && firstAttn >= 0) {
            long[] s = shapeOf.apply("backbone.layers." + firstAttn + ".mlp.gate_proj.weight");
            if (s != null && s.length == 2) inter = (int) s[0];
        }
        b.intermediateSize = inter == null ? 0 : inter;
        if (o.has("sliding_window") && o.get("sliding_window").isNull()) {
            b.slidingWindow = UNLIMITED;
        } else {
            b.slidingWindow = r.integer("sliding_window", 2048);
        }
        b.ropeTheta = r.dbl("rope_theta", 10000.0);
        b.salRope = r.bool("sal_rope", false);
        b.capacity = r.dbl("capacity", 0.15);
        b.gumbelTau = r.dbl("gumbel_tau", 1.0);
        b.budgetLossWeight = r.dbl("budget_loss_weight", 1.0);
        b.tokenizer = o.get("tokenizer");
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!KNOWN.contains(e.getKey())) b.extra.put(e.getKey(), e.getValue());
        }
        return new ModelConfig(b, file);
    }

    /** This config as config.json (model_type "taipan" unless it was read as "mamba2"). */
    public ObjectNode toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        ArrayNode lt = o.putArray("layer_types");
        for (LayerType t : layerTypes) lt.add(t.key());
        o.put("num_hidden_layers", layerTypes.size());
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("state_size", stateSize);
        o.put("expand", expand);
        o.put("head_dim", headDim);
        o.put("num_heads", numHeads);
        o.put("n_groups", nGroups);
        o.put("conv_kernel", convKernel);
        o.put("chunk_size", chunkSize);
        ArrayNode tl = o.putArray("time_step_limit");
        tl.add(timeStepMin);
        tl.add(timeStepMax);
        o.put("use_conv_bias", useConvBias);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("attention_head_dim", attentionHeadDim);
        o.put("intermediate_size", intermediateSize);
        if (slidingWindow == UNLIMITED) o.putNull("sliding_window"); else o.put("sliding_window", slidingWindow);
        o.put("rope_theta", ropeTheta);
        o.put("sal_rope", salRope);
        o.put("capacity", capacity);
        o.put("gumbel_tau", gumbelTau);
        o.put("budget_loss_weight", budgetLossWeight);
        if (tokenizer != null) o.set("tokenizer", tokenizer);
        extra.forEach((k, v) -> { if (!o.has(k)) o.set(k, v); });
        return o;
    }

    /** Writes config.json atomically. */
    public void write(Path file) { Json.write(file, toJson()); }

    /** A builder pre-filled with this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelType = modelType; b.vocabSize = vocabSize; b.hiddenSize = hiddenSize;
        b.layerTypes = new ArrayList<>(layerTypes); b.layerNormEpsilon = layerNormEpsilon;
        b.tieWordEmbeddings = tieWordEmbeddings; b.stateSize = stateSize; b.expand = expand; b.headDim = headDim;
        b.numHeads = numHeads; b.nGroups = nGroups; b.convKernel = convKernel; b.chunkSize = chunkSize;
        b.timeStepMin = timeStepMin; b.timeStepMax = timeStepMax; b.useConvBias = useConvBias;
        b.numAttentionHeads = numAttentionHeads; b.attentionHeadDim = attentionHeadDim;
        b.intermediateSize = intermediateSize; b.slidingWindow = slidingWindow; b.ropeTheta = ropeTheta;
        b.salRope = salRope; b.capacity = capacity; b.gumbelTau = gumbelTau; b.budgetLossWeight = budgetLossWeight;
        b.tokenizer = tokenizer; b.extra.putAll(extra);
        return b;
    }

    public static Builder builder() { return new Builder(); }

    @Override
    public String toString() { return toJson().toString(); }

    /** Mutable builder; {@link #build()} validates. Defaults as in the class comment. */
    public static final class Builder {
        public String modelType = "taipan";
        public Integer vocabSize = 256;
        public Integer hiddenSize = 64;
        public List<LayerType> layerTypes = new ArrayList<>();
        public double layerNormEpsilon = 1e-5;
        public boolean tieWordEmbeddings = true;
        public int stateSize = 16;
        public int expand = 2;
        public int headDim = 16;
        public Integer numHeads;
        public int nGroups = 1;
        public int convKernel = 4;
        public int chunkSize = 256;
        public double timeStepMin = 0.0, timeStepMax = Double.POSITIVE_INFINITY;
        public boolean useConvBias = true;
        public int numAttentionHeads = 0;
        public Integer attentionHeadDim;
        public int intermediateSize = 0;
        public int slidingWindow = 2048;
        public double ropeTheta = 10000.0;
        public boolean salRope = false;
        public double capacity = 0.15, gumbelTau = 1.0, budgetLossWeight = 1.0;
        public JsonNode tokenizer;
        public final Map<String, JsonNode> extra = new LinkedHashMap<>();

        public ModelConfig build() { return new ModelConfig(this, null); }
    }

    /** Typed access to config.json fields with errors that name the field. */
    private record Reader(ObjectNode o, Path file) {
        boolean has(String f) { return o.has(f) && !o.get(f).isNull(); }

        Integer integerOrNull(String f) {
            if (!has(f)) return null;
            JsonNode n = o.get(f);
            if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
                throw new ModelFormatException(file, f, "must be an integer, got " + n);
            }
            if (!n.canConvertToInt()) throw new ModelFormatException(file, f, "is out of range: " + n);
            return n.asInt();
        }

        int integer(String f, Integer dflt) {
            Integer v = integerOrNull(f);
            if (v == null) {
                if (dflt == null) throw new ModelFormatException(file, f, "is missing");
                return dflt;
            }
            return v;
        }

        double dbl(String f, double dflt) {
            if (!has(f)) return dflt;
            JsonNode n = o.get(f);
            if (!n.isNumber()) throw new ModelFormatException(file, f, "must be a number, got " + n);
            return n.asDouble();
        }

        boolean bool(String f, boolean dflt) {
            if (!has(f)) return dflt;
            JsonNode n = o.get(f);
            if (!n.isBoolean()) throw new ModelFormatException(file, f, "must be true or false, got " + n);
            return n.asBoolean();
        }

        String str(String f, String dflt) {
            if (!has(f)) return dflt;
            JsonNode n = o.get(f);
            if (!n.isTextual()) throw new ModelFormatException(file, f, "must be a string, got " + n);
            return n.asText();
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
