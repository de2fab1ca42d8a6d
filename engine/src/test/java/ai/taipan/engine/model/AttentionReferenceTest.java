package ai.taipan.engine.model;

import ai.taipan.engine.tokenizer.ByteTokenizer;
import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static ai.taipan.engine.model.Checks.assertClose;
import static ai.taipan.engine.model.Checks.maxDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention kinds against a direct O(L²) reference written plainly here (double precision,
 * no rings, no chunks). The SAL case is built so that the gate selects known tokens: embedding
 * dim 0 is +1 for odd ids and −1 for even ids, and the gate is s_t1 − s_t0 = 5·u_t[0], so exactly
 * the odd ids are selected. Each classic bug — a window off by one, keys from unselected tokens,
 * a positional encoding in the SAL — is written as a variant of the reference, and the test checks
 * both that the engine matches the correct reference and that it is far from every variant (so
 * the case really discriminates).
 */
class AttentionReferenceTest {
    static final int V = 16, D = 8, HEADS = 2, HD = 4, I = 16, W = 3;
    // positions:            0  1  2  3  4  5  6  7  8  9 10 11 12 13
    static final int[] IDS = {3, 5, 2, 7, 4, 6, 9, 8, 11, 13, 2, 4, 6, 15};
    // selected (odd ids) at 0, 1, 3, 6, 8, 9, 13 — pairs at distance W−1, W and farther apart

    enum Variant { CORRECT, WINDOW_OFF_BY_ONE, KEYS_FROM_ALL_TOKENS, ROPE_IN_SAL, NO_WINDOW }

    static ModelConfig config(LayerType kind, boolean salRope, int chunk) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = V;
        b.hiddenSize = D;
        b.layerTypes = List.of(kind);
        b.numAttentionHeads = HEADS;
        b.attentionHeadDim = HD;
        b.intermediateSize = I;
        b.slidingWindow = W;
        b.salRope = salRope;
        b.chunkSize = chunk;
        return b.build();
    }

    /** Random weights large enough that attention is far from uniform, and the known gate. */
    static Weights weights(ModelConfig c) {
        Weights w = Weights.random(c, 7);
        Random r = new Random(11);
        for (Map.Entry<String, float[]> e : w.tensors().entrySet()) {
            float[] v = e.getValue();
            String n = e.getKey();
            if (n.endsWith("norm.weight") || n.endsWith("norm_f.weight")) {
                for (int i = 0; i < v.length; i++) v[i] = 0.5f + r.nextFloat();
            } else if (!n.contains("gate.")) {
                for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.7);
            }
        }
        float[] emb = w.get("backbone.embeddings.weight");
        for (int id = 0; id < V; id++) emb[id * D] = (id % 2 == 1) ? 1f : -1f;
        if (c.hasLayer(LayerType.SELECTIVE_ATTENTION)) {
            float[] g = w.get("backbone.layers.0.mixer.gate.weight");
            Arrays.fill(g, 0f);
            g[D] = 5f;                                            // s_t1 = 5·u_t[0], s_t0 = 0
            Arrays.fill(w.get("backbone.layers.0.mixer.gate.bias"), 0f);
        }
        return w;
    }

    // ------------------------------------------------------------------ the plain reference

    static double[] rms(double[] x, float[] w) {
        double ss = 0;
        for (double v : x) ss += v * v;
        double r = 1 / Math.sqrt(ss / x.length + 1e-5);
        double[] o = new double[x.length];
        for (int i = 0; i < x.length; i++) o[i] = x[i] * r * w[i];
        return o;
    }

    static double[] mv(float[] W, int rows, double[] x) {
        double[] o = new double[rows];
        for (int r = 0; r < rows; r++) for (int c = 0; c < x.length; c++) o[r] += W[r * x.length + c] * x[c];
        return o;
    }

    static double[] rope(double[] x, int pos) {
        double[] o = x.clone();
        for (int h = 0; h < HEADS; h++) {
            for (int i = 0; i < HD / 2; i++) {
                double a = pos * Math.pow(10000.0, -2.0 * i / HD);
                double x1 = x[h * HD + i], x2 = x[h * HD + i + HD / 2];
                o[h * HD + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
                o[h * HD + i + HD / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
            }
        }
        return o;
    }

    /** Logits [L, V] of embedding → one attention-kind layer → norm_f → tied head. */
    static float[] reference(ModelConfig c, Weights w, int[] ids, Variant variant) {
        LayerType kind = c.layerType(0);
        String p = "backbone.layers.0.";
        int L = ids.length;
        float[] emb = w.get("backbone.embeddings.weight");
        double[][] h = new double[L][D], u = new double[L][];
        boolean[] sel = new boolean[L];
        double[] alpha = new double[L];
        for (int t = 0; t < L; t++) {
            for (int i = 0; i < D; i++) h[t][i] = emb[ids[t] * D + i];
            u[t] = rms(h[t], w.get(p + "norm.weight"));
            if (kind == LayerType.SELECTIVE_ATTENTION) {
                double[] s = mv(w.get(p + "mixer.gate.weight"), 2, u[t]);
                float[] b = w.get(p + "mixer.gate.bias");
                sel[t] = s[1] + b[1] > s[0] + b[0];
                alpha[t] = 1 / (1 + Math.exp(-((s[1] + b[1]) - (s[0] + b[0]))));
            } else {
                sel[t] = true;
            }
        }
        boolean useRope = kind != LayerType.SELECTIVE_ATTENTION || c.salRope || variant == Variant.ROPE_IN_SAL;
        int window = kind == LayerType.ATTENTION || variant == Variant.NO_WINDOW ? Integer.MAX_VALUE : W;
        double[][] q = new double[L][], k = new double[L][], v = new double[L][];
        for (int t = 0; t < L; t++) {
            q[t] = mv(w.get(p + "mixer.q_proj.weight"), HEADS * HD, u[t]);
            k[t] = mv(w.get(p + "mixer.k_proj.weight"), HEADS * HD, u[t]);
            v[t] = mv(w.get(p + "mixer.v_proj.weight"), HEADS * HD, u[t]);
            if (useRope) { q[t] = rope(q[t], t); k[t] = rope(k[t], t); }
        }
        double[][] h2 = new double[L][];
        for (int t = 0; t < L; t++) {
            h2[t] = h[t].clone();
            if (!sel[t]) continue;
            double[] att = new double[HEADS * HD];
            for (int hh = 0; hh < HEADS; hh++) {
                List<Integer> keys = new ArrayList<>();
                for (int j = 0; j <= t; j++) {
                    boolean inWindow = variant == Variant.WINDOW_OFF_BY_ONE ? t - j <= window : t - j < window;
                    boolean keyOk = sel[j] || variant == Variant.KEYS_FROM_ALL_TOKENS;
                    if (inWindow && keyOk) keys.add(j);
                }
                double[] sc = new double[keys.size()];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int a = 0; a < sc.length; a++) {
                    int j = keys.get(a);
                    for (int d = 0; d < HD; d++) sc[a] += q[t][hh * HD + d] * k[j][hh * HD + d];
                    sc[a] /= Math.sqrt(HD);
                    max = Math.max(max, sc[a]);
                }
                for (int a = 0; a < sc.length; a++) { sc[a] = Math.exp(sc[a] - max); sum += sc[a]; }
                for (int a = 0; a < sc.length; a++) {
                    for (int d = 0; d < HD; d++) att[hh * HD + d] += sc[a] / sum * v[keys.get(a)][hh * HD + d];
                }
            }
            double[] o = mv(w.get(p + "mixer.o_proj.weight"), D, att);
            for (int i = 0; i < D; i++) {
                h2[t][i] = kind == LayerType.SELECTIVE_ATTENTION
                        ? (1 - alpha[t]) * h[t][i] + alpha[t] * o[i]
                        : h[t][i] + o[i];
            }
        }
        float[] logits = new float[L * V];
        for (int t = 0; t < L; t++) {
            double[] x = rms(h2[t], w.get(p + "mlp_norm.weight"));
            double[] g = mv(w.get(p + "mlp.gate_proj.weight"), I, x), up = mv(w.get(p + "mlp.up_proj.weight"), I, x);
            for (int i = 0; i < I; i++) g[i] = g[i] / (1 + Math.exp(-g[i])) * up[i];
            double[] dn = mv(w.get(p + "mlp.down_proj.weight"), D, g);
            for (int i = 0; i < D; i++) h2[t][i] += dn[i];
            double[] f = rms(h2[t], w.get("backbone.norm_f.weight"));
            double[] lg = mv(emb, V, f);
            for (int i = 0; i < V; i++) logits[t * V + i] = (float) lg[i];
        }
        return logits;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void salMatchesThePlainReferenceAndEachBugWouldFail() {
        for (int chunk : new int[]{1, 4, 64}) {
            ModelConfig c = config(LayerType.SELECTIVE_ATTENTION, false, chunk);
            Weights w = weights(c);
            TaipanModel m = new TaipanModel(c, w, new ByteTokenizer(V));
            float[] want = reference(c, w, IDS, Variant.CORRECT);
            for (Mode mode : Mode.values()) {
                float[] got = m.logits(IDS, mode);
                assertClose("SAL logits, chunk " + chunk + ", " + mode, want, got, 1e-4, 1e-4);
                for (Variant bug : new Variant[]{Variant.WINDOW_OFF_BY_ONE, Variant.KEYS_FROM_ALL_TOKENS,
                        Variant.ROPE_IN_SAL, Variant.NO_WINDOW}) {
                    double d = maxDiff(reference(c, w, IDS, bug), got);
                    assertTrue(d > 1e-2, bug + " would not be caught: the engine is within " + d + " of it");
                }
            }
        }
    }

    @Test
    void salTraceReportsTheKnownSelectionKeysAndWeights() {
        ModelConfig c = config(LayerType.SELECTIVE_ATTENTION, false, 4);
        TaipanModel m = new TaipanModel(c, weights(c), new ByteTokenizer(V));
        Session s = m.newSession();
        Trace trace = new Trace();
        s.setTracer(trace);
        s.prefill(IDS);
        List<Tracer.SalEvent> ev = trace.salLayers().get(0);
        assertEquals(IDS.length, ev.size());
        int[][] keys = {{0}, {0, 1}, {}, {1, 3}, {}, {}, {6}, {}, {6, 8}, {8, 9}, {}, {}, {}, {13}};
        for (int t = 0; t < IDS.length; t++) {
            Tracer.SalEvent e = ev.get(t);
            assertEquals(t, e.position());
            assertEquals(IDS[t] % 2 == 1, e.selected(), "selection at " + t);
            assertEquals(e.selected(), e.score1() > e.score0());
            assertEquals(1 / (1 + Math.exp(-(e.score1() - e.score0()))), e.alpha(), 1e-6);
            assertArrayEquals(keys[t], e.keyPositions(), "keys of token " + t);
            assertEquals(e.selected() ? HEADS : 0, e.weights().length);
            for (float[] head : e.weights()) {
                assertEquals(keys[t].length, head.length);
                double sum = 0;
                for (float a : head) sum += a;
                assertEquals(1.0, sum, 1e-5);
            }
        }
        // the ring after the prompt: selected positions p with 13 − p < 3
        assertArrayEquals(new int[]{13}, ((ai.taipan.engine.layers.KvRing) s.state(0)).positions());
    }

    @Test
    void salRopeOptionRotatesTheSelectedTokensAtTheirPositions() {
        ModelConfig c = config(LayerType.SELECTIVE_ATTENTION, true, 4);
        Weights w = weights(c);
        TaipanModel m = new TaipanModel(c, w, new ByteTokenizer(V));
        for (Mode mode : Mode.values()) {
            float[] got = m.logits(IDS, mode);
            assertClose("SAL with sal_rope, " + mode, reference(c, w, IDS, Variant.CORRECT), got, 1e-4, 1e-4);
        }
    }

    @Test
    void attentionAndSlidingAttentionMatchThePlainReference() {
        for (LayerType kind : new LayerType[]{LayerType.ATTENTION, LayerType.SLIDING_ATTENTION}) {
            for (int chunk : new int[]{1, 5, 64}) {
                ModelConfig c = config(kind, false, chunk);
                Weights w = weights(c);
                TaipanModel m = new TaipanModel(c, w, new ByteTokenizer(V));
                float[] want = reference(c, w, IDS, Variant.CORRECT);
                for (Mode mode : Mode.values()) {
                    float[] got = m.logits(IDS, mode);
                    assertClose(kind.key() + " logits, chunk " + chunk + ", " + mode, want, got, 1e-4, 1e-4);
                    if (kind == LayerType.SLIDING_ATTENTION) {
                        double d = maxDiff(reference(c, w, IDS, Variant.WINDOW_OFF_BY_ONE), got);
                        assertTrue(d > 1e-2, "a sliding window off by one would not be caught: " + d);
                    }
                }
            }
        }
    }
}
