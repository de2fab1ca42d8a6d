package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;

import java.util.List;

/**
 * AUTO's matrix where the dispatch table measured ND4J faster for some call on this shape: it holds
 * the weights twice (the vector panels and ND4J's native copy) and sends each call to the path the
 * table measured fastest for its token count ({@link DispatchTable#entryFor}). Holding both is the
 * price of choosing per operation: decode (T = 1) is typically the vector kernels' and prefill
 * chunks ND4J's, on the same weights. get/row read the vector copy (same values: both are F32).
 * The two paths sum in different orders, so a token's outputs can differ between a matvec and a
 * matmul by float rounding (the all-vector path is bit-identical between them; tests therefore
 * run without a table, see the parent pom's surefire arguments).
 */
final class DispatchMatrix implements Matrix {
    private final Matrix vector, nd4j;
    private final List<DispatchTable.Entry> entries; // this shape's, by increasing tokens
    private final Kernels.Path matvecPath;

    DispatchMatrix(Matrix vector, Matrix nd4j, List<DispatchTable.Entry> entries) {
        if (vector.rows() != nd4j.rows() || vector.cols() != nd4j.cols() || entries.isEmpty()) {
            throw new IllegalArgumentException("dispatch over mismatched matrices or no entries");
        }
        this.vector = vector;
        this.nd4j = nd4j;
        this.entries = List.copyOf(entries);
        this.matvecPath = pathFor(1);
    }

    @Override public int rows() { return vector.rows(); }
    @Override public int cols() { return vector.cols(); }
    @Override public DType dtype() { return DType.F32; }

    @Override
    public Kernels.Path pathFor(int tokens) { return DispatchTable.entryFor(entries, tokens).path(); }

    private Matrix serving(int tokens) { return pathFor(tokens) == Kernels.Path.ND4J ? nd4j : vector; }

    @Override
    public void matvec(float[] out, int outOff, float[] x, int xOff) {
        (matvecPath == Kernels.Path.ND4J ? nd4j : vector).matvec(out, outOff, x, xOff);
    }

    @Override
    public void matmul(float[] out, int outOff, float[] x, int xOff, int tokens) {
        serving(tokens).matmul(out, outOff, x, xOff, tokens);
    }

    @Override public float get(int r, int c) { return vector.get(r, c); }

    @Override public void row(int r, float[] dst, int off) { vector.row(r, dst, off); }

    /** Both copies: the vector panels and ND4J's. */
    @Override public long bytes() { return vector.bytes() + nd4j.bytes(); }
}
