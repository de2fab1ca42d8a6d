package ai.taipan.engine.interop;

import ai.taipan.engine.format.AtomicFiles;
import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folder-to-folder conversions (issue 7), the work behind {@code taipan convert} and
 * {@code taipan export}; no CLI code here so that the workbench can call it too.
 * <ul>
 *   <li>{@link #convert}: any folder {@link ModelSources} opens → our folder (SPEC §4):
 *       config.json ("model_type": "taipan", explicit layer_types) + model.safetensors, and the
 *       tokenizer files copied.</li>
 *   <li>{@link #export}: our folder → a Hugging Face–style folder: a pure Mamba-2 model gets
 *       transformers' {@code Mamba2Config} (model_type "mamba2", Mamba2ForCausalLM), hybrids keep
 *       model_type "taipan" (no HF class exists for them); tensors under the HF names (ours are
 *       HF's for Mamba-2 layers), one safetensors file or shards + model.safetensors.index.json.</li>
 * </ul>
 * Every file is written atomically; an existing config.json in the target folder is refused
 * unless {@code overwrite}.
 */
public final class Converter {
    private Converter() {}

    /** Tokenizer files carried along. */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    /** What a conversion wrote. */
    public record Result(Path folder, String sourceFormat, ModelConfig config, long parameters, List<Path> files) { }

    /** Converts any supported folder to ours, tensors stored as {@code dtype}. */
    public static Result convert(Path from, Path out, DType dtype, boolean overwrite) {
        checkTarget(from, out, overwrite);
        try (ModelSources.Opened o = ModelSources.open(from)) {
            Weights w = Weights.load(o.tensors(), o.config());
            // check the tokenizer before writing anything
            ModelSources.tokenizer(o);
            ModelConfig.Builder b = o.config().toBuilder();
            b.modelType = "taipan";
            b.extra.remove("architectures");
            b.extra.remove("transformers_version");
            ModelConfig c = b.build();
            List<Path> files = new ArrayList<>();
            w.save(out.resolve("model.safetensors"), dtype);
            files.add(out.resolve("model.safetensors"));
            files.addAll(copyTokenizer(from, o.tokenizerJson(), out));
            c.write(out.resolve("config.json"));   // last: a folder is a model only once it is complete
            files.add(out.resolve("config.json"));
            return new Result(out, o.format(), c, w.parameterCount(), files);
        }
    }

    /**
     * Exports our folder (or any folder {@link ModelSources} opens) as an HF-style folder.
     *
     * @param maxShardBytes split the tensors into shards of at most this many bytes (0 = one file)
     */
    public static Result export(Path model, Path out, DType dtype, long maxShardBytes, boolean overwrite) {
        checkTarget(model, out, overwrite);
        try (ModelSources.Opened o = ModelSources.open(model)) {
            ModelConfig c = o.config();
            Weights w = Weights.load(o.tensors(), c);
            ModelSources.tokenizer(o);
            List<Path> files = new ArrayList<>(writeTensors(w, out, dtype, maxShardBytes));
            files.addAll(copyTokenizer(model, o.tokenizerJson(), out));
            Json.write(out.resolve("config.json"), hfConfig(c));
            files.add(out.resolve("config.json"));
            return new Result(out, o.format(), c, w.parameterCount(), files);
        }
    }

    /** transformers' Mamba2Config for pure Mamba-2 models; our config (+ architectures) otherwise. */
    static ObjectNode hfConfig(ModelConfig c) {
        boolean pureMamba = c.layerTypes.stream().allMatch(t -> t == LayerType.MAMBA2);
        if (!pureMamba) {
            ObjectNode o = c.toJson();
            o.put("model_type", "taipan");
            o.putArray("architectures").add("TaipanForCausalLM");
            return o;
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.putArray("architectures").add("Mamba2ForCausalLM");
        o.put("model_type", "mamba2");
        o.put("vocab_size", c.vocabSize);
        o.put("hidden_size", c.hiddenSize);
        o.put("num_hidden_layers", c.numLayers());
        o.put("state_size", c.stateSize);
        o.put("expand", c.expand);
        o.put("head_dim", c.headDim);
        o.put("num_heads", c.numHeads);
        o.put("n_groups", c.nGroups);
        o.put("conv_kernel", c.convKernel);
        o.put("chunk_size", c.chunkSize);
        var tl = o.putArray("time_step_limit");
        tl.add(c.timeStepMin);
        tl.add(c.timeStepMax);
        o.put("use_bias", false);
        o.put("use_conv_bias", c.useConvBias);
        o.put("layer_norm_epsilon", c.layerNormEpsilon);
        o.put("tie_word_embeddings", c.tieWordEmbeddings);
        o.put("rms_norm", true);
        o.put("norm_before_gate", false);
        o.put("residual_in_fp32", true);
        o.put("hidden_act", "silu");
        if (c.tokenizer != null) o.set("tokenizer", c.tokenizer);
        return o;
    }

    private static List<Path> writeTensors(Weights w, Path out, DType dtype, long maxShardBytes) {
        Map<String, float[]> all = w.tensors();
        List<List<String>> shards = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        long curBytes = 0, total = 0;
        for (Map.Entry<String, float[]> e : all.entrySet()) {
            long bytes = (long) e.getValue().length * dtype.bytes();
            total += bytes;
            if (maxShardBytes > 0 && !cur.isEmpty() && curBytes + bytes > maxShardBytes) {
                shards.add(cur);
                cur = new ArrayList<>();
                curBytes = 0;
            }
            cur.add(e.getKey());
            curBytes += bytes;
        }
        shards.add(cur);
        List<Path> files = new ArrayList<>();
        if (shards.size() == 1) {
            w.save(out.resolve("model.safetensors"), dtype);
            files.add(out.resolve("model.safetensors"));
            return files;
        }
        ObjectNode index = Json.mapper().createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        int n = shards.size();
        for (int i = 0; i < n; i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
            SafeTensorsWriter sw = new SafeTensorsWriter().metadata("format", "pt");
            for (String t : shards.get(i)) {
                sw.add(t, dtype, all.get(t), w.shape(t));
                map.put(t, name);
            }
            sw.write(out.resolve(name));
            files.add(out.resolve(name));
        }
        Json.write(out.resolve("model.safetensors.index.json"), index);
        files.add(out.resolve("model.safetensors.index.json"));
        return files;
    }

    private static List<Path> copyTokenizer(Path from, Path tokenizerJson, Path out) {
        List<Path> files = new ArrayList<>();
        for (String f : TOKENIZER_FILES) {
            Path src = f.equals("tokenizer.json") && tokenizerJson != null ? tokenizerJson : from.resolve(f);
            if (!Files.isRegularFile(src)) continue;
            try {
                byte[] b = Files.readAllBytes(src);
                AtomicFiles.write(out.resolve(f), s -> s.write(b));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + src + ": " + e.getMessage(), e);
            }
            files.add(out.resolve(f));
        }
        return files;
    }

    private static void checkTarget(Path from, Path out, boolean overwrite) {
        if (from.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new ModelFormatException(out, null, "the output folder is the input folder");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) throw new ModelFormatException(out, null, "exists and is not a folder");
        if (!overwrite && Files.exists(out.resolve("config.json"))) {
            throw new ModelFormatException(out.resolve("config.json"), null, "exists; refusing to overwrite a model folder (use --force)");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
        }
    }
}
