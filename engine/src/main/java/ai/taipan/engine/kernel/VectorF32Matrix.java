package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;

import static ai.taipan.engine.kernel.VectorKernels.L;

/**
 * F32 weights repacked into panels ({@link VectorKernels}), products on the Vector API, rows split
 * over cores by {@link Parallel}. The packing copies the weights once (rows padded to a multiple of
 * 2L with zeros); the caller's array is not kept.
 */
final class VectorF32Matrix implements Matrix {
    private final float[] p; // (groups, 2, cols, L) packed panels
    private final int rows, cols, groups;

    VectorF32Matrix(float[] w, int rows, int cols) {
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException("weights hold " + w.length + " values, not " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.groups = (rows + 2 * L - 1) / (2 * L);
        this.p = new float[Math.multiplyExact(groups * 2 * L, cols)]; // (groups·2, cols, L)
        for (int r = 0; r < rows; r++) {
            int pb = (r / L) * L * cols + r % L;
            int wb = r * cols;
            for (int c = 0; c < cols; c++) p[pb + c * L] = w[wb + c];
        }
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return DType.F32; }
    @Override public Kernels.Path pathFor(int tokens) { return Kernels.Path.VECTOR; }

    @Override
    public void matvec(float[] out, int outOff, float[] x, int xOff) {
        checkBounds(out, outOff, x, xOff, 1);
        // below ~64K weights a second thread costs more than it saves (measured: MatrixSpeedProbe)
        Parallel.forRange(groups, Math.max(1, (1 << 16) / (2 * L * cols) + 1), (g0, g1) -> {
            // the chunk's two halves side by side: 4 weight streams per core (VectorKernels.matvec2Groups)
            int half = (g1 - g0) / 2;
            for (int i = 0; i < half; i++) {
                int ga = g0 + i, gb = g0 + half + i;
                VectorKernels.matvec2Groups(p, ga * 2 * L * cols, gb * 2 * L * cols, cols, x, xOff,
                        out, outOff + ga * 2 * L, rows - ga * 2 * L, outOff + gb * 2 * L, rows - gb * 2 * L);
            }
            for (int g = g0 + 2 * half; g < g1; g++) {
                VectorKernels.matvecGroup(p, g * 2 * L * cols, cols, x, xOff, out, outOff + g * 2 * L, rows - g * 2 * L);
            }
        });
    }

    @Override
    public void matmul(float[] out, int outOff, float[] x, int xOff, int tokens) {
        if (tokens == 1) { matvec(out, outOff, x, xOff); return; }
        checkBounds(out, outOff, x, xOff, tokens);
        VectorKernels.matmulChunks(groups, rows, cols, x, xOff, tokens, outOff, (g, xp, n, o) ->
                VectorKernels.matmulGroup(p, g * 2 * L * cols, cols, xp, n, out, o + g * 2 * L, rows, rows - g * 2 * L));
    }

    private void checkBounds(float[] out, int outOff, float[] x, int xOff, int tokens) {
        if (outOff < 0 || (long) outOff + (long) tokens * rows > out.length
                || xOff < 0 || (long) xOff + (long) tokens * cols > x.length) {
            throw new IndexOutOfBoundsException("matmul " + rows + "x" + cols + " for " + tokens + " tokens: out["
                    + out.length + "] at " + outOff + ", x[" + x.length + "] at " + xOff);
        }
    }

    @Override public float get(int r, int c) { return p[(r / L) * L * cols + c * L + r % L]; }

    @Override
    public void row(int r, float[] dst, int off) {
        int pb = (r / L) * L * cols + r % L;
        for (int c = 0; c < cols; c++) dst[off + c] = p[pb + c * L];
    }
}
