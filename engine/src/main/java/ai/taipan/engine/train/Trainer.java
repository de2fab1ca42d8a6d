package ai.taipan.engine.train;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tasks.TrainingData;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training loop of issue 3: mini-batches from a {@link TrainingData}, the float64 graph's
 * forward/backward per sequence on a few worker threads, a deterministic batch reduction, global
 * gradient clipping, a warm-up + cosine learning rate and {@link AdamW}.
 *
 * <p>Reproducibility: everything random about step s, sequence b — which data it reads and its
 * Gumbel noise — comes from one SplittableRandom seeded by hash(seed, s·batch + b). Nothing else
 * carries random state from step to step, so the weights after step s are a function of (initial
 * weights, options, data, s) alone: the same seed gives the same run, and a run resumed from the
 * checkpoint of step s continues bit for bit as if it had never stopped. The sequences' gradients
 * are computed in parallel, each into its own buffer, and summed in sequence order, so the thread
 * count does not change a single bit either.
 */
public final class Trainer implements AutoCloseable {
    /** The options that determine the result (recorded in every checkpoint). */
    public record Options(int steps, int batch, int seqLen, double lr, double minLrRatio, int warmup, long seed,
                          double weightDecay, double beta1, double beta2, double clip, double gumbelNoiseScale,
                          boolean salKeyGradient, double capacityStart, int capacityAnnealSteps, int capacityAnnealFrom) {
        /** With the SPEC's Gumbel noise (scale 1). */
        public Options(int steps, int batch, int seqLen, double lr, double minLrRatio, int warmup, long seed,
                       double weightDecay, double beta1, double beta2, double clip) {
            this(steps, batch, seqLen, lr, minLrRatio, warmup, seed, weightDecay, beta1, beta2, clip, 1.0);
        }

        /** Without the SAL key gradient (the SPEC's training form as written; see AttentionTrain). */
        public Options(int steps, int batch, int seqLen, double lr, double minLrRatio, int warmup, long seed,
                       double weightDecay, double beta1, double beta2, double clip, double gumbelNoiseScale) {
            this(steps, batch, seqLen, lr, minLrRatio, warmup, seed, weightDecay, beta1, beta2, clip, gumbelNoiseScale, false);
        }

        /** Without a capacity anneal (the budget's target is the config's capacity from the first step). */
        public Options(int steps, int batch, int seqLen, double lr, double minLrRatio, int warmup, long seed,
                       double weightDecay, double beta1, double beta2, double clip, double gumbelNoiseScale,
                       boolean salKeyGradient) {
            this(steps, batch, seqLen, lr, minLrRatio, warmup, seed, weightDecay, beta1, beta2, clip, gumbelNoiseScale,
                    salKeyGradient, Double.NaN, 0);
        }

        /** An anneal that starts moving at the first step ({@code --capacity-anneal C0:STEPS}). */
        public Options(int steps, int batch, int seqLen, double lr, double minLrRatio, int warmup, long seed,
                       double weightDecay, double beta1, double beta2, double clip, double gumbelNoiseScale,
                       boolean salKeyGradient, double capacityStart, int capacityAnnealSteps) {
            this(steps, batch, seqLen, lr, minLrRatio, warmup, seed, weightDecay, beta1, beta2, clip, gumbelNoiseScale,
                    salKeyGradient, capacityStart, capacityAnnealSteps, 0);
        }

        /** The same options with the budget's target annealed from C0 (held until step {@code from}, then a line to step {@code to}). */
        public Options withCapacityAnneal(double c0, int from, int to) {
            return new Options(steps, batch, seqLen, lr, minLrRatio, warmup, seed, weightDecay, beta1, beta2, clip,
                    gumbelNoiseScale, salKeyGradient, c0, to, from);
        }

        /** Whether the budget's target moves from {@link #capacityStart} to the config's capacity. */
        public boolean annealsCapacity() { return capacityAnnealSteps > 0; }

        public Options {
            if (!(gumbelNoiseScale >= 0) || Double.isInfinite(gumbelNoiseScale)) {
                throw new IllegalArgumentException("--gumbel-noise-scale must be >= 0, got " + gumbelNoiseScale);
            }
            if (capacityAnnealSteps < 0) throw new IllegalArgumentException("--capacity-anneal: steps must be >= 0, got " + capacityAnnealSteps);
            if (capacityAnnealFrom < 0 || (capacityAnnealSteps > 0 && capacityAnnealFrom >= capacityAnnealSteps)) {
                throw new IllegalArgumentException("--capacity-anneal: the line must start (step " + capacityAnnealFrom
                        + ") at or after step 0 and before it ends (step " + capacityAnnealSteps + ")");
            }
            if (capacityAnnealSteps > 0 && !(capacityStart > 0 && capacityStart <= 1)) {
                throw new IllegalArgumentException("--capacity-anneal: the starting capacity must be in (0, 1], got " + capacityStart);
            }
            if (steps <= 0) throw new IllegalArgumentException("--steps must be positive, got " + steps);
            if (batch <= 0) throw new IllegalArgumentException("--batch must be positive, got " + batch);
            if (seqLen < 2) throw new IllegalArgumentException("--seq-len must be at least 2, got " + seqLen);
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
            if (!(minLrRatio >= 0 && minLrRatio <= 1)) throw new IllegalArgumentException("--min-lr-ratio must be in [0, 1], got " + minLrRatio);
            if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW betas must be in [0, 1)");
            if (!(clip > 0)) throw new IllegalArgumentException("--clip must be positive, got " + clip);
        }

        /** Defaults for everything but the sizes: lr 1e-3 → 10% by cosine, warm-up 100, AdamW (0.9, 0.95), wd 0.01, clip 1. */
        public static Options defaults(int steps, int batch, int seqLen, long seed) {
            return new Options(steps, batch, seqLen, 1e-3, 0.1, Math.min(100, steps / 10), seed, 0.01, 0.9, 0.95, 1.0);
        }
    }

    /** What one step measured (batch means). */
    public record StepStats(long step, double loss, double crossEntropy, double[] selectedFraction, double gradNorm,
                            double lr, long tokens) { }

    private final ModelConfig config;
    private final ParamLayout layout;
    private final Options opt;
    private final TrainingData data;
    private final double[] w;
    private final AdamW adam;
    private final TrainGraph[] graphs;
    private final double[][] slotGrad;
    private final double[] grad;
    private final ExecutorService pool;
    private long step;

    /**
     * @param weights initial weights in {@link ParamLayout} order (kept and updated in place)
     * @param threads worker threads (the result does not depend on it)
     */
    public Trainer(ModelConfig config, double[] weights, TrainingData data, Options opt, int threads) {
        this.config = config;
        this.layout = new ParamLayout(config);
        if (weights.length != layout.size()) {
            throw new IllegalArgumentException("weights hold " + weights.length + " values, the model needs " + layout.size());
        }
        checkTrainable(config, opt, threads);
        this.opt = opt;
        this.data = data;
        this.w = weights;
        this.adam = new AdamW(layout.size(), layout.decayMask(), opt.beta1(), opt.beta2(), 1e-8, opt.weightDecay());
        int W = Math.max(1, Math.min(threads, opt.batch()));
        graphs = new TrainGraph[W];
        slotGrad = new double[W][];
        for (int i = 0; i < W; i++) {
            graphs[i] = new TrainGraph(layout, opt.seqLen());
            graphs[i].gumbelNoiseScale = opt.gumbelNoiseScale();
            graphs[i].salKeyGradient(opt.salKeyGradient());
            slotGrad[i] = new double[layout.size()];
        }
        grad = new double[layout.size()];
        pool = W > 1 ? Executors.newFixedThreadPool(W, r -> {
            Thread t = new Thread(r, "taipan-train");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Refuses what cannot be trained, with the field to change: a capacity outside (0, 1], or a
     * window/sequence length whose activations would not fit in this JVM's heap.
     */
    static void checkTrainable(ModelConfig c, Options o, int threads) {
        if (c.hasLayer(LayerType.SELECTIVE_ATTENTION) && !(c.capacity > 0 && c.capacity <= 1)) {
            throw new IllegalArgumentException("capacity must be in (0, 1], got " + c.capacity);
        }
        int W = Math.max(1, Math.min(threads, o.batch()));
        long params = new ParamLayout(c).size();
        long need = 8L * params * (4 + W) + W * graphBytes(c, o.seqLen());
        long max = Runtime.getRuntime().maxMemory();
        if (need > 0.85 * max) {
            String what = c.layerTypes.stream().anyMatch(LayerType::isAttention)
                    ? " (sliding_window " + (c.slidingWindow == ModelConfig.UNLIMITED ? "unlimited" : c.slidingWindow)
                      + " with --seq-len " + o.seqLen() + " keeps up to seq-len × window attention weights per head)" : "";
            throw new IllegalArgumentException(String.format(
                    "training this model needs about %,d MB of memory with --seq-len %d, --batch/threads %d%s, but the JVM "
                            + "has %,d MB (-Xmx): lower --seq-len, sliding_window or --threads, or raise -Xmx",
                    need >> 20, o.seqLen(), W, what, max >> 20));
        }
    }

    /** Bytes of one {@link TrainGraph}'s buffers for sequences of T tokens (an estimate within a few %). */
    static long graphBytes(ModelConfig c, int T) {
        long D = c.hiddenSize, d = 0;
        int q = Math.max(1, (int) Math.ceil(Math.sqrt(T)));
        for (LayerType t : c.layerTypes) {
            d += (long) T * D; // layer input
            if (t == LayerType.MAMBA2) {
                d += (long) T * (2L * D + 1 + 2L * c.dInProj + 3L * c.convDim + 4L * c.numHeads + 6L * c.dInner + c.nGroups);
                d += ((long) (T + q - 1) / q + 1 + q + 2) * c.numHeads * c.headDim * c.stateSize;
            } else {
                d += (long) T * (6L * D + 10L * c.attentionDim + 5L * c.intermediateSize + 8 + c.attentionHeadDim);
                d += AttentionTrain.attentionDoubles(c, t, T);
            }
        }
        d += (long) T * (4L * D + 2L * c.vocabSize + 1);
        return 8 * d;
    }

    public ModelConfig config() { return config; }

    public ParamLayout layout() { return layout; }

    public Options options() { return opt; }

    /** Steps completed. */
    public long step() { return step; }

    /** The live weights (ParamLayout order). */
    public double[] weights() { return w; }

    /** The live weights as a model's tensors (SPEC §4 names, F32): what a model folder saves. */
    public Weights modelWeights() { return Weights.of(config, layout.unpack(w)); }

    AdamW optimizer() { return adam; }

    /** Restores the state of a checkpoint (weights, moments, step). */
    void restore(long step, double[] weights, double[] m, double[] v) {
        this.step = step;
        System.arraycopy(weights, 0, w, 0, w.length);
        System.arraycopy(m, 0, adam.m, 0, m.length);
        System.arraycopy(v, 0, adam.v, 0, v.length);
        adam.t = step;
    }

    /** Learning rate of step s (0-based): linear warm-up to lr, then cosine down to lr·minLrRatio at the last step. */
    public double lrAt(long s) {
        if (s < opt.warmup()) return opt.lr() * (s + 1) / opt.warmup();
        long span = Math.max(1, opt.steps() - opt.warmup() - 1);
        double progress = Math.min(1.0, (double) (s - opt.warmup()) / span);
        double min = opt.lr() * opt.minLrRatio();
        return min + 0.5 * (opt.lr() - min) * (1 + Math.cos(Math.PI * progress));
    }

    /**
     * The budget's target capacity at step s (0-based): the config's C, or with {@code --capacity-anneal C0:N}
     * a straight line from C0 at step 0 to C at step N, then C; with {@code C0:F:N}, C0 until step F, then the
     * line from C0 at step F to C at step N. A training-recipe choice, not SPEC's: it lets the SAL's attention
     * learn with more (or all) tokens routed before the gate must choose C of them.
     */
    public double capacityAt(long s) { return capacityAt(config, opt, s); }

    /** {@link #capacityAt(long)} of a run with this config and these options. */
    static double capacityAt(ModelConfig config, Options opt, long s) {
        double c = config.capacity;
        if (!opt.annealsCapacity() || s >= opt.capacityAnnealSteps()) return c;
        if (s <= opt.capacityAnnealFrom()) return opt.capacityStart();
        return opt.capacityStart() + (c - opt.capacityStart()) * (s - opt.capacityAnnealFrom())
                / (opt.capacityAnnealSteps() - opt.capacityAnnealFrom());
    }

    /** The random stream of sequence b of step s (see the class comment). */
    static SplittableRandom rngFor(long seed, long s, int batch, int b) {
        return new SplittableRandom(mix64(seed ^ mix64(s * batch + b + 0x632BE59BD9B4E019L)));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Runs one optimisation step and returns its statistics. */
    public StepStats trainStep() {
        int B = opt.batch(), T = opt.seqLen(), W = graphs.length;
        int nSal = graphs[0].numSal();
        double lossSum = 0, ceSum = 0;
        double[] sel = new double[nSal];
        java.util.Arrays.fill(grad, 0);
        final long s = step;
        if (opt.annealsCapacity()) for (TrainGraph g : graphs) g.capacity(capacityAt(s));
        for (int b0 = 0; b0 < B; b0 += W) {
            int n = Math.min(W, B - b0);
            double[][] res = new double[n][];
            if (pool == null || n == 1) {
                for (int i = 0; i < n; i++) res[i] = runSequence(i, s, b0 + i);
            } else {
                List<Future<double[]>> fs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    final int slot = i, b = b0 + i;
                    fs.add(pool.submit(() -> runSequence(slot, s, b)));
                }
                for (int i = 0; i < n; i++) res[i] = await(fs.get(i));
            }
            // fixed-order reduction: sequence b0, b0+1, … — independent of thread timing and count
            for (int i = 0; i < n; i++) {
                double[] g = slotGrad[i];
                for (int j = 0; j < grad.length; j++) grad[j] += g[j];
                lossSum += res[i][0];
                ceSum += res[i][1];
                for (int k = 0; k < nSal; k++) sel[k] += res[i][2 + k];
            }
        }
        double norm2 = 0;
        for (double g : grad) norm2 += g * g;
        double norm = Math.sqrt(norm2);
        if (!Double.isFinite(norm)) {
            throw new IllegalStateException("step " + (s + 1) + ": the gradient is not finite (loss " + lossSum / B
                    + "); lower --lr or check the data");
        }
        if (norm > opt.clip()) {
            double f = opt.clip() / norm;
            for (int j = 0; j < grad.length; j++) grad[j] *= f;
        }
        double lr = lrAt(s);
        adam.update(w, grad, lr);
        step = s + 1;
        for (int k = 0; k < nSal; k++) sel[k] /= B;
        return new StepStats(step, lossSum / B, ceSum / B, sel, norm, lr, (long) B * T);
    }

    private double[] runSequence(int slot, long s, int b) {
        int T = opt.seqLen();
        SplittableRandom rng = rngFor(opt.seed(), s, opt.batch(), b);
        SplittableRandom dataRng = rng.split(), noiseRng = rng.split();
        int[] seq = data.nextSequence(dataRng, T + 1);
        if (seq == null || seq.length != T + 1) {
            throw new IllegalStateException(data.describe() + " returned " + (seq == null ? "null" : seq.length + " tokens")
                    + " where " + (T + 1) + " were asked for");
        }
        int[] tokens = java.util.Arrays.copyOf(seq, T);
        int[] targets = java.util.Arrays.copyOfRange(seq, 1, T + 1);
        for (int id : seq) {
            if (id < 0 || id >= config.vocabSize) {
                throw new IllegalArgumentException(data.describe() + " produced token id " + id + ", outside the model's vocab_size "
                        + config.vocabSize);
            }
        }
        TrainGraph g = graphs[slot];
        double[] gr = slotGrad[slot];
        java.util.Arrays.fill(gr, 0);
        double loss = g.forward(w, tokens, targets, T, AttentionTrain.Selection.GUMBEL, noiseRng);
        g.backward(w, gr, 1.0 / opt.batch());
        double[] r = new double[2 + g.numSal()];
        r[0] = loss;
        r[1] = g.crossEntropy();
        for (int k = 0; k < g.numSal(); k++) r[2 + k] = g.selectedFraction(k);
        return r;
    }

    private static double[] await(Future<double[]> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        }
    }

    /** Held-out measurements in eval mode: mean cross-entropy (nats/token) and each SAL's selected fraction. */
    public record Evaluation(double crossEntropy, double[] selectedFraction) { }

    /**
     * The current weights in eval mode (no noise, the inference selection rule m = s1 &gt; s0) over
     * {@code sequences} held-out sequences drawn with the given seed. The eval-mode selected fraction
     * is what inference will route to attention; it can differ from the training-time fraction under
     * Gumbel noise (which the budget loss steers to C).
     */
    public Evaluation evaluate(TrainingData heldOut, int sequences, long seed) {
        TrainGraph g = graphs[0];
        int T = opt.seqLen();
        double sum = 0;
        double[] sel = new double[g.numSal()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < sequences; i++) {
            int[] seq = heldOut.nextSequence(rng.split(), T + 1);
            g.forward(w, java.util.Arrays.copyOf(seq, T), java.util.Arrays.copyOfRange(seq, 1, T + 1), T,
                    AttentionTrain.Selection.EVAL, null);
            sum += g.crossEntropy();
            for (int k = 0; k < sel.length; k++) sel[k] += g.selectedFraction(k) / sequences;
        }
        return new Evaluation(sum / sequences, sel);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
