package ai.taipan.engine.train;

import ai.taipan.engine.format.AtomicFiles;
import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.PresetShape;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tasks.DataSpec;
import ai.taipan.engine.tasks.TextCorpus;
import ai.taipan.engine.tasks.TrainingData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code taipan train} (issue 3): trains a model folder, or a fresh model of a preset, on byte-level
 * text and synthetic tasks, with checkpoints and exact resume; writes a normal model folder
 * (config.json + model.safetensors) with a MODEL_CARD.md.
 *
 * <pre>
 *   taipan train --preset taipan --hidden-size 128 --layers 14 --window 64 \
 *       --data kjv.txt@0.7 --data task:mqar@0.3 --steps 3000 --batch 8 --seq-len 512 --out runs/taipan-small
 *   taipan train --resume --out runs/taipan-small          # continue the run recorded there
 *   taipan train --branch-from runs/taipan-c1/checkpoints/step-006000 --capacity 0.2 \
 *       --capacity-anneal 1.0:6000:7500 --out runs/taipan-branch   # the same run from there, a lower SAL budget
 * </pre>
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (float64 forward/backward on the CPU, AdamW, warm-up + cosine, clipping at global norm "
                + "1, objective CE + λ·Σ_SAL (C − selected fraction)²). Writes OUT/config.json, OUT/model.safetensors, "
                + "OUT/MODEL_CARD.md, OUT/train_log.jsonl and OUT/checkpoints/.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    // ---- the model
    @Option(names = "--model", paramLabel = "DIR", description = "start from this model folder (e.g. from 'taipan init')")
    Path model;

    @Option(names = "--preset", paramLabel = "NAME", description = "start from a fresh model of this preset: taipan, mamba2, transformer, jamba, swa_hybrid")
    String preset;

    @Option(names = "--hidden-size", paramLabel = "D", defaultValue = "64", description = "with --preset: D (default ${DEFAULT-VALUE})")
    int hiddenSize;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "7", description = "with --preset: layers (default ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--vocab", paramLabel = "V", defaultValue = "256", description = "with --preset: vocabulary (default ${DEFAULT-VALUE}, bytes)")
    int vocab;

    @Option(names = "--state-size", paramLabel = "N", defaultValue = "16", description = "with --preset: Mamba-2 state size (default ${DEFAULT-VALUE})")
    int stateSize;

    @Option(names = "--head-dim", paramLabel = "P", defaultValue = "16", description = "with --preset: Mamba-2 head dim (default ${DEFAULT-VALUE})")
    int headDim;

    @Option(names = "--expand", paramLabel = "E", defaultValue = "2", description = "with --preset: Mamba-2 expansion (default ${DEFAULT-VALUE})")
    int expand;

    @Option(names = "--n-groups", paramLabel = "G", defaultValue = "1", description = "with --preset: Mamba-2 B/C groups (default ${DEFAULT-VALUE})")
    int nGroups;

    @Option(names = "--num-attention-heads", paramLabel = "H", description = "with --preset: attention heads (default D/16, at least 1)")
    Integer attentionHeads;

    @Option(names = "--intermediate-size", paramLabel = "F", description = "with --preset: SwiGLU width (default 8D/3 rounded up to 8)")
    Integer intermediateSize;

    @Option(names = "--untied", description = "with --preset: a separate lm_head")
    boolean untied;

    @Option(names = "--embedding-std", paramLabel = "S", description = "with --preset: standard deviation of the initial "
            + "embedding (default 0.02, mamba_ssm's; 1.0 = PyTorch's nn.Embedding default, meant with --untied)")
    Double embeddingStd;

    // ---- config overrides (SAL training fields and the window), recorded in the trained model's config
    @Option(names = "--window", paramLabel = "W", description = "set sliding_window (SAL and sliding attention)")
    Integer window;

    @Option(names = "--sal-rope", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "set sal_rope: RoPE on the SAL's queries and keys (SPEC default false)")
    Boolean salRope;

    @Option(names = "--capacity", paramLabel = "C", description = "set capacity, the SAL's target selected fraction, in (0, 1]")
    Double capacity;

    @Option(names = "--gumbel-tau", paramLabel = "TAU", description = "set gumbel_tau")
    Double gumbelTau;

    @Option(names = "--budget-loss-weight", paramLabel = "LAMBDA", description = "set budget_loss_weight")
    Double budgetWeight;

    // ---- data and schedule
    @Option(names = "--data", paramLabel = "ITEM", description = "data item, repeatable: PATH[@WEIGHT] (byte-level text) or "
            + "task:NAME[,key=value…][@WEIGHT] with NAME mqar, phonebook or needle")
    List<String> data = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1000", description = "optimisation steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "8", description = "sequences per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seq-len", paramLabel = "T", defaultValue = "256", description = "tokens per sequence (default ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--min-lr-ratio", paramLabel = "R", defaultValue = "0.1", description = "final lr / peak lr of the cosine (default ${DEFAULT-VALUE})")
    double minLrRatio;

    @Option(names = "--warmup", paramLabel = "N", description = "linear warm-up steps (default min(100, steps/10))")
    Integer warmup;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.01", description = "AdamW decay on matrices (default ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "1.0", description = "global gradient-norm clip (default ${DEFAULT-VALUE})")
    double clip;

    @Option(names = "--gumbel-noise-scale", paramLabel = "G", defaultValue = "1.0", description = "scale of the SAL's Gumbel "
            + "noise in training (default ${DEFAULT-VALUE} = SPEC; 0 = select as inference does, m = s1 > s0, with the "
            + "straight-through gradient) — an experiment knob, see MODEL_CARD")
    double gumbelNoiseScale;

    @Option(names = "--sal-key-gradient", description = "let the SAL's gate learn from its tokens' use as keys: the "
            + "selection mask also weights the keys (the same forward) and its straight-through gradient reaches every "
            + "token in the window, selected or not; off = SPEC's training form as written (the gate learns only from "
            + "the output mixing and the budget) — an experiment knob, see MODEL_CARD")
    boolean salKeyGradient;

    @Option(names = "--capacity-anneal", paramLabel = "C0:[FROM:]STEPS", description = "the SAL budget's target moves in a "
            + "straight line from C0 at the first step (or, with FROM, stays C0 until step FROM) to the config's capacity "
            + "at step STEPS, then stays there (e.g. 1.0:4000, or 1.0:6000:7500: every token routed at first) — a recipe "
            + "choice, not SPEC's, recorded in the card")
    String capacityAnneal;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed of init, data and Gumbel noise (default ${DEFAULT-VALUE})")
    long seed;

    // ---- run control (never changes the result)
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "100", description = "checkpoint every N steps (default ${DEFAULT-VALUE}; 0 = only at the end)")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue the run recorded in OUT/checkpoints (its options and data are used)")
    boolean resume;

    @Option(names = "--branch-from", paramLabel = "CHECKPOINT", description = "start a new run in OUT from a checkpoint folder of "
            + "another run (its weights, optimizer state, step, data and options) and change only --capacity and/or "
            + "--capacity-anneal from there: the same run as the original up to that step, a different budget after it "
            + "(recorded in the card)")
    Path branchFrom;

    @Option(names = "--stop-at", paramLabel = "STEP", description = "checkpoint and stop after this step without changing the schedule (split a long run)")
    Integer stopAt;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: available processors); the result does not depend on it")
    Integer threads;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "f32", description = "dtype of the saved model.safetensors: f32, f16, bf16 (default ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "10", description = "progress line every N steps when not on a terminal (default ${DEFAULT-VALUE})")
    int logEvery;

    @Option(names = "--eval-sequences", paramLabel = "N", defaultValue = "16", description = "held-out sequences for the final loss (default ${DEFAULT-VALUE})")
    int evalSequences;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        DType outType = parseDtype(dtype);
        if (checkpointEvery < 0) throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + checkpointEvery);
        Path ckDir = out.resolve("checkpoints");
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads <= 0) throw new IllegalArgumentException("--threads must be positive, got " + nThreads);

        ModelConfig config;
        double[] weights;
        Trainer.Options opt;
        List<String> dataItems;
        Checkpoint.Loaded ck = null;
        ObjectNode runInfo;
        if (resume && branchFrom != null) throw new IllegalArgumentException("give --resume or --branch-from, not both");
        if (resume || branchFrom != null) {
            // a resumed or branched run takes its options from the checkpoint: say so rather than ignore what was typed
            Set<String> allowed = new HashSet<>(RUN_CONTROL);
            if (branchFrom != null) allowed.addAll(List.of("--capacity", "--capacity-anneal"));
            for (var m : spec.commandLine().getParseResult().matchedOptions()) {
                if (!allowed.contains(m.longestName())) {
                    throw new IllegalArgumentException(m.longestName() + " cannot be combined with " + (resume ? "--resume: the run"
                            + " continues with the options recorded in its checkpoint" : "--branch-from: the branch keeps the checkpoint's"
                            + " options except --capacity and --capacity-anneal"));
                }
            }
        }
        if (branchFrom != null) {
            refuseExistingRun(ckDir, "a branch starts in a new --out folder");
            if (!Files.isDirectory(branchFrom)) throw new IllegalArgumentException("--branch-from: no such checkpoint folder: " + branchFrom);
            ck = Checkpoint.readFolder(branchFrom);
            config = overrides(ck.config());
            opt = withAnneal(ck.options());
            dataItems = ck.data();
            weights = ck.weights();
            runInfo = ck.state().has("run") ? ((ObjectNode) ck.state().get("run")).deepCopy() : Json.mapper().createObjectNode();
            ObjectNode branch = runInfo.putObject("branch");
            branch.put("from", branchFrom.toAbsolutePath().normalize().toString());
            branch.put("step", ck.step());
            branch.put("capacity_before", ck.config().capacity);
            branch.put("capacity_after", config.capacity);
            recordCommand(branch.putArray("command"));
            branch.put("started", java.time.Instant.now().toString());
            o.printf("branching %s at step %d of %d into %s (capacity %s → %s%s)%n", ck.folder(), ck.step(), opt.steps(), out,
                    ck.config().capacity, config.capacity, capacityAnneal != null ? ", --capacity-anneal " + capacityAnneal : "");
            // a branch is the same run up to its step; say so when the budget's target does not continue there
            double before = Trainer.capacityAt(ck.config(), ck.options(), ck.step()), after = Trainer.capacityAt(config, opt, ck.step());
            if (Math.abs(before - after) > 1e-9) {
                o.printf("note: the SAL budget's target jumps at step %d from %.3f (the checkpoint's run) to %.3f (this branch)"
                        + " — give --capacity-anneal a C0 and FROM that continue it for a smooth change%n", ck.step(), before, after);
            }
        } else if (resume) {
            ck = Checkpoint.loadLatest(ckDir);
            config = ck.config();
            opt = ck.options();
            dataItems = ck.data();
            weights = ck.weights();
            runInfo = ck.state().has("run") ? (ObjectNode) ck.state().get("run") : Json.mapper().createObjectNode();
            o.printf("resuming %s at step %d of %d (options and data as recorded there)%n", ck.folder(), ck.step(), opt.steps());
        } else {
            refuseExistingRun(ckDir, "add --resume to continue it, or choose another --out");
            if (data.isEmpty()) throw new IllegalArgumentException("--data: give at least one text file or task:NAME");
            dataItems = List.copyOf(data);
            opt = withAnneal(new Trainer.Options(steps, batch, seqLen, lr, minLrRatio,
                    warmup != null ? warmup : Math.min(100, steps / 10), seed, weightDecay, 0.9, 0.95, clip, gumbelNoiseScale,
                    salKeyGradient));
            Weights init;
            if ((model == null) == (preset == null)) throw new IllegalArgumentException("give exactly one of --model DIR or --preset NAME");
            if (model != null) {
                if (!Files.isDirectory(model)) throw new ModelFormatException(model, null, "no such model folder");
                if (embeddingStd != null) throw new IllegalArgumentException("--embedding-std sets a fresh model's initial embedding: use it with --preset, not --model");
                TaipanModel m = TaipanModel.load(model);
                config = overrides(m.config());
                init = m.weights();
                for (String n : Weights.optionalShapes(m.config()).keySet()) {
                    if (init.has(n)) throw new ModelFormatException(model, n, "attention biases are not trained by 'taipan train' (SPEC §4 has none)");
                }
            } else {
                config = overrides(presetConfig());
                init = Weights.random(config, seed, embeddingStd == null ? Weights.DEFAULT_EMBEDDING_STD : embeddingStd);
            }
            weights = new ParamLayout(config).pack(init.tensors());
            runInfo = Json.mapper().createObjectNode();
            recordCommand(runInfo.putArray("command"));
            runInfo.put("working_directory", Path.of("").toAbsolutePath().toString());
            runInfo.put("started", java.time.Instant.now().toString());
        }
        TrainingData trainData = DataSpec.parse(dataItems);
        ArrayNode files = dataFingerprints(dataItems);
        if (ck == null) {
            runInfo.set("data_files", files);
        } else {
            if (runInfo.has("data_files") && !runInfo.get("data_files").toString().equals(files.toString())) {
                throw new IllegalArgumentException("the data files changed since the run started (recorded " + runInfo.get("data_files")
                        + ", now " + files + "): resuming would not continue the same run");
            }
            truncateLog(out.resolve("train_log.jsonl"), ck.step());
        }
        if (stopAt != null && (stopAt <= (ck == null ? 0 : ck.step()) || stopAt > opt.steps())) {
            throw new IllegalArgumentException("--stop-at " + stopAt + " must lie after the current step and at most --steps " + opt.steps());
        }
        if (config.hasLayer(ai.taipan.engine.model.LayerType.SELECTIVE_ATTENTION)
                || config.hasLayer(ai.taipan.engine.model.LayerType.SLIDING_ATTENTION)) {
            if (config.slidingWindow >= opt.seqLen()) {
                o.printf("note: sliding_window %s ≥ --seq-len %d: the window never limits attention in training%n",
                        config.slidingWindow == ModelConfig.UNLIMITED ? "unlimited" : String.valueOf(config.slidingWindow), opt.seqLen());
            }
        }
        try (Trainer tr = new Trainer(config, weights, trainData, opt, nThreads)) {
            if (ck != null) tr.restore(ck.step(), ck.weights(), ck.m(), ck.v());
            return loop(tr, o, ckDir, dataItems, runInfo, outType);
        }
    }

    private int loop(Trainer tr, PrintWriter o, Path ckDir, List<String> dataItems, ObjectNode runInfo, DType outType) {
        Trainer.Options opt = tr.options();
        long end = stopAt != null ? stopAt : opt.steps();
        long first = tr.step();
        int nSal = tr.config().layersOf(ai.taipan.engine.model.LayerType.SELECTIVE_ATTENTION).length;
        o.printf("training %s: %s, %,d parameters, %d threads; data: %s%n", out, tr.config().scheduleString(), tr.layout().size(),
                Math.max(1, Math.min(threads != null ? threads : Runtime.getRuntime().availableProcessors(), opt.batch())),
                DataSpec.parse(dataItems).describe());
        o.flush();
        boolean tty = System.console() != null;
        TrainingData heldOutQuick = DataSpec.parse(dataItems, TextCorpus.Split.VALIDATION);
        double priorSeconds = runInfo.path("train_seconds").asDouble(0);
        long t0 = System.nanoTime();
        Trainer.StepStats st = null;
        double emaLoss = Double.NaN;
        Path log = out.resolve("train_log.jsonl");
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
        }
        while (tr.step() < end) {
            st = tr.trainStep();
            emaLoss = Double.isNaN(emaLoss) ? st.crossEntropy() : 0.9 * emaLoss + 0.1 * st.crossEntropy();
            double sec = (System.nanoTime() - t0) / 1e9;
            long done = tr.step() - first;
            double tps = done * (double) opt.batch() * opt.seqLen() / sec;
            double eta = sec / done * (end - tr.step());
            String line = String.format(Locale.ROOT, "step %d/%d | loss %.4f | ce %.4f | bits/byte %.3f%s | lr %.2e | gnorm %.2f | %,.0f tok/s | ETA %s",
                    tr.step(), opt.steps(), st.loss(), st.crossEntropy(), st.crossEntropy() / Math.log(2), sel(st.selectedFraction()),
                    st.lr(), st.gradNorm(), tps, duration(eta));
            boolean logNow = tr.step() % Math.max(1, logEvery) == 0 || tr.step() == end || done == 1;
            if (tty) {
                o.print("\r" + line + "   ");
                if (logNow && tr.step() == end) o.println();
            } else if (logNow) {
                o.println(line);
            }
            o.flush();
            if (logNow) appendLog(log, st, sec + priorSeconds);
            boolean ckNow = tr.step() == end || (checkpointEvery > 0 && tr.step() % checkpointEvery == 0);
            if (ckNow) {
                runInfo.put("train_seconds", priorSeconds + (System.nanoTime() - t0) / 1e9);
                runInfo.put("final_train_ce", st.crossEntropy());
                Path p = Checkpoint.save(ckDir, tr, dataItems, runInfo);
                if (tty) o.println();
                // a quick held-out look in eval mode: the SAL's inference-time selection can lag far behind the
                // training-time fraction under Gumbel noise (see MODEL_CARD), so show both as training goes
                String look = "";
                if (evalSequences > 0 && heldOutQuick != null) {
                    Trainer.Evaluation ev = tr.evaluate(heldOutQuick, Math.min(4, evalSequences), opt.seed() ^ 0x5EEDL);
                    look = String.format(Locale.ROOT, " | held-out ce %.4f (%.3f bits/byte)%s", ev.crossEntropy(),
                            ev.crossEntropy() / Math.log(2), nSal > 0 ? " | eval-mode" + sel(ev.selectedFraction()).substring(2) : "");
                    appendEval(log, tr.step(), ev);
                }
                o.printf("checkpoint %s%s%n", p, look);
                o.flush();
            }
        }
        double trainSeconds = priorSeconds + (System.nanoTime() - t0) / 1e9;
        if (tr.step() < opt.steps()) {
            o.printf("stopped at step %d of %d (--stop-at); continue with: taipan train --resume --out %s%n", tr.step(), opt.steps(), out);
            return 0;
        }
        // the finished model: a normal model folder plus its card
        TrainingData heldOut = DataSpec.parse(dataItems, TextCorpus.Split.VALIDATION);
        Trainer.Evaluation ev = evalSequences > 0 ? tr.evaluate(heldOut, evalSequences, opt.seed() ^ 0x5EEDL) : null;
        double valCe = ev != null ? ev.crossEntropy() : Double.NaN;
        tr.modelWeights().save(out.resolve("model.safetensors"), outType);
        tr.config().write(out.resolve("config.json"));
        String card = ModelCard.render(tr, dataItems, DataSpec.parse(dataItems).describe(), runInfo, trainSeconds,
                st != null ? st.crossEntropy() : runInfo.path("final_train_ce").asDouble(Double.NaN), valCe, evalSequences,
                st != null ? st.selectedFraction() : new double[nSal], ev != null ? ev.selectedFraction() : null, outType);
        AtomicFiles.writeString(out.resolve("MODEL_CARD.md"), card);
        o.printf(Locale.ROOT, "done: %d steps, %,d tokens, %s; held-out ce %.4f (%.3f bits/byte)%s; wrote %s%n", tr.step(),
                tr.step() * opt.batch() * (long) opt.seqLen(), duration(trainSeconds), valCe, valCe / Math.log(2),
                ev != null && nSal > 0 ? ", eval-mode" + sel(ev.selectedFraction()) .substring(2) : "", out);
        return 0;
    }

    private static void appendEval(Path log, long step, Trainer.Evaluation ev) {
        ObjectNode j = Json.mapper().createObjectNode();
        j.put("step", step);
        j.put("heldout_ce", ev.crossEntropy());
        ArrayNode a = j.putArray("eval_selected");
        for (double v : ev.selectedFraction()) a.add(v);
        try {
            Files.writeString(log, j.toString() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + log + ": " + e.getMessage(), e);
        }
    }

    /** Size and SHA-256 of every text file among the data items (tasks are code, not files). */
    static ArrayNode dataFingerprints(List<String> items) {
        ArrayNode a = Json.mapper().createArrayNode();
        for (String item : items) {
            String src = item.lastIndexOf('@') >= 0 ? item.substring(0, item.lastIndexOf('@')) : item;
            if (src.startsWith("task:")) continue;
            Path f = Path.of(src.startsWith("text:") ? src.substring(5) : src);
            try {
                ObjectNode o = a.addObject();
                o.put("path", f.toString());
                o.put("bytes", Files.size(f));
                o.put("sha256", Checkpoint.sha256(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read data file " + f + ": " + e.getMessage(), e);
            }
        }
        return a;
    }

    /** On resume: drops log lines of steps after the checkpoint (the killed run's tail, which is replayed). */
    private static void truncateLog(Path log, long step) {
        if (!Files.exists(log)) return;
        try {
            StringBuilder keep = new StringBuilder();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                try {
                    if (Json.mapper().readTree(line).path("step").asLong(Long.MAX_VALUE) <= step) keep.append(line).append('\n');
                } catch (IOException ignored) { /* a torn last line of a killed run */ }
            }
            AtomicFiles.writeString(log, keep.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + log + ": " + e.getMessage(), e);
        }
    }

    private static String sel(double[] f) {
        if (f.length == 0) return "";
        StringBuilder sb = new StringBuilder(" | selected");
        for (double v : f) sb.append(String.format(Locale.ROOT, " %.3f", v));
        return sb.toString();
    }

    static String duration(double s) {
        if (!Double.isFinite(s)) return "?";
        long t = Math.round(s);
        if (t < 60) return t + "s";
        if (t < 3600) return String.format("%dm%02ds", t / 60, t % 60);
        return String.format("%dh%02dm", t / 3600, (t % 3600) / 60);
    }

    private static void appendLog(Path log, Trainer.StepStats st, double seconds) {
        ObjectNode j = Json.mapper().createObjectNode();
        j.put("step", st.step());
        j.put("loss", st.loss());
        j.put("ce", st.crossEntropy());
        j.put("lr", st.lr());
        j.put("grad_norm", st.gradNorm());
        ArrayNode a = j.putArray("selected");
        for (double v : st.selectedFraction()) a.add(v);
        j.put("seconds", seconds);
        try {
            Files.writeString(log, j.toString() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + log + ": " + e.getMessage(), e);
        }
    }

    private ModelConfig presetConfig() {
        return new PresetShape(PresetShape.parsePreset(preset), hiddenSize, layers, vocab, stateSize, headDim, expand, nGroups,
                null, attentionHeads, intermediateSize, null, null, untied).build();
    }

    /** Options that never change the result: the only ones a resumed run takes (a branch also takes --capacity/--capacity-anneal). */
    private static final List<String> RUN_CONTROL = List.of("--out", "--resume", "--branch-from", "--checkpoint-every", "--stop-at",
            "--threads", "--dtype", "--log-every", "--eval-sequences");

    /** A new run (fresh or branched) never writes into a folder that holds another run's checkpoints. */
    private void refuseExistingRun(Path ckDir, String hint) {
        Path latest = ckDir.resolve(Checkpoint.LATEST);
        if (Files.exists(latest)) throw new IllegalArgumentException(out + " already holds a training run (" + latest + "): " + hint);
    }

    /** The options with --capacity-anneal applied (unchanged without it), for a fresh run and for a branch alike. */
    private Trainer.Options withAnneal(Trainer.Options o) {
        if (capacityAnneal == null) return o;
        double[] a = parseAnneal(capacityAnneal);
        return o.withCapacityAnneal(a[0], (int) a[1], (int) a[2]);
    }

    /** "taipan train" and this invocation's arguments, for the card. */
    private void recordCommand(ArrayNode args) {
        args.add("taipan");
        args.add("train");
        List<String> orig = spec.commandLine().getParseResult().originalArgs();
        // under TaipanCli the original args start with the subcommand's name (and any global options)
        int from = spec.parent() != null ? orig.indexOf(spec.name()) + 1 : 0;
        orig.subList(from, orig.size()).forEach(args::add);
    }

    /** "C0:STEPS" → {C0, 0, STEPS}, "C0:FROM:STEPS" → {C0, FROM, STEPS}; a clear error otherwise. */
    static double[] parseAnneal(String spec) {
        String[] p = spec.split(":");
        try {
            if (p.length != 2 && p.length != 3) throw new NumberFormatException();
            double c0 = Double.parseDouble(p[0].strip());
            int from = p.length == 3 ? Integer.parseInt(p[1].strip()) : 0;
            int n = Integer.parseInt(p[p.length - 1].strip());
            if (n <= 0 || from < 0 || from >= n) throw new NumberFormatException();
            return new double[]{c0, from, n};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--capacity-anneal must be C0:STEPS with STEPS > 0, or C0:FROM:STEPS with "
                    + "0 <= FROM < STEPS (e.g. 1.0:4000 or 1.0:6000:7500), got '" + spec + "'");
        }
    }

    /** Applies --window/--sal-rope/--capacity/--gumbel-tau/--budget-loss-weight; the config re-validates (naming the field). */
    private ModelConfig overrides(ModelConfig c) {
        if (window == null && salRope == null && capacity == null && gumbelTau == null && budgetWeight == null) return c;
        ModelConfig.Builder b = c.toBuilder();
        if (window != null) b.slidingWindow = window;
        if (salRope != null) b.salRope = salRope;
        if (capacity != null) b.capacity = capacity;
        if (gumbelTau != null) b.gumbelTau = gumbelTau;
        if (budgetWeight != null) b.budgetLossWeight = budgetWeight;
        return b.build();
    }

    static DType parseDtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            default -> throw new IllegalArgumentException("--dtype: '" + s + "' is not f32, f16 or bf16");
        };
    }

    /** The recorded command of a run as one shell line. */
    static String commandLine(JsonNode run) {
        return commandLineOf(run.path("command"));
    }

    /** One recorded argument list (e.g. a branch's "command") as a shell line. */
    static String commandLineOf(JsonNode args) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode a : args) {
            String s = a.asText();
            if (sb.length() > 0) sb.append(' ');
            sb.append(s.matches("[A-Za-z0-9_./:@,=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
