package ai.taipan.engine.model;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.format.TensorSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * All tensors of one model (SPEC §4 names), as F32, each with its shape — allocated in this one
 * place, read-only afterwards (layers wrap them in kernel matrices without copying).
 *
 * <p>Glossary of shapes: V vocab, D hidden_size, d_inner = E·D, H Mamba-2 heads, G groups,
 * N state, K conv kernel, conv_dim = d_inner + 2GN, dInProj = 2·d_inner + 2GN + H,
 * A = num_attention_heads·attention_head_dim, I = intermediate_size.
 */
public final class Weights {
    private final Map<String, float[]> data;   // name → F32 values, row-major
    private final Map<String, long[]> shapes;  // name → shape

    private Weights(Map<String, float[]> data, Map<String, long[]> shapes) {
        this.data = data;
        this.shapes = shapes;
    }

    // ------------------------------------------------------------------ the tensor list of SPEC §4

    /** Every tensor the config requires, with its shape, in a stable order (embeddings, layers, norm_f, head). */
    public static Map<String, long[]> expectedShapes(ModelConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long V = c.vocabSize, D = c.hiddenSize;
        m.put("backbone.embeddings.weight", new long[]{V, D});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "backbone.layers." + i + ".";
            m.put(p + "norm.weight", new long[]{D});
            LayerType t = c.layerType(i);
            if (t == LayerType.MAMBA2) {
                m.put(p + "mixer.in_proj.weight", new long[]{c.dInProj, D});
                m.put(p + "mixer.conv1d.weight", new long[]{c.convDim, 1, c.convKernel});
                if (c.useConvBias) m.put(p + "mixer.conv1d.bias", new long[]{c.convDim});
                m.put(p + "mixer.dt_bias", new long[]{c.numHeads});
                m.put(p + "mixer.A_log", new long[]{c.numHeads});
                m.put(p + "mixer.D", new long[]{c.numHeads});
                m.put(p + "mixer.norm.weight", new long[]{c.dInner});
                m.put(p + "mixer.out_proj.weight", new long[]{D, c.dInner});
            } else {
                long A = c.attentionDim, I = c.intermediateSize;
                if (t == LayerType.SELECTIVE_ATTENTION) {
                    m.put(p + "mixer.gate.weight", new long[]{2, D});
                    m.put(p + "mixer.gate.bias", new long[]{2});
                }
                m.put(p + "mixer.q_proj.weight", new long[]{A, D});
                m.put(p + "mixer.k_proj.weight", new long[]{A, D});
                m.put(p + "mixer.v_proj.weight", new long[]{A, D});
                m.put(p + "mixer.o_proj.weight", new long[]{D, A});
                m.put(p + "mlp_norm.weight", new long[]{D});
                m.put(p + "mlp.gate_proj.weight", new long[]{I, D});
                m.put(p + "mlp.up_proj.weight", new long[]{I, D});
                m.put(p + "mlp.down_proj.weight", new long[]{D, I});
            }
        }
        m.put("backbone.norm_f.weight", new long[]{D});
        if (!c.tieWordEmbeddings) m.put("lm_head.weight", new long[]{V, D});
        return m;
    }

    /** Tensors that are used when present (attention projection biases), with their shapes. */
    public static Map<String, long[]> optionalShapes(ModelConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < c.numLayers(); i++) {
            if (!c.layerType(i).isAttention()) continue;
            String p = "backbone.layers." + i + ".mixer.";
            m.put(p + "q_proj.bias", new long[]{c.attentionDim});
            m.put(p + "k_proj.bias", new long[]{c.attentionDim});
            m.put(p + "v_proj.bias", new long[]{c.attentionDim});
            m.put(p + "o_proj.bias", new long[]{c.hiddenSize});
        }
        return m;
    }

    // ------------------------------------------------------------------ load

    /**
     * Reads every tensor the config requires, checking presence and exact shape; errors name the
     * file and the tensor. Tensors of other dtypes are widened to F32. Tensors the config does
     * not use (e.g. an lm_head.weight saved beside a tied head) are ignored.
     */
    public static Weights load(TensorSource src, ModelConfig c) {
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(c).entrySet()) {
            String name = e.getKey();
            if (!src.has(name)) {
                throw new ModelFormatException(fileOf(src, name), name, "tensor is missing (expected shape "
                        + Arrays.toString(e.getValue()) + " for " + describe(c, name) + ")");
            }
            read(src, name, e.getValue(), data, shapes);
        }
        for (Map.Entry<String, long[]> e : optionalShapes(c).entrySet()) {
            if (src.has(e.getKey())) read(src, e.getKey(), e.getValue(), data, shapes);
        }
        return new Weights(data, shapes);
    }

    private static void read(TensorSource src, String name, long[] expected, Map<String, float[]> data,
                             Map<String, long[]> shapes) {
        long[] shape = src.shape(name);
        if (!Arrays.equals(shape, expected)) {
            throw new ModelFormatException(src.fileOf(name), name, "has shape " + Arrays.toString(shape)
                    + " but the config requires " + Arrays.toString(expected));
        }
        data.put(name, src.readFloats(name));
        shapes.put(name, expected.clone());
    }

    private static Path fileOf(TensorSource src, String name) {
        try {
            return src.fileOf(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String describe(ModelConfig c, String name) {
        if (name.startsWith("backbone.layers.")) {
            int i = Integer.parseInt(name.split("\\.")[2]);
            return "layer " + i + " (" + c.layerType(i).key() + ")";
        }
        return "this config";
    }

    /**
     * Wraps tensors computed elsewhere (training); checks that every required tensor is there
     * with the right number of values. The arrays are not copied.
     */
    public static Weights of(ModelConfig c, Map<String, float[]> tensors) {
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, long[]> all = new LinkedHashMap<>(expectedShapes(c));
        Map<String, long[]> optional = optionalShapes(c);
        for (Map.Entry<String, long[]> e : optional.entrySet()) if (tensors.containsKey(e.getKey())) all.put(e.getKey(), e.getValue());
        for (Map.Entry<String, long[]> e : all.entrySet()) {
            float[] v = tensors.get(e.getKey());
            if (v == null) throw new IllegalArgumentException("tensor '" + e.getKey() + "' is missing");
            if (v.length != numel(e.getValue())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has " + v.length + " values, shape "
                        + Arrays.toString(e.getValue()) + " needs " + numel(e.getValue()));
            }
            data.put(e.getKey(), v);
            shapes.put(e.getKey(), e.getValue());
        }
        return new Weights(data, shapes);
    }

    // ------------------------------------------------------------------ random init

    /**
     * A freshly initialised model, deterministic in {@code seed} (each tensor draws from its own
     * stream, seeded by the seed and its name). Mamba-2 layers follow state-spaces/mamba
     * ({@code Mamba2.__init__} and {@code _init_weights} of mixer_seq_simple):
     * <ul>
     *   <li>in_proj: PyTorch Linear default, U(±1/√fan_in); out_proj the same, then divided by
     *       √n_layers (rescale_prenorm_residual, one residual per Mamba block);</li>
     *   <li>conv1d weight and bias: PyTorch Conv1d default, U(±1/√K) (depthwise: fan_in = K);</li>
     *   <li>Δ ~ log-uniform in [1e-3, 0.1], floored at 1e-4; dt_bias = Δ + log(−expm1(−Δ)), the
     *       inverse of softplus, so that softplus(dt_bias) = Δ;</li>
     *   <li>A_log = log U[1, 16]; D = 1; all norm weights 1; embeddings N(0, 0.02).</li>
     * </ul>
     * Attention kinds (GPT-2 / Llama practice): q, k, v, gate_proj, up_proj ~ N(0, 0.02);
     * o_proj, down_proj ~ N(0, 0.02/√(2·n_layers)). The SAL gate: weight N(0, 0.02), bias
     * [0, b] with b = σ·Φ⁻¹(capacity), σ = 0.02·√(2D) the spread of s_t1 − s_t0 for a unit-RMS
     * input, so that about {@code capacity} of the tokens are selected at initialisation
     * (our choice; the paper does not say). An untied lm_head ~ N(0, 0.02).
     */
    public static Weights random(ModelConfig c, long seed) {
        return random(c, seed, DEFAULT_EMBEDDING_STD);
    }

    /** The embedding's initial standard deviation of {@link #random(ModelConfig, long)}: mamba_ssm's 0.02. */
    public static final double DEFAULT_EMBEDDING_STD = 0.02;

    /**
     * {@link #random(ModelConfig, long)} with the embedding drawn from N(0, embeddingStd²) instead of
     * N(0, 0.02²); every other tensor, and an untied lm_head, exactly as there. Why it is a knob: at
     * small D the 0.02 convention makes a token's embedding (row norm 0.02·√D, 0.16 at D = 64) ~10×
     * smaller than the first Mamba-2 layer's output (norm 1.6 on a test prompt, mamba2 preset at D 64),
     * so the residual stream behind it hardly says which token it is; PyTorch's own nn.Embedding default is
     * N(0, 1). Meant for an untied head: tied, the head's logits scale with it.
     */
    public static Weights random(ModelConfig c, long seed, double embeddingStd) {
        if (!(embeddingStd > 0) || Double.isInfinite(embeddingStd)) {
            throw new IllegalArgumentException("embedding std must be a positive number, got " + embeddingStd);
        }
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int nLayers = c.numLayers();
        for (Map.Entry<String, long[]> e : expectedShapes(c).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            float[] v = new float[Math.toIntExact(numel(shape))];
            Random r = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
            String leaf = name.startsWith("backbone.layers.")                // e.g. "mixer.A_log"
                    ? name.substring(name.indexOf('.', "backbone.layers.".length()) + 1) : name;
            switch (leaf) {
                case "backbone.embeddings.weight" -> normal(v, r, embeddingStd);
                case "lm_head.weight" -> normal(v, r, 0.02);
                case "norm.weight", "mixer.norm.weight", "mlp_norm.weight", "backbone.norm_f.weight", "mixer.D" ->
                        Arrays.fill(v, 1f);
                case "mixer.in_proj.weight" -> uniform(v, r, 1.0 / Math.sqrt(shape[1]));
                case "mixer.out_proj.weight" -> {
                    uniform(v, r, 1.0 / Math.sqrt(shape[1]));
                    for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(nLayers);
                }
                case "mixer.conv1d.weight", "mixer.conv1d.bias" -> uniform(v, r, 1.0 / Math.sqrt(c.convKernel));
                case "mixer.dt_bias" -> {
                    double lo = Math.log(1e-3), hi = Math.log(0.1);
                    for (int i = 0; i < v.length; i++) {
                        double dt = Math.max(Math.exp(lo + r.nextDouble() * (hi - lo)), 1e-4);
                        v[i] = (float) (dt + Math.log(-Math.expm1(-dt)));
                    }
                }
                case "mixer.A_log" -> { for (int i = 0; i < v.length; i++) v[i] = (float) Math.log(1 + 15 * r.nextDouble()); }
                case "mixer.gate.weight" -> normal(v, r, 0.02);
                case "mixer.gate.bias" -> {
                    double sigma = 0.02 * Math.sqrt(2.0 * c.hiddenSize);
                    v[0] = 0f;
                    v[1] = (float) (sigma * inverseNormalCdf(Math.min(Math.max(c.capacity, 1e-6), 1 - 1e-6)));
                }
                case "mixer.q_proj.weight", "mixer.k_proj.weight", "mixer.v_proj.weight",
                     "mlp.gate_proj.weight", "mlp.up_proj.weight" -> normal(v, r, 0.02);
                case "mixer.o_proj.weight", "mlp.down_proj.weight" -> normal(v, r, 0.02 / Math.sqrt(2.0 * nLayers));
                default -> throw new IllegalStateException("no init rule for " + name);
            }
            data.put(name, v);
            shapes.put(name, shape);
        }
        return new Weights(data, shapes);
    }

    private static void normal(float[] v, Random r, double std) {
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
    }

    private static void uniform(float[] v, Random r, double bound) {
        for (int i = 0; i < v.length; i++) v[i] = (float) ((2 * r.nextDouble() - 1) * bound);
    }

    /** Φ⁻¹(p), Acklam's rational approximation (relative error &lt; 1.2e-9). */
    static double inverseNormalCdf(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                6.680131188771972e+01, -1.328068155288572e+01};
        double[] cc = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double pl = 0.02425;
        if (p < pl) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((cc[0] * q + cc[1]) * q + cc[2]) * q + cc[3]) * q + cc[4]) * q + cc[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - pl) return -inverseNormalCdf(1 - p);
        double q = p - 0.5, r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    // ------------------------------------------------------------------ access and save

    /** name → F32 data (SPEC §4 names), in a stable order; the arrays are the live weights. */
    public Map<String, float[]> tensors() { return Collections.unmodifiableMap(data); }

    /** The tensor's shape; fails for a name this model does not have. */
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) throw new IllegalArgumentException("no tensor '" + name + "'");
        return s.clone();
    }

    public boolean has(String name) { return data.containsKey(name); }

    /** The tensor's data; fails for a name this model does not have. */
    public float[] get(String name) {
        float[] v = data.get(name);
        if (v == null) throw new IllegalArgumentException("no tensor '" + name + "'");
        return v;
    }

    /** The tensor's data, or null when absent (optional tensors). */
    public float[] getOrNull(String name) { return data.get(name); }

    /** Number of parameters (a tied head counted once). */
    public long parameterCount() {
        long n = 0;
        for (float[] v : data.values()) n += v.length;
        return n;
    }

    /** Writes model.safetensors atomically (temp file + rename), each tensor stored as {@code dtype}. */
    public void save(Path modelSafetensors, DType dtype) {
        if (!dtype.isFloating()) throw new IllegalArgumentException("not a float dtype: " + dtype);
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, float[]> e : data.entrySet()) w.add(e.getKey(), dtype, e.getValue(), shapes.get(e.getKey()));
        w.write(modelSafetensors);
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }
}
