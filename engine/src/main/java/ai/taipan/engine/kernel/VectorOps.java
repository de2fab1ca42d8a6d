package ai.taipan.engine.kernel;

/**
 * Vector helpers for the model's hot loops (RMSNorm, SSM state update, attention scores), each with
 * a scalar twin ({@link ScalarOps}) that runs when the Vector API is absent or
 * {@code taipan.kernels=scalar}. The choice is made once, at class initialisation.
 *
 * <p>Results differ from a sequential float loop only by summation order (the vector versions keep
 * several partial sums).
 */
public final class VectorOps {
    private VectorOps() {}

    /** The operations, with one scalar and one Vector API implementation. */
    interface Ops {
        float dot(float[] a, int aOff, float[] b, int bOff, int n);

        void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

        void scale(float[] x, int off, int n, float alpha);

        float sumOfSquares(float[] x, int off, int n);
    }

    private static final Ops IMPL = Kernels.vectorEnabled()
            ? (Ops) Kernels.instantiate("ai.taipan.engine.kernel.SimdOps", new Class<?>[0])
            : new ScalarOps();

    /** True when these helpers run on the Vector API. */
    public static boolean vectorized() { return !(IMPL instanceof ScalarOps); }

    /** Σ_i a[aOff+i]·b[bOff+i], i &lt; n. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) { return IMPL.dot(a, aOff, b, bOff, n); }

    /** y[yOff+i] += alpha·x[xOff+i], i &lt; n. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) { IMPL.axpy(alpha, x, xOff, y, yOff, n); }

    /** x[off+i] *= alpha, i &lt; n. */
    public static void scale(float[] x, int off, int n, float alpha) { IMPL.scale(x, off, n, alpha); }

    /** Σ_i x[off+i]², i &lt; n. */
    public static float sumOfSquares(float[] x, int off, int n) { return IMPL.sumOfSquares(x, off, n); }
}
