package ai.taipan.engine.interop;

import ai.taipan.engine.cli.CliException;
import ai.taipan.engine.cli.TaipanCommand;
import ai.taipan.engine.format.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code taipan export}: our model folder → a Hugging Face–style folder (issue 7). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a model as a Hugging Face-style folder: config.json with model_type "
                + "(\"mamba2\" / Mamba2ForCausalLM for pure Mamba-2 models, \"taipan\" for hybrids) and "
                + "safetensors under HF tensor names, sharded with an index if --max-shard-mb is given."})
public final class ExportCommand extends TaipanCommand {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "the model folder")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write")
    Path out;

    @Option(names = "--dtype", defaultValue = "F32", paramLabel = "T",
            description = "tensor type written: F32, F16 or BF16 (default ${DEFAULT-VALUE})")
    DType dtype;

    @Option(names = "--max-shard-mb", defaultValue = "0", paramLabel = "MB",
            description = "split the weights into shards of at most this many MiB (default: one file)")
    long maxShardMb;

    @Option(names = "--force", description = "overwrite a model already in --out")
    boolean force;

    @Override
    protected int execute() {
        checkDtype(dtype);
        if (maxShardMb < 0) throw new CliException("--max-shard-mb must be >= 0, got " + maxShardMb);
        Converter.Result r = Converter.export(model, out, dtype, maxShardMb << 20, force);
        out().printf("exported %s: %d layers %s, %,d parameters -> %s%n", model, r.config().numLayers(),
                r.config().scheduleString(), r.parameters(), out);
        for (Path f : r.files()) out().println("  " + f.getFileName());
        return 0;
    }

    static void checkDtype(DType d) {
        if (d != DType.F32 && d != DType.F16 && d != DType.BF16) {
            throw new CliException("--dtype must be F32, F16 or BF16, got " + d);
        }
    }
}
