package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which kernel path is fastest for one product on this machine, as measured by
 * {@link KernelCalibration} ({@code taipan bench --calibrate}) — what {@link Kernels.Path#AUTO}
 * follows. Nothing in here is a guess: an entry is a pair of timings of the same product on both
 * paths, and the path it names is the faster one.
 *
 * <p>Key: the operation's weight storage (dtype), the weight shape rows × cols and the token count
 * T of the call (T = 1 is the decode matvec; T &gt; 1 a prefill matmul). A call with T tokens uses
 * the entry with the largest calibrated T' ≤ T of its shape and dtype (the smallest T' when T is
 * below all of them): the paths' relative speed changes with T mostly at small T, where the
 * calibration puts its points (1, a small block, the prefill chunk). A shape with no entry gets no
 * verdict ({@code null}): {@link Matrices} then uses the vector kernels.
 *
 * <p>File (JSON, {@value #SCHEMA}), written atomically:
 * <pre>
 * {"schema": "taipan-kernel-dispatch/1",
 *  "machine": {"cpu": "...", "cores": 2, "kernel_threads": 2},
 *  "entries": [{"dtype": "f32", "rows": 3352, "cols": 768, "tokens": 256,
 *               "vector_us": 5100.0, "nd4j_us": 3900.0, "path": "nd4j"}, ...],
 *  "model_check": {"tokens": 512, "vector_ms": 2400.0, "auto_ms": 2250.0}}      (optional)
 * </pre>
 * {@code nd4j_us} is null where ND4J is no candidate (F16/BF16 weights: ND4J has no half CPU gemm,
 * and an F32 copy would undo the point of half storage).
 *
 * <p>Reading validates everything and fails with {@link DispatchTableException} naming the file and
 * the field: a wrong schema, a missing or non-numeric field, a shape ≤ 0, a negative or non-finite
 * time, two entries with one key, ND4J named for half weights, and a "lying" entry whose path is
 * not the faster of its own two timings.
 */
public final class DispatchTable {
    public static final String SCHEMA = "taipan-kernel-dispatch/1";

    /** One measured product. nd4jMicros is NaN where ND4J is no candidate. */
    public record Entry(DType dtype, int rows, int cols, int tokens, double vectorMicros, double nd4jMicros, Kernels.Path path) {
        public Entry {
            Objects.requireNonNull(dtype);
            Objects.requireNonNull(path);
        }

        /**
         * The entry for measured times: ND4J wins only when it is at least {@link #ND4J_MARGIN} faster
         * (its time below (1 − margin) × the vector time); otherwise, ties included, the vector kernels.
         */
        public static Entry measured(DType dtype, int rows, int cols, int tokens, double vectorMicros, double nd4jMicros) {
            Kernels.Path p = !Double.isNaN(nd4jMicros) && nd4jMicros < (1 - ND4J_MARGIN) * vectorMicros
                    ? Kernels.Path.ND4J : Kernels.Path.VECTOR;
            return new Entry(dtype, rows, cols, tokens, vectorMicros, nd4jMicros, p);
        }

        String key() { return dtype.name() + " " + rows + "x" + cols + " T=" + tokens; }
    }

    /**
     * How much faster ND4J must be on a product, alone, to be chosen for it (10%). Why a margin: a
     * product timed alone is not the product in the model, where ND4J's OpenMP threads share the
     * cores with ours and a second copy of the weights competes for cache. Measured (engine/BENCHMARKS.md
     * §19): a calibration that found 768×1536 × 256 at 3.26 ms on ND4J against 3.27 on the vector
     * block sent out_proj there, and in the model that projection then took 346 ms a 512-token prefill
     * against 205–256 ms on the vector block (2 threads); a noisy in-model check did not catch it.
     */
    public static final double ND4J_MARGIN = 0.10;

    /** What the machine was when the table was measured; a table from another machine is not applied. */
    public record Machine(String cpu, int cores, int kernelThreads) {
        public static Machine current() {
            return new Machine(cpuName(), Runtime.getRuntime().availableProcessors(), Parallel.threads());
        }
    }

    /**
     * The in-model check of a calibration: the model's prefill timed with every matrix on the
     * vector kernels and with the table's verdicts (ms for the same tokens, back to back). Per-product
     * timings cannot see how ND4J's own threads and our kernel threads share the cores inside a
     * model; when the model is not faster with the verdicts, the table is not followed ({@link #vetoed}).
     */
    public record ModelCheck(int tokens, double vectorMillis, double autoMillis) {
        /** True when the model was faster with the verdicts: the table is followed. */
        public boolean followed() { return autoMillis < vectorMillis; }

        /** Writes tokens, vector_ms and auto_ms into {@code n} (the table file's and the bench JSON's form). */
        public void writeTo(ObjectNode n) {
            n.put("tokens", tokens);
            n.put("vector_ms", vectorMillis);
            n.put("auto_ms", autoMillis);
        }
    }

    private final Machine machine;
    private final List<Entry> entries;
    private final ModelCheck check; // null: none was needed (no ND4J verdict) or none made
    /** dtype/rows/cols → entries sorted by tokens. */
    private final Map<String, List<Entry>> byShape = new LinkedHashMap<>();

    public DispatchTable(Machine machine, List<Entry> entries) { this(machine, entries, null); }

    public DispatchTable(Machine machine, List<Entry> entries, ModelCheck check) {
        this.machine = Objects.requireNonNull(machine);
        this.check = check;
        this.entries = List.copyOf(entries);
        for (Entry e : this.entries) byShape.computeIfAbsent(shapeKey(e.dtype(), e.rows(), e.cols()), k -> new ArrayList<>()).add(e);
        for (List<Entry> l : byShape.values()) l.sort(Comparator.comparingInt(Entry::tokens));
    }

    public Machine machine() { return machine; }

    public ModelCheck check() { return check; }

    /** This table with an in-model check attached. */
    public DispatchTable withCheck(ModelCheck c) { return new DispatchTable(machine, entries, c); }

    /** True when the in-model check found the model no faster with the table's verdicts than without. */
    public boolean vetoed() { return check != null && !check.followed(); }

    public List<Entry> entries() { return entries; }

    /** True when some call on this shape and dtype is served faster by ND4J. */
    public boolean anyNd4j(DType dtype, int rows, int cols) {
        for (Entry e : shape(dtype, rows, cols)) if (e.path() == Kernels.Path.ND4J) return true;
        return false;
    }

    /** The measured entries of one shape and dtype, by increasing token count (empty if none). */
    public List<Entry> shape(DType dtype, int rows, int cols) {
        return Collections.unmodifiableList(byShape.getOrDefault(shapeKey(dtype, rows, cols), List.of()));
    }

    /** The path for a call of {@code tokens} tokens on this shape, or null when the table has no entry for it. */
    public Kernels.Path lookup(DType dtype, int rows, int cols, int tokens) {
        Entry e = entryFor(shape(dtype, rows, cols), tokens);
        return e == null ? null : e.path();
    }

    /** Largest calibrated T' ≤ tokens, else the smallest; null for an empty list. */
    static Entry entryFor(List<Entry> sorted, int tokens) {
        if (sorted.isEmpty()) return null;
        Entry best = sorted.get(0);
        for (Entry e : sorted) if (e.tokens() <= tokens) best = e;
        return best;
    }

    /** A table with these entries replacing the ones of equal key (for calibrating a second model into the same file). */
    public DispatchTable merge(DispatchTable newer) {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) m.put(e.key(), e);
        for (Entry e : newer.entries) m.put(e.key(), e);
        return new DispatchTable(newer.machine, new ArrayList<>(m.values()), newer.check);
    }

    private static String shapeKey(DType d, int rows, int cols) { return d.name() + "/" + rows + "x" + cols; }

    // ---- file

    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("schema", SCHEMA);
        ObjectNode m = root.putObject("machine");
        m.put("cpu", machine.cpu());
        m.put("cores", machine.cores());
        m.put("kernel_threads", machine.kernelThreads());
        if (check != null) check.writeTo(root.putObject("model_check"));
        ArrayNode a = root.putArray("entries");
        for (Entry e : entries) {
            ObjectNode n = a.addObject();
            n.put("dtype", e.dtype().name().toLowerCase(Locale.ROOT));
            n.put("rows", e.rows());
            n.put("cols", e.cols());
            n.put("tokens", e.tokens());
            n.put("vector_us", e.vectorMicros());
            if (Double.isNaN(e.nd4jMicros())) n.putNull("nd4j_us");
            else n.put("nd4j_us", e.nd4jMicros());
            n.put("path", e.path().name().toLowerCase(Locale.ROOT));
        }
        return root;
    }

    /** Writes the table atomically (temp file + rename, {@link Json#write}). */
    public void write(Path file) { Json.write(file, toJson()); }

    /** Reads and validates a table; every problem is a {@link DispatchTableException} naming the file. */
    public static DispatchTable read(Path file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new DispatchTableException(file, "no such file");
        } catch (IOException e) {
            throw new DispatchTableException(file, "not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) throw new DispatchTableException(file, "not a JSON object");
        String schema = root.path("schema").asText(null);
        if (!SCHEMA.equals(schema)) {
            throw new DispatchTableException(file, "schema: expected \"" + SCHEMA + "\", found " + root.path("schema"));
        }
        JsonNode m = root.path("machine");
        if (!m.isObject()) throw new DispatchTableException(file, "machine: missing");
        Machine machine = new Machine(text(file, m, "machine.cpu", "cpu"),
                positiveInt(file, m, "machine.cores", "cores"), positiveInt(file, m, "machine.kernel_threads", "kernel_threads"));
        JsonNode arr = root.path("entries");
        if (!arr.isArray()) throw new DispatchTableException(file, "entries: missing or not an array");
        List<Entry> list = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode n = arr.get(i);
            String where = "entries[" + i + "]";
            if (!n.isObject()) throw new DispatchTableException(file, where + ": not an object");
            DType d;
            String ds = text(file, n, where + ".dtype", "dtype");
            try {
                d = DType.parse(ds.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                d = null;
            }
            if (d != DType.F32 && d != DType.F16 && d != DType.BF16) {
                throw new DispatchTableException(file, where + ".dtype: \"" + ds + "\" is not f32, f16 or bf16");
            }
            int rows = positiveInt(file, n, where + ".rows", "rows");
            int cols = positiveInt(file, n, where + ".cols", "cols");
            int tokens = positiveInt(file, n, where + ".tokens", "tokens");
            double vus = time(file, n, where + ".vector_us", "vector_us", false);
            double nus = time(file, n, where + ".nd4j_us", "nd4j_us", true);
            String ps = text(file, n, where + ".path", "path");
            Kernels.Path p;
            if (ps.equals("vector")) p = Kernels.Path.VECTOR;
            else if (ps.equals("nd4j")) p = Kernels.Path.ND4J;
            else throw new DispatchTableException(file, where + ".path: \"" + ps + "\" is not vector or nd4j");
            if (d != DType.F32 && (p == Kernels.Path.ND4J || !Double.isNaN(nus))) {
                throw new DispatchTableException(file, where + ": ND4J is no candidate for " + ds + " weights (F32 only)");
            }
            Entry e = new Entry(d, rows, cols, tokens, vus, nus, p);
            if (Entry.measured(d, rows, cols, tokens, vus, nus).path() != p) {
                throw new DispatchTableException(file, where + ".path: says " + ps + " but its own timings say otherwise (vector "
                        + vus + " µs, nd4j " + (Double.isNaN(nus) ? "none" : nus + " µs")
                        + "; ND4J is chosen only when at least " + Math.round(100 * ND4J_MARGIN) + "% faster): rerun taipan bench --calibrate");
            }
            if (!keys.add(e.key())) throw new DispatchTableException(file, where + ": a second entry for " + e.key());
            list.add(e);
        }
        ModelCheck check = null;
        JsonNode c = root.get("model_check");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) throw new DispatchTableException(file, "model_check: not an object");
            check = new ModelCheck(positiveInt(file, c, "model_check.tokens", "tokens"),
                    time(file, c, "model_check.vector_ms", "vector_ms", false), time(file, c, "model_check.auto_ms", "auto_ms", false));
        }
        return new DispatchTable(machine, list, check);
    }

    private static String text(Path f, JsonNode n, String where, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new DispatchTableException(f, where + ": missing or not a string");
        return v.asText();
    }

    private static int positiveInt(Path f, JsonNode n, String where, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new DispatchTableException(f, where + ": missing or not a positive integer (" + v + ")");
        }
        return v.asInt();
    }

    private static double time(Path f, JsonNode n, String where, String field, boolean nullable) {
        JsonNode v = n.get(field);
        if (nullable && v != null && v.isNull()) return Double.NaN;
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() <= 0) {
            throw new DispatchTableException(f, where + ": missing or not a positive number of microseconds (" + v + ")");
        }
        return v.asDouble();
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException ignored) { }
        return System.getProperty("os.arch");
    }

    /** A dispatch table file that cannot be used, with the file and the field in the message. */
    public static final class DispatchTableException extends RuntimeException {
        private final transient Path file;

        public DispatchTableException(Path file, String problem) {
            super("kernel dispatch table " + file + ": " + problem);
            this.file = file;
        }

        public Path file() { return file; }
    }
}
