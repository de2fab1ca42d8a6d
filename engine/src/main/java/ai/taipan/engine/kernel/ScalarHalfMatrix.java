package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Half;

/**
 * Scalar reference for half-width weights: F16 or BF16 bits in a short[] (rows, cols), widened to
 * float one element at a time. The fallback when the Vector API module is absent and a model asks
 * for F16/BF16 storage; also the reference the vector half kernels are checked against.
 */
public final class ScalarHalfMatrix implements Matrix {
    private final short[] w; // (rows, cols) F16 or BF16 bits
    private final int rows, cols;
    private final DType dtype;

    /** Rounds F32 weights to the given half type (round to nearest even, {@link Half}). */
    public ScalarHalfMatrix(float[] w, int rows, int cols, DType dtype) {
        this(HalfPacking.toHalf(w, rows, cols, dtype), rows, cols, dtype);
    }

    /** Wraps half bits as they are (e.g. straight from a safetensors F16/BF16 tensor). */
    public ScalarHalfMatrix(short[] bits, int rows, int cols, DType dtype) {
        if (dtype != DType.F16 && dtype != DType.BF16) throw new IllegalArgumentException("not a half type: " + dtype);
        if ((long) rows * cols != bits.length) {
            throw new IllegalArgumentException("weights hold " + bits.length + " values, not " + rows + "x" + cols);
        }
        this.w = bits;
        this.rows = rows;
        this.cols = cols;
        this.dtype = dtype;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return dtype; }
    @Override public Kernels.Path pathFor(int tokens) { return Kernels.Path.SCALAR; }

    @Override
    public void matvec(float[] out, int outOff, float[] x, int xOff) {
        boolean bf = dtype == DType.BF16;
        for (int r = 0; r < rows; r++) {
            float s = 0f;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = bf ? Half.bf16ToFloat(w[base + c]) : Half.f16ToFloat(w[base + c]);
                s += v * x[xOff + c];
            }
            out[outOff + r] = s;
        }
    }

    @Override
    public void matmul(float[] out, int outOff, float[] x, int xOff, int tokens) {
        for (int t = 0; t < tokens; t++) matvec(out, outOff + t * rows, x, xOff + t * cols);
    }

    @Override
    public float get(int r, int c) {
        short b = w[r * cols + c];
        return dtype == DType.BF16 ? Half.bf16ToFloat(b) : Half.f16ToFloat(b);
    }

    @Override
    public void row(int r, float[] dst, int off) {
        for (int c = 0; c < cols; c++) dst[off + c] = get(r, c);
    }
}
