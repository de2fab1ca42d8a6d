package ai.taipan.engine.cli;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.PresetShape;
import ai.taipan.engine.model.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code taipan init}: a randomly initialised model of any preset and size (SPEC §1, issue 2). */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a randomly initialised model folder (config.json + model.safetensors) "
                + "with Mamba-2's initialisation conventions.")
public final class InitCommand extends TaipanCommand {
    @Option(names = "--preset", required = true, paramLabel = "NAME",
            description = "taipan, mamba2, transformer, jamba or swa_hybrid (SPEC §1)")
    String preset;

    @Option(names = "--hidden-size", paramLabel = "D", defaultValue = "64", description = "residual width D (default ${DEFAULT-VALUE})")
    int hiddenSize;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "7", description = "number of layers (default ${DEFAULT-VALUE}: one [mamba2 ×6, attention] block for hybrids)")
    int layers;

    @Option(names = "--vocab", paramLabel = "V", defaultValue = "256", description = "vocabulary size (default ${DEFAULT-VALUE}, the byte tokenizer)")
    int vocab;

    @Option(names = "--state-size", paramLabel = "N", defaultValue = "16", description = "Mamba-2 state size N (default ${DEFAULT-VALUE})")
    int stateSize;

    @Option(names = "--head-dim", paramLabel = "P", defaultValue = "16", description = "Mamba-2 head dim P (default ${DEFAULT-VALUE})")
    int headDim;

    @Option(names = "--expand", paramLabel = "E", defaultValue = "2", description = "Mamba-2 expansion, d_inner = E·D (default ${DEFAULT-VALUE})")
    int expand;

    @Option(names = "--n-groups", paramLabel = "G", defaultValue = "1", description = "Mamba-2 B/C groups (default ${DEFAULT-VALUE})")
    int nGroups;

    @Option(names = "--chunk-size", paramLabel = "Q", defaultValue = "256", description = "SSD chunk length (default ${DEFAULT-VALUE})")
    int chunkSize;

    @Option(names = "--num-attention-heads", paramLabel = "H", description = "attention heads (default: D/16, at least 1)")
    Integer numAttentionHeads;

    @Option(names = "--intermediate-size", paramLabel = "F", description = "SwiGLU width (default: 8D/3 rounded up to a multiple of 8)")
    Integer intermediateSize;

    @Option(names = "--window", paramLabel = "W", defaultValue = "2048", description = "SAL / sliding window in tokens (default ${DEFAULT-VALUE}, the paper's)")
    int window;

    @Option(names = "--capacity", paramLabel = "C", defaultValue = "0.15", description = "SAL target fraction of tokens attended, in (0, 1] (default ${DEFAULT-VALUE})")
    double capacity;

    @Option(names = "--untied", description = "a separate lm_head instead of the tied embedding")
    boolean untied;

    @Option(names = "--embedding-std", paramLabel = "S", description = "standard deviation of the initial embedding "
            + "(default 0.02, mamba_ssm's; 1.0 = PyTorch's nn.Embedding default, meant with --untied)")
    Double embeddingStd;

    @Option(names = "--seed", required = true, paramLabel = "S", description = "random seed of the initialisation")
    long seed;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32", description = "stored dtype: f32, f16 or bf16 (default ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "model folder to create")
    Path out;

    @Option(names = "--force", description = "overwrite a model already in --out")
    boolean force;

    @Override
    protected int execute() {
        Preset p = PresetShape.parsePreset(preset);
        DType dt = switch (dtype.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            default -> throw new IllegalArgumentException("--dtype: '" + dtype + "' is not f32, f16 or bf16");
        };
        ModelConfig c = new PresetShape(p, hiddenSize, layers, vocab, stateSize, headDim, expand, nGroups, chunkSize,
                numAttentionHeads, intermediateSize, window, capacity, untied).build(); // validates every field, naming it

        Path cfg = out.resolve("config.json"), st = out.resolve("model.safetensors");
        if (!force && (Files.exists(cfg) || Files.exists(st))) {
            throw new CliException(out + " already holds a model; use --force to overwrite it");
        }
        Weights w = Weights.random(c, seed, embeddingStd == null ? Weights.DEFAULT_EMBEDDING_STD : embeddingStd);
        w.save(st, dt);
        c.write(cfg); // config last: a folder with a config always has its weights
        out().printf("wrote %s: preset %s, %d layers (%s), D %d, vocab %d, %,d parameters, %s%n",
                out, p.key(), c.numLayers(), c.scheduleString(), c.hiddenSize, c.vocabSize, w.parameterCount(),
                dt.name().toLowerCase(java.util.Locale.ROOT));
        return 0;
    }
}
