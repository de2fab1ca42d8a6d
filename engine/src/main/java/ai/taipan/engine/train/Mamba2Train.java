package ai.taipan.engine.train;

import ai.taipan.engine.model.ModelConfig;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static ai.taipan.engine.train.DMath.linear;
import static ai.taipan.engine.train.DMath.linearBackward;
import static ai.taipan.engine.train.DMath.rmsnorm;
import static ai.taipan.engine.train.DMath.rmsnormBackward;
import static ai.taipan.engine.train.DMath.sigmoid;
import static ai.taipan.engine.train.DMath.silu;
import static ai.taipan.engine.train.DMath.siluGrad;

/**
 * Forward and backward of one {@code mamba2} layer (SPEC §2, the official state-spaces/mamba
 * {@code Mamba2} block) for training, in float64, over one sequence of T tokens.
 *
 * <p>Glossary (Mamba-2 paper, arXiv 2405.21060 §7; SPEC §2 mamba2):
 * <pre>
 *   D  hidden_size        u    RMSNorm(h)·norm.weight           (T, D)
 *   E  expand             zxbcdt = in_proj·u = z | xBC | dt     (T, dInProj)
 *   H  num_heads          xBC  SiLU(causal depthwise conv(xBC)) (T, convDim) = x (H,P) | B (G,N) | C (G,N)
 *   P  head_dim           dt   clamp(softplus(dt + dt_bias))    (T, H)
 *   N  state_size         A    −exp(A_log)                      (H)
 *   G  n_groups           S_h  SSM state of head h              (P, N)
 *   K  conv_kernel        y    S·C + D·x                        (T, d_inner)
 *   Q  scan segment       v    y ⊙ SiLU(z); yn = grouped RMSNorm(v)·mixer.norm.weight
 * </pre>
 * The recurrence, per head h (group g = h / (H/G)) and token t:
 * <pre>
 *   S_t = a_t·S_{t−1} + dt_t · x_t ⊗ B_t,   a_t = exp(dt_t·A_h),   y_t = S_t·C_t + D_h·x_t
 * </pre>
 * Training uses this sequential scan, not the chunked SSD form: its backward is the transposed
 * recurrence (dS_{t−1} = a_t·dS_t + …) and needs S_{t−1} and S_t at every step. Storing all T states
 * would cost T·H·P·N doubles per layer, so the forward keeps only the state before every segment of
 * Q ≈ √T tokens and the backward recomputes one segment of one head at a time (the classic
 * √T checkpointing of a scan: one extra forward scan for memory T/Q·H·P·N + Q·P·N).
 */
final class Mamba2Train {
    private final ModelConfig c;
    private final int D, H, P, N, G, K, dInner, convDim, dInProj, Q;
    private final int oNorm, oIn, oConvW, oConvB, oDtBias, oALog, oD, oGNorm, oOut;
    private final double eps;

    // activations of one sequence (sized for maxT)
    private final double[] u, rstd;            // (T, D), (T)
    private final double[] zxbcdt;             // (T, dInProj)
    private final double[] cpre, xbc;          // (T, convDim) conv output before / after SiLU
    private final double[] dt, dtGrad, decay;  // (T, H): dt, d dt / d(raw dt), a_t = exp(dt·A)
    private final double[] ckpt;               // (T/Q + 1, H, P, N) state before each segment
    private final double[] y, v, rstdG, yn;    // (T, d_inner), (T, d_inner), (T, G), (T, d_inner)
    // backward buffers
    private final double[] dyn, dv, dy, dxbc, dzx, du, ddt, seg, dS;
    private final double[] a;                  // (H) A = −exp(A_log), per forward
    private final double[] acc2 = new double[2];
    private final double[] S;                  // (P, N) running state of the forward scan
    private static final VectorSpecies<Double> V = DoubleVector.SPECIES_PREFERRED;
    private static final int L = V.length();

    Mamba2Train(ModelConfig c, ParamLayout layout, int layer, int maxT) {
        this.c = c;
        D = c.hiddenSize; H = c.numHeads; P = c.headDim; N = c.stateSize; G = c.nGroups; K = c.convKernel;
        dInner = c.dInner; convDim = c.convDim; dInProj = c.dInProj;
        eps = c.layerNormEpsilon;
        Q = Math.max(1, (int) Math.ceil(Math.sqrt(maxT)));
        String p = "backbone.layers." + layer + ".";
        oNorm = layout.offset(p + "norm.weight");
        oIn = layout.offset(p + "mixer.in_proj.weight");
        oConvW = layout.offset(p + "mixer.conv1d.weight");
        oConvB = c.useConvBias ? layout.offset(p + "mixer.conv1d.bias") : -1;
        oDtBias = layout.offset(p + "mixer.dt_bias");
        oALog = layout.offset(p + "mixer.A_log");
        oD = layout.offset(p + "mixer.D");
        oGNorm = layout.offset(p + "mixer.norm.weight");
        oOut = layout.offset(p + "mixer.out_proj.weight");
        int T = maxT;
        u = new double[T * D]; rstd = new double[T];
        zxbcdt = new double[T * dInProj];
        cpre = new double[T * convDim]; xbc = new double[T * convDim];
        dt = new double[T * H]; dtGrad = new double[T * H]; decay = new double[T * H];
        ckpt = new double[((T + Q - 1) / Q + 1) * H * P * N];
        y = new double[T * dInner]; v = new double[T * dInner]; rstdG = new double[T * G]; yn = new double[T * dInner];
        dyn = new double[T * dInner]; dv = new double[T * dInner]; dy = new double[T * dInner];
        dxbc = new double[T * convDim]; dzx = new double[T * dInProj]; du = new double[T * D];
        ddt = new double[T * H]; seg = new double[(Q + 1) * P * N]; dS = new double[P * N];
        a = new double[H];
        S = new double[P * N];
    }

    /** Scratch doubles {@link DMath#linearBackward} needs for this layer's products. */
    static int scratchSize(ModelConfig c, int T) {
        return Math.max(DMath.linearScratch(T, c.hiddenSize, c.dInProj), DMath.linearScratch(T, c.dInner, c.hiddenSize));
    }

    /** h (T, D) ← h + Mixer(RMSNorm(h)); {@code hIn} keeps the input for the backward. */
    void forward(double[] w, double[] hIn, double[] hOut, int T) {
        rmsnorm(u, 0, hIn, 0, w, oNorm, rstd, 0, T, D, eps);
        linear(zxbcdt, 0, u, 0, w, oIn, T, D, dInProj);
        // depthwise causal conv over xBC: w[ch, 0, K−1] multiplies the current token, zeros before t = 0
        for (int t = 0; t < T; t++) {
            for (int ch = 0; ch < convDim; ch++) {
                double s = oConvB >= 0 ? w[oConvB + ch] : 0;
                for (int k = 0; k < K; k++) {
                    int src = t - (K - 1) + k;
                    if (src >= 0) s += w[oConvW + ch * K + k] * zxbcdt[src * dInProj + dInner + ch];
                }
                cpre[t * convDim + ch] = s;
                xbc[t * convDim + ch] = silu(s);
            }
        }
        // dt = clamp(softplus(dt + dt_bias), time_step_limit); the clamp passes no gradient when it bites
        for (int h = 0; h < H; h++) a[h] = -Math.exp(w[oALog + h]);
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < H; h++) {
                double raw = zxbcdt[t * dInProj + dInner + convDim + h] + w[oDtBias + h];
                double sp = DMath.softplus(raw);
                double d = sp, g = DMath.softplusGrad(raw);
                if (sp < c.timeStepMin) { d = c.timeStepMin; g = 0; }
                if (sp > c.timeStepMax) { d = c.timeStepMax; g = 0; }
                dt[t * H + h] = d;
                dtGrad[t * H + h] = g;
                decay[t * H + h] = Math.exp(d * a[h]);
            }
        }
        scanForward(w, T);
        // v = y ⊙ silu(z); grouped RMSNorm (groups of d_inner/G), × norm.weight
        int gs = dInner / G;
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < dInner; i++) v[t * dInner + i] = y[t * dInner + i] * silu(zxbcdt[t * dInProj + i]);
            for (int g = 0; g < G; g++) {
                int off = t * dInner + g * gs;
                rmsnorm(yn, off, v, off, w, oGNorm + g * gs, rstdG, t * G + g, 1, gs, eps);
            }
        }
        linear(hOut, 0, yn, 0, w, oOut, T, dInner, D);
        for (int i = 0; i < T * D; i++) hOut[i] += hIn[i];
    }

    private void scanForward(double[] w, int T) {
        int hpg = H / G;
        int PN = P * N;
        for (int h = 0; h < H; h++) {
            int g = h / hpg;
            java.util.Arrays.fill(S, 0);
            double dh = w[oD + h];
            for (int t = 0; t < T; t++) {
                if (t % Q == 0) System.arraycopy(S, 0, ckpt, ((t / Q) * H + h) * PN, PN);
                int xr = t * convDim + h * P, br = t * convDim + dInner + g * N, cr = t * convDim + dInner + G * N + g * N;
                double at = decay[t * H + h], d = dt[t * H + h];
                for (int p = 0; p < P; p++) {
                    double acc = rowForward(S, p * N, at, d * xbc[xr + p], xbc, br, cr, N);
                    y[t * dInner + h * P + p] = acc + dh * xbc[xr + p];
                }
            }
        }
    }

    /**
     * dOut (T, D) is dL/dh_out; on return dIn (T, D) holds dL/dh_in (dIn may be dOut itself: the
     * residual path is added in place). Parameter gradients are added to {@code gr}.
     */
    void backward(double[] w, double[] gr, double[] hIn, double[] dOut, double[] dIn, int T, double[] scratch) {
        // out = yn · out_proj^T
        linearBackward(dyn, 0, false, dOut, 0, yn, 0, w, oOut, gr, oOut, T, dInner, D, scratch);
        int gs = dInner / G;
        for (int t = 0; t < T; t++) {
            for (int g = 0; g < G; g++) {
                int off = t * dInner + g * gs;
                rmsnormBackward(dv, off, false, dyn, off, v, off, w, oGNorm + g * gs, gr, oGNorm + g * gs, rstdG, t * G + g, 1, gs);
            }
        }
        java.util.Arrays.fill(dzx, 0, T * dInProj, 0);
        java.util.Arrays.fill(dxbc, 0, T * convDim, 0);
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < dInner; i++) {
                double z = zxbcdt[t * dInProj + i];
                double g = dv[t * dInner + i];
                dy[t * dInner + i] = g * silu(z);
                dzx[t * dInProj + i] = g * y[t * dInner + i] * siluGrad(z);
            }
        }
        scanBackward(w, gr, T);
        // dt: through the clamp and softplus to the raw in_proj output and dt_bias
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < H; h++) {
                double g = ddt[t * H + h] * dtGrad[t * H + h];
                dzx[t * dInProj + dInner + convDim + h] = g;
                gr[oDtBias + h] += g;
            }
        }
        // conv: dc = dxBC ⊙ silu'(c); taps and bias; back to the raw xBC columns of zxbcdt
        for (int t = 0; t < T; t++) {
            for (int ch = 0; ch < convDim; ch++) {
                double dc = dxbc[t * convDim + ch] * siluGrad(cpre[t * convDim + ch]);
                if (oConvB >= 0) gr[oConvB + ch] += dc;
                for (int k = 0; k < K; k++) {
                    int src = t - (K - 1) + k;
                    if (src >= 0) {
                        int zi = src * dInProj + dInner + ch;
                        gr[oConvW + ch * K + k] += dc * zxbcdt[zi];
                        dzx[zi] += dc * w[oConvW + ch * K + k];
                    }
                }
            }
        }
        linearBackward(du, 0, false, dzx, 0, u, 0, w, oIn, gr, oIn, T, D, dInProj, scratch);
        if (dIn != dOut) System.arraycopy(dOut, 0, dIn, 0, T * D);
        rmsnormBackward(dIn, 0, true, du, 0, hIn, 0, w, oNorm, gr, oNorm, rstd, 0, T, D);
    }

    /**
     * One row p of the state update S[p,:] = a·S[p,:] + dtx·B, returning Σ_n S[p,n]·C[n]
     * (row at {@code sr} of S; B and C at {@code br}, {@code cr} of xBC).
     */
    private static double rowForward(double[] S, int sr, double a, double dtx, double[] xbc, int br, int cr, int N) {
        int n = 0;
        double acc = 0;
        if (DMath.SIMD && N >= L) {
            DoubleVector av = DoubleVector.broadcast(V, a), xv = DoubleVector.broadcast(V, dtx), accV = DoubleVector.zero(V);
            for (; n + L <= N; n += L) {
                DoubleVector s = DoubleVector.fromArray(V, S, sr + n).mul(av).add(DoubleVector.fromArray(V, xbc, br + n).mul(xv));
                s.intoArray(S, sr + n);
                accV = s.fma(DoubleVector.fromArray(V, xbc, cr + n), accV);
            }
            acc = accV.reduceLanes(VectorOperators.ADD);
        }
        for (; n < N; n++) {
            double s = a * S[sr + n] + dtx * xbc[br + n];
            S[sr + n] = s;
            acc += s * xbc[cr + n];
        }
        return acc;
    }

    /**
     * Backward of one row p at one token: with ds = dS + gy·C (y = S·C), adds S_t·gy to dC, dtx·ds to
     * dB, ⟨ds, S_{t−1}⟩ to acc[0] (for da), ⟨ds, B⟩ to acc[1] (for dx and ddt), and sets dS = a·ds.
     * Rows i0 of dS and of the segment states {@code cur} (S_t) and {@code prev} (S_{t−1}).
     */
    private void rowBackward(int i0, int cur, int prev, double gy, double dtx, double a, int br, int cr, double[] acc) {
        int n = 0;
        double da = 0, sB = 0;
        if (DMath.SIMD && N >= L) {
            DoubleVector gv = DoubleVector.broadcast(V, gy), xv = DoubleVector.broadcast(V, dtx), av = DoubleVector.broadcast(V, a);
            DoubleVector daV = DoubleVector.zero(V), sbV = daV;
            for (; n + L <= N; n += L) {
                int i = i0 + n;
                DoubleVector ds = DoubleVector.fromArray(V, xbc, cr + n).fma(gv, DoubleVector.fromArray(V, dS, i));
                DoubleVector.fromArray(V, seg, cur + i).fma(gv, DoubleVector.fromArray(V, dxbc, cr + n)).intoArray(dxbc, cr + n);
                daV = ds.fma(DoubleVector.fromArray(V, seg, prev + i), daV);
                sbV = ds.fma(DoubleVector.fromArray(V, xbc, br + n), sbV);
                ds.fma(xv, DoubleVector.fromArray(V, dxbc, br + n)).intoArray(dxbc, br + n);
                ds.mul(av).intoArray(dS, i);
            }
            da = daV.reduceLanes(VectorOperators.ADD);
            sB = sbV.reduceLanes(VectorOperators.ADD);
        }
        for (; n < N; n++) {
            int i = i0 + n;
            double ds = dS[i] + gy * xbc[cr + n];      // y_t = S_t·C_t: into dS_t and dC_t
            dxbc[cr + n] += seg[cur + i] * gy;
            da += ds * seg[prev + i];                 // S_t = a·S_{t−1} + dt·x⊗B
            sB += ds * xbc[br + n];
            dxbc[br + n] += dtx * ds;
            dS[i] = a * ds;
        }
        acc[0] += da;
        acc[1] += sB;
    }

    /**
     * Transposed recurrence, per head, segment by segment from the end; each segment's states are
     * recomputed from its checkpoint into {@code seg} (Q+1, P, N), seg[0] = S before the segment.
     */
    private void scanBackward(double[] w, double[] gr, int T) {
        int hpg = H / G;
        int PN = P * N;
        java.util.Arrays.fill(ddt, 0, T * H, 0);
        for (int h = 0; h < H; h++) {
            int g = h / hpg;
            double dh = w[oD + h], A = a[h];
            double dDh = 0, dA = 0;
            java.util.Arrays.fill(dS, 0);
            int nSeg = (T + Q - 1) / Q;
            for (int sgm = nSeg - 1; sgm >= 0; sgm--) {
                int t0 = sgm * Q, t1 = Math.min(T, t0 + Q);
                System.arraycopy(ckpt, (sgm * H + h) * PN, seg, 0, PN);
                for (int t = t0; t < t1; t++) {
                    int xr = t * convDim + h * P, br = t * convDim + dInner + g * N;
                    double at = decay[t * H + h], d = dt[t * H + h];
                    int prev = (t - t0) * PN, cur = prev + PN;
                    for (int p = 0; p < P; p++) {
                        double dx = d * xbc[xr + p];
                        for (int n = 0; n < N; n++) seg[cur + p * N + n] = at * seg[prev + p * N + n] + dx * xbc[br + n];
                    }
                }
                for (int t = t1 - 1; t >= t0; t--) {
                    int xr = t * convDim + h * P, br = t * convDim + dInner + g * N, cr = t * convDim + dInner + G * N + g * N;
                    double at = decay[t * H + h], d = dt[t * H + h];
                    int prev = (t - t0) * PN, cur = prev + PN;
                    double ddtt = 0;
                    acc2[0] = 0;
                    for (int p = 0; p < P; p++) {
                        double gy = dy[t * dInner + h * P + p];
                        double xp = xbc[xr + p];
                        dDh += gy * xp;
                        acc2[1] = 0;
                        rowBackward(p * N, cur, prev, gy, d * xp, at, br, cr, acc2);
                        double sB = acc2[1];
                        ddtt += sB * xp;
                        dxbc[xr + p] += dh * gy + d * sB;
                    }
                    double da = acc2[0];
                    double dlogA = da * at; // d/d(dt·A) of a = exp(dt·A)
                    ddt[t * H + h] += ddtt + dlogA * A;
                    dA += dlogA * d;
                }
            }
            gr[oD + h] += dDh;
            gr[oALog + h] += dA * A; // A = −exp(A_log) ⇒ dA/dA_log = A
        }
    }
}
