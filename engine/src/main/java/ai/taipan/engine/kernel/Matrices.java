package ai.taipan.engine.kernel;

/**
 * The factory model code uses to wrap weights. Today every matrix is a {@link ScalarMatrix};
 * the kernel work (issue 5) puts the Vector API and ND4J paths and F16/BF16 storage behind this
 * one call, choosing per operation and size.
 */
public final class Matrices {
    private Matrices() {}

    /** Wraps F32 weights [rows, cols] (row-major); the array is not copied. */
    public static Matrix of(float[] w, int rows, int cols) {
        return new ScalarMatrix(w, rows, cols);
    }
}
