package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;

/** The plain reference: F32 weights, straightforward loops. Every fast path is tested against it. */
public final class ScalarMatrix implements Matrix {
    private final float[] w; // (rows, cols)
    private final int rows, cols;

    public ScalarMatrix(float[] w, int rows, int cols) {
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException("weights hold " + w.length + " values, not " + rows + "x" + cols);
        }
        this.w = w;
        this.rows = rows;
        this.cols = cols;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return DType.F32; }
    @Override public Kernels.Path pathFor(int tokens) { return Kernels.Path.SCALAR; }

    /** The backing array (rows, cols). */
    public float[] data() { return w; }

    @Override
    public void matvec(float[] out, int outOff, float[] x, int xOff) {
        for (int r = 0; r < rows; r++) {
            float s = 0f;
            int base = r * cols;
            for (int c = 0; c < cols; c++) s += w[base + c] * x[xOff + c];
            out[outOff + r] = s;
        }
    }

    @Override
    public void matmul(float[] out, int outOff, float[] x, int xOff, int tokens) {
        for (int t = 0; t < tokens; t++) matvec(out, outOff + t * rows, x, xOff + t * cols);
    }

    @Override public float get(int r, int c) { return w[r * cols + c]; }

    @Override
    public void row(int r, float[] dst, int off) { System.arraycopy(w, r * cols, dst, off, cols); }
}
