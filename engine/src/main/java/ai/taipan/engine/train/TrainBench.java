package ai.taipan.engine.train;

import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Preset;

import java.util.SplittableRandom;

/**
 * Measures the training graph's forward+backward speed, single thread, on models of a few sizes:
 * {@code java --add-modules jdk.incubator.vector -cp … ai.taipan.engine.train.TrainBench [T] [reps]}.
 * Prints tokens/s and the achieved GFLOP/s counted as 6·params·tokens (the usual estimate, which
 * ignores the scan and attention's own FLOPs).
 */
public final class TrainBench {
    public static void main(String[] args) {
        int T = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[][] sizes = {{64, 7}, {128, 7}, {192, 7}};
        for (Preset p : new Preset[]{Preset.TAIPAN, Preset.MAMBA2, Preset.TRANSFORMER}) {
            for (int[] s : sizes) run(config(p, s[0], s[1]), p.key(), T, reps);
        }
    }

    static ModelConfig config(Preset p, int d, int layers) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 256; b.hiddenSize = d; b.layerTypes = p.schedule(layers);
        b.stateSize = 32; b.headDim = 32; b.expand = 2;
        b.numAttentionHeads = d / 32; b.intermediateSize = 2 * d; b.slidingWindow = 64;
        return b.build();
    }

    static void run(ModelConfig c, String name, int T, int reps) {
        ParamLayout layout = new ParamLayout(c);
        double[] w = new double[layout.size()];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < w.length; i++) w[i] = (r.nextDouble() - 0.5) * 0.1;
        for (ParamLayout.Tensor t : layout.tensors()) {
            if (t.name().endsWith("norm.weight") || t.name().endsWith("norm_f.weight")) {
                java.util.Arrays.fill(w, t.offset(), t.offset() + t.size(), 1.0);
            }
        }
        double[] g = new double[layout.size()];
        TrainGraph graph = new TrainGraph(layout, T);
        int[] tok = new int[T], tgt = new int[T];
        for (int t = 0; t < T; t++) { tok[t] = r.nextInt(256); tgt[t] = r.nextInt(256); }
        for (int i = 0; i < 2; i++) { graph.forward(w, tok, tgt, T, AttentionTrain.Selection.GUMBEL, r); graph.backward(w, g, 1); }
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) { graph.forward(w, tok, tgt, T, AttentionTrain.Selection.GUMBEL, r); graph.backward(w, g, 1); }
        double sec = (System.nanoTime() - t0) / 1e9;
        double tps = (double) T * reps / sec;
        System.out.printf("%-12s D=%-4d layers=%d params=%,9d  T=%d  %8.0f tokens/s  %6.2f GFLOP/s (6·N·tokens)%n",
                name, c.hiddenSize, c.numLayers(), layout.size(), T, tps, 6.0 * layout.size() * tps / 1e9);
    }
}
