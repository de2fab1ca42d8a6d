package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * The ND4J (OpenBLAS sgemm) path, F32 only: out[T, rows] = X[T, cols] · Wᵀ through
 * {@code Nd4j.gemm} (not mmuli, which is slow at mid sizes). Loaded by name only when this path is
 * chosen: the first use unpacks ~400 MB of native libraries into ~/.javacpp/cache, and every op
 * pays a fixed ~15 µs; see engine/BENCHMARKS.md for where that pays off. Weights are copied once
 * into native memory; activations are copied in and out on every call through per-thread staging
 * arrays (the caller's float[] cannot be handed to native code).
 * ND4J runs its own OpenMP threads; this path does not use {@link Parallel}.
 */
final class Nd4jMatrix implements Matrix {
    private final INDArray w; // (rows, cols) native F32
    private final int rows, cols;
    private final ThreadLocal<Staging> staging = ThreadLocal.withInitial(Staging::new);

    /** Per-thread input/output arrays for one token count (most calls repeat the last count). */
    private final class Staging {
        int tokens = -1;
        INDArray x, out; // (tokens, cols), (tokens, rows)
        FloatBuffer xb, ob;

        void ensure(int t) {
            if (t == tokens) return;
            x = Nd4j.createUninitialized(DataType.FLOAT, t, cols);
            out = Nd4j.createUninitialized(DataType.FLOAT, t, rows);
            xb = x.data().asNioFloat();
            ob = out.data().asNioFloat();
            tokens = t;
        }
    }

    Nd4jMatrix(float[] weights, int rows, int cols) {
        if ((long) rows * cols != weights.length) {
            throw new IllegalArgumentException("weights hold " + weights.length + " values, not " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.w = Nd4j.create(weights, new long[] {rows, cols}, 'c');
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return DType.F32; }
    @Override public Kernels.Path pathFor(int tokens) { return Kernels.Path.ND4J; }

    @Override
    public void matvec(float[] out, int outOff, float[] x, int xOff) { matmul(out, outOff, x, xOff, 1); }

    @Override
    public void matmul(float[] out, int outOff, float[] x, int xOff, int tokens) {
        Staging s = staging.get();
        s.ensure(tokens);
        s.xb.clear();
        s.xb.put(x, xOff, tokens * cols);
        Nd4j.gemm(s.x, w, s.out, false, true, 1.0, 0.0);
        s.ob.clear();
        s.ob.get(out, outOff, tokens * rows);
    }

    @Override public float get(int r, int c) { return w.getFloat(r, c); }

    @Override
    public void row(int r, float[] dst, int off) {
        for (int c = 0; c < cols; c++) dst[off + c] = w.getFloat(r, c);
    }
}
