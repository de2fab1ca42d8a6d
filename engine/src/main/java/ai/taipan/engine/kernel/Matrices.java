package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;

/**
 * The factory model code uses to wrap weights: one call, the kernel path and storage chosen here.
 *
 * <p>Paths ({@link Kernels.Path}, system property {@code taipan.kernels}):
 * <ul>
 *   <li>SCALAR — {@link ScalarMatrix} / {@link ScalarHalfMatrix}, the plain reference loops;</li>
 *   <li>VECTOR — Vector API panels ({@link VectorF32Matrix}, {@link VectorHalfMatrix}); falls back
 *       to SCALAR when jdk.incubator.vector is not in the JVM;</li>
 *   <li>ND4J — Nd4j.gemm on F32 ({@link Nd4jMatrix}); ND4J has no fast F16/BF16 CPU gemm, so half
 *       storage on this path uses the vector kernels;</li>
 *   <li>AUTO — per operation and size from the measured dispatch table when there is one
 *       ({@link DispatchTable}, {@link DispatchMatrix}); else VECTOR, see {@link #choose}.</li>
 * </ul>
 * Storage ({@code taipan.weights}): F32, or F16/BF16 rounded to nearest even and widened in the
 * kernel (half the bytes per decode token, which is bandwidth-bound).
 */
public final class Matrices {
    private Matrices() {}

    /** Wraps F32 weights [rows, cols] (row-major) with the storage and path the system properties choose. */
    public static Matrix of(float[] w, int rows, int cols) {
        return of(w, rows, cols, Kernels.storage(), Kernels.path());
    }

    /** Wraps F32 weights [rows, cols], stored as {@code storage} (F32, F16 or BF16). */
    public static Matrix of(float[] w, int rows, int cols, DType storage) {
        return of(w, rows, cols, storage, Kernels.path());
    }

    /**
     * Wraps F32 weights [rows, cols] with an explicit storage and path. The SCALAR F32 matrix keeps
     * {@code w} itself; every other one copies (repacks or rounds) it, so the caller may drop w.
     */
    public static Matrix of(float[] w, int rows, int cols, DType storage, Kernels.Path path) {
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("matrix shape " + rows + "x" + cols + " must be positive");
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException("weights hold " + w.length + " values, not " + rows + "x" + cols);
        }
        if (storage != DType.F32 && storage != DType.F16 && storage != DType.BF16) {
            throw new IllegalArgumentException("weights can be stored as F32, F16 or BF16, not " + storage);
        }
        if (path == Kernels.Path.AUTO && storage == DType.F32 && Kernels.vectorAvailable()) {
            DispatchTable t = Kernels.dispatchTable();
            if (t != null && t.anyNd4j(storage, rows, cols)) {
                Matrix nd4j = nd4jOrNull(w, rows, cols);
                if (nd4j != null) {
                    return new DispatchMatrix(create(w, rows, cols, storage, Kernels.Path.VECTOR), nd4j, t.shape(storage, rows, cols));
                }
            }
        }
        return create(w, rows, cols, storage, choose(path, storage, rows, cols));
    }

    /**
     * The path {@link #of(float[], int, int, DType, Kernels.Path)} would use for a call of
     * {@code tokens} tokens on a matrix of this shape and storage (what {@code taipan bench} reports
     * per shape), without building one.
     */
    public static Kernels.Path planned(DType storage, int rows, int cols, int tokens, Kernels.Path path) {
        if (path == Kernels.Path.AUTO && storage == DType.F32 && Kernels.vectorAvailable() && !nd4jBroken) {
            DispatchTable t = Kernels.dispatchTable();
            if (t != null && t.anyNd4j(storage, rows, cols)) return t.lookup(storage, rows, cols, tokens);
        }
        return choose(path, storage, rows, cols);
    }

    private static Matrix create(float[] w, int rows, int cols, DType storage, Kernels.Path p) {
        switch (p) {
            case ND4J:
                return (Matrix) Kernels.instantiate("ai.taipan.engine.kernel.Nd4jMatrix",
                        new Class<?>[] {float[].class, int.class, int.class}, w, rows, cols);
            case VECTOR:
                if (storage == DType.F32) {
                    return (Matrix) Kernels.instantiate("ai.taipan.engine.kernel.VectorF32Matrix",
                            new Class<?>[] {float[].class, int.class, int.class}, w, rows, cols);
                }
                return (Matrix) Kernels.instantiate("ai.taipan.engine.kernel.VectorHalfMatrix",
                        new Class<?>[] {float[].class, int.class, int.class, DType.class}, w, rows, cols, storage);
            default:
                return storage == DType.F32 ? new ScalarMatrix(w, rows, cols) : new ScalarHalfMatrix(w, rows, cols, storage);
        }
    }

    private static volatile boolean nd4jBroken;

    /**
     * ND4J for AUTO, or null (with one warning) when its natives do not load on this machine: AUTO
     * then stays on the vector kernels instead of failing. A forced {@code nd4j} fails loudly instead.
     */
    private static Matrix nd4jOrNull(float[] w, int rows, int cols) {
        if (nd4jBroken) return null;
        try {
            return create(w, rows, cols, DType.F32, Kernels.Path.ND4J);
        } catch (RuntimeException | LinkageError e) {
            nd4jBroken = true;
            System.err.println("taipan: warning: the dispatch table chose ND4J but it cannot be loaded ("
                    + e + "); auto uses the vector kernels");
            return null;
        }
    }

    /**
     * The path that will serve a matrix of this shape and storage when no measured dispatch table
     * applies.
     *
     * <p>AUTO with a dispatch table ({@link Kernels#dispatchTable()}, measured on this machine by
     * {@code taipan bench --calibrate}) that found ND4J at least 10% faster for some call on this F32
     * shape ({@link DispatchTable#ND4J_MARGIN}) gets a {@link DispatchMatrix}, which routes each call by
     * its token count (see {@link #of(float[], int, int, DType, Kernels.Path)}).
     * Without one, AUTO → VECTOR whenever the module is present (else SCALAR): the default never
     * guesses in ND4J's favour. Measured per core (thread CPU time, 1 thread, OMP_NUM_THREADS=1):
     * matvec, the decode op, is 3–5× faster on the vector panels than through Nd4j.gemm (768×1536:
     * 171 vs 485 µs; 64×64: 0.29 vs 22 µs); matmul at 256 tokens on the 2 × 8 block reaches 79–102
     * GFLOP/s, level with OpenBLAS alone — and in the model ND4J's OpenMP threads share the 2 cores
     * with ours: out_proj through ND4J took 346 ms of a 512-token prefill against 205–256 ms on the
     * vector block (engine/BENCHMARKS.md §19). Its first use also unpacks ~400 MB and it holds a second
     * copy of the weights. Force it with {@code taipan.kernels=nd4j}.
     */
    static Kernels.Path choose(Kernels.Path requested, DType storage, int rows, int cols) {
        switch (requested) {
            case SCALAR:
                return Kernels.Path.SCALAR;
            case ND4J:
                if (storage == DType.F32) return Kernels.Path.ND4J;
                // ND4J has no fast half gemm on CPU: half weights use the vector kernels
                return Kernels.vectorAvailable() ? Kernels.Path.VECTOR : Kernels.Path.SCALAR;
            case VECTOR:
            case AUTO:
            default:
                return Kernels.vectorAvailable() ? Kernels.Path.VECTOR : Kernels.Path.SCALAR;
        }
    }
}
