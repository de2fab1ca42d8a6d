package ai.taipan.engine.cli;

import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.model.Mode;
import ai.taipan.engine.model.TaipanModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code taipan logits}: the logits of a token sequence, for comparing against other implementations. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Run token ids through a model from an empty state and write every position's logits "
                + "(tensor 'logits', F32 [L, vocab]) to a safetensors file.")
public final class LogitsCommand extends TaipanCommand {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder (config.json + model.safetensors)")
    Path model;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "comma-separated token ids, e.g. 3,1,4")
    String ids;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "parallel",
            description = "parallel (chunked SSD, the prefill path) or step (one token at a time, the decode path); default ${DEFAULT-VALUE}")
    Mode mode;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "output .safetensors file (written atomically)")
    Path out;

    @Override
    protected int execute() {
        int[] tokens = parseIds(ids);
        TaipanModel m = loadModel(model);
        float[] logits = m.logits(tokens, mode);
        int v = m.config().vocabSize;
        new SafeTensorsWriter()
                .metadata("model", model.toString())
                .metadata("mode", mode.name().toLowerCase(java.util.Locale.ROOT))
                .add("logits", logits, tokens.length, v)
                .write(out);
        out().printf("wrote logits [%d, %d] (%s mode) to %s%n", tokens.length, v,
                mode.name().toLowerCase(java.util.Locale.ROOT), out);
        return 0;
    }
}
