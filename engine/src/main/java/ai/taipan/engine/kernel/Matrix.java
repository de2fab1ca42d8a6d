package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;

/**
 * A weight matrix W [rows, cols], row-major — the one seam between model code and kernels.
 * Model code only calls these methods; how the product is computed (scalar loop, Vector API,
 * ND4J/OpenBLAS) and how the weights are held (F32, F16, BF16 widened on the fly) is the
 * implementation's business. Kernels take outputs first and never allocate.
 */
public interface Matrix {
    int rows();

    int cols();

    /** How the weights are stored. */
    DType dtype();

    /** out[outOff + r] = Σ_c W[r, c] · x[xOff + c], r in [0, rows). */
    void matvec(float[] out, int outOff, float[] x, int xOff);

    /**
     * Batched product for T tokens: out[outOff + t·rows + r] = Σ_c W[r, c] · X[xOff + t·cols + c].
     * (X is [T, cols], out is [T, rows], both row-major.)
     */
    void matmul(float[] out, int outOff, float[] x, int xOff, int tokens);

    /** W[r, c] as float. */
    float get(int r, int c);

    /** Copies row r (widened to float) into dst[off .. off+cols). */
    void row(int r, float[] dst, int off);

    /**
     * The path that serves a call of {@code tokens} tokens (1 = matvec): fixed for most matrices;
     * under AUTO with a measured dispatch table ({@link DispatchTable}) it can depend on the count.
     */
    Kernels.Path pathFor(int tokens);

    /** Bytes the weights occupy. */
    default long bytes() { return (long) rows() * cols() * dtype().bytes(); }
}
