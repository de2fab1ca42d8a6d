package ai.taipan.engine.interop;

import ai.taipan.engine.cli.TaipanCommand;
import ai.taipan.engine.format.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code taipan convert}: any supported checkpoint folder → our folder format (SPEC §4, issue 7). */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a model folder to the Taipan format (config.json + model.safetensors + tokenizer).",
                "Reads Hugging Face Mamba-2 folders (model.safetensors, sharded model-*.safetensors with "
                        + "model.safetensors.index.json, or pytorch_model.bin) and state-spaces/mamba folders "
                        + "(MambaConfig config.json + pytorch_model.bin, hybrids with attention layers included)."})
public final class ConvertCommand extends TaipanCommand {
    @Option(names = "--from", required = true, paramLabel = "DIR", description = "the folder to convert")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write")
    Path out;

    @Option(names = "--dtype", defaultValue = "F32", paramLabel = "T",
            description = "tensor type written: F32, F16 or BF16 (default ${DEFAULT-VALUE})")
    DType dtype;

    @Option(names = "--force", description = "overwrite a model already in --out")
    boolean force;

    @Override
    protected int execute() {
        ExportCommand.checkDtype(dtype);
        Converter.Result r = Converter.convert(from, out, dtype, force);
        out().printf("converted %s (%s): %d layers %s, %,d parameters, vocab %d -> %s%n", from, r.sourceFormat(),
                r.config().numLayers(), r.config().scheduleString(), r.parameters(), r.config().vocabSize, out);
        for (Path f : r.files()) out().println("  " + f.getFileName());
        return 0;
    }
}
