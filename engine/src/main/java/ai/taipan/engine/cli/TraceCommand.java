package ai.taipan.engine.cli;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.model.Session;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.trace.Trace;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code taipan trace}: what the SAL gates selected and how the SSM states grew, per token, as JSON. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Run a prompt through a model with tracing on and write, per token, every SAL layer's gate "
                + "scores, selection, alpha and attention weights, and every Mamba-2 layer's per-head SSM state norms:",
                "{\"ids\":[...], \"sal\":[{\"layer\":i, \"scores\":[[s0,s1],...], \"selected\":[...], \"alpha\":[...], ...}],",
                " \"mamba2\":[{\"layer\":i, \"state_norms\":[[per head] per token]}]}"})
public final class TraceCommand extends TaipanCommand {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    /** --prompt TEXT or --ids 3,1,4 (exactly one); generate takes the same. */
    static final class Input {
        @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the text")
        String prompt;

        @Option(names = "--ids", required = true, paramLabel = "IDS", description = "or token ids, e.g. 3,1,4")
        String ids;

        /** The token ids of the input (the tokenizer encodes a prompt). */
        int[] tokens(TaipanModel m) {
            return ids != null ? parseIds(ids) : m.tokenizer().encode(prompt);
        }
    }

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "output JSON file (written atomically)")
    Path out;

    @Override
    protected int execute() {
        TaipanModel m = loadModel(model);
        int[] tokens = input.tokens(m);
        if (tokens.length == 0) throw new IllegalArgumentException("--prompt is empty: nothing to trace");
        Trace trace = new Trace();
        Session s = m.newSession();
        s.setTracer(trace);
        s.prefill(tokens);
        trace.addIds(tokens);
        Json.write(out, trace.toJson());
        out().printf("wrote trace of %d tokens (%d SAL, %d Mamba-2 layers) to %s%n", tokens.length,
                trace.salLayers().size(), trace.mambaLayers().size(), out);
        return 0;
    }
}
