package ai.taipan.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of {@link VectorOps}; loaded by name only when the module is present. */
final class SimdOps implements VectorOps.Ops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ScalarOps SCALAR = new ScalarOps();

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) { // two chains: the FMA latency is not the limit at these lengths
            s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
            s1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), s1);
        }
        for (; i + L <= n; i += L) {
            s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public float expShiftSum(float[] x, int off, int n, float shift) {
        return expLoop(EXP_SHIFT_SUM, x, off, x, off, null, 0, n, shift);
    }

    @Override
    public void addProduct(float[] y, int yOff, float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector p = FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i));
            FloatVector.fromArray(S, y, yOff + i).add(p).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a[aOff + i] * b[bOff + i];
    }

    @Override
    public void silu(float[] x, int off, int n) { expLoop(SILU, x, off, x, off, null, 0, n, 0f); }

    @Override
    public void siluMul(float[] out, int oOff, float[] z, int zOff, float[] y, int yOff, int n) {
        expLoop(SILU_MUL, z, zOff, out, oOff, y, yOff, n, 0f);
    }

    private static final int EXP_SHIFT_SUM = 0, SILU = 1, SILU_MUL = 2;

    /**
     * The one loop with e^x in it, for the three operations that need it (op is the same for the whole
     * call, so the branches are loop-invariant):
     * <ul>
     *   <li>EXP_SHIFT_SUM: out[i] = e^(x[i] − shift), returns Σ out[i] (softmax; out is x);</li>
     *   <li>SILU: out[i] = silu(x[i]) = x / (1 + e^−x), and 0 below −88.7 (where e^x is clamped);</li>
     *   <li>SILU_MUL: out[i] = silu(x[i])·y[i].</li>
     * </ul>
     * e^x is Cephes expf, written out here rather than in a helper: x = k·ln 2 + r with |r| ≤ ln 2 / 2
     * (ln 2 split in two for an exact k·ln 2), e^r by a degree-6 polynomial, 2^k through the exponent
     * bits; arguments are clamped to [−87.3, 88.7] and below −87.3 the result is 0, never subnormal (a
     * subnormal softmax weight would cost a microcode assist in every product it enters, BENCHMARKS.md
     * §6). Why no helper taking and returning vectors: C2 inlines such a helper or not depending on what
     * it compiled first, and where it does not, every vector crossing the call is boxed on the heap — in
     * 4 or 5 of 6 bench processes the conv's SiLU allocated 96 bytes a vector (258 KB a prefill token on
     * the mamba2-130m shape) and prefill ran ~15% slower (engine/BENCHMARKS.md §22).
     */
    private static float expLoop(int op, float[] x, int xOff, float[] out, int oOff, float[] y, int yOff, int n, float shift) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector a = op == EXP_SHIFT_SUM ? v.sub(shift) : v.neg();
            // e^a
            var tiny = a.lt(-87.3f);
            a = a.max(-87.3f).min(88.7f);
            // k = round(a·log2 e) by the 1.5·2^23 trick (no float→int conversion, which C2 does not
            // intrinsify here): t's low mantissa bits then hold k
            FloatVector t = a.mul(1.44269504088896341f).add(12582912f);
            FloatVector k = t.sub(12582912f);
            FloatVector r = a.sub(k.mul(0.693359375f)).sub(k.mul(-2.12194440e-4f));
            FloatVector z = r.mul(r);
            FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f)
                    .fma(r, FloatVector.broadcast(S, 1.3981999507e-3f))
                    .fma(r, FloatVector.broadcast(S, 8.3334519073e-3f))
                    .fma(r, FloatVector.broadcast(S, 4.1665795894e-2f))
                    .fma(r, FloatVector.broadcast(S, 1.6666665459e-1f))
                    .fma(r, FloatVector.broadcast(S, 5.0000001201e-1f))
                    .fma(z, r).add(1f);
            // 2^k: (k + 127) << 23, from t's bits (0x4B400000 + k)
            IntVector bits = t.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul(bits.reinterpretAsFloats()).blend(0f, tiny);
            if (op == EXP_SHIFT_SUM) {
                e.intoArray(out, oOff + i);
                acc = acc.add(e);
            } else {
                FloatVector sv = v.div(e.add(1f)).blend(0f, v.lt(-88.7f));
                if (op == SILU_MUL) sv = sv.mul(FloatVector.fromArray(S, y, yOff + i));
                sv.intoArray(out, oOff + i);
            }
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            if (op == EXP_SHIFT_SUM) {
                out[oOff + i] = (float) Math.exp(x[xOff + i] - shift);
                s += out[oOff + i];
            } else if (op == SILU) {
                out[oOff + i] = ScalarOps.silu(x[xOff + i]);
            } else {
                out[oOff + i] = ScalarOps.silu(x[xOff + i]) * y[yOff + i];
            }
        }
        return s;
    }

    @Override
    public void dotBlocked(float[] out, int oOff, float[] q, int qOff, float[] kb, int slot0, int n, int dim, int col0, int len, float scale) {
        final int B = VectorOps.KEY_BLOCK;
        if (n <= 0) return;
        if (B % L != 0) {                      // lanes that do not tile a block (none on x86): scalar
            SCALAR.dotBlocked(out, oOff, q, qOff, kb, slot0, n, dim, col0, len, scale);
            return;
        }
        int end = slot0 + n;
        for (int c = slot0 / L * L; c < end; c += L) {   // chunks of L slots, aligned to L (so inside one block)
            // the L slots from c for elements col0 .. col0 + len − 1 are vectors B floats apart
            FloatVector acc = stridedWeightedSum(q, qOff, kb, VectorOps.blockedKeyIndex(c, col0, dim), B, len).mul(scale);
            int o = oOff + c - slot0;
            if (c >= slot0 && c + L <= end) {
                acc.intoArray(out, o);
            } else {                                      // a run's first or last chunk: the lanes inside it
                float[] lanes = acc.toArray();
                for (int l = Math.max(0, slot0 - c); l < Math.min(L, end - c); l++) out[o + l] = lanes[l];
            }
        }
    }

    @Override
    public void weightedRowSum(float[] out, int oOff, float[] w, int wOff, float[] x, int xOff, int stride, int rows, int n) {
        int d = 0;
        for (; d + L <= n; d += L) weightedRowSumBlock(out, oOff + d, w, wOff, x, xOff + d, stride, rows);
        for (; d < n; d++) {
            float s = out[oOff + d];
            for (int r = 0; r < rows; r++) s += w[wOff + r] * x[xOff + r * stride + d];
            out[oOff + d] = s;
        }
    }

    private static void weightedRowSumBlock(float[] out, int o, float[] w, int wOff, float[] x, int xOff, int stride, int rows) {
        stridedWeightedSum(w, wOff, x, xOff, stride, rows).add(FloatVector.fromArray(S, out, o)).intoArray(out, o);
    }

    /**
     * Σ_r w[wOff+r]·x[xOff + r·stride .. + L) for r &lt; rows, four FMA chains (so the FMA latency does
     * not bound the loop): the inner loop of both attention kernels — a query's scores over one chunk
     * of blocked keys (w = the query, stride = a key block) and the weighted sum of value rows.
     */
    private static FloatVector stridedWeightedSum(float[] w, int wOff, float[] x, int xOff, int stride, int rows) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int at = xOff + r * stride;
            a0 = FloatVector.fromArray(S, x, at).fma(FloatVector.broadcast(S, w[wOff + r]), a0);
            a1 = FloatVector.fromArray(S, x, at + stride).fma(FloatVector.broadcast(S, w[wOff + r + 1]), a1);
            a2 = FloatVector.fromArray(S, x, at + 2 * stride).fma(FloatVector.broadcast(S, w[wOff + r + 2]), a2);
            a3 = FloatVector.fromArray(S, x, at + 3 * stride).fma(FloatVector.broadcast(S, w[wOff + r + 3]), a3);
        }
        for (; r < rows; r++) a0 = FloatVector.fromArray(S, x, xOff + r * stride).fma(FloatVector.broadcast(S, w[wOff + r]), a0);
        return a0.add(a1).add(a2.add(a3));
    }

    @Override
    public void scale(float[] x, int off, int n, float alpha) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(S, x, off + i).mul(alpha).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= alpha;
    }

    @Override
    public float sumOfSquares(float[] x, int off, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i), w = FloatVector.fromArray(S, x, off + i + L);
            s0 = v.fma(v, s0);
            s1 = w.fma(w, s1);
        }
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            s0 = v.fma(v, s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[off + i] * x[off + i];
        return s;
    }

    @Override
    public void flushTiny(float[] x, int off, int n, float threshold) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            // compares are not arithmetic: no assist for the subnormal lanes being tested
            v.blend(0f, v.abs().compare(VectorOperators.LT, threshold)).intoArray(x, off + i);
        }
        for (; i < n; i++) if (Math.abs(x[off + i]) < threshold) x[off + i] = 0f;
    }

    @Override
    public void mulAdd(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                       float[] b, int bOff, int bStride, int rows, int inner, int cols, boolean lowerTriangular, float[] pack) {
        VectorKernels.mulAddStrided(out, oOff, oStride, a, aOff, aStride, b, bOff, bStride, rows, inner, cols, lowerTriangular, pack);
    }

    @Override
    public void pack(float[] packed, float[] b, int bOff, int kStride, int jStride, int inner, int cols) {
        VectorKernels.packAll(packed, b, bOff, kStride, jStride, inner, cols);
    }

    @Override
    public void mulAddPacked(float[] out, int oOff, int oStride, float[] a, int aOff, int aStride,
                             float[] packed, int rows, int inner, int cols, boolean lowerTriangular) {
        VectorKernels.mulAddPacked(out, oOff, oStride, a, aOff, aStride, packed, rows, inner, cols, lowerTriangular);
    }
}
