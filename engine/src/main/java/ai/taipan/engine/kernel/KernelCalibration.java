package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Measures both kernel paths on given weight shapes and produces the {@link DispatchTable} that
 * {@link Kernels.Path#AUTO} follows ({@code taipan bench --calibrate}).
 *
 * <p>How one entry is timed: the same random F32 weights are wrapped by the vector kernels and by
 * ND4J; each product is first run untimed until it is JIT-compiled (the Vector API runs ~100× slower
 * before C2 compiles it, see engine/BENCHMARKS.md) and ND4J's natives are loaded; then
 * {@value #BLOCKS} timed blocks of each path <em>alternate</em> (vector, ND4J, vector, ...), each
 * block repeating the call until it has run {@code blockNanos}, and the entry keeps each path's
 * fastest block mean. Alternating and taking the minimum make the comparison fair on a shared
 * machine: a burst of load hits both paths' blocks alike, and the minimum is the block least
 * disturbed. Each path runs with its own threads, as in use (vector: {@link Parallel}; ND4J: its
 * OpenMP pool).
 *
 * <p>Where ND4J's natives cannot be loaded, entries record the vector time only (nd4j_us null).
 * F16/BF16 weights have no ND4J candidate (ND4J has no half CPU gemm; an F32 native copy would
 * undo half storage): their entries record the vector time only.
 */
public final class KernelCalibration {
    private KernelCalibration() {}

    static final int BLOCKS = 5;

    /** A weight shape W [rows, cols]. */
    public record Shape(int rows, int cols) {
        public Shape {
            if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("shape " + rows + "x" + cols + " must be positive");
        }
    }

    /**
     * Times every shape × token count on both paths. {@code blockNanos}: length of one timed block
     * (5 per path per entry); {@code log} gets one line per entry.
     */
    public static DispatchTable measure(Collection<Shape> shapes, DType dtype, int[] tokenCounts, long blockNanos, Consumer<String> log) {
        if (!Kernels.vectorAvailable()) {
            throw new IllegalStateException("calibration needs the Vector API (java --add-modules jdk.incubator.vector)");
        }
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("weights can be stored as F32, F16 or BF16, not " + dtype);
        }
        boolean nd4j = dtype == DType.F32;
        List<DispatchTable.Entry> entries = new ArrayList<>();
        boolean nd4jFailed = false;
        for (Shape s : new LinkedHashSet<>(shapes)) {
            float[] w = randomWeights(new SplittableRandom(31L * s.rows() + s.cols()), s.rows() * s.cols());
            Matrix vec = Matrices.of(w, s.rows(), s.cols(), dtype, Kernels.Path.VECTOR);
            Matrix nd = null;
            if (nd4j && !nd4jFailed) {
                try {
                    nd = Matrices.of(w, s.rows(), s.cols(), DType.F32, Kernels.Path.ND4J);
                } catch (RuntimeException | LinkageError e) {
                    // no ND4J natives for this platform (or they fail to load): no candidate, as for half weights
                    nd4jFailed = true;
                    if (log != null) log.accept("  ND4J cannot be loaded (" + e + "): vector kernels only");
                }
            }
            for (int t : tokenCounts) {
                if (t <= 0) throw new IllegalArgumentException("token count " + t + " must be positive");
                float[] x = randomWeights(new SplittableRandom(t), t * s.cols());
                float[] out = new float[t * s.rows()];
                warm(vec, out, x, t, blockNanos);
                if (nd != null) warm(nd, out, x, t, blockNanos);
                double bestV = Double.MAX_VALUE, bestN = Double.MAX_VALUE;
                for (int b = 0; b < BLOCKS; b++) {
                    bestV = Math.min(bestV, block(vec, out, x, t, blockNanos));
                    if (nd != null) bestN = Math.min(bestN, block(nd, out, x, t, blockNanos));
                }
                DispatchTable.Entry e = DispatchTable.Entry.measured(dtype, s.rows(), s.cols(), t, bestV / 1e3,
                        nd != null ? bestN / 1e3 : Double.NaN);
                entries.add(e);
                if (log != null) {
                    log.accept(String.format("  %s %6d x %-6d T=%-4d vector %10.1f µs  nd4j %10s  -> %s",
                            dtype.name().toLowerCase(java.util.Locale.ROOT), s.rows(), s.cols(), t, e.vectorMicros(),
                            nd != null ? String.format("%.1f µs", e.nd4jMicros()) : "-", e.path().name().toLowerCase(java.util.Locale.ROOT)));
                }
            }
        }
        return new DispatchTable(DispatchTable.Machine.current(), entries);
    }

    /**
     * Merges {@code measured} into the table at {@code file} (entries of equal key replaced; an
     * existing file that is unreadable or from another machine is replaced whole) and writes it
     * atomically. Returns the table written.
     */
    public static DispatchTable writeMerged(Path file, DispatchTable measured) {
        DispatchTable merged = measured;
        if (java.nio.file.Files.exists(file)) {
            try {
                DispatchTable old = DispatchTable.read(file);
                if (old.machine().equals(measured.machine())) merged = old.merge(measured);
            } catch (DispatchTable.DispatchTableException ignored) {
                // a bad or foreign cache file is simply replaced by the new measurements
            }
        }
        merged.write(file);
        return merged;
    }

    private static void warm(Matrix m, float[] out, float[] x, int t, long blockNanos) {
        // at least 3 calls and 2 blocks' time: C2 compiles the small kernel methods after a few thousand calls
        long end = System.nanoTime() + 2 * blockNanos;
        int n = 0;
        while (n < 3 || System.nanoTime() < end) {
            call(m, out, x, t);
            n++;
        }
    }

    /** Mean nanoseconds per call over a block of at least blockNanos (and at least 2 calls). */
    private static double block(Matrix m, float[] out, float[] x, int t, long blockNanos) {
        long t0 = System.nanoTime(), now;
        int n = 0;
        do {
            call(m, out, x, t);
            n++;
            now = System.nanoTime();
        } while (n < 2 || now - t0 < blockNanos);
        return (double) (now - t0) / n;
    }

    private static void call(Matrix m, float[] out, float[] x, int t) {
        if (t == 1) m.matvec(out, 0, x, 0);
        else m.matmul(out, 0, x, 0, t);
    }

    /** N(0, 0.05): no float subnormals (they cost microcode assists on x86, BENCHMARKS.md §6). */
    private static float[] randomWeights(SplittableRandom r, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double u1 = r.nextDouble(1e-12, 1.0), u2 = r.nextDouble();
            w[i] = (float) (0.05 * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return w;
    }
}
