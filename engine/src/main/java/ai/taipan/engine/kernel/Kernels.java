package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;

import java.util.Locale;

/**
 * Which kernel path runs, and how weights are stored — read once from system properties.
 * <ul>
 *   <li>{@code taipan.kernels=auto|vector|nd4j|scalar} (default auto) forces one path;</li>
 *   <li>{@code taipan.weights=f32|f16|bf16} (default f32) chooses the storage of weights that
 *       {@link Matrices#of(float[], int, int)} wraps.</li>
 * </ul>
 * The Vector API is an incubator module on Java 17 ({@code --add-modules jdk.incubator.vector});
 * when it is absent every vector request falls back to the scalar path. All references to
 * {@code jdk.incubator.vector} live in classes that are loaded by name only after
 * {@link #vectorAvailable()} said yes, so a JVM without the module never sees them
 * (no NoClassDefFoundError).
 */
public final class Kernels {
    private Kernels() {}

    /** A kernel implementation. AUTO picks per operation and size (see {@link Matrices}). */
    public enum Path { AUTO, VECTOR, ND4J, SCALAR }

    private static final boolean VECTOR_AVAILABLE = probeVector();

    /** True when jdk.incubator.vector is in the boot layer and our vector classes link. */
    public static boolean vectorAvailable() { return VECTOR_AVAILABLE; }

    /** The path forced by {@code taipan.kernels}, AUTO by default. */
    public static Path path() {
        String s = System.getProperty("taipan.kernels", "auto").trim().toUpperCase(Locale.ROOT);
        try {
            return Path.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property taipan.kernels=" + s.toLowerCase(Locale.ROOT)
                    + " is not one of auto, vector, nd4j, scalar");
        }
    }

    /** The storage chosen by {@code taipan.weights}, F32 by default. */
    public static DType storage() {
        String s = System.getProperty("taipan.weights", "f32").trim().toUpperCase(Locale.ROOT);
        DType d = DType.parse(s);
        if (d != DType.F32 && d != DType.F16 && d != DType.BF16) {
            throw new IllegalArgumentException("system property taipan.weights=" + s.toLowerCase(Locale.ROOT)
                    + " is not one of f32, f16, bf16");
        }
        return d;
    }

    /** True when the vector path may be used: the module is present and the user did not ask for scalar. */
    public static boolean vectorEnabled() {
        return VECTOR_AVAILABLE && path() != Path.SCALAR;
    }

    // ---- AUTO's measured dispatch table (DispatchTable, written by `taipan bench --calibrate`)

    /** File name of the dispatch table in the cache directory. */
    public static final String DISPATCH_FILE = "kernel-dispatch.json";

    /**
     * Where the dispatch table lives: {@code taipan.kernels.table} if set; else
     * {@code <taipan.cache.dir>/kernel-dispatch.json} (the packaged launcher sets taipan.cache.dir to
     * the user's XDG cache, installer.InstalledMain); else the same XDG rule here:
     * {@code $XDG_CACHE_HOME/taipan-workbench} when that is an absolute path, else
     * {@code ~/.cache/taipan-workbench}.
     */
    public static java.nio.file.Path dispatchTableFile() {
        String explicit = System.getProperty("taipan.kernels.table");
        if (explicit != null && !explicit.isBlank()) return java.nio.file.Path.of(explicit.trim());
        String cache = System.getProperty("taipan.cache.dir");
        if (cache != null && !cache.isBlank()) return java.nio.file.Path.of(cache.trim(), DISPATCH_FILE);
        String xdg = System.getenv("XDG_CACHE_HOME");
        java.nio.file.Path base = xdg != null && !xdg.isEmpty() && java.nio.file.Path.of(xdg).isAbsolute()
                ? java.nio.file.Path.of(xdg) : java.nio.file.Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("taipan-workbench").resolve(DISPATCH_FILE);
    }

    /** The table last read, keyed by file, size and modification time (re-read when the file changes). */
    private static final class Loaded {
        final String key;
        final DispatchTable table; // null when absent or ignored
        final String status;

        Loaded(String key, DispatchTable table, String status) {
            this.key = key;
            this.table = table;
            this.status = status;
        }
    }

    private static volatile Loaded loaded;

    /**
     * The measured dispatch table AUTO follows, or null when there is none to follow.
     *
     * <p>Design choice: a table that cannot be used — unreadable, corrupt, "lying" (a path its own
     * timings contradict, see {@link DispatchTable#read}), or measured on another machine (CPU,
     * cores or kernel threads differ) — is <em>ignored with a one-line warning on stderr</em> naming
     * the file and the problem, and AUTO uses the vector kernels. It is a cache: a bad cache file
     * must not stop a user from running a model, and {@code taipan bench --calibrate} rewrites it.
     * {@link DispatchTable#read} itself throws, for callers that want the error.
     */
    public static DispatchTable dispatchTable() { return load().table; }

    /** One line: which table AUTO follows, or why none ("absent", "ignored: ..."). */
    public static String dispatchStatus() { return load().status; }

    private static synchronized Loaded load() {
        java.nio.file.Path f = dispatchTableFile();
        String key;
        try {
            var attrs = java.nio.file.Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
            key = f.toAbsolutePath() + "|" + attrs.size() + "|" + attrs.lastModifiedTime().toMillis();
        } catch (java.io.IOException e) {
            key = f.toAbsolutePath() + "|absent";
        }
        Loaded l = loaded;
        if (l != null && l.key.equals(key)) return l;
        if (key.endsWith("|absent")) {
            l = new Loaded(key, null, "no dispatch table at " + f + ": auto uses the vector kernels (taipan bench --calibrate measures one)");
        } else {
            try {
                DispatchTable t = DispatchTable.read(f);
                DispatchTable.Machine here = DispatchTable.Machine.current();
                if (!t.machine().equals(here)) {
                    throw new DispatchTable.DispatchTableException(f, "measured on " + t.machine() + ", this is " + here);
                }
                if (t.vetoed()) {
                    DispatchTable.ModelCheck c = t.check();
                    l = new Loaded(key, null, String.format(java.util.Locale.ROOT, "dispatch table %s not followed: its in-model check "
                            + "found prefill no faster with it (%.1f ms vs %.1f ms all-vector for %d tokens); auto uses the vector kernels",
                            f, c.autoMillis(), c.vectorMillis(), c.tokens()));
                } else {
                    l = new Loaded(key, t, "dispatch table " + f + " (" + t.entries().size() + " measured products"
                            + (t.check() == null ? "" : String.format(java.util.Locale.ROOT, "; in-model check %.1f ms vs %.1f ms all-vector",
                                    t.check().autoMillis(), t.check().vectorMillis())) + ")");
                }
            } catch (DispatchTable.DispatchTableException e) {
                String msg = e.getMessage() + "; ignored, auto uses the vector kernels (rerun taipan bench --calibrate)";
                System.err.println("taipan: warning: " + msg);
                l = new Loaded(key, null, msg);
            }
        }
        loaded = l;
        return l;
    }

    private static boolean probeVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            // links VectorSupportProbe, which touches FloatVector: proves the module is readable
            Class<?> c = Class.forName("ai.taipan.engine.kernel.VectorSupportProbe");
            return (Integer) c.getMethod("lanes").invoke(null) > 1;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /** Loads a class by name, only after the caller checked its preconditions (module present, ND4J chosen). */
    static Object instantiate(String className, Class<?>[] types, Object... args) {
        try {
            return Class.forName(className).getDeclaredConstructor(types).newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("kernel class " + className + " could not be created", e);
        }
    }
}
