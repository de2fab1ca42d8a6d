package ai.taipan.engine.layers;

/**
 * The Mamba-2 selective state-space recurrence (SPEC §2 mamba2 step 5; Dao &amp; Gu 2024, "Transformers
 * are SSMs", §3–§6), in two forms with one signature: a sequential scan (decode, and the plain
 * reference) and the chunked SSD form (prefill). For head h (group g = h / (H/G)) and token t:
 *
 * <pre>
 *   S_h,t = exp(Δ_t,h · A_h) · S_h,t−1 + Δ_t,h · x_t,h ⊗ B_t,g          S: (P, N)
 *   y_t,h = S_h,t · C_t,g + D_h · x_t,h                                   y: (P,)
 * </pre>
 *
 * Chunked (SSD, paper Listing 1 "ssd_minimal"): with a_t = Δ_t·A and the cumulative sum
 * L_t = Σ_{r ≤ t} a_r inside a chunk of Q tokens, and S_0 the state before the chunk,
 *
 * <pre>
 *   y_t   = exp(L_t) · S_0·C_t                                   (inter-chunk: state passed in)
 *         + Σ_{s ≤ t} exp(L_t − L_s) · (C_t·B_s) · Δ_s · x_s      (intra-chunk: quadratic, masked)
 *         + D · x_t
 *   S_end = exp(L_{Q−1}) · S_0 + Σ_s exp(L_{Q−1} − L_s) · Δ_s · x_s ⊗ B_s   (state passing)
 * </pre>
 *
 * exp(L_t − L_s) is the paper's segsum decay; L is accumulated in double so that the difference
 * of two long sums keeps its precision over a 256-token chunk.
 *
 * <p>Buffers (one chunk of T tokens, row-major): xbc (T, convDim) holding x (H, P) | B (G, N) |
 * C (G, N) per row; dt (T, H); y (T, dInner); state S (H, P, N), updated in place.
 */
public final class Ssd {
    final int H, P, N, G, dInner, convDim, chunk;
    private final int headsPerGroup;

    public Ssd(int heads, int headDim, int stateSize, int groups, int chunkSize) {
        this.H = heads;
        this.P = headDim;
        this.N = stateSize;
        this.G = groups;
        this.dInner = heads * headDim;
        this.convDim = dInner + 2 * groups * stateSize;
        this.chunk = chunkSize;
        this.headsPerGroup = heads / groups;
    }

    private int bOff(int t, int g) { return t * convDim + dInner + g * N; }

    private int cOff(int t, int g) { return t * convDim + dInner + G * N + g * N; }

    /**
     * The sequential scan: token after token, exactly the recurrence above. {@code norms} (T, H),
     * if not null, receives ‖S_h‖_F after each token.
     */
    public void scan(float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T, float[] norms) {
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < H; h++) {
                int g = h / headsPerGroup;
                float dth = dt[t * H + h];
                float dA = (float) Math.exp(dth * A[h]);
                int bo = bOff(t, g), co = cOff(t, g), xo = t * convDim + h * P, so = h * P * N;
                double ss = 0;
                for (int p = 0; p < P; p++) {
                    float x = xbc[xo + p];
                    float dx = dth * x;
                    float acc = 0f;
                    int sp = so + p * N;
                    for (int n = 0; n < N; n++) {
                        float s = dA * S[sp + n] + dx * xbc[bo + n];
                        S[sp + n] = s;
                        acc += s * xbc[co + n];
                        if (norms != null) ss += (double) s * s;
                    }
                    y[t * dInner + h * P + p] = acc + D[h] * x;
                }
                if (norms != null) norms[t * H + h] = (float) Math.sqrt(ss);
            }
        }
    }

    /**
     * The chunked SSD form over T tokens, in chunks of {@link #chunk}: the quadratic form inside
     * each chunk, the state passed from chunk to chunk. Scratch: cb (Q, Q), cum (Q,), w (Q,).
     * Produces the same y and final S as {@link #scan} up to float rounding.
     */
    public void chunked(float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T,
                        float[] cb, double[] cum, float[] w) {
        for (int c0 = 0; c0 < T; c0 += chunk) {
            int Q = Math.min(chunk, T - c0);
            for (int g = 0; g < G; g++) {
                // cb[t, s] = C_t · B_s for s ≤ t (the masked "C Bᵀ" of the group)
                for (int t = 0; t < Q; t++) {
                    int co = cOff(c0 + t, g);
                    for (int s = 0; s <= t; s++) {
                        int bo = bOff(c0 + s, g);
                        float acc = 0f;
                        for (int n = 0; n < N; n++) acc += xbc[co + n] * xbc[bo + n];
                        cb[t * Q + s] = acc;
                    }
                }
                for (int h = g * headsPerGroup; h < (g + 1) * headsPerGroup; h++) {
                    chunkHead(y, xbc, dt, A[h], D[h], S, c0, Q, g, h, cb, cum, w);
                }
            }
        }
    }

    private void chunkHead(float[] y, float[] xbc, float[] dt, float Ah, float Dh, float[] S, int c0, int Q,
                           int g, int h, float[] cb, double[] cum, float[] w) {
        double L = 0;
        for (int t = 0; t < Q; t++) {
            L += (double) dt[(c0 + t) * H + h] * Ah;
            cum[t] = L;                                            // L_t
        }
        int so = h * P * N;
        for (int t = 0; t < Q; t++) {
            int yo = (c0 + t) * dInner + h * P, xo = (c0 + t) * convDim + h * P, co = cOff(c0 + t, g);
            // inter-chunk: exp(L_t) · S_0 · C_t, plus the skip D·x_t
            float decay = (float) Math.exp(cum[t]);
            for (int p = 0; p < P; p++) {
                float acc = 0f;
                int sp = so + p * N;
                for (int n = 0; n < N; n++) acc += S[sp + n] * xbc[co + n];
                y[yo + p] = decay * acc + Dh * xbc[xo + p];
            }
            // intra-chunk: Σ_{s ≤ t} exp(L_t − L_s) · (C_t·B_s) · Δ_s · x_s
            for (int s = 0; s <= t; s++) {
                w[s] = (float) Math.exp(cum[t] - cum[s]) * cb[t * Q + s] * dt[(c0 + s) * H + h];
            }
            for (int s = 0; s <= t; s++) {
                float ws = w[s];
                int xs = (c0 + s) * convDim + h * P;
                for (int p = 0; p < P; p++) y[yo + p] += ws * xbc[xs + p];
            }
        }
        // state passing: S_end = exp(L_{Q−1}) S_0 + Σ_s exp(L_{Q−1} − L_s) Δ_s x_s ⊗ B_s
        float decayEnd = (float) Math.exp(cum[Q - 1]);
        for (int i = so; i < so + P * N; i++) S[i] *= decayEnd;
        for (int s = 0; s < Q; s++) {
            float ws = (float) Math.exp(cum[Q - 1] - cum[s]) * dt[(c0 + s) * H + h];
            int xs = (c0 + s) * convDim + h * P, bo = bOff(c0 + s, g);
            for (int p = 0; p < P; p++) {
                float dx = ws * xbc[xs + p];
                int sp = so + p * N;
                for (int n = 0; n < N; n++) S[sp + n] += dx * xbc[bo + n];
            }
        }
    }

    /**
     * Per-token state norms for a chunk the SSD form runs in one go (tracing only): replays the
     * recurrence for each head from a copy of S_0 (scratch {@code headState}, (P, N)) without
     * touching S. norms is (T, H).
     */
    public void replayNorms(float[] norms, float[] xbc, float[] dt, float[] A, float[] S, int T, float[] headState) {
        for (int h = 0; h < H; h++) {
            int g = h / headsPerGroup;
            System.arraycopy(S, h * P * N, headState, 0, P * N);
            for (int t = 0; t < T; t++) {
                float dth = dt[t * H + h];
                float dA = (float) Math.exp(dth * A[h]);
                int bo = bOff(t, g), xo = t * convDim + h * P;
                double ss = 0;
                for (int p = 0; p < P; p++) {
                    float dx = dth * xbc[xo + p];
                    for (int n = 0; n < N; n++) {
                        float s = dA * headState[p * N + n] + dx * xbc[bo + n];
                        headState[p * N + n] = s;
                        ss += (double) s * s;
                    }
                }
                norms[t * H + h] = (float) Math.sqrt(ss);
            }
        }
    }
}
