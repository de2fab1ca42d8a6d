package ai.taipan.engine.eval;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.tasks.DataSpec;
import ai.taipan.engine.tasks.SyntheticTask;
import ai.taipan.engine.tasks.TextCorpus;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.taipan.engine.cli.TaipanCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code taipan eval}: bits/byte on held-out text at several context lengths and exact-match
 * accuracy of the synthetic retrieval tasks across context lengths (issue 3 §4), as a readable
 * table on stdout and, with {@code --out}, JSON.
 *
 * <p>Cost: every (task, context) feeds samples × context tokens, every text context windows ×
 * context tokens, all through the streaming session (memory: the inference state plus one
 * chunk; a transformer's KV cache grows with the context). The planned token count is printed
 * first; the defaults feed 3 × 8 × (256 + 1K + 4K + 16K) + 8 × (256 + 1K + 4K) ≈ 565K tokens.
 * Measured: a random 6.4M-parameter taipan (D 256, 14 layers) ran 4096 tokens in 3.1 s of CPU
 * on one thread (-Dtaipan.threads=1, ~1,300 tokens/s per core), so the defaults take ~7 minutes
 * of one core's time — about 4 minutes on an idle 2-core machine.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a model: bits/byte on held-out text at several context lengths, and exact-match "
                + "accuracy of synthetic retrieval tasks (mqar, phonebook, needle) across context lengths.",
                "Answers are scored by teacher-forced argmax at each answer token, which for exact match equals "
                        + "greedy decoding."},
        footer = {"", "Example:",
                "  taipan eval --model sample-models/taipan-small --text sample-models/data/kjv.txt --out eval.json",
                "  taipan eval --model M --task mqar --task-contexts 512,2048,8192 --max-distance 400 --samples 32"})
public final class EvalCommand extends TaipanCommand {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder (config.json + model.safetensors)")
    Path model;

    @Option(names = "--text", paramLabel = "FILE", arity = "1..*",
            description = "text file(s) for bits/byte, and the needle's haystack (without: no bits/byte, passkey filler)")
    List<Path> text = new ArrayList<>();

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "validation",
            description = "part of each text file: validation (its last --validation-fraction, held out from training), train or all; default ${DEFAULT-VALUE}")
    String split;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.05",
            description = "held-out tail of each text file; default ${DEFAULT-VALUE} (as in training)")
    double validationFraction;

    @Option(names = "--text-contexts", paramLabel = "N", split = ",", defaultValue = "256,1024,4096",
            description = "window lengths for bits/byte; default ${DEFAULT-VALUE}")
    List<Integer> textContexts;

    @Option(names = "--text-windows", paramLabel = "N", defaultValue = "8", description = "windows per text context; default ${DEFAULT-VALUE}")
    int textWindows;

    @Option(names = "--scored-fraction", paramLabel = "F", defaultValue = "0.25",
            description = "last part of each text window whose predictions are scored; default ${DEFAULT-VALUE}")
    double scoredFraction;

    @Option(names = "--task", paramLabel = "SPEC",
            description = "task to run, repeatable: mqar, phonebook or needle, with options as NAME,key=value "
                    + "(mqar: query-fraction; phonebook: queries, digits; all: max-distance); default all three")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--max-distance", paramLabel = "N", defaultValue = "0",
            description = "keep each task's evidence within N tokens before its answer (0 = anywhere; e.g. the SAL window); default ${DEFAULT-VALUE}")
    int maxDistance;

    @Option(names = "--task-contexts", paramLabel = "N", split = ",", defaultValue = "256,1024,4096,16384",
            description = "context lengths for the tasks; default ${DEFAULT-VALUE}")
    List<Integer> taskContexts;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "8", description = "sequences per task and context; default ${DEFAULT-VALUE}")
    int samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seed of the task examples; default ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the results as JSON (atomically)")
    Path out;

    @Option(names = "--sal-off", description = "ablation: evaluate the model with every SAL's attention switched off "
            + "(no token selected; the SALs' SwiGLU still runs), to measure what the attention contributes")
    boolean salOff;

    @Option(names = {"-q", "--quiet"}, description = "no progress lines on stderr")
    boolean quiet;

    @Override
    protected int execute() {
        PrintWriter stdout = out();
        PrintWriter stderr = err();
        TextCorpus.Split sp = switch (split.toLowerCase(Locale.ROOT)) {
            case "validation" -> TextCorpus.Split.VALIDATION;
            case "train" -> TextCorpus.Split.TRAIN;
            case "all" -> TextCorpus.Split.ALL;
            default -> throw new IllegalArgumentException("--split must be validation, train or all, got '" + split + "'");
        };
        TextCorpus corpus = text.isEmpty() ? null : TextCorpus.open(text, sp, validationFraction);
        List<String> specs = tasks.isEmpty() ? DataSpec.TASKS : tasks;
        List<SyntheticTask> taskList = new ArrayList<>();
        for (String s : specs) {
            String full = maxDistance > 0 && !s.contains("max-distance=") ? s + ",max-distance=" + maxDistance : s;
            taskList.add(DataSpec.task(full, corpus));
        }
        Evaluation.Settings settings = new Evaluation.Settings(textContexts, textWindows, scoredFraction, taskList,
                taskContexts, samples, seed);
        TaipanModel m = loadModel(model);
        ModelConfig c = m.config();
        if (salOff) {
            if (!c.hasLayer(LayerType.SELECTIVE_ATTENTION)) {
                throw new IllegalArgumentException("--sal-off: " + model + " has no selective_attention layer (layers " + c.scheduleString() + ")");
            }
            m = m.withSalAttentionOff();
        }
        ScoringModel scorer = ScoringModel.of(m);
        if (!quiet) {
            stderr.printf(Locale.ROOT, "eval %s (%s, %d layers %s, %,d parameters): at most %,d tokens%n", model,
                    c.modelType, c.numLayers(), c.scheduleString(), m.parameterCount(), settings.plannedTokens(corpus != null));
            stderr.flush();
        }
        Evaluation.Report report = Evaluation.run(scorer, corpus, settings, line -> {
            if (!quiet) { stderr.println("  " + line); stderr.flush(); }
        });
        String source = corpus == null ? "" : corpus.describe();
        stdout.print(header(m));
        stdout.print(EvalReport.table(report, source, scoredFraction));
        stdout.flush();
        if (out != null) {
            Json.write(out, EvalReport.toJson(report, jsonHeader(m, corpus, settings, taskList)));
            stdout.println("wrote " + out);
        }
        return 0;
    }

    private String header(TaipanModel m) {
        ModelConfig c = m.config();
        return String.format(Locale.ROOT, "model %s: %s, layers %s, %,d parameters, sliding_window %s%s%n%n", model,
                c.modelType, c.scheduleString(), m.parameterCount(),
                window(c) == null ? "none" : window(c).toString(),
                salOff ? "\nABLATION --sal-off: every SAL's attention switched off (no token selected; its SwiGLU still runs)" : "");
    }

    /** The window of the model's windowed layers (SAL or sliding attention), null if it has none or it is unlimited. */
    static Integer window(ModelConfig c) {
        boolean windowed = c.hasLayer(LayerType.SELECTIVE_ATTENTION) || c.hasLayer(LayerType.SLIDING_ATTENTION);
        return windowed && c.slidingWindow != ModelConfig.UNLIMITED ? c.slidingWindow : null;
    }

    private ObjectNode jsonHeader(TaipanModel m, TextCorpus corpus, Evaluation.Settings s, List<SyntheticTask> taskList) {
        ModelConfig c = m.config();
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("model", model.toString());
        o.put("model_type", c.modelType);
        o.put("layers", c.scheduleString());
        o.put("parameters", m.parameterCount());
        if (salOff) o.put("sal_attention", "off (ablation --sal-off: no token selected; the SALs' SwiGLU still runs)");
        if (window(c) == null) o.putNull("sliding_window"); else o.put("sliding_window", window(c));
        ObjectNode set = o.putObject("settings");
        if (corpus != null) {
            ArrayNode files = set.putArray("text");
            corpus.files().forEach(f -> files.add(f.toString()));
            set.put("split", corpus.split().name().toLowerCase(Locale.ROOT));
            set.put("validation_fraction", validationFraction);
        }
        ArrayNode tc = set.putArray("text_contexts");
        s.textContexts().forEach(tc::add);
        set.put("text_windows", s.textWindows());
        set.put("scored_fraction", s.scoredFraction());
        ArrayNode ts = set.putArray("tasks");
        taskList.forEach(t -> ts.add(t.describe()));
        ArrayNode kc = set.putArray("task_contexts");
        s.taskContexts().forEach(kc::add);
        set.put("samples", s.samples());
        set.put("seed", s.seed());
        set.put("max_distance", maxDistance);
        set.put("scoring", "exact match of each answer span: teacher-forced argmax at every answer token (= greedy decoding)");
        return o;
    }
}
