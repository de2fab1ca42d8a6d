package ai.taipan.engine.kernel;

/** Plain loops: the reference for {@link VectorOps} and its fallback. */
final class ScalarOps implements VectorOps.Ops {
    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void scale(float[] x, int off, int n, float alpha) {
        for (int i = 0; i < n; i++) x[off + i] *= alpha;
    }

    @Override
    public float sumOfSquares(float[] x, int off, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[off + i] * x[off + i];
        return s;
    }

    @Override
    public void flushTiny(float[] x, int off, int n, float threshold) {
        for (int i = 0; i < n; i++) if (Math.abs(x[off + i]) < threshold) x[off + i] = 0f;
    }

    @Override
    public float expShiftSum(float[] x, int off, int n, float shift) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            x[off + i] = (float) Math.exp(x[off + i] - shift);
            s += x[off + i];
        }
        return s;
    }

    @Override
    public void addProduct(float[] y, int yOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += a[aOff + i] * b[bOff + i];
    }

    @Override
    public void silu(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = silu(x[off + i]);
    }

    @Override
    public void siluMul(float[] out, int oOff, float[] z, int zOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = silu(z[zOff + i]) * y[yOff + i];
    }

    /** x·σ(x), the layers' own formula (layers.Ops.silu). */
    static float silu(float x) { return x / (1f + (float) Math.exp(-x)); }

    @Override
    public void dotBlocked(float[] out, int oOff, float[] q, int qOff, float[] kb, int slot0, int n, int dim, int col0, int len, float scale) {
        for (int r = 0; r < n; r++) {
            int base = VectorOps.blockedKeyIndex(slot0 + r, col0, dim);
            float acc = 0f;
            for (int d = 0; d < len; d++) acc += q[qOff + d] * kb[base + d * VectorOps.KEY_BLOCK];
            out[oOff + r] = acc * scale;
        }
    }

    @Override
    public void weightedRowSum(float[] out, int oOff, float[] w, int wOff, float[] x, int xOff, int stride, int rows, int n) {
        for (int r = 0; r < rows; r++) axpy(w[wOff + r], x, xOff + r * stride, out, oOff, n);
    }

    @Override
    public void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                       float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular, float[] pack) {
        for (int i = 0; i < rows; i++) {
            int kEnd = lowerTriangular ? Math.min(inner, i + 1) : inner;
            int o = oOff + i * oStride;
            for (int k = 0; k < kEnd; k++) {
                float aik = a[aOff + i * aStride + k];
                int bo = bOff + k * bStride;
                for (int j = 0; j < cols; j++) out[o + j] += aik * b[bo + j];
            }
        }
    }

    /** The plain row-major copy: packed[k·cols + j] = b(k, j). */
    @Override
    public void pack(float[] packed, float[] b, int bOff, int kStride, int jStride, int inner, int cols) {
        for (int k = 0; k < inner; k++) {
            for (int j = 0; j < cols; j++) packed[k * cols + j] = b[bOff + k * kStride + j * jStride];
        }
    }

    @Override
    public void mulAddPacked(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                             float[] packed, int rows, int inner, int cols, boolean lowerTriangular) {
        mulAdd(out, oOff, oStride, a, aOff, aStride, packed, 0, cols, rows, inner, cols, lowerTriangular, null);
    }
}
