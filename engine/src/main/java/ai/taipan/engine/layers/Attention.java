package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.VectorOps;

/**
 * Multi-head softmax attention of one query over the keys held in a {@link KvRing} (SPEC §2):
 * for head h, a_j = softmax_j(q_h · k_j,h / √d_h) over the ring's entries, o_h = Σ_j a_j v_j,h;
 * heads are concatenated in order (row h·d_h + d is head h, dim d; no grouped-query sharing).
 * The caller has already evicted every key the query must not see.
 */
final class Attention {
    private Attention() {}

    /**
     * out[outOff .. outOff + heads·hd) = attention of q[qOff ..] over the ring — the fast form of
     * {@link #attendPlain}: the q·k dot products and the Σ a_j v_j accumulation go through
     * kernel.VectorOps (Vector API, or its scalar twin under taipan.kernels=scalar). Equal to the
     * plain form up to summation order.
     *
     * @param weights null, or [heads][ring.size()] to receive the softmax weights (tracing)
     */
    static void attend(KvRing ring, float[] q, int qOff, float[] out, int outOff, int heads, int hd,
                       Workspace ws, float[][] weights) {
        int n = ring.size(), dim = heads * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] sc = ws.scores(n);                   // (keys,)
        float[] k = ring.keys(), v = ring.values();
        // the ring's entries, oldest first, lie in at most two runs of physical slots: [s0, s0 + n1)
        // and, after the wrap, [0, n − n1)
        int s0 = n == 0 ? 0 : ring.slot(0);
        int n1 = Math.min(n, ring.capacity() - s0);
        for (int h = 0; h < heads; h++) {
            int qo = qOff + h * hd;
            VectorOps.dotBlocked(sc, 0, q, qo, k, s0, n1, dim, h * hd, hd, scale);
            VectorOps.dotBlocked(sc, n1, q, qo, k, 0, n - n1, dim, h * hd, hd, scale);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, sc[j]);
            float inv = 1f / VectorOps.expShiftSum(sc, 0, n, max);
            VectorOps.scale(sc, 0, n, inv);
            if (weights != null) System.arraycopy(sc, 0, weights[h], 0, n);
            int oo = outOff + h * hd;
            java.util.Arrays.fill(out, oo, oo + hd, 0f);
            VectorOps.weightedRowSum(out, oo, sc, 0, v, ring.valueIndex(s0, h * hd), hd, n1, hd);
            VectorOps.weightedRowSum(out, oo, sc, n1, v, ring.valueIndex(0, h * hd), hd, n - n1, hd);
        }
    }

    /** The plain loops of {@link #attend} (the reference it is tested against). */
    static void attendPlain(KvRing ring, float[] q, int qOff, float[] out, int outOff, int heads, int hd,
                       Workspace ws, float[][] weights) {
        int n = ring.size(), dim = heads * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] sc = ws.scores(n);                   // (keys,)
        float[] k = ring.keys(), v = ring.values();
        for (int h = 0; h < heads; h++) {
            int qo = qOff + h * hd;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                int slot = ring.slot(j);
                float dot = 0f;
                for (int d = 0; d < hd; d++) dot += q[qo + d] * k[KvRing.keyIndex(slot, h * hd + d, dim)];
                sc[j] = dot * scale;
                if (sc[j] > max) max = sc[j];
            }
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                sc[j] = (float) Math.exp(sc[j] - max);
                sum += sc[j];
            }
            float inv = 1f / sum;
            int oo = outOff + h * hd;
            for (int d = 0; d < hd; d++) out[oo + d] = 0f;
            for (int j = 0; j < n; j++) {
                float a = sc[j] * inv;
                if (weights != null) weights[h][j] = a;
                int vo = ring.valueIndex(ring.slot(j), h * hd);
                for (int d = 0; d < hd; d++) out[oo + d] += a * v[vo + d];
            }
        }
    }
}
