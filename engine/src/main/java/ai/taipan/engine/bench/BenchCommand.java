package ai.taipan.engine.bench;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.DType;
import ai.taipan.engine.kernel.DispatchTable;
import ai.taipan.engine.kernel.KernelCalibration;
import ai.taipan.engine.kernel.Kernels;
import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Parallel;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.PresetShape;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.Session;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code taipan bench}: how fast a model runs on this machine, next to what the machine could do.
 *
 * <p>One run measures, in order:
 * <ol>
 *   <li>with {@code --calibrate}: both kernel paths timed on the model's own weight shapes, written
 *       to the dispatch table that {@code --kernels auto} follows ({@link KernelCalibration}), then,
 *       when some verdict is ND4J, the in-model check (prefill all-vector vs with the verdicts,
 *       {@link DispatchTable.ModelCheck}; a table that does not speed the model up is not followed); in
 *       every run, the path that serves each shape's matvec and prefill matmul ("kernel_dispatch");</li>
 *   <li>hardware limits ({@link HardwareProbe}): streaming read bandwidth and FMA peak, all cores —
 *       after a warm-up of the model (prefills and decode steps until the JIT is quiet), because the probe's own vector
 *       loops compiled first made C2 compile the model's kernels badly in some processes (see run());</li>
 *   <li>decode (tg, like llama-bench tg128): tokens/s for N steps from an empty context (and the heap
 *       bytes each token allocated: a healthy step allocates a few KB, one whose Vector API values the
 *       JIT left boxed allocates MBs and is flagged "kernels_boxed"), and its
 *       ratio to the bandwidth roofline = bandwidth ÷ weight bytes read per token, the bandwidth read
 *       again right before and after each run (the machine's bandwidth drifts on a shared VM);</li>
 *   <li>prefill (pp512, pp2048): tokens/s with logits for the last position only (as llama-bench),
 *       and its ratio to the FLOP roofline = FMA peak ÷ FLOPs per token; each length after one
 *       untimed run of it (llama-bench's warm-up run);</li>
 *   <li>a context sweep (default 1K … 1M): prefill time, decode latency per token at that depth,
 *       session state bytes and process peak RSS. A context whose predicted memory (weights +
 *       attention caches at that length) exceeds the heap is reported as "out_of_memory", not run.</li>
 * </ol>
 * Results go to a table on stdout and to JSON ({@code --json}); rows are written as they finish,
 * and Ctrl-C (a shutdown hook) leaves the finished rows printed and written.
 *
 * <p>Inputs are random token ids (seeded): speed does not depend on the text.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure decode/prefill speed, a context sweep and the machine's own limits (JSON + table).")
public final class BenchCommand implements Callable<Integer> {
    /** Version of the JSON layout below; bump when a field changes meaning. */
    public static final String SCHEMA = "taipan-bench/1";

    @Option(names = "--model", description = "Model folder (config.json + model.safetensors).")
    Path model;

    @Option(names = "--preset", description = "Build random weights in memory for a preset shape: ${COMPLETION-CANDIDATES}.",
            converter = PresetConverter.class, completionCandidates = PresetNames.class)
    Preset preset;

    @Option(names = "--hidden-size", defaultValue = "768", description = "Preset shape: D (default ${DEFAULT-VALUE}).") int hiddenSize;
    @Option(names = "--layers", defaultValue = "24", description = "Preset shape: layers (default ${DEFAULT-VALUE}).") int layers;
    @Option(names = "--state-size", defaultValue = "128", description = "Preset shape: Mamba-2 N (default ${DEFAULT-VALUE}).") int stateSize;
    @Option(names = "--head-dim", defaultValue = "64", description = "Preset shape: Mamba-2 P (default ${DEFAULT-VALUE}).") int headDim;
    @Option(names = "--expand", defaultValue = "2", description = "Preset shape: d_inner = E·D (default ${DEFAULT-VALUE}).") int expand;
    @Option(names = "--vocab", defaultValue = "50288", description = "Preset shape: V (default ${DEFAULT-VALUE}, as mamba2-130m).") int vocab;
    @Option(names = "--chunk-size", defaultValue = "256", description = "Preset shape: SSD chunk / prefill block (default ${DEFAULT-VALUE}).") int chunkSize;
    @Option(names = {"--num-attention-heads", "--attention-heads"}, description = "Default: hidden-size / 16, as taipan init.")
    Integer attentionHeads;
    @Option(names = "--intermediate-size", description = "SwiGLU width. Default: 8/3 · hidden-size rounded up to 8, as taipan init.")
    Integer intermediateSize;
    @Option(names = "--window", defaultValue = "2048", description = "sliding_window of SAL / sliding attention.") int window;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights and token ids.") long seed;

    @Option(names = "--dtype", defaultValue = "f32", description = "Weight storage in the kernels: f32, f16, bf16.")
    String dtype;

    @Option(names = "--kernels", defaultValue = "auto", description = "Kernel path: auto, vector, nd4j, scalar.")
    String kernels;

    @Option(names = "--calibrate", description = "Time both kernel paths (vector, ND4J) on this model's weight shapes first and "
            + "write the dispatch table that --kernels auto follows (user cache dir, or -Dtaipan.kernels.table).")
    boolean calibrate;

    @Option(names = "--calibrate-ms", defaultValue = "40", description = "Length of one timed calibration block, ms (5 per path and shape).")
    int calibrateMs;

    @Option(names = "--decode-tokens", defaultValue = "128", description = "Decode steps timed (tg128).")
    int decodeTokens;

    @Option(names = "--prefill", defaultValue = "512,2048", split = ",", description = "Prefill lengths (pp).")
    List<String> prefill;

    @Option(names = "--sweep", defaultValue = "1K,4K,16K,64K,256K,1M", split = ",",
            description = "Context lengths of the sweep (K = 1024, M = 1048576); 'none' skips it.")
    List<String> sweep;

    /** Untimed decode steps before the timed ones at each sweep depth (see the sweep loop). */
    static final int SWEEP_DECODE_WARMUP = 256;

    @Option(names = "--sweep-decode", defaultValue = "8", description = "Decode steps timed at each sweep depth.")
    int sweepDecode;

    @Option(names = "--repeat", defaultValue = "3", description = "Repetitions of decode and prefill (median reported).")
    int repeat;

    @Option(names = "--probe-mb", defaultValue = "1024", description = "Buffer streamed by the bandwidth probe (MiB; at most half the heap the model leaves free).")
    int probeMb;

    @Option(names = "--probe-ms", defaultValue = "200", description = "Length of one FMA-peak run (ms).")
    int probeMs;

    @Option(names = "--memory-limit", description = "Memory the sweep may plan for, e.g. 8G (default: the JVM max heap).")
    String memoryLimit;

    @Option(names = "--json", defaultValue = "bench.json", description = "Where the JSON goes.")
    Path json;

    private final PrintStream out;
    private final ObjectNode result = Json.mapper().createObjectNode();
    private volatile boolean finished;

    public BenchCommand() { this(System.out); }

    BenchCommand(PrintStream out) { this.out = out; }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() {
        if ((model == null) == (preset == null)) throw new CommandLine.ParameterException(
                new CommandLine(this), "give exactly one of --model DIR or --preset NAME");
        String storage = dtype.toLowerCase(Locale.ROOT);
        if (!List.of("f32", "f16", "bf16").contains(storage)) throw new CommandLine.ParameterException(
                new CommandLine(this), "--dtype must be f32, f16 or bf16, not " + dtype);
        List<Integer> pp = parseLengths(prefill, "--prefill");
        List<Integer> contexts = sweep.size() == 1 && sweep.get(0).equalsIgnoreCase("none") ? List.of() : parseLengths(sweep, "--sweep");
        long limit = memoryLimit == null ? Runtime.getRuntime().maxMemory() : parseBytes(memoryLimit);

        // the kernels read these when the model wraps its weights (Matrices.of)
        String oldWeights = System.getProperty("taipan.weights"), oldKernels = System.getProperty("taipan.kernels");
        System.setProperty("taipan.weights", storage);
        System.setProperty("taipan.kernels", kernels.toLowerCase(Locale.ROOT));
        Kernels.path(); // fails early on a bad --kernels
        Thread hook = new Thread(this::interrupted, "taipan-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            result.put("schema", SCHEMA);
            result.put("complete", false);
            machine();
            TaipanModel m = build();
            if (calibrate) m = calibrate(m, storage);
            describe(m, storage);
            dispatch(m, storage);
            warmUp(m);
            // The hardware probe runs after the model's warm-up, not before it (engine/BENCHMARKS.md §21): with
            // the probe's Vector API loops run first, 7 of 16 processes of one harness then ran the model's
            // kernels 1.5 to 15 times slower for their whole life (prefill 45-512 instead of ~750 tok/s on the
            // mamba2-130m shape) — C2 compiled parts of them without their vector intrinsics ("failed to
            // inline (intrinsic)" in -XX:+PrintInlining), depending on what it had profiled first. With the
            // model compiled first: 0 of 16 there, 1 of 10 in a second series (4 of 11 with the probe first).
            // Rarer, not gone: the JSON keeps every repetition and flags a process whose kernels run boxed.
            HardwareProbe.Limits hw = hardware();
            decode(m);
            bandwidth = null;
            System.gc(); // drop the probe buffer before anything else is measured
            prefill(m, hw, pp);
            sweep(m, contexts, limit);
            result.put("complete", true);
            finished = true;
            write();
            out.println("JSON: " + json.toAbsolutePath());
            return 0;
        } finally {
            finished = true;
            try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException ignored) { }
            restore("taipan.weights", oldWeights);
            restore("taipan.kernels", oldKernels);
        }
    }

    // ---- the stages

    private void machine() {
        ObjectNode m = result.putObject("machine");
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("kernel_threads", Parallel.threads());
        m.put("cpu", cpuName());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put("vector_api", Kernels.vectorAvailable());
    }

    /** The bandwidth probe's reader, held from the hardware probe to the end of decode. */
    private HardwareProbe.Bandwidth bandwidth;

    private HardwareProbe.Limits hardware() {
        // the model is in memory now: stream at most half of what the heap has left (the buffer only has to
        // be far larger than the last-level cache; the JSON records the size used)
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long bytes = Math.max(1L << 20, Math.min((long) probeMb << 20, free / 2 / (1 << 20) * (1 << 20)));
        out.printf("Measuring hardware limits (%d MiB streamed, %d threads)...%n", bytes >> 20, Parallel.threads());
        bandwidth = new HardwareProbe.Bandwidth(bytes); // kept for decode's reads beside each run
        HardwareProbe.Limits hw = HardwareProbe.measure(bandwidth, 5, probeMs);
        ObjectNode h = result.putObject("hardware");
        h.put("read_gb_per_s", hw.readGBps());
        h.put("read_streams_per_thread", hw.readStreams());
        ObjectNode bys = h.putObject("read_gb_per_s_by_streams");
        StringBuilder each = new StringBuilder();                  // the same figures for the table
        for (int i = 0; i < HardwareProbe.Limits.STREAMS.length; i++) {
            int streams = HardwareProbe.Limits.STREAMS[i];
            double gbps = hw.readGBpsByStreams()[i];
            bys.put(Integer.toString(streams), gbps);
            each.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %.1f", streams, gbps));
        }
        h.put("fma_gflops", hw.fmaGflops());
        h.put("threads", hw.threads());
        h.put("vector_lanes", hw.vectorLanes());
        h.put("buffer_bytes", hw.bufferBytes());
        h.put("runs", hw.runs());
        out.printf("  memory read bandwidth  %8.1f GB/s (streams per thread %s)%n  FMA peak               %8.1f GFLOP/s%n",
                hw.readGBps(), each, hw.fmaGflops());
        return hw;
    }

    private TaipanModel build() {
        long t0 = System.nanoTime();
        TaipanModel m;
        if (model != null) {
            out.println("Loading " + model + " ...");
            m = TaipanModel.load(model);
        } else {
            ModelConfig c = presetConfig();
            out.printf("Building random %s weights (%d layers, hidden %d, vocab %d) ...%n", preset.key(), layers, hiddenSize, vocab);
            m = new TaipanModel(c, Weights.random(c, seed), new ByteTokenizer(c.vocabSize));
        }
        result.put("load_seconds", (System.nanoTime() - t0) / 1e9);
        return m;
    }

    ModelConfig presetConfig() {
        return new PresetShape(preset, hiddenSize, layers, vocab, stateSize, headDim, expand, 1, chunkSize,
                attentionHeads, intermediateSize, window, null, false).build();
    }

    private void describe(TaipanModel m, String storage) {
        ModelConfig c = m.config();
        ObjectNode n = result.putObject("model");
        n.put("source", model != null ? model.toAbsolutePath().toString() : "preset:" + preset.key());
        n.set("config", c.toJson());
        n.put("parameters", m.parameterCount());
        n.put("dtype", storage);
        n.put("kernels", kernels.toLowerCase(Locale.ROOT));
        n.put("weight_bytes_per_token", weightBytesPerToken(m, storage));
        // the SSD's intra-chunk work depends on the chunk the engine runs (layers.Ssd.chunkFor), not on chunk_size
        n.put("prefill_flops_per_token", prefillFlopsPerToken(c, ai.taipan.engine.layers.Ssd.chunkFor(c.chunkSize)));
        out.printf("Model: %s, %,d parameters, %s weights, kernels %s%n", n.get("source").asText(), m.parameterCount(), storage, n.get("kernels").asText());
    }

    /** The distinct weight-matrix shapes of a model (rows, cols), in tensor order, with how many matrices have each. */
    static java.util.Map<KernelCalibration.Shape, Integer> matrixShapes(TaipanModel m) {
        java.util.Map<KernelCalibration.Shape, Integer> shapes = new java.util.LinkedHashMap<>();
        ModelConfig c = m.config();
        for (String name : m.weights().tensors().keySet()) {
            boolean head = name.equals("backbone.embeddings.weight") && c.tieWordEmbeddings;
            if (!head && !isMatrix(name)) continue;
            long[] sh = m.weights().shape(name);
            shapes.merge(new KernelCalibration.Shape((int) sh[0], (int) sh[1]), 1, Integer::sum);
        }
        return shapes;
    }

    /** Token counts calibrated: 1 (decode matvec), a small block, and the prefill chunk. */
    static int[] calibrationTokens(ModelConfig c) {
        return java.util.stream.IntStream.of(1, Math.min(16, c.chunkSize), c.chunkSize).filter(t -> t >= 1).distinct().sorted().toArray();
    }

    /**
     * {@code --calibrate}: measures both paths on this model's shapes, merges the result into the
     * dispatch table file (atomically), and rebuilds the model's matrices so that AUTO follows it.
     */
    private TaipanModel calibrate(TaipanModel m, String storage) {
        java.nio.file.Path file = Kernels.dispatchTableFile();
        DType d = DType.parse(storage.toUpperCase(Locale.ROOT));
        int[] tokens = calibrationTokens(m.config());
        out.printf("Calibrating kernel paths on %d weight shapes x tokens %s (%s weights) ...%n",
                matrixShapes(m).size(), Arrays.toString(tokens), storage);
        long t0 = System.nanoTime();
        // the all-vector side of the in-model check is timed first, before anything loads ND4J:
        // that is the process it stands for (no table: ND4J never loaded). See fastestPrefill.
        TaipanModel vec = withKernels("vector", () -> new TaipanModel(m.config(), m.weights(), m.tokenizer()));
        int checkTokens = 2 * chunkOf(m.config());
        int[] checkIds = randomIds(m.config().vocabSize, checkTokens, seed + 7);
        double vectorMs = fastestPrefill(vec, checkIds);
        vec = null;
        DispatchTable measured = KernelCalibration.measure(matrixShapes(m).keySet(), d, tokens, calibrateMs * 1_000_000L, out::println);
        DispatchTable written = KernelCalibration.writeMerged(file, measured);
        ObjectNode cal = result.putObject("calibration");
        cal.put("file", file.toAbsolutePath().toString());
        cal.set("entries", measured.toJson().get("entries"));
        boolean anyNd4j = matrixShapes(m).keySet().stream().anyMatch(s -> written.anyNd4j(d, s.rows(), s.cols()));
        if (anyNd4j) {
            // the in-model check (DispatchTable.ModelCheck): the same prefill, all-vector vs the verdicts
            TaipanModel auto = withKernels("auto", () -> new TaipanModel(m.config(), m.weights(), m.tokenizer()));
            DispatchTable.ModelCheck check = new DispatchTable.ModelCheck(checkTokens, vectorMs, fastestPrefill(auto, checkIds));
            written.withCheck(check).write(file);
            ObjectNode c = cal.putObject("model_check");
            check.writeTo(c);
            c.put("followed", check.followed());
            out.printf("In-model check, prefill %d tokens: all-vector %.1f ms, with the verdicts %.1f ms -> %s%n",
                    check.tokens(), check.vectorMillis(), check.autoMillis(),
                    check.followed() ? "table followed" : "table not followed (auto = vector)");
        }
        cal.put("seconds", (System.nanoTime() - t0) / 1e9);
        out.println("Dispatch table written: " + file.toAbsolutePath());
        write();
        return new TaipanModel(m.config(), m.weights(), m.tokenizer()); // re-wrap the weights under the new table
    }

    /** Builds something with taipan.kernels set to {@code path}, then puts the property back. */
    private static <T> T withKernels(String path, java.util.function.Supplier<T> build) {
        String old = System.getProperty("taipan.kernels");
        System.setProperty("taipan.kernels", path);
        try {
            return build.get();
        } finally {
            restore("taipan.kernels", old);
        }
    }

    /**
     * The in-model check's timing: prefill of two prefill blocks (2·chunk_size tokens, last-token
     * logits), 2 untimed runs (JIT), then the fastest of 3. Each side runs in its own conditions —
     * all-vector before the calibration first loads ND4J, the verdicts after — and not alternating:
     * measured in one process, the first all-vector run after a run of the other model took 4479 ms
     * against 2166–2365 otherwise (the JIT re-optimising the shared call sites), and after ND4J was
     * loaded the all-vector model stayed slower than in a fresh process. The fastest of 3 is the run
     * least disturbed by a shared machine.
     */
    private static double fastestPrefill(TaipanModel model, int[] ids) {
        Session s = model.newSession();
        s.prefill(ids);
        s.reset();
        s.prefill(ids);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 3; r++) best = Math.min(best, timePrefill(s, ids));
        return best;
    }

    private static double timePrefill(Session s, int[] ids) {
        s.reset();
        long t0 = System.nanoTime();
        s.prefill(ids);
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Which path serves each shape's decode (T = 1) and prefill-chunk calls, as the model was built. */
    private void dispatch(TaipanModel m, String storage) {
        Kernels.Path requested = Kernels.path();
        DType d = DType.parse(storage.toUpperCase(Locale.ROOT));
        int chunk = chunkOf(m.config());
        ObjectNode n = result.putObject("kernel_dispatch");
        n.put("requested", requested.name().toLowerCase(Locale.ROOT));
        n.put("table", Kernels.dispatchTableFile().toAbsolutePath().toString());
        n.put("status", Kernels.dispatchStatus());
        ArrayNode rows = n.putArray("shapes");
        out.printf("Kernels (%s): %s%n", requested.name().toLowerCase(Locale.ROOT), Kernels.dispatchStatus());
        out.printf("  %-14s %8s %10s %14s%n", "shape", "matrices", "matvec", "matmul T=" + chunk);
        for (var e : matrixShapes(m).entrySet()) {
            KernelCalibration.Shape s = e.getKey();
            Kernels.Path pv = Matrices.planned(d, s.rows(), s.cols(), 1, requested);
            Kernels.Path pm = Matrices.planned(d, s.rows(), s.cols(), chunk, requested);
            ObjectNode r = rows.addObject();
            r.put("rows", s.rows());
            r.put("cols", s.cols());
            r.put("matrices", e.getValue());
            r.put("matvec", pv.name().toLowerCase(Locale.ROOT));
            r.put("matmul_tokens", chunk);
            r.put("matmul", pm.name().toLowerCase(Locale.ROOT));
            out.printf("  %-14s %8d %10s %14s%n", s.rows() + "x" + s.cols(), e.getValue(),
                    pv.name().toLowerCase(Locale.ROOT), pm.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Most warm-up rounds, and the JIT share of a round below which the JIT counts as done. */
    static final int WARMUP_MAX_ROUNDS = 12;
    static final double WARMUP_QUIET_SHARE = 0.02;

    /**
     * Gets the kernels compiled (the Vector API is ~100× slower before C2 compiles it): rounds of a
     * prefill and 64 decode steps until a round spends under 2% of its time compiling (the JVM's
     * total compilation time; at least two rounds, at most {@link #WARMUP_MAX_ROUNDS}). Two fixed rounds
     * with 16 steps, as before, left 90–190 ms of compiling inside the timed decode runs on the
     * mamba2-130m shape (engine/BENCHMARKS.md §22). JSON "warmup".
     */
    private void warmUp(TaipanModel m) {
        Session s = m.newSession();
        int[] ids = randomIds(m.config().vocabSize, Math.max(2 * chunkOf(m.config()), 64), seed + 99);
        long start = System.nanoTime();
        int rounds = 0;
        double lastShare;
        do {
            long j0 = jitMillis(), t0 = System.nanoTime();
            s.reset();
            s.prefill(ids);
            for (int i = 0; i < 64; i++) s.stepShared(ids[i % ids.length]);
            rounds++;
            long jit = jitMillis() - j0;
            lastShare = jit < 0 ? 0 : jit / ((System.nanoTime() - t0) / 1e6);
        } while (rounds < WARMUP_MAX_ROUNDS && (rounds < 2 || lastShare >= WARMUP_QUIET_SHARE));
        ObjectNode w = result.putObject("warmup");
        w.put("rounds", rounds);
        w.put("seconds", (System.nanoTime() - start) / 1e9);
        w.put("last_round_jit_share", lastShare);
    }

    /** The JVM's total JIT compilation time so far (ms), or -1 where it is not measured. */
    static long jitMillis() {
        java.lang.management.CompilationMXBean cb = java.lang.management.ManagementFactory.getCompilationMXBean();
        return cb != null && cb.isCompilationTimeMonitoringSupported() ? cb.getTotalCompilationTime() : -1;
    }

    /**
     * tg: {@code repeat} runs of N steps from an empty context, the memory bandwidth read right before
     * and after each (the higher of the two is that run's; {@link HardwareProbe.Bandwidth}), so the
     * roofline is the machine's bandwidth at the time of the run, not of the probe seconds earlier.
     */
    private void decode(TaipanModel m) {
        if (decodeTokens <= 0) return;
        Session s = m.newSession();
        int[] ids = randomIds(m.config().vocabSize, decodeTokens, seed + 1);
        long bytes = result.get("model").get("weight_bytes_per_token").asLong();
        int runs = Math.max(1, repeat);
        double[] tps = new double[runs], gbps = new double[runs], ratios = new double[runs], alloc = new double[runs], jit = new double[runs];
        double before = bandwidth.read();
        for (int r = 0; r < runs; r++) {
            s.reset();
            long a0 = allocatedBytes(), j0 = jitMillis(), t0 = System.nanoTime();
            for (int id : ids) s.stepShared(id); // logits in the session's buffer, not copied (llama-bench copies none either)
            tps[r] = decodeTokens / ((System.nanoTime() - t0) / 1e9);
            jit[r] = jitMillis() - j0;
            alloc[r] = (double) (allocatedBytes() - a0) / decodeTokens;
            double after = bandwidth.read();
            gbps[r] = Math.max(before, after);
            ratios[r] = tps[r] / (gbps[r] * 1e9 / bytes);
            before = after;
        }
        double med = median(tps), medBw = median(gbps);
        double roof = medBw * 1e9 / bytes;
        ObjectNode d = result.putObject("decode");
        d.put("tokens", decodeTokens);
        d.put("tokens_per_s", med);
        d.set("runs_tokens_per_s", doubles(tps));
        d.put("weight_bytes_per_token", bytes);
        d.put("read_gb_per_s", medBw);
        d.set("runs_read_gb_per_s", doubles(gbps));
        d.put("roofline_tokens_per_s", roof);
        d.put("ratio_to_roofline", med / roof);
        d.set("runs_ratio_to_roofline", doubles(ratios));
        allocation(d, alloc);
        d.set("runs_jit_ms", doubles(jit)); // JIT compiling during each run (the JVM's total; 0 when warm)
        out.printf("%nDecode tg%d: %.1f tok/s (bandwidth roofline %.1f tok/s at %.1f MB/token and %.1f GB/s read beside the runs: ratio %.2f)%n",
                decodeTokens, med, roof, bytes / 1e6, medBw, med / roof);
        warnIfBoxed(d, "decode", 0); // stepShared: no logits copy
        write();
    }

    private void prefill(TaipanModel m, HardwareProbe.Limits hw, List<Integer> lengths) {
        ArrayNode rows = result.putArray("prefill");
        double flops = result.get("model").get("prefill_flops_per_token").asDouble();
        Session s = m.newSession();
        for (int n : lengths) {
            int[] ids = randomIds(m.config().vocabSize, n, seed + n);
            // one untimed run of the same length first, as llama-bench does before its repetitions. (What
            // engine/BENCHMARKS.md §21 saw in some processes — prefill ~25% slow for its first seconds after
            // decode — was boxed vectors in SiLU's e^x, §22; allocated_bytes_per_token now shows such a run.)
            s.reset();
            s.prefill(ids);
            double[] tps = new double[Math.max(1, repeat)], alloc = new double[tps.length], jit = new double[tps.length];
            for (int r = 0; r < tps.length; r++) {
                s.reset();
                long a0 = allocatedBytes(), j0 = jitMillis(), t0 = System.nanoTime();
                s.prefill(ids); // logits for the last position only, as llama-bench
                tps[r] = n / ((System.nanoTime() - t0) / 1e9);
                jit[r] = jitMillis() - j0;
                alloc[r] = (double) (allocatedBytes() - a0) / n;
            }
            double med = median(tps);
            double roof = hw.fmaGflops() * 1e9 / flops;
            ObjectNode row = rows.addObject();
            row.put("tokens", n);
            row.put("tokens_per_s", med);
            row.set("runs_tokens_per_s", doubles(tps));
            row.put("logits", "last position only");
            row.put("warmup_runs", 1);
            row.put("flops_per_token", flops);
            row.put("roofline_tokens_per_s", roof);
            row.put("ratio_to_roofline", med / roof);
            allocation(row, alloc);
            row.set("runs_jit_ms", doubles(jit));
            out.printf("Prefill pp%d: %.1f tok/s (FLOP roofline %.0f tok/s at %.2f GFLOP/token: ratio %.2f; logits for the last position only)%n",
                    n, med, roof, flops / 1e9, med / roof);
            warnIfBoxed(row, "prefill pp" + n, 4.0 * m.config().vocabSize / n);
            write();
        }
    }

    private void sweep(TaipanModel m, List<Integer> contexts, long limit) {
        ArrayNode rows = result.putArray("sweep");
        if (contexts.isEmpty()) return;
        ModelConfig c = m.config();
        out.printf("%nContext sweep (memory limit %.2f GB)%n", limit / 1e9);
        out.printf("%10s %14s %12s %14s %14s %14s  %s%n", "context", "prefill s", "prefill t/s", "decode ms/tok", "state bytes", "peak RSS", "status");
        Session s = m.newSession();
        System.gc();
        long baseHeap = usedHeap();
        boolean outOfMemory = false;
        for (int n : contexts) {
            ObjectNode row = Json.mapper().createObjectNode();
            row.put("context", n);
            long predicted = baseHeap + predictStateGrowth(c, n);
            row.put("predicted_bytes", predicted);
            if (outOfMemory || predicted > 0.9 * limit) {
                outOfMemory = true;
                row.put("status", "out_of_memory");
                row.put("message", String.format("out of memory at %d tokens: predicted %.2f GB > 90%% of %.2f GB", n, predicted / 1e9, limit / 1e9));
                synchronized (rows) { rows.add(row); }
                out.printf("%10d %14s %12s %14s %14s %14s  %s%n", n, "-", "-", "-", "-", "-", row.get("message").asText());
                write();
                continue;
            }
            s.reset();
            System.gc();
            boolean hwmReset = resetPeakRss();
            SplittableRandom rnd = new SplittableRandom(seed + n);
            int seg = 4096;
            int[] ids = new int[seg];
            long t0 = System.nanoTime();
            for (int done = 0; done < n; done += seg) { // streamed: the bench holds no context-length buffer either
                int k = Math.min(seg, n - done);
                int[] part = k == seg ? ids : new int[k];
                for (int i = 0; i < k; i++) part[i] = rnd.nextInt(c.vocabSize);
                s.prefill(part);
            }
            double prefillSec = (System.nanoTime() - t0) / 1e9;
            // The first decode steps after a long prefill run cold (measured on mamba2-small at 256K:
            // 0.138 ms/token for the first 2048 steps, then 0.072, the same as a fresh session at 1K;
            // no subnormal appeared in the SSM state). That is JVM warm-up, not depth, so untimed steps
            // come first; they add SWEEP_DECODE_WARMUP tokens to the depth, negligible beside n.
            for (int i = 0; i < SWEEP_DECODE_WARMUP; i++) s.stepShared(rnd.nextInt(c.vocabSize));
            long t1 = System.nanoTime();
            for (int i = 0; i < sweepDecode; i++) s.stepShared(rnd.nextInt(c.vocabSize));
            double decodeMs = sweepDecode > 0 ? (System.nanoTime() - t1) / 1e6 / sweepDecode : Double.NaN;
            row.put("status", "ok");
            row.put("prefill_seconds", prefillSec);
            row.put("prefill_tokens_per_s", n / prefillSec);
            row.put("decode_ms_per_token", decodeMs);
            row.put("decode_warmup_steps", SWEEP_DECODE_WARMUP);
            row.put("state_bytes", s.stateBytes());
            long rss = peakRss();
            row.put("peak_rss_bytes", rss);
            row.put("peak_rss_since_row_start", hwmReset);
            row.put("heap_used_bytes", usedHeap());
            synchronized (rows) { rows.add(row); }
            out.printf("%10d %14.2f %12.1f %14.2f %14d %14s  ok%n", n, prefillSec, n / prefillSec, decodeMs, s.stateBytes(),
                    rss < 0 ? "n/a" : String.format("%.1f MB", rss / 1e6));
            write();
        }
    }

    // ---- accounting

    /**
     * Bytes of weights one decode token reads: every projection matrix (in the kernel storage
     * type), the LM head (V×D; the embedding when tied) and the small F32 vectors, plus one
     * embedding row. KV caches are not weights and are not counted.
     */
    static long weightBytesPerToken(TaipanModel m, String storage) {
        int wb = storage.equals("f32") ? 4 : 2;
        ModelConfig c = m.config();
        long bytes = 0;
        for (var e : m.weights().tensors().entrySet()) {
            String name = e.getKey();
            long n = e.getValue().length;
            if (name.equals("backbone.embeddings.weight")) {
                bytes += 4L * c.hiddenSize;                         // the row looked up
                if (c.tieWordEmbeddings) bytes += n * wb;           // the tied head reads all of it
            } else if (isMatrix(name)) {
                bytes += n * wb;
            } else {
                bytes += 4L * n;
            }
        }
        return bytes;
    }

    private static boolean isMatrix(String name) {
        return name.equals("lm_head.weight") || name.endsWith("proj.weight") || name.endsWith("mixer.gate.weight");
    }

    /**
     * FLOPs per prefill token: 2 per projection weight (the head only once per prompt, so not per
     * token: logits for the last position only), plus the chunked SSD of every mamba2 layer
     * (per token, chunk Q: C·B G·Q·N, intra-chunk y H·Q·P, state in and out 4·H·P·N). Attention
     * scores are not counted (they depend on selection and depth): the roofline is for the
     * projections and the scan.
     */
    static double prefillFlopsPerToken(ModelConfig c, int q) {
        double f = 0;
        for (int i = 0; i < c.numLayers(); i++) {
            int D = c.hiddenSize;
            switch (c.layerType(i)) {
                case MAMBA2 -> {
                    f += 2.0 * c.dInProj * D + 2.0 * D * c.dInner;
                    f += (double) c.nGroups * q * c.stateSize + (double) c.numHeads * q * c.headDim
                            + 4.0 * c.numHeads * c.headDim * c.stateSize;
                }
                case SELECTIVE_ATTENTION -> f += 2.0 * 2 * D + 2.0 * 4 * c.attentionDim * D * c.capacity
                        + 2.0 * 3 * c.intermediateSize * D;
                default -> f += 2.0 * 4 * c.attentionDim * D + 2.0 * 3 * c.intermediateSize * D;
            }
        }
        return f;
    }

    /**
     * Heap the sweep adds at context n beyond the session it starts from: the caches of
     * attention-kind layers (SPEC §3, layers.KvRing). A ring of at most 65,536 entries (SAL and
     * sliding attention with the usual windows) is allocated whole when the session is made, so it
     * is already in the baseline and adds nothing; an unbounded one (full attention) or a larger
     * window starts at 256 entries and doubles, so at n entries it holds the next power of two,
     * and while it copies the old and new arrays are both alive (×1.5). Mamba-2 state is constant.
     */
    static long predictStateGrowth(ModelConfig c, long n) {
        long total = 0;
        for (int i = 0; i < c.numLayers(); i++) {
            LayerType t = c.layerType(i);
            if (t == LayerType.MAMBA2) continue;
            long max = t == LayerType.ATTENTION ? Long.MAX_VALUE : c.slidingWindow;
            if (max <= 1 << 16) continue; // preallocated with the session
            long entries = Math.min(n, max);
            long cap = Math.min(max, Math.max(256, entries <= 1 ? 1 : Long.highestOneBit(entries - 1) << 1));
            if (cap * c.attentionDim > Integer.MAX_VALUE - 8) return Long.MAX_VALUE / 4; // beyond a Java array
            long perEntry = 2L * c.attentionDim * 4 + 4;             // k and v floats + the position
            total += (long) (cap * perEntry * (entries > 256 ? 1.5 : 1.0));
        }
        return total;
    }

    private static int chunkOf(ModelConfig c) { return c.chunkSize; }

    // ---- output

    private synchronized void write() {
        Json.write(json, result);
    }

    /** Shutdown hook: Ctrl-C during a run leaves what finished printed and written. */
    private void interrupted() {
        if (finished) return;
        result.put("complete", false);
        result.put("interrupted", true);
        try {
            write();
            out.println();
            out.println("Interrupted: finished rows written to " + json.toAbsolutePath());
            out.flush();
        } catch (RuntimeException e) {
            System.err.println("could not write " + json + ": " + e.getMessage());
        }
    }

    // ---- helpers

    static List<Integer> parseLengths(List<String> items, String option) {
        List<Integer> r = new ArrayList<>();
        for (String s : items) {
            long v = parseBytes(s.trim());
            if (v <= 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + ": " + s + " is not a token count between 1 and " + Integer.MAX_VALUE);
            }
            r.add((int) v);
        }
        return r;
    }

    /** "4096", "4K", "1M", "8G" (binary multiples). */
    static long parseBytes(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mul = 1;
        if (t.endsWith("K")) mul = 1L << 10;
        else if (t.endsWith("M")) mul = 1L << 20;
        else if (t.endsWith("G")) mul = 1L << 30;
        if (mul > 1) t = t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(t), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number like 4096, 4K, 1M or 8G");
        }
    }

    private static int[] randomIds(int vocab, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(vocab);
        return ids;
    }

    /**
     * Java heap bytes allocated so far by all live threads (HotSpot's per-thread counters), or -1
     * where the JVM does not keep them. The kernel threads persist, so a difference over a
     * measurement is what the model's code allocated meanwhile.
     */
    static long allocatedBytes() {
        java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(tb instanceof com.sun.management.ThreadMXBean)) return -1;
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) tb;
        if (!hs.isThreadAllocatedMemorySupported() || !hs.isThreadAllocatedMemoryEnabled()) return -1;
        long sum = 0;
        for (long b : hs.getThreadAllocatedBytes(hs.getAllThreadIds())) if (b > 0) sum += b;
        return sum;
    }

    /**
     * Bytes a token may allocate beside its logits before the bench calls the kernels boxed. A
     * healthy token allocates a few KB of fork-join jobs and attention scratch (7 KB a decode step on
     * the mamba2-130m shape, 5–10 KB on the sample models) and prefill its logits (4·vocab bytes, one
     * array per prefill); a Vector API operation that C2 left as a call allocates its result (80 bytes
     * per 16 floats): 193 MB a decode token with a matvec kernel made to fail that way, 903 KB with only the
     * F16 matvec's two final stores boxed (engine/BENCHMARKS.md §22). The JSON keeps the figure
     * whatever the verdict.
     */
    static final long BOXED_MARGIN_BYTES = 256 << 10;

    private void allocation(ObjectNode node, double[] perToken) {
        if (allocatedBytes() < 0) return;
        node.put("allocated_bytes_per_token", median(perToken));
        node.set("runs_allocated_bytes_per_token", doubles(perToken));
    }

    /** Flags a measurement whose tokens allocated more than their logits and the margin (JSON "kernels_boxed"). */
    private void warnIfBoxed(ObjectNode node, String what, double logitsBytesPerToken) {
        if (!node.has("allocated_bytes_per_token")) return;
        double a = node.get("allocated_bytes_per_token").asDouble();
        boolean boxed = a > logitsBytesPerToken + BOXED_MARGIN_BYTES;
        node.put("kernels_boxed", boxed);
        if (boxed) {
            out.printf("  WARNING: %s allocated %.2f MB a token: the JIT left Vector API values boxed in this process"
                    + " (engine/BENCHMARKS.md §21-22), so these figures understate the kernels.%n", what, a / 1e6);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static ArrayNode doubles(double[] v) {
        ArrayNode a = Json.mapper().createArrayNode();
        for (double d : v) a.add(d);
        return a;
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** VmHWM of this process in bytes, or -1 where /proc is not there. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception ignored) { }
        return -1;
    }

    /** Resets VmHWM to the current RSS (Linux ≥ 4.0: "5" → /proc/self/clear_refs). */
    private static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (Exception ignored) { }
        return System.getProperty("os.arch");
    }

    private static void restore(String key, String old) {
        if (old == null) System.clearProperty(key);
        else System.setProperty(key, old);
    }

    static final class PresetConverter implements CommandLine.ITypeConverter<Preset> {
        @Override
        public Preset convert(String s) {
            Preset p = Preset.parse(s);
            if (p == null) throw new CommandLine.TypeConversionException("unknown preset '" + s + "'; one of " + Preset.names());
            return p;
        }
    }

    static final class PresetNames extends ArrayList<String> {
        PresetNames() {
            for (Preset p : Preset.values()) add(p.key());
        }
    }
}
