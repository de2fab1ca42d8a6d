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
