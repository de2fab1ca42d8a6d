package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Matrix;
import ai.taipan.engine.kernel.Parallel;
import ai.taipan.engine.kernel.VectorOps;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.trace.Tracer;

/**
 * The Mamba-2 block (SPEC §2 "mamba2"; state-spaces/mamba {@code Mamba2}, HF {@code Mamba2Mixer}).
 *
 * <p>Glossary (paper / mamba_ssm names → here):
 * <ul>
 *   <li>D (d_model) = hidden_size; d_inner = E·D (expand E); H = nheads; P = headdim; N = d_state;
 *       G = ngroups; K = d_conv; conv_dim = d_inner + 2GN</li>
 *   <li>z — the gate branch [d_inner]; xBC — the conv branch [conv_dim] = x [H,P] | B [G,N] | C [G,N]</li>
 *   <li>Δ (dt) [H] = clamp(softplus(dt + dt_bias), time_step_limit); A = −exp(A_log) [H]; D skip [H]</li>
 *   <li>S [H,P,N] the SSM state; the recurrence is in {@link Ssd}</li>
 * </ul>
 *
 * <p>State (SPEC §3): conv state [conv_dim, K] — the last K raw xBC inputs, newest last (the
 * current token's column is the one w[:, K−1] multiplies) — and S [H, P, N]. Both are constant
 * in context length: that is the whole point of the SSM.
 */
public final class Mamba2Layer implements Layer {
    private final int index, D, dInner, convDim, dInProj, H, K;
    private final float eps, dtMin, dtMax;
    private final float[] normW;        // (D,) pre-norm weight
    private final Matrix inProj;        // (dInProj, D)
    private final float[] convW;        // (convDim, 1, K) → flat (convDim·K)
    private final float[] convWt;       // (K, convDim) the same weights transposed: tap k is one contiguous row
    private final float[] convB;        // (convDim,) or null without conv bias
    private final float[] dtBias;       // (H,)
    private final float[] A;            // (H,) A = −exp(A_log), computed once
    private final float[] Dskip;        // (H,)
    private final float[] gateNormW;    // (dInner,) grouped gated RMSNorm weight
    private final int normGroup;        // d_inner / G: the gated norm's group width
    private final Matrix outProj;       // (D, dInner)
    private final Ssd ssd;

    public Mamba2Layer(ModelConfig c, int index, Weights w) {
        this.index = index;
        String p = "backbone.layers." + index + ".";
        D = c.hiddenSize;
        dInner = c.dInner;
        convDim = c.convDim;
        dInProj = c.dInProj;
        H = c.numHeads;
        K = c.convKernel;
        eps = (float) c.layerNormEpsilon;
        dtMin = (float) c.timeStepMin;
        dtMax = (float) c.timeStepMax;
        normW = w.get(p + "norm.weight");
        inProj = Matrices.of(w.get(p + "mixer.in_proj.weight"), dInProj, D);
        convW = w.get(p + "mixer.conv1d.weight");
        convWt = new float[convDim * K];
        for (int c0 = 0; c0 < convDim; c0++) for (int k = 0; k < K; k++) convWt[k * convDim + c0] = convW[c0 * K + k];
        convB = c.useConvBias ? w.get(p + "mixer.conv1d.bias") : null;
        dtBias = w.get(p + "mixer.dt_bias");
        float[] aLog = w.get(p + "mixer.A_log");
        A = new float[H];
        for (int h = 0; h < H; h++) A[h] = (float) -Math.exp(aLog[h]);
        Dskip = w.get(p + "mixer.D");
        gateNormW = w.get(p + "mixer.norm.weight");
        normGroup = dInner / c.nGroups;
        outProj = Matrices.of(w.get(p + "mixer.out_proj.weight"), D, dInner);
        ssd = new Ssd(H, c.headDim, c.stateSize, c.nGroups, Ssd.chunkFor(c.chunkSize));
    }

    /**
     * conv state + SSM state (H, P, N). The conv state is SPEC §3's [conv_dim, K] stored
     * transposed, tap-major (K, convDim): row j holds the j-th of the last K raw xBC inputs
     * (newest last), one contiguous row per input token. Why: decode reads every tap of every
     * channel and shifts the window by one token each step; channel-major, both were per-channel
     * loops over 4 floats (~27 µs a layer on the mamba2-130m shape, 5% of a BF16 token,
     * engine/BENCHMARKS.md §21), tap-major they are vector rows and array copies.
     * {@link #convSpecLayout()} gives the SPEC's layout.
     */
    public static final class State implements LayerState {
        public final float[] conv;  // (K, convDim): conv[j·convDim + c] = SPEC conv_state[c, j]
        public final float[] ssm;   // (H, P, N)
        private final int convDim, K;

        State(int convDim, int K, int H, int P, int N) {
            this.convDim = convDim;
            this.K = K;
            conv = new float[convDim * K];
            ssm = new float[H * P * N];
        }

        /** The conv state in SPEC §3's layout [conv_dim, K] (a copy). */
        public float[] convSpecLayout() {
            float[] spec = new float[conv.length];
            for (int j = 0; j < K; j++) {
                for (int c = 0; c < convDim; c++) spec[c * K + j] = conv[j * convDim + c];
            }
            return spec;
        }

        @Override public long bytes() { return 4L * (conv.length + ssm.length); }

        @Override public void reset() {
            java.util.Arrays.fill(conv, 0f);
            java.util.Arrays.fill(ssm, 0f);
        }
    }

    @Override public int index() { return index; }

    @Override
    public LayerState newState() { return new State(convDim, K, H, ssd.P, ssd.N); }

    /** Least tokens per thread in the element-wise steps (conv, norms). */
    private static final int ROWS_PER_THREAD = 16;

    @Override
    public void forward(LayerState st, Workspace ws, int T, int pos0, boolean recurrent, Tracer tracer, Probe probe) {
        State s = (State) st;
        // h ← h + Mixer(RMSNorm(h) ⊙ norm.weight)
        // tokens are independent in the element-wise steps: split over the kernel threads, so that
        // prefill does not run them on one core while the other waits (ROWS_PER_THREAD: below
        // that, waking a worker costs more than it saves; decode, T = 1, stays inline)
        Parallel.forRange(T, ROWS_PER_THREAD, (lo, hi) -> {
            for (int t = lo; t < hi; t++) Ops.rmsNorm(ws.u, t * D, ws.h, t * D, normW, 0, D, eps); // u (T, D)
        });
        if (probe != null) probe.tensor(index, "mixer_in", pos0, ws.u, 0, T, D);
        Ops.project(inProj, ws.zxbcdt, 0, ws.u, 0, T);                       // zxbcdt (T, dInProj)
        if (probe != null) probe.tensor(index, "zxbcdt", pos0, ws.zxbcdt, 0, T, dInProj);
        convolve(ws, s.conv, T);                                             // xbc (T, convDim)
        if (probe != null) probe.tensor(index, "xBC_act", pos0, ws.xbc, 0, T, convDim);
        for (int t = 0; t < T; t++) {                                        // dt (T, H)
            int src = t * dInProj + dInner + convDim;
            for (int h = 0; h < H; h++) {
                float d = Ops.softplus(ws.zxbcdt[src + h] + dtBias[h]);
                ws.dt[t * H + h] = Math.min(Math.max(d, dtMin), dtMax);
            }
        }
        if (probe != null) probe.tensor(index, "dt", pos0, ws.dt, 0, T, H);
        float[] norms = tracer == null ? null : ws.norms;
        if (recurrent) {
            ssd.scan(ws.y, ws.xbc, ws.dt, A, Dskip, s.ssm, T, norms, ws.ssd); // y (T, dInner)
        } else {
            if (norms != null) ssd.replayNorms(norms, ws.xbc, ws.dt, A, s.ssm, T, ws.headState);
            ssd.chunked(ws.y, ws.xbc, ws.dt, A, Dskip, s.ssm, T, ws.ssd);
        }
        if (probe != null) probe.tensor(index, "y_ssm", pos0, ws.y, 0, T, dInner);
        gatedNorm(ws, T);
        if (probe != null) probe.tensor(index, "y_normed", pos0, ws.y, 0, T, dInner);
        Ops.project(outProj, ws.out, 0, ws.y, 0, T);                         // out (T, D)
        if (probe != null) probe.tensor(index, "mixer_out", pos0, ws.out, 0, T, D);
        for (int i = 0; i < T * D; i++) ws.h[i] += ws.out[i];
        if (tracer != null) {
            for (int t = 0; t < T; t++) {
                float[] n = new float[H];
                System.arraycopy(norms, t * H, n, 0, H);
                tracer.mamba(new Tracer.MambaEvent(index, pos0 + t, n));
            }
        }
    }

    /**
     * Depthwise causal conv + SiLU over the chunk (SPEC §2 mamba2 step 2), the fast form of
     * {@link #convolvePlain}: the same sum in the same order (bias, then taps k = 0..K−1), run
     * along channels over the transposed weights and the tap-major conv state ({@link State}):
     * every tap is one contiguous row, multiplied and added on vectors ({@link VectorOps#addProduct}:
     * product rounded, then added, as the plain loop does). Bitwise equal to the plain form (no
     * FMA contraction in Java; ConvolveTest).
     */
    void convolve(Workspace ws, float[] conv, int T) {
        Parallel.forRange(T, ROWS_PER_THREAD, (lo, hi) -> convolveTokens(ws, conv, lo, hi));
        shiftConvState(ws, conv, T);
    }

    /** Tokens [lo, hi) of {@link #convolve}; reads the conv state, does not change it. */
    private void convolveTokens(Workspace ws, float[] conv, int lo, int hi) {
        float[] in = ws.zxbcdt, out = ws.xbc;
        for (int t = lo; t < hi; t++) {
            int o = t * convDim;
            if (convB == null) java.util.Arrays.fill(out, o, o + convDim, 0f);
            else System.arraycopy(convB, 0, out, o, convDim);
            for (int k = 0; k < K; k++) {                       // out += w_k ⊙ x_k, on vectors (the same floats)
                int tau = t - (K - 1) + k;                      // input token, relative to the chunk
                if (tau >= 0) VectorOps.addProduct(out, o, convWt, k * convDim, in, tau * dInProj + dInner, convDim);
                else VectorOps.addProduct(out, o, convWt, k * convDim, conv, (K + tau) * convDim, convDim);
            }
            VectorOps.silu(out, o, convDim);
        }
    }

    /**
     * Depthwise causal conv + SiLU over the chunk (SPEC §2 mamba2 step 2), in plain loops (the
     * reference for {@link #convolve}): w[c, 0, K−1] multiplies the current token; inputs before
     * the chunk come from the conv state (zeros at the start). Then the conv state becomes the last
     * K raw inputs.
     */
    void convolvePlain(Workspace ws, float[] conv, int T) {
        float[] in = ws.zxbcdt;
        for (int t = 0; t < T; t++) {
            for (int c = 0; c < convDim; c++) {
                float acc = convB == null ? 0f : convB[c];
                int wo = c * K;
                for (int k = 0; k < K; k++) {
                    int tau = t - (K - 1) + k;                        // input token, relative to the chunk
                    float x = tau >= 0 ? in[tau * dInProj + dInner + c] : conv[(K + tau) * convDim + c];
                    acc += convW[wo + k] * x;
                }
                ws.xbc[t * convDim + c] = Ops.silu(acc);
            }
        }
        shiftConvState(ws, conv, T);
    }

    /**
     * The conv state becomes the last K raw xBC inputs, row by row (tap-major, {@link State}):
     * rows still in the window move up by T, the chunk's last inputs fill the rest.
     */
    private void shiftConvState(Workspace ws, float[] conv, int T) {
        int keep = Math.max(0, K - T);
        if (keep > 0) System.arraycopy(conv, T * convDim, conv, 0, keep * convDim);
        for (int j = keep; j < K; j++) {                              // row j ← raw input T−K+j of the chunk
            System.arraycopy(ws.zxbcdt, (T - K + j) * dInProj + dInner, conv, j * convDim, convDim);
        }
    }

    /**
     * v = y ⊙ silu(z); RMSNorm over each of the G groups of d_inner/G (mamba_ssm RMSNormGated with
     * group_size = d_inner/ngroups, norm_before_gate=False), ⊙ norm.weight. In place in ws.y.
     */
    private void gatedNorm(Workspace ws, int T) {
        Parallel.forRange(T, ROWS_PER_THREAD, (lo, hi) -> gatedNormTokens(ws, lo, hi));
    }

    private void gatedNormTokens(Workspace ws, int lo, int hi) {
        for (int t = lo; t < hi; t++) {
            int yo = t * dInner, zo = t * dInProj;
            VectorOps.siluMul(ws.y, yo, ws.zxbcdt, zo, ws.y, yo, dInner);
            for (int g0 = 0; g0 < dInner; g0 += normGroup) {
                Ops.rmsNorm(ws.y, yo + g0, ws.y, yo + g0, gateNormW, g0, normGroup, eps);
            }
        }
    }
}
