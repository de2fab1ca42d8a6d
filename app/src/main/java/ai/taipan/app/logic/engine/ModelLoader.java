package ai.taipan.app.logic.engine;

import ai.taipan.app.model.LoadedModel;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.interop.ModelSources;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tokenizer.ByteTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens model folders and makes fresh models; everything here runs off the UI thread. */
public final class ModelLoader {
    /** The folder of the shipped default model, relative to the working directory or the repo root. */
    public static final String SAMPLE = "sample-models/taipan-small";

    private ModelLoader() {}

    /**
     * Loads a model folder in any format the engine reads (issue 7): ours, Hugging Face
     * {@code "mamba2"} folders (single or sharded safetensors), original mamba_ssm folders with
     * {@code pytorch_model.bin}. Detection is the engine's ({@link ModelSources#open}); this only
     * remembers which format and weight file it found, for the model card. A folder that is not a
     * model, or a pickle that asks for anything but tensor storages, fails with the engine's
     * message naming the file.
     */
    public static LoadedModel load(Path dir) {
        if (!Files.isDirectory(dir)) throw new ModelFormatException(dir, null, "is not a folder");
        try (ModelSources.Opened o = ModelSources.open(dir)) {
            // what TaipanModel.load(dir) does, kept open long enough to read the format
            Weights w = Weights.load(o.tensors(), o.config());
            TaipanModel m = new TaipanModel(o.config(), w, ModelSources.tokenizer(o));
            String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
            return new LoadedModel(name, dir, m, null, describe(o, dir));
        }
    }

    /** "mamba_ssm: pytorch_model.bin, tokenizer.json" — the format, the weight file read, the tokenizer. */
    static String describe(ModelSources.Opened o, Path dir) {
        String weights = "?";
        for (String f : ModelSources.WEIGHT_FILES) {
            if (Files.exists(dir.resolve(f))) { weights = f; break; }
        }
        String tok = o.tokenizerJson() == null ? "byte tokenizer" : o.tokenizerJson().getFileName().toString();
        return o.format() + ": " + weights + ", " + tok;
    }

    /**
     * A small taipan model with Weights.random: 14 layers (two SALs), D = 64, byte vocabulary.
     * Big enough to show routing and state, small enough to run instantly on two cores.
     */
    public static LoadedModel randomTaipan(long seed) {
        return random("taipan-random-" + seed, tinyConfig(Preset.TAIPAN, 14, 64), seed);
    }

    public static LoadedModel random(String name, ModelConfig c, long seed) {
        return new LoadedModel(name, null, new TaipanModel(c, Weights.random(c, seed), new ByteTokenizer(c.vocabSize)), seed,
                "random weights (seed " + seed + ")");
    }

    /** A config of the given preset and size with byte vocabulary and 4 attention heads. */
    public static ModelConfig tinyConfig(Preset preset, int layers, int hidden) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 256;
        b.hiddenSize = hidden;
        b.layerTypes = preset.schedule(layers);
        b.stateSize = 16;
        b.headDim = 16;
        b.expand = 2;
        b.chunkSize = 64;
        b.numAttentionHeads = 4;
        b.intermediateSize = 2 * hidden;
        b.slidingWindow = 512;
        return b.build();
    }

    /** Where to look for the default model: -Dtaipan.sample.model, ./sample-models/…, ../sample-models/…. */
    public static List<Path> defaultCandidates() {
        List<Path> out = new ArrayList<>();
        String p = System.getProperty("taipan.sample.model");
        if (p != null && !p.isBlank()) out.add(Path.of(p));
        out.add(Path.of(SAMPLE));
        out.add(Path.of("..").resolve(SAMPLE));
        return out;
    }

    /** The shipped default model if a candidate folder holds one, else null. */
    public static Path findDefault(List<Path> candidates) {
        for (Path c : candidates) if (Files.isRegularFile(c.resolve("config.json"))) return c;
        return null;
    }
}
