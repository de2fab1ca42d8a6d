package ai.taipan.engine.interop;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.format.TensorSource;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import ai.taipan.engine.tokenizer.HfTokenizer;
import ai.taipan.engine.tokenizer.Tokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one entry point that opens any model folder the workbench understands and hands back our
 * config (SPEC §4) plus a {@link TensorSource} under SPEC names:
 * <ul>
 *   <li>our folders ({@code "model_type": "taipan"}) and Hugging Face Mamba-2 folders
 *       ({@code "model_type": "mamba2"}), with {@code model.safetensors}, sharded
 *       {@code model-0000x-of-0000y.safetensors} + {@code model.safetensors.index.json}, or
 *       {@code pytorch_model.bin} (sharded too);</li>
 *   <li>original state-spaces/mamba folders ({@code MambaConfig} config.json with d_model,
 *       n_layer, ssm_cfg, attn_layer_idx… and {@code pytorch_model.bin}), see {@link MambaSsmFormat}.</li>
 * </ul>
 * Weight files are looked for in that order; F32, F16, BF16 and F64 tensors all load (widened to
 * F32). The tokenizer is {@code tokenizer.json} in the folder unless config.json says
 * {@code {"type": "bytes"}}, and must fit the (possibly padded) model vocabulary.
 */
public final class ModelSources {
    private ModelSources() {}

    /** Weight files, in the order they are looked for. */
    public static final String[] WEIGHT_FILES = {
            "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"};

    /** An opened folder: config, tensors under SPEC names, the tokenizer file (or null) and the format's name. */
    public record Opened(ModelConfig config, TensorSource tensors, Path tokenizerJson, String format) implements AutoCloseable {
        @Override public void close() { tensors.close(); }
    }

    /** Detects the format of {@code dir} and opens it; the tensors stay on disk until read. */
    public static Opened open(Path dir) {
        if (!Files.isDirectory(dir)) throw new ModelFormatException(dir, null, "is not a model folder");
        Path cfgFile = dir.resolve("config.json");
        if (!Files.exists(cfgFile)) throw new ModelFormatException(cfgFile, null, "no such file (a model folder needs config.json)");
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(cfgFile));
        } catch (IOException e) {
            throw new ModelFormatException(cfgFile, null, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new ModelFormatException(cfgFile, null, "not a JSON object");
        TensorSource weights = openWeights(dir);
        try {
            ModelConfig config;
            TensorSource tensors;
            String format;
            if (MambaSsmFormat.recognises(root)) {
                config = MambaSsmFormat.config((ObjectNode) root, cfgFile, weights);
                tensors = MambaSsmFormat.tensors(config, weights, cfgFile);
                format = "mamba_ssm";
            } else {
                config = ModelConfig.read(cfgFile, n -> weights.has(n) ? weights.shape(n) : null);
                tensors = weights;
                format = config.modelType.equals("mamba2") ? "hf-mamba2" : "taipan";
            }
            return new Opened(config, tensors, tokenizerFile(dir, config, cfgFile), format);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** Opens and loads a model: weights (shape-checked), and its tokenizer checked against vocab_size. */
    public static TaipanModel load(Path dir) {
        try (Opened o = open(dir)) {
            Weights w = Weights.load(o.tensors(), o.config());
            return new TaipanModel(o.config(), w, tokenizer(o));
        }
    }

    /** The tokenizer of an opened folder: tokenizer.json when there is one, else the byte tokenizer. */
    public static Tokenizer tokenizer(Opened o) {
        if (o.tokenizerJson() == null) return new ByteTokenizer(o.config().vocabSize);
        return HfTokenizer.load(o.tokenizerJson(), o.config().vocabSize);
    }

    /** The first weight file present, opened. */
    public static TensorSource openWeights(Path dir) {
        for (String f : WEIGHT_FILES) {
            Path p = dir.resolve(f);
            if (!Files.exists(p)) continue;
            return switch (f) {
                case "model.safetensors" -> SafeTensors.open(p);
                case "model.safetensors.index.json" -> ShardedCheckpoint.openSafeTensors(p);
                case "pytorch_model.bin" -> TorchCheckpoint.open(p);
                default -> ShardedCheckpoint.open(p, TorchCheckpoint::open);
            };
        }
        throw new ModelFormatException(dir.resolve(WEIGHT_FILES[0]), null, "no such file (a model folder needs one of "
                + String.join(", ", WEIGHT_FILES) + ")");
    }

    private static Path tokenizerFile(Path dir, ModelConfig c, Path cfgFile) {
        JsonNode t = c.tokenizer;
        if (t != null && t.isObject()) {
            String type = t.path("type").asText("");
            if (type.equals("bytes")) return null;
            throw new ModelFormatException(cfgFile, "tokenizer", "unknown tokenizer type '" + type + "' (\"bytes\" or a tokenizer.json file)");
        }
        if (t != null && t.isTextual()) {
            String name = t.asText();
            if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new ModelFormatException(cfgFile, "tokenizer", "'" + name + "' is not a file name in the model folder");
            }
            Path p = dir.resolve(name);
            if (!Files.exists(p)) throw new ModelFormatException(p, null, "no such file (named by config.json's tokenizer)");
            return p;
        }
        if (t != null && !t.isNull()) throw new ModelFormatException(cfgFile, "tokenizer", "must be {\"type\":\"bytes\"} or a file name, got " + t);
        Path p = dir.resolve("tokenizer.json");
        return Files.exists(p) ? p : null;
    }
}
