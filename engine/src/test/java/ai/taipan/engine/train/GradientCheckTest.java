package ai.taipan.engine.train;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Preset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The backward pass of every layer kind, and of a whole model of every preset, against central
 * finite differences in float64. Per tensor, the error is max|analytic − numeric| / max|numeric|
 * over the checked entries; it must stay below {@link #TOL}. The SAL runs in PROBE mode (fixed
 * Gumbel noise, fixed hard mask, m̃ = mask + p1 − p1ref), where the straight-through gradient is the
 * true gradient of a smooth function.
 */
class GradientCheckTest {
    static final double TOL = 1e-6;
    static final double H = 1e-4;

    static ModelConfig.Builder small(List<LayerType> types) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 11; b.hiddenSize = 8; b.layerTypes = new ArrayList<>(types);
        b.stateSize = 4; b.expand = 2; b.headDim = 4; b.nGroups = 2; b.convKernel = 3; b.chunkSize = 4;
        b.numAttentionHeads = 2; b.attentionHeadDim = 4; b.intermediateSize = 12; b.slidingWindow = 4;
        b.capacity = 0.3; b.gumbelTau = 0.7; b.budgetLossWeight = 0.5;
        return b;
    }

    /** Random weights of a sensible scale for every kind of tensor. */
    static double[] randomWeights(ParamLayout layout, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[layout.size()];
        for (ParamLayout.Tensor t : layout.tensors()) {
            String n = t.name();
            for (int i = 0; i < t.size(); i++) {
                double v;
                if (n.endsWith("norm.weight") || n.endsWith("norm_f.weight")) v = 1 + 0.2 * gauss(r);
                else if (n.endsWith("A_log")) v = r.nextDouble(0, 1.5);
                else if (n.endsWith("dt_bias")) v = r.nextDouble(-3, 0);
                else if (n.endsWith(".D")) v = r.nextDouble(0.5, 1.5);
                else if (n.endsWith("bias")) v = 0.3 * gauss(r);
                else {
                    long fanIn = t.shape()[t.shape().length - 1];
                    if (n.endsWith("conv1d.weight")) fanIn = t.shape()[2];
                    v = gauss(r) / Math.sqrt(fanIn);
                }
                w[t.offset() + i] = v;
            }
        }
        return w;
    }

    static double gauss(SplittableRandom r) {
        double u = r.nextDouble(1e-12, 1), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Runs the check; returns the worst per-tensor error. */
    static double check(ModelConfig c, int T, long seed, int perTensor) {
        return check(c, T, seed, perTensor, false);
    }

    /** {@code keyGradient}: the SAL's key set differentiated through m̃ (the trainer's --sal-key-gradient). */
    static double check(ModelConfig c, int T, long seed, int perTensor, boolean keyGradient) {
        ParamLayout layout = new ParamLayout(c);
        double[] w = randomWeights(layout, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        int[] tokens = new int[T], targets = new int[T];
        for (int t = 0; t < T; t++) { tokens[t] = r.nextInt(c.vocabSize); targets[t] = r.nextInt(c.vocabSize); }
        TrainGraph g = new TrainGraph(layout, T);
        g.salKeyGradient(keyGradient);
        boolean sal = g.numSal() > 0;
        if (sal) {
            // draw noise and a hard mask once, then freeze them (PROBE)
            g.forward(w, tokens, targets, T, AttentionTrain.Selection.GUMBEL, new SplittableRandom(seed + 2));
            for (int s = 0; s < g.numSal(); s++) {
                int[] m = g.mask(s).clone();
                int on = 0;
                for (int t = 0; t < T; t++) on += m[t];
                assertTrue(on > 0 && on < T, "SAL " + s + " must select some tokens and skip others, selected " + on + "/" + T);
                g.probe(s, m, g.softProbability(s).clone());
            }
        }
        AttentionTrain.Selection sel = sal ? AttentionTrain.Selection.PROBE : AttentionTrain.Selection.EVAL;
        double scale = 0.5; // as if the batch held two sequences
        double[] grad = new double[layout.size()];
        double loss = g.forward(w, tokens, targets, T, sel, null);
        g.backward(w, grad, scale);
        if (sal && keyGradient) {
            // training's path (GUMBEL, the same noise and so the same mask: sparse keys in the forward, every
            // key in the window scored only in the backward) must give PROBE's loss and gradient at the probe point
            double[] gGumbel = new double[layout.size()];
            double lGumbel = g.forward(w, tokens, targets, T, AttentionTrain.Selection.GUMBEL, new SplittableRandom(seed + 2));
            g.backward(w, gGumbel, scale);
            double maxG = 0, maxD = 0;
            for (int i = 0; i < grad.length; i++) { maxG = Math.max(maxG, Math.abs(grad[i])); maxD = Math.max(maxD, Math.abs(grad[i] - gGumbel[i])); }
            assertTrue(Math.abs(lGumbel - loss) <= 1e-12 * Math.abs(loss), "GUMBEL loss " + lGumbel + " vs PROBE " + loss);
            assertTrue(maxD <= 1e-10 * maxG, "GUMBEL and PROBE gradients differ by " + maxD + " (max " + maxG + ")");
            g.forward(w, tokens, targets, T, sel, null);   // PROBE again, for the finite differences below
        }
        double worst = 0;
        StringBuilder report = new StringBuilder();
        for (ParamLayout.Tensor t : layout.tensors()) {
            int n = Math.min(perTensor, t.size());
            double maxDiff = 0, maxNum = 0, maxAna = 0;
            for (int k = 0; k < n; k++) {
                int i = t.offset() + (n == t.size() ? k : r.nextInt(t.size()));
                // Richardson-extrapolated central difference: truncation error O(H^4), round-off ~1e-12/H
                double d1 = central(g, w, i, H, tokens, targets, T, sel);
                double d2 = central(g, w, i, H / 2, tokens, targets, T, sel);
                double num = scale * (4 * d2 - d1) / 3;
                maxDiff = Math.max(maxDiff, Math.abs(num - grad[i]));
                maxNum = Math.max(maxNum, Math.abs(num));
                maxAna = Math.max(maxAna, Math.abs(grad[i]));
            }
            double err = maxDiff / Math.max(maxNum, 1e-12);
            report.append(String.format("  %-45s max|num| %.3e  rel err %.2e%n", t.name(), maxNum, err));
            if (maxNum < 1e-9) fail("tensor " + t.name() + " has no gradient at all (" + maxNum + "): the check would be vacuous\n" + report);
            worst = Math.max(worst, err);
        }
        if (worst >= TOL) fail("gradient check failed for " + c.scheduleString() + ": worst rel err " + worst + "\n" + report);
        System.out.printf("gradient check %-8s T=%d: worst rel err %.2e over %d tensors%n", c.scheduleString(), T, worst, layout.tensors().size());
        return worst;
    }

    private static double central(TrainGraph g, double[] w, int i, double h, int[] tokens, int[] targets, int T,
                                  AttentionTrain.Selection sel) {
        double keep = w[i];
        w[i] = keep + h;
        double lp = g.forward(w, tokens, targets, T, sel, null);
        w[i] = keep - h;
        double lm = g.forward(w, tokens, targets, T, sel, null);
        w[i] = keep;
        return (lp - lm) / (2 * h);
    }

    @Test
    void mamba2Layer() {
        check(small(List.of(LayerType.MAMBA2)).build(), 9, 1, 40);
    }

    @Test
    void mamba2LayerWithDtClampAndNoConvBias() {
        ModelConfig.Builder b = small(List.of(LayerType.MAMBA2, LayerType.MAMBA2));
        b.timeStepMin = 0.02; b.timeStepMax = 0.3; b.useConvBias = false; b.nGroups = 1;
        check(b.build(), 7, 2, 40);
    }

    @Test
    void mamba2WithStateSizeOfWholeVectors() {
        // N = 16 and head_dim 16: the scan's Vector API rows (8 or 4 doubles a vector) instead of the scalar tail,
        // and attention dots over whole vectors
        ModelConfig.Builder b = small(List.of(LayerType.MAMBA2, LayerType.SELECTIVE_ATTENTION));
        b.stateSize = 16; b.attentionHeadDim = 16; b.hiddenSize = 16; b.headDim = 8;
        check(b.build(), 13, 9, 25);
    }

    @Test
    void mamba2LongerThanOneScanSegment() {
        // T = 23 → segments of 5: the checkpoint/recompute path of the backward scan is exercised
        check(small(List.of(LayerType.MAMBA2)).build(), 23, 3, 25);
    }

    @Test
    void selectiveAttentionWithStraightThroughGumbel() {
        check(small(List.of(LayerType.SELECTIVE_ATTENTION)).build(), 12, 4, 40);
    }

    @Test
    void selectiveAttentionWithKeyGradient() {
        // the window (4) shorter than the sequence: keys leave it; the gate's gradient now includes every
        // token's use as a key (finite differences move m̃ of unselected keys off 0)
        check(small(List.of(LayerType.SELECTIVE_ATTENTION)).build(), 12, 4, 40, true);
        ModelConfig.Builder b = small(List.of(LayerType.MAMBA2, LayerType.SELECTIVE_ATTENTION));
        b.salRope = true; b.slidingWindow = 6;
        check(b.build(), 11, 12, 30, true);
    }

    @Test
    void selectiveAttentionWithRope() {
        ModelConfig.Builder b = small(List.of(LayerType.SELECTIVE_ATTENTION, LayerType.SELECTIVE_ATTENTION));
        b.salRope = true;
        check(b.build(), 10, 5, 30);
    }

    @Test
    void attentionWithRope() {
        check(small(List.of(LayerType.ATTENTION)).build(), 10, 6, 40);
    }

    @Test
    void slidingAttentionWithRope() {
        check(small(List.of(LayerType.SLIDING_ATTENTION)).build(), 10, 7, 40);
    }

    @Test
    void untiedHead() {
        ModelConfig.Builder b = small(List.of(LayerType.ATTENTION));
        b.tieWordEmbeddings = false;
        check(b.build(), 8, 8, 40);
    }

    @Test
    void everyPresetAsAWholeModel() {
        for (Preset p : Preset.values()) {
            ModelConfig c = small(p.schedule(p == Preset.TRANSFORMER || p == Preset.MAMBA2 ? 3 : 7)).build();
            check(c, 11, 10 + p.ordinal(), 12);
        }
    }
}
