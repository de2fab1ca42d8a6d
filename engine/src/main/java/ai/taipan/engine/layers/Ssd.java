package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.Parallel;
import ai.taipan.engine.kernel.VectorOps;

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
    /** Tokens per decay block in the chunked form's M (see chunkHeadFast). */
    private static final int BS = 32;
    /**
     * Operands below this magnitude are set to 0 in the fast chunked form. Why: a decay
     * exp(L_t − L_s) over a chunk easily falls to 1e-40 (e.g. Δ·A ≈ −0.4 per token over 230
     * tokens), i.e. into float's subnormal range, and Java cannot set flush-to-zero: on x86 every
     * FMA that reads or writes a subnormal takes a microcode assist (~100× slower, BENCHMARKS.md §6).
     * Measured: with random mamba2-130m weights, the SSD products ran ~4× slower per FLOP than the
     * projection matmuls until M, Xw and S were flushed. A dropped term is below 1e-24·|x|, far
     * below float resolution (6e-8) of any output it would be added to, so results still equal
     * {@link #chunkedPlain} up to float rounding. 1e-24 rather than Float.MIN_NORMAL (1.2e-38) so
     * that products of a kept operand with activations (|x| ≳ 1e-14) stay normal too.
     */
    static final float TINY = 1e-24f;
    private final int headsPerGroup;

    /**
     * The SSD chunk the engine runs for a model whose config says {@code chunk_size}: at most
     * {@value #MAX_CHUNK} tokens (system property {@code taipan.ssd.chunk} overrides, for
     * measurements). The chunked form gives the same result for any chunk length (SPEC §2; tested
     * by chunk-size independence), so the length is a speed choice, separate from the prefill block
     * (chunk_size tokens per projection matmul, Session). Per token and head the intra-chunk product
     * costs Q·P FLOPs and the state products 4·P·N whatever Q is, so shorter chunks do less work;
     * too short and the products' loops get short. Measured per core (HotPaths prefill 512,
     * mamba2-130m shape, pairs back to back on the loaded machine): Q 256 → 64 cut prefill CPU by
     * 5–17% (2245 → 1999, 1933 → 1831, 2231 → 1880, 2398 → 1995 ms); Q 32 was slower than 64.
     */
    public static int chunkFor(int configChunkSize) {
        return Math.max(1, Math.min(configChunkSize, Integer.getInteger("taipan.ssd.chunk", MAX_CHUNK)));
    }

    static final int MAX_CHUNK = 64;

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
     * The sequential scan, the fast path of decode: the recurrence above with each state row
     * updated by {@link SsdKernels#stateRow} and the heads split over the kernel threads
     * ({@link Parallel}, one level: heads are independent). {@code norms} (T, H), if not null,
     * receives ‖S_h‖_F after each token. Equals {@link #scanPlain} up to the summation order of
     * y = S·C (the state itself is computed by the same float operations).
     */
    public void scan(float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T, float[] norms,
                     Scratch scratch) {
        ScanJob job = scratch.scanJob;
        job.set(this, y, xbc, dt, A, D, S, T, norms);
        // at least ~8K state values per thread, or waking a worker costs more than it saves
        Parallel.forRange(H, Math.max(1, (8192 + P * N - 1) / (P * N)), job);
        job.set(null, null, null, null, null, null, null, 0, null);        // keep no references to the caller's arrays
    }

    /** The decode scan of heads [h0, h1) for all T tokens (heads do not interact). */
    private void scanHeads(float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T, float[] norms,
                           int h0, int h1) {
        for (int t = 0; t < T; t++) {
            for (int h = h0; h < h1; h++) {
                int g = h / headsPerGroup;
                float dth = dt[t * H + h];
                float dA = (float) Math.exp(dth * A[h]);
                int bo = bOff(t, g), co = cOff(t, g), xo = t * convDim + h * P, so = h * P * N, yo = t * dInner + h * P;
                for (int p = 0; p < P; p++) {
                    float x = xbc[xo + p];
                    y[yo + p] = SsdKernels.stateRow(S, so + p * N, N, dA, dth * x, xbc, bo, xbc, co) + D[h] * x;
                }
                if (norms != null) {
                    double ss = 0;
                    for (int i = so; i < so + P * N; i++) ss += (double) S[i] * S[i];
                    norms[t * H + h] = (float) Math.sqrt(ss);
                }
            }
        }
    }

    /** The decode scan as a reusable {@link Parallel.Range} (one per session: no allocation per token). */
    static final class ScanJob implements Parallel.Range {
        private Ssd ssd;
        private float[] y, xbc, dt, A, D, S, norms;
        private int T;

        void set(Ssd ssd, float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T, float[] norms) {
            this.ssd = ssd; this.y = y; this.xbc = xbc; this.dt = dt; this.A = A; this.D = D; this.S = S; this.T = T; this.norms = norms;
        }

        @Override public void run(int lo, int hi) { ssd.scanHeads(y, xbc, dt, A, D, S, T, norms, lo, hi); }
    }

    /**
     * The sequential scan in plain loops: token after token, exactly the recurrence above — the
     * reference for {@link #scan} and {@link #chunked}. {@code norms} (T, H), if not null,
     * receives ‖S_h‖_F after each token.
     */
    public void scanPlain(float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T, float[] norms) {
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
     * The chunked SSD form, the fast path of prefill: the same three terms as {@link #chunkedPlain},
     * written as small matrix products ({@link SsdKernels#mulAdd}) so that they vectorise, with the
     * heads of a group split over the kernel threads. Per chunk of Q tokens and head h:
     *
     * <pre>
     *   Y    = diag(exp L) · C · S_0ᵀ + D·X           C (Q, N), S_0ᵀ (N, P)          inter-chunk + skip
     *   Y   += M · X,   M[t, s] = exp(L_t − L_s)·(C_t·B_s)·Δ_s for s ≤ t, 0 above   intra-chunk (causal)
     *   S_end = exp(L_{Q−1})·S_0 + Xwᵀ · B,   Xw[s] = exp(L_{Q−1} − L_s)·Δ_s·x_s    state passing
     * </pre>
     *
     * The decays are products of per-token factors e_r = exp(Δ_r·A) ∈ (0, 1], in double:
     * exp(L_t − L_s) = Π_{s &lt; r ≤ t} e_r, so a chunk needs Q exponentials per head, not Q²/2.
     * (Every factor is ≤ 1, so the products cannot overflow; one that underflows is one whose
     * exact value is below double range.) Equals the plain form up to float rounding.
     */
    public void chunked(float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T, Scratch scratch) {
        for (int c0 = 0; c0 < T; c0 += chunk) {
            final int Q = Math.min(chunk, T - c0), start = c0;
            float[] cb = scratch.cb;
            for (int g = 0; g < G; g++) {
                // cb[t, s] = C_t · B_s for s ≤ t (the masked "C Bᵀ" of the group), (Q, Q), rows
                // split over the kernel threads in pairs (t, Q−1−t) so that every thread gets an
                // equal share of the triangle
                final int group = g;
                Parallel.forRange((Q + 1) / 2, 8, (lo, hi) -> {
                    for (int k = lo; k < hi; k++) {
                        cbRow(cb, xbc, start, Q, group, k);
                        if (Q - 1 - k != k) cbRow(cb, xbc, start, Q, group, Q - 1 - k);
                    }
                });
                // the group's C and B, shared by its heads, packed once for the products:
                // Cᵀ (N, Q) for Yᵀ = S_0 · Cᵀ, B (Q, N) for S += Xwᵀ · B
                SsdKernels.pack(scratch.packC, xbc, cOff(start, g), 1, convDim, N, Q);
                SsdKernels.pack(scratch.packB, xbc, bOff(start, g), convDim, 1, Q, N);
                scratch.claim.set(0);
                Parallel.forRange(headsPerGroup, 1, (lo, hi) -> {
                    Scratch.Slot sl = scratch.slots[scratch.claim.getAndIncrement()];
                    for (int h = group * headsPerGroup + lo; h < group * headsPerGroup + hi; h++) {
                        chunkHeadFast(y, xbc, dt, A[h], D[h], S, start, Q, group, h, cb, scratch.packC, scratch.packB, sl);
                    }
                });
            }
        }
    }

    private void cbRow(float[] cb, float[] xbc, int c0, int Q, int g, int t) {
        int co = cOff(c0 + t, g);
        for (int s = 0; s <= t; s++) cb[t * Q + s] = VectorOps.dot(xbc, co, xbc, bOff(c0 + s, g), N);
    }

    private void chunkHeadFast(float[] y, float[] xbc, float[] dt, float Ah, float Dh, float[] S, int c0, int Q,
                               int g, int h, float[] cb, float[] packC, float[] packB, Scratch.Slot sl) {
        double[] e = sl.e, drow = sl.drow;
        float[] Yt = sl.yt, M = sl.m, Xw = sl.xw, hs = sl.hs;
        float[] dth = sl.dt;                                                             // Δ of this head, (Q,) contiguous
        for (int r = 0; r < Q; r++) dth[r] = dt[(c0 + r) * H + h];
        for (int r = 0; r < Q; r++) e[r] = Math.exp((double) dth[r] * Ah);               // e_r = exp(Δ_r A), (Q,)
        int so = h * P * N;
        int y0 = c0 * dInner + h * P, x0 = c0 * convDim + h * P;
        // inter-chunk: Yᵀ (P, Q) = S_0 (P, N) · Cᵀ (N, Q), as S_0 lies (no transpose of the state;
        // Cᵀ packed once per group), then y_t = exp(L_t)·(column t of Yᵀ) plus the skip D·x_t
        java.util.Arrays.fill(Yt, 0, P * Q, 0f);
        SsdKernels.mulAddPacked(Yt, 0, Q, S, so, N, packC, P, N, Q, false);
        double decIn = 1;
        for (int t = 0; t < Q; t++) {
            decIn *= e[t];                                                               // exp(L_t)
            float decay = decIn < TINY ? 0f : (float) decIn;
            int yo = y0 + t * dInner, xo = x0 + t * convDim;
            for (int p = 0; p < P; p++) y[yo + p] = decay * Yt[p * Q + t] + Dh * xbc[xo + p];
            // M row t: drow[s] = exp(L_t − L_s), (Q, Q) row-major. For s in a block of BS tokens
            // that ended at a ≤ t, exp(L_t − L_s) = exp(L_t − L_a)·exp(L_a − L_s), both factors ≤ 1:
            // one float per block times hs[s] = exp(L_a − L_s)·Δ_s (kept from row a) — a float loop
            // that vectorises, where converting every drow[s] to float does not.
            for (int s = 0; s < t; s++) drow[s] *= e[t];
            drow[t] = 1;
            int mo = t * Q, jd = t - t % BS;                                             // jd: start of t's block
            for (int j = 0; j < jd; j += BS) {
                double fd = drow[j + BS - 1];
                if (fd < TINY) {                                                         // decayed away: no products
                    java.util.Arrays.fill(M, mo + j, mo + j + BS, 0f);
                    continue;
                }
                float f = (float) fd;
                for (int s = j; s < j + BS; s++) M[mo + s] = f * hs[s] * cb[mo + s];
            }
            for (int s = jd; s <= t; s++) M[mo + s] = (float) drow[s] * cb[mo + s] * dth[s];
            VectorOps.flushTiny(M, mo, t + 1, TINY);
            if (t % BS == BS - 1) {                                                      // t ends a block: anchor a = t
                for (int s = jd; s <= t; s++) hs[s] = (float) drow[s] * dth[s];
            }
            java.util.Arrays.fill(M, mo + t + 1, mo + Q, 0f);
        }
        // intra-chunk: Y += M · X (M is causal: zero above the diagonal)
        SsdKernels.mulAdd(y, y0, dInner, M, 0, Q, xbc, x0, convDim, Q, Q, P, true, sl.pack);
        // state passing: S_end = exp(L_{Q−1}) S_0 + Xwᵀ · B, with drow now exp(L_{Q−1} − L_s)
        VectorOps.scale(S, so, P * N, decIn < TINY ? 0f : (float) decIn);
        for (int s = 0; s < Q; s++) dth[s] = (float) drow[s] * dth[s];                   // now w_s = exp(L_{Q−1} − L_s)·Δ_s
        for (int p = 0; p < P; p++) {
            int xp = x0 + p, wo = p * Q;
            for (int s = 0; s < Q; s++) Xw[wo + s] = dth[s] * xbc[xp + s * convDim];         // Xwᵀ (P, Q)
        }
        VectorOps.flushTiny(Xw, 0, P * Q, TINY);
        SsdKernels.mulAddPacked(S, so, N, Xw, 0, Q, packB, P, Q, N, false);
        VectorOps.flushTiny(S, so, P * N, TINY);
    }

    /** Per-session scratch of the fast forms: sized once, one slot per kernel thread. */
    public static final class Scratch {
        final float[] cb;                 // (Q, Q) C_t·B_s of one group in one chunk
        final float[] packC, packB;       // the group's Cᵀ (N, Q) and B (Q, N), packed (SsdKernels.pack)
        final Slot[] slots;               // one per thread of Parallel
        final java.util.concurrent.atomic.AtomicInteger claim = new java.util.concurrent.atomic.AtomicInteger();
        final ScanJob scanJob = new ScanJob();

        static final class Slot {
            final double[] e, drow;       // (Q,) e_r = exp(Δ_r A); one row of exp(L_t − L_s)
            final float[] m, yt, xw;      // (Q, Q) M; (P, Q) Yᵀ of the inter-chunk term; (P, Q) Xwᵀ
            final float[] pack;           // (max(Q, N), 64) panel scratch of SsdKernels.mulAdd
            final float[] dt;             // (Q,) Δ of one head, then the state-passing weights w_s
            final float[] hs;             // (Q,) exp(L_a − L_s)·Δ_s, a the end of s's block of BS

            Slot(int Q, int P, int N) {
                e = new double[Q];
                drow = new double[Q];
                m = new float[Q * Q];
                yt = new float[P * Q];
                xw = new float[Q * P];
                pack = new float[SsdKernels.PACK_PER_INNER * Math.max(Q, N)];
                dt = new float[Q];
                hs = new float[Q];
            }
        }

        /** Scratch for SSD chunks of Q tokens (min(chunk_size, workspace tokens)), head_dim P, state_size N. */
        public Scratch(int Q, int P, int N) {
            cb = new float[Q * Q];
            packC = new float[SsdKernels.packedFloats(N, Q)];
            packB = new float[SsdKernels.packedFloats(Q, N)];
            slots = new Slot[Parallel.threads()];
            for (int i = 0; i < slots.length; i++) slots[i] = new Slot(Q, P, N);
        }

        /** Bytes held. */
        public long bytes() {
            long n = cb.length + packC.length + packB.length;
            for (Slot s : slots) n += s.m.length + s.yt.length + s.xw.length + s.pack.length + s.dt.length + s.hs.length + 2L * (s.e.length + s.drow.length);
            return 4 * n;
        }
    }

    /**
     * The chunked SSD form over T tokens in plain loops, in chunks of {@link #chunk}: the quadratic
     * form inside each chunk, the state passed from chunk to chunk — the reference for
     * {@link #chunked}. Scratch: cb (Q, Q), cum (Q,), w (Q,). Produces the same y and final S as
     * {@link #scanPlain} up to float rounding.
     */
    public void chunkedPlain(float[] y, float[] xbc, float[] dt, float[] A, float[] D, float[] S, int T,
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
