package ai.taipan.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VectorOps (vector) and ScalarOps against double references, odd lengths and offsets. */
class VectorOpsTest {
    static final int[] LENGTHS = {0, 1, 3, 7, 15, 16, 17, 31, 33, 65, 127, 257, 1000};

    @Test
    void vectorAndScalarAgreeWithReference() {
        VectorOps.Ops simd = (VectorOps.Ops) Kernels.instantiate("ai.taipan.engine.kernel.SimdOps", new Class<?>[0]);
        for (VectorOps.Ops ops : new VectorOps.Ops[] {simd, new ScalarOps()}) check(ops);
    }

    @Test
    void publicFacadeUsesVectorPathInTests() {
        assertTrue(VectorOps.vectorized());
        float[] a = {1, 2, 3}, b = {4, 5, 6};
        assertEquals(32f, VectorOps.dot(a, 0, b, 0, 3), 0f);
        assertEquals(14f, VectorOps.sumOfSquares(a, 0, 3), 0f);
    }

    private static void check(VectorOps.Ops ops) {
        Random rnd = new Random(3);
        String name = ops.getClass().getSimpleName();
        for (int n : LENGTHS) {
            int aOff = rnd.nextInt(5), bOff = rnd.nextInt(5);
            float[] a = random(rnd, aOff + n + 3), b = random(rnd, bOff + n + 2);
            double dot = 0, mag = 0, ss = 0;
            for (int i = 0; i < n; i++) {
                dot += (double) a[aOff + i] * b[bOff + i];
                mag += Math.abs((double) a[aOff + i] * b[bOff + i]);
                ss += (double) a[aOff + i] * a[aOff + i];
            }
            assertEquals(dot, ops.dot(a, aOff, b, bOff, n), 1e-6 + 1e-5 * mag, name + " dot n=" + n);
            assertEquals(ss, ops.sumOfSquares(a, aOff, n), 1e-6 + 1e-5 * ss, name + " sumOfSquares n=" + n);

            float alpha = (float) rnd.nextGaussian();
            float[] y = b.clone();
            ops.axpy(alpha, a, aOff, y, bOff, n);
            for (int i = 0; i < y.length; i++) {
                boolean inside = i >= bOff && i < bOff + n;
                double want = inside ? b[i] + (double) alpha * a[aOff + i - bOff] : b[i];
                assertEquals(want, y[i], 1e-6 * (1 + Math.abs(want)), name + " axpy n=" + n + " i=" + i);
            }
            // scores over a run of key slots in the blocked layout (16 slots a block, element-major),
            // runs that start and end inside blocks; and a weighted sum of the rows of a strided matrix
            for (int rows : new int[] {0, 1, 3, 4, 9, 16, 17, 40}) {
                int dim = n + 3, col0 = 2, slot0 = rnd.nextInt(20), cap = slot0 + rows;
                float[] kb = random(rnd, (cap + 15) / 16 * 16 * dim);
                float[] sc = random(rnd, rows + 2), sc0 = sc.clone();
                ops.dotBlocked(sc, 1, a, aOff, kb, slot0, rows, dim, col0, n, 0.5f);
                for (int i = 0; i < sc.length; i++) {
                    if (i < 1 || i >= 1 + rows) { assertEquals(sc0[i], sc[i], 0f, name + " dotBlocked wrote outside, i=" + i); continue; }
                    int slot = slot0 + i - 1;
                    double d = 0, m = 0;
                    for (int e = 0; e < n; e++) {
                        double t = (double) a[aOff + e] * kb[(slot / 16) * 16 * dim + (col0 + e) * 16 + slot % 16];
                        d += t;
                        m += Math.abs(t);
                    }
                    assertEquals(0.5 * d, sc[i], 1e-6 + 1e-5 * m, name + " dotBlocked n=" + n + " rows " + rows + " slot " + slot);
                }
                int stride = n + 3, xOff = rnd.nextInt(4);
                float[] x = random(rnd, xOff + rows * stride + 1), w = random(rnd, rows + 2);
                float[] acc = random(rnd, n + 2), acc0 = acc.clone();
                ops.weightedRowSum(acc, 2, w, 1, x, xOff, stride, rows, n);
                for (int i = 0; i < acc.length; i++) {
                    boolean inside = i >= 2 && i < 2 + n;
                    double want = acc0[i], m = Math.abs(want);
                    for (int r = 0; inside && r < rows; r++) {
                        want += (double) w[1 + r] * x[xOff + r * stride + i - 2];
                        m += Math.abs((double) w[1 + r] * x[xOff + r * stride + i - 2]);
                    }
                    assertEquals(want, acc[i], inside ? 1e-6 + 1e-5 * m : 0, name + " weightedRowSum n=" + n + " rows " + rows + " i=" + i);
                }
            }
            // softmax numerators: exp(x − shift) over arguments from far below the float range to +80
            float[] ex = new float[n + 2];
            for (int i = 0; i < ex.length; i++) ex[i] = (float) (rnd.nextDouble() * 200 - 110);
            if (n > 2) { ex[2] = 7f; ex[3] = -1e30f; }
            float[] ex0 = ex.clone();
            double wantSum = 0;
            float gotSum = ops.expShiftSum(ex, 1, n, 7f);
            for (int i = 0; i < ex.length; i++) {
                boolean inside = i >= 1 && i < 1 + n;
                double want = inside ? Math.exp(ex0[i] - 7f) : ex0[i];   // the argument rounded to float, as both paths do
                if (inside) wantSum += want;
                double tol = inside ? (want < 1e-37 ? 1e-37 : 3e-7 * want) : 0;   // below e^-87.3 (~1.2e-38): 0
                assertEquals(want, ex[i], tol, name + " expShiftSum n=" + n + " i=" + i + " x=" + ex0[i]);
            }
            assertEquals(wantSum, gotSum, 1e-6 * wantSum + 1e-37, name + " expShiftSum's sum n=" + n);
            // SiLU in place and the gated product, against x/(1 + e^-x) in double, from -120 to +120
            // (and extremes): relative 3e-7, or 1e-36 absolute where the value is below the float range
            float[] sx = new float[n + 3];
            for (int i = 0; i < sx.length; i++) sx[i] = (float) (rnd.nextDouble() * 240 - 120);
            if (n > 3) { sx[1] = -1e30f; sx[2] = 1e30f; sx[3] = 0f; }
            float[] sx0 = sx.clone(), gy = random(rnd, n + 3), prod = new float[n + 5];
            ops.silu(sx, 1, n);
            ops.siluMul(prod, 2, sx0, 1, gy, 0, n);
            for (int i = 0; i < sx.length; i++) {
                boolean inside = i >= 1 && i < 1 + n;
                double want = inside ? sx0[i] / (1 + Math.exp(-(double) sx0[i])) : sx0[i];
                assertEquals(want, sx[i], inside ? 3e-7 * Math.abs(want) + 1e-36 : 0, name + " silu n=" + n + " x=" + sx0[i]);
                if (inside) {
                    double wantProd = want * gy[i - 1];
                    assertEquals(wantProd, prod[i + 1], 4e-7 * Math.abs(wantProd) + 1e-36, name + " siluMul n=" + n + " x=" + sx0[i]);
                }
            }
            assertEquals(0f, prod[0], 0f);
            assertEquals(0f, prod[1], 0f);
            assertEquals(0f, prod[n + 2], 0f);
            // y += a ⊙ b, product rounded before the sum: the same floats as the plain loop, bit for bit
            float[] yp = random(rnd, bOff + n + 2), yq = yp.clone();
            ops.addProduct(yp, bOff, a, aOff, b, bOff, n);
            for (int i = 0; i < n; i++) yq[bOff + i] += a[aOff + i] * b[bOff + i];
            assertArrayEquals(yq, yp, name + " addProduct n=" + n);
            float[] s = a.clone();
            ops.scale(s, aOff, n, alpha);
            for (int i = 0; i < s.length; i++) {
                boolean inside = i >= aOff && i < aOff + n;
                assertEquals(inside ? a[i] * alpha : a[i], s[i], 0f, name + " scale n=" + n + " i=" + i);
            }
        }
    }

    /**
     * mulAdd (the strided product the SSD uses) against a double loop over every term, on sizes
     * that are not multiples of the 6-row block or of the 2L-column group (L = 8 or 16), with and
     * without the causal mask, padded strides and offsets; elements outside the product (the
     * stride padding) must be left as they were.
     */
    @Test
    void mulAddAgreesWithReferenceOnOddSizes() {
        VectorOps.Ops simd = (VectorOps.Ops) Kernels.instantiate("ai.taipan.engine.kernel.SimdOps", new Class<?>[0]);
        Random rnd = new Random(11);
        int[][] sizes = {{1, 1, 1}, {5, 3, 7}, {6, 17, 16}, {7, 9, 33}, {13, 31, 47}, {12, 64, 64}, {25, 25, 129}, {64, 40, 128}, {3, 70, 5}};
        for (VectorOps.Ops ops : new VectorOps.Ops[] {simd, new ScalarOps()}) {
            for (int[] sz : sizes) {
                int rows = sz[0], inner = sz[1], cols = sz[2];
                for (boolean tri : new boolean[] {false, true}) {
                    int aStride = inner + 3, bStride = cols + 2, oStride = cols + 5, aOff = 2, bOff = 1, oOff = 4;
                    float[] a = random(rnd, aOff + rows * aStride);
                    if (tri) for (int i = 0; i < rows; i++) for (int k = i + 1; k < inner; k++) a[aOff + i * aStride + k] = 0f;
                    float[] b = random(rnd, bOff + inner * bStride);
                    float[] out = random(rnd, oOff + rows * oStride + 3);
                    float[] got = out.clone();
                    ops.mulAdd(got, oOff, oStride, a, aOff, aStride, b, bOff, bStride, rows, inner, cols, tri,
                            new float[VectorOps.PACK_PER_INNER * inner]);
                    String what = ops.getClass().getSimpleName() + " mulAdd " + rows + "x" + inner + "x" + cols + (tri ? " causal" : "");
                    assertAccumulatedProduct(out, got, oOff, oStride, a, aOff, aStride, b, bOff, bStride, 1, rows, inner, cols, what);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> VectorOps.mulAdd(new float[4], 0, 2, new float[4], 0, 2,
                new float[4], 0, 2, 2, 2, 2, false, new float[VectorOps.PACK_PER_INNER * 2 - 1]));
    }

    /**
     * pack + mulAddPacked (the SSD's products on B and Cᵀ packed once per group) against a double
     * loop over every term, on sizes that are not multiples of the 6-row block or of the 2L-column
     * group, b read directly (jStride 1) and transposed (kStride 1), with and without the causal
     * mask, padded strides and offsets; the rest of out untouched, and the same floats, bit for bit,
     * as mulAdd on the unpacked b (the packed form only moves the packing, not the arithmetic).
     */
    @Test
    void mulAddPackedAgreesWithReferenceAndWithMulAdd() {
        VectorOps.Ops simd = (VectorOps.Ops) Kernels.instantiate("ai.taipan.engine.kernel.SimdOps", new Class<?>[0]);
        Random rnd = new Random(12);
        int[][] sizes = {{1, 1, 1}, {5, 3, 7}, {6, 17, 16}, {7, 9, 33}, {13, 31, 47}, {64, 37, 65}, {11, 70, 129}, {3, 1, 97}};
        for (VectorOps.Ops ops : new VectorOps.Ops[] {simd, new ScalarOps()}) {
            for (int[] sz : sizes) {
                int rows = sz[0], inner = sz[1], cols = sz[2];
                for (boolean transposed : new boolean[] {false, true}) {
                    for (boolean tri : new boolean[] {false, true}) {
                        int aStride = inner + 3, oStride = cols + 5, aOff = 2, bOff = 3, oOff = 4;
                        // b(k, j) at b[bOff + k·kStride + j·jStride]: row-major with padding, or its transpose
                        int kStride = transposed ? 1 : cols + 2, jStride = transposed ? inner + 4 : 1;
                        float[] a = random(rnd, aOff + rows * aStride);
                        if (tri) for (int i = 0; i < rows; i++) for (int k = i + 1; k < inner; k++) a[aOff + i * aStride + k] = 0f;
                        float[] b = random(rnd, bOff + (inner - 1) * kStride + (cols - 1) * jStride + 1);
                        float[] out = random(rnd, oOff + rows * oStride + 3);
                        float[] packed = new float[VectorOps.packedFloats(inner, cols)];
                        java.util.Arrays.fill(packed, Float.NaN);          // pack must write every float it reads
                        ops.pack(packed, b, bOff, kStride, jStride, inner, cols);
                        float[] got = out.clone();
                        ops.mulAddPacked(got, oOff, oStride, a, aOff, aStride, packed, rows, inner, cols, tri);
                        String what = ops.getClass().getSimpleName() + " mulAddPacked " + rows + "x" + inner + "x" + cols
                                + (transposed ? " transposed" : "") + (tri ? " causal" : "");
                        assertAccumulatedProduct(out, got, oOff, oStride, a, aOff, aStride, b, bOff, kStride, jStride, rows, inner, cols, what);
                        // mulAdd on the same operand, laid out row-major: identical floats
                        float[] dense = new float[inner * cols];
                        for (int k = 0; k < inner; k++) for (int j = 0; j < cols; j++) dense[k * cols + j] = b[bOff + k * kStride + j * jStride];
                        float[] viaMulAdd = out.clone();
                        ops.mulAdd(viaMulAdd, oOff, oStride, a, aOff, aStride, dense, 0, cols, rows, inner, cols, tri,
                                new float[VectorOps.PACK_PER_INNER * inner]);
                        assertArrayEquals(viaMulAdd, got, what + ": differs from mulAdd");
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> VectorOps.pack(new float[VectorOps.packedFloats(3, 5) - 1],
                new float[15], 0, 5, 1, 3, 5));
    }

    @Test
    void flushTinyZeroesOnlyTinyValues() {
        VectorOps.Ops simd = (VectorOps.Ops) Kernels.instantiate("ai.taipan.engine.kernel.SimdOps", new Class<?>[0]);
        for (VectorOps.Ops ops : new VectorOps.Ops[] {simd, new ScalarOps()}) {
            for (int n : LENGTHS) {
                float[] x = new float[n + 4];
                for (int i = 0; i < x.length; i++) {
                    // a mix: subnormals, tiny normals below the threshold, values at and above it, signs
                    float v = switch (i % 6) {
                        case 0 -> Float.MIN_VALUE * (i + 1);
                        case 1 -> -3e-30f;
                        case 2 -> 1e-24f;
                        case 3 -> -0.5f;
                        case 4 -> 9.99e-25f;
                        default -> 7f;
                    };
                    x[i] = v;
                }
                float[] y = x.clone();
                ops.flushTiny(y, 2, n, 1e-24f);
                for (int i = 0; i < x.length; i++) {
                    boolean inside = i >= 2 && i < 2 + n;
                    float want = inside && Math.abs(x[i]) < 1e-24f ? 0f : x[i];
                    assertEquals(want, y[i], 0f, ops.getClass().getSimpleName() + " flushTiny n=" + n + " i=" + i);
                }
            }
        }
    }

    /**
     * got = out + a·b over the rows × cols block at oOff (row stride oStride), against a double loop over every
     * term (tolerance relative to the terms' magnitudes), with every float of got outside the block equal to
     * out's. b(k, j) is b[bOff + k·kStride + j·jStride]; a row-major with stride aStride.
     */
    private static void assertAccumulatedProduct(float[] out, float[] got, int oOff, int oStride, float[] a, int aOff, int aStride,
                                                 float[] b, int bOff, int kStride, int jStride, int rows, int inner, int cols, String what) {
        for (int idx = 0; idx < out.length; idx++) {
            int rel = idx - oOff, i = rel / oStride, j = rel % oStride;
            boolean inside = rel >= 0 && i < rows && j < cols;
            if (!inside) {
                assertEquals(out[idx], got[idx], 0f, what + ": wrote outside the product at " + idx);
                continue;
            }
            double s = out[idx], mag = Math.abs(out[idx]);
            for (int k = 0; k < inner; k++) {
                double p = (double) a[aOff + i * aStride + k] * b[bOff + k * kStride + j * jStride];
                s += p;
                mag += Math.abs(p);
            }
            assertEquals(s, got[idx], 1e-6 + 1e-5 * mag, what + " at row " + i + " col " + j);
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }
}
