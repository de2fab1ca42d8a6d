package ai.taipan.engine.train;

import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tasks.TrainingData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ai.taipan.engine.cli.TaipanCli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop, checkpoints, exact resume and the command's errors, on tiny models (seconds). */
class TrainerTest {
    @TempDir
    Path tmp;

    /** Period-3 sequences over 12 symbols: predictable after the first period, so the loss can fall far below ln 12. */
    static final TrainingData PERIODIC = new TrainingData() {
        @Override
        public int[] nextSequence(SplittableRandom rng, int length) {
            int[] p = {rng.nextInt(12), rng.nextInt(12), rng.nextInt(12)};
            int[] s = new int[length];
            for (int i = 0; i < length; i++) s[i] = p[i % 3];
            return s;
        }
    };

    static ModelConfig tinyConfig(int vocab) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = vocab; b.hiddenSize = 16;
        b.layerTypes = new ArrayList<>(List.of(LayerType.MAMBA2, LayerType.SELECTIVE_ATTENTION));
        b.stateSize = 8; b.headDim = 8; b.numAttentionHeads = 2; b.intermediateSize = 32; b.slidingWindow = 8;
        b.capacity = 0.25;
        return b.build();
    }

    @Test
    void shortRunLowersTheLossAndSteersTheSelectedFraction() {
        ModelConfig c = tinyConfig(12);
        double[] w = new ParamLayout(c).pack(Weights.random(c, 3).tensors());
        Trainer.Options o = new Trainer.Options(200, 4, 24, 1e-2, 0.1, 10, 7, 0.01, 0.9, 0.95, 1.0);
        try (Trainer tr = new Trainer(c, w, PERIODIC, o, 2)) {
            double before = tr.evaluate(PERIODIC, 8, 99).crossEntropy();
            Trainer.StepStats st = null;
            for (int i = 0; i < o.steps(); i++) st = tr.trainStep();
            double after = tr.evaluate(PERIODIC, 8, 99).crossEntropy();
            System.out.printf("periodic task: eval ce %.3f → %.3f nats (ln 12 = %.3f); selected %.3f (C = %.2f)%n",
                    before, after, Math.log(12), st.selectedFraction()[0], c.capacity);
            assertTrue(before > 2.0, "an untrained model is near ln 12: " + before);
            assertTrue(after < 0.4 * before, "training must lower the held-out loss a lot: " + before + " → " + after);
            assertEquals(200, tr.step());
            // the budget loss pulls the training-time selected fraction from ~0.5 (Gumbel noise at init) towards C
            assertEquals(c.capacity, st.selectedFraction()[0], 0.1);
        }
    }

    @Test
    void capacityAnnealMovesTheBudgetTargetAndTheSelection() {
        ModelConfig c = tinyConfig(12);   // capacity 0.25
        double[] w = new ParamLayout(c).pack(Weights.random(c, 3).tensors());
        Trainer.Options o = new Trainer.Options(240, 4, 24, 1e-2, 0.1, 10, 7, 0.01, 0.9, 0.95, 1.0, 0.0, false, 1.0, 120);
        try (Trainer tr = new Trainer(c, w, PERIODIC, o, 1)) {
            // the target by hand: 1.0 at step 0, a straight line to 0.25 at step 120, then 0.25
            assertEquals(1.0, tr.capacityAt(0), 1e-15);
            assertEquals(1.0 + (0.25 - 1.0) * 60 / 120, tr.capacityAt(60), 1e-15);
            assertEquals(0.25, tr.capacityAt(120), 1e-15);
            assertEquals(0.25, tr.capacityAt(239), 1e-15);
            double early = 0, late = 0;
            for (int i = 0; i < o.steps(); i++) {
                double f = tr.trainStep().selectedFraction()[0];
                if (i >= 20 && i < 40) early += f / 20;
                if (i >= 220) late += f / 20;
            }
            System.out.printf("capacity anneal 1.0 -> 0.25: selected %.3f at steps 20-39, %.3f at 220-239%n", early, late);
            // the budget (λ = 1, no noise) pulls the selection along with the target
            assertTrue(early > 0.8, "with the target near 1 nearly every token is selected: " + early);
            assertEquals(0.25, late, 0.1);
        }
        // recorded in the checkpoint options, so that --resume continues the same anneal
        Trainer.Options back = Checkpoint.optionsFrom(Checkpoint.optionsJson(o));
        assertEquals(o, back);
        // a held start (C0:FROM:STEPS): C0 up to step FROM, then the line to C at STEPS
        Trainer.Options held = o.withCapacityAnneal(1.0, 100, 180);
        try (Trainer tr = new Trainer(c, w, PERIODIC, held, 1)) {
            assertEquals(1.0, tr.capacityAt(0), 1e-15);
            assertEquals(1.0, tr.capacityAt(100), 1e-15);
            assertEquals(1.0 + (0.25 - 1.0) * 40 / 80, tr.capacityAt(140), 1e-15);
            assertEquals(0.25, tr.capacityAt(180), 1e-15);
        }
        assertEquals(held, Checkpoint.optionsFrom(Checkpoint.optionsJson(held)));
        assertFalse(Checkpoint.optionsJson(o).has("capacity_anneal_from"), "an anneal from step 0 writes what it wrote before");
        assertThrows(IllegalArgumentException.class, () -> o.withCapacityAnneal(1.0, 120, 120));
        assertArrayEquals(new double[]{1.0, 6000, 7500}, TrainCommand.parseAnneal("1.0:6000:7500"));
        assertArrayEquals(new double[]{0.5, 0, 4000}, TrainCommand.parseAnneal("0.5:4000"));
        Trainer.Options plain = new Trainer.Options(5, 1, 8, 1e-3, 0.1, 1, 1, 0.01, 0.9, 0.95, 1.0);
        assertEquals(plain, Checkpoint.optionsFrom(Checkpoint.optionsJson(plain)));
        assertFalse(Checkpoint.optionsJson(plain).has("capacity_start"), "runs without an anneal write what they wrote before");
        Result bad = train("--preset", "taipan", "--layers", "2", "--hidden-size", "16", "--data", "task:mqar", "--steps", "2",
                "--capacity-anneal", "1.0", "--out", tmp.resolve("bad-anneal").toString());
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("--capacity-anneal") && bad.err().contains("C0:STEPS"), bad.err());
    }

    @Test
    void learningRateWarmsUpThenDecaysByCosine() {
        ModelConfig c = tinyConfig(12);
        Trainer.Options o = new Trainer.Options(110, 1, 4, 1e-3, 0.1, 10, 1, 0.01, 0.9, 0.95, 1.0);
        try (Trainer tr = new Trainer(c, new double[new ParamLayout(c).size()], PERIODIC, o, 1)) {
            assertEquals(1e-4, tr.lrAt(0), 1e-15);
            assertEquals(1e-3, tr.lrAt(9), 1e-15);
            assertEquals(1e-3, tr.lrAt(10), 1e-15);
            assertEquals(1e-4 + 0.5 * 9e-4 * (1 + Math.cos(Math.PI * 49 / 99.0)), tr.lrAt(59), 1e-15); // mid-cosine, by hand
            assertEquals(1e-4, tr.lrAt(109), 1e-15);
        }
    }

    @Test
    void threadCountDoesNotChangeOneBit() {
        ModelConfig c = tinyConfig(12);
        double[] init = new ParamLayout(c).pack(Weights.random(c, 5).tensors());
        Trainer.Options o = new Trainer.Options(5, 3, 16, 3e-3, 0.1, 1, 11, 0.01, 0.9, 0.95, 1.0);
        double[] a = init.clone(), b = init.clone();
        try (Trainer t1 = new Trainer(c, a, PERIODIC, o, 1); Trainer t2 = new Trainer(c, b, PERIODIC, o, 2)) {
            for (int i = 0; i < 5; i++) { t1.trainStep(); t2.trainStep(); }
        }
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, init));
    }

    // ------------------------------------------------------------------ the command

    record Result(int code, String out, String err) { }

    static Result train(String... args) {
        // through the real entry point, so the errors are checked as users see them (one line each)
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "train";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = TaipanCli.execute(new PrintWriter(out), new PrintWriter(err), full);
        return new Result(code, out.toString(), err.toString());
    }

    Path textFile() throws IOException {
        StringBuilder sb = new StringBuilder();
        SplittableRandom r = new SplittableRandom(1);
        String[] words = {"the", "lord", "said", "unto", "moses", "and", "aaron", "in", "land", "of", "egypt"};
        while (sb.length() < 20000) sb.append(words[r.nextInt(words.length)]).append(r.nextInt(9) == 0 ? ".\n" : " ");
        Path f = tmp.resolve("text.txt");
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        return f;
    }

    Path tinyModel() {
        ModelConfig c = tinyConfig(256);
        Path dir = tmp.resolve("init");
        Weights.random(c, 9).save(dir.resolve("model.safetensors"), ai.taipan.engine.format.DType.F32);
        c.write(dir.resolve("config.json"));
        return dir;
    }

    static double[] checkpointWeights(Path out) {
        Checkpoint.Loaded l = Checkpoint.loadLatest(out.resolve("checkpoints"));
        return l.weights();
    }

    @Test
    void resumedRunEqualsUninterruptedRunBitForBit() throws IOException {
        Path text = textFile(), init = tinyModel();
        String[] common = {"--model", init.toString(), "--data", text + "@0.7", "--data", "task:mqar@0.3", "--steps", "8",
                "--batch", "2", "--seq-len", "32", "--lr", "3e-3", "--warmup", "2", "--seed", "5", "--eval-sequences", "2"};
        Path full = tmp.resolve("full"), split = tmp.resolve("split");
        Result a = train(concat(common, "--out", full.toString(), "--checkpoint-every", "3", "--threads", "2"));
        assertEquals(0, a.code(), a.err());
        Result b1 = train(concat(common, "--out", split.toString(), "--checkpoint-every", "2", "--stop-at", "4", "--threads", "1"));
        assertEquals(0, b1.code(), b1.err());
        assertTrue(b1.out().contains("stopped at step 4 of 8"), b1.out());
        assertFalse(Files.exists(split.resolve("model.safetensors")), "no final model before the run is done");
        Result b2 = train("--resume", "--out", split.toString(), "--threads", "2");
        assertEquals(0, b2.code(), b2.err());
        assertTrue(b2.out().contains("resuming"), b2.out());
        double[] wa = checkpointWeights(full), wb = checkpointWeights(split);
        assertEquals(8, Checkpoint.loadLatest(full.resolve("checkpoints")).step());
        assertArrayEquals(wa, wb, "resumed weights must equal the uninterrupted run's, bit for bit");
        // the saved model folder is a normal one and holds those weights (as F32)
        try (SafeTensors st = SafeTensors.open(full.resolve("model.safetensors"))) {
            float[] e = st.readFloats("backbone.embeddings.weight");
            assertEquals((float) wa[0], e[0]);
        }
        // every checkpoint folder is also a model folder with the checkpoint's weights (to evaluate a run as it trains)
        Path ck = Checkpoint.loadLatest(split.resolve("checkpoints")).folder();
        ai.taipan.engine.model.TaipanModel snap = ai.taipan.engine.model.TaipanModel.load(ck);
        float[] se = snap.weights().tensors().get("backbone.embeddings.weight");
        for (int i = 0; i < 50; i++) assertEquals((float) wb[i], se[i], "checkpoint model weight " + i);
        String card = Files.readString(full.resolve("MODEL_CARD.md"));
        assertTrue(card.contains("\ntaipan train --model " + init) && card.contains("--seed 5"), card);
        assertTrue(card.contains("| tokens | 512 |"), card);
        // a different seed gives different weights (the comparison above is not vacuous)
        Path other = tmp.resolve("other");
        String[] changed = common.clone();
        changed[Arrays.asList(changed).indexOf("--seed") + 1] = "6";
        assertEquals(0, train(concat(changed, "--out", other.toString())).code());
        assertNotEquals(Arrays.hashCode(wa), Arrays.hashCode(checkpointWeights(other)));
    }

    /** A tiny taipan run on half text, half MQAR, selecting as inference does (noise scale 0), one thread. */
    static String[] noiseFreeRun(Path init, Path text, int steps) {
        return new String[]{"--model", init.toString(), "--data", text + "@0.5", "--data", "task:mqar@0.5", "--steps",
                String.valueOf(steps), "--batch", "2", "--seq-len", "32", "--lr", "3e-3", "--warmup", "2", "--seed", "5",
                "--eval-sequences", "2", "--gumbel-noise-scale", "0", "--threads", "1"};
    }

    @Test
    void salKeyGradientIsRecordedResumedAndChangesTheGate() throws IOException {
        Path text = textFile(), init = tinyModel();
        String[] common = noiseFreeRun(init, text, 6);
        Path full = tmp.resolve("kg-full"), split = tmp.resolve("kg-split"), off = tmp.resolve("kg-off");
        assertEquals(0, train(concat(common, "--sal-key-gradient", "--out", full.toString())).code());
        assertEquals(0, train(concat(common, "--sal-key-gradient", "--out", split.toString(), "--checkpoint-every", "2",
                "--stop-at", "3")).code());
        // the option is recorded in the checkpoint: --resume continues with it without being told
        Result r = train("--resume", "--out", split.toString());
        assertEquals(0, r.code(), r.err());
        double[] wa = checkpointWeights(full);
        assertArrayEquals(wa, checkpointWeights(split), "resumed key-gradient run must equal the uninterrupted one");
        assertTrue(Files.readString(full.resolve("MODEL_CARD.md")).contains("| SAL key gradient | on"));
        assertEquals(0, train(concat(common, "--out", off.toString())).code());
        assertFalse(Files.readString(off.resolve("MODEL_CARD.md")).contains("SAL key gradient"));
        // same forward, different gate gradient: the runs part (the gate is what differs after the first step)
        ParamLayout layout = new ParamLayout(tinyConfig(256));
        ParamLayout.Tensor gate = layout.tensors().stream().filter(t -> t.name().endsWith("mixer.gate.weight")).findFirst().orElseThrow();
        double[] wo = checkpointWeights(off);
        assertFalse(Arrays.equals(Arrays.copyOfRange(wa, gate.offset(), gate.offset() + gate.size()),
                Arrays.copyOfRange(wo, gate.offset(), gate.offset() + gate.size())), "the key gradient must reach the gate");
    }

    @Test
    void branchContinuesTheRunAndChangesOnlyTheBudget() throws IOException {
        Path text = textFile(), init = tinyModel();
        String[] common = noiseFreeRun(init, text, 8);
        Path straight = tmp.resolve("br-straight"), c1 = tmp.resolve("br-c1"), branch = tmp.resolve("br-branch");
        // one run with the budget target held at 1 until step 5, then down to 0.25 at step 7
        assertEquals(0, train(concat(common, "--capacity", "0.25", "--capacity-anneal", "1.0:5:7", "--out", straight.toString())).code());
        // a run at capacity 1 throughout, checkpointed at step 4, branched there with that anneal: the same weights
        assertEquals(0, train(concat(common, "--capacity", "1.0", "--checkpoint-every", "4", "--out", c1.toString())).code());
        Path at4 = c1.resolve("checkpoints/step-000004");
        assertTrue(Files.isDirectory(at4), "checkpoint kept: " + at4);
        Result b = train("--branch-from", at4.toString(), "--capacity", "0.25", "--capacity-anneal", "1.0:5:7",
                "--out", branch.toString(), "--threads", "2");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("branching") && b.out().contains("at step 4 of 8"), b.out());
        assertFalse(b.out().contains("jumps"), "the held target continues the C 1 run at step 4: " + b.out());
        double[] ws = checkpointWeights(straight), wb = checkpointWeights(branch);
        assertArrayEquals(ws, wb, "a branch must continue the checkpoint's run exactly, with only the new budget");
        assertNotEquals(Arrays.hashCode(ws), Arrays.hashCode(checkpointWeights(c1)), "the budget change must matter");
        String card = Files.readString(branch.resolve("MODEL_CARD.md"));
        assertTrue(card.contains("a branch with SAL capacity 1.0 → 0.25") && card.contains("--branch-from " + at4), card);
        assertTrue(card.contains("budget target 1.00 at step 0 … 5 → 0.250 (config) at step 7"), card);
        assertTrue(card.contains("| tokens | 512 |"), card);
        // an anneal whose line started before the branch point: the target jumps there (1.0 → 0.625), and is told
        Result jump = train("--branch-from", at4.toString(), "--capacity", "0.25", "--capacity-anneal", "1.0:2:6",
                "--out", tmp.resolve("br-jump").toString(), "--stop-at", "5");
        assertEquals(0, jump.code(), jump.err());
        assertTrue(jump.out().contains("note: the SAL budget's target jumps at step 4 from 1.000 (the checkpoint's run) to 0.625"), jump.out());
        // what a branch or a resume cannot take, and where a branch cannot go
        Result lr = train("--resume", "--out", c1.toString(), "--lr", "1e-2");
        assertNotEquals(0, lr.code());
        assertTrue(lr.err().contains("--lr cannot be combined with --resume"), lr.err());
        Result seed = train("--branch-from", at4.toString(), "--seed", "3", "--out", tmp.resolve("br-x").toString());
        assertTrue(seed.code() != 0 && seed.err().contains("--seed cannot be combined with --branch-from"), seed.err());
        Result into = train("--branch-from", at4.toString(), "--capacity", "0.5", "--out", c1.toString());
        assertTrue(into.code() != 0 && into.err().contains("already holds a training run"), into.err());
        Result missing = train("--branch-from", tmp.resolve("nope").toString(), "--out", tmp.resolve("br-y").toString());
        assertTrue(missing.code() != 0 && missing.err().contains("no such checkpoint folder"), missing.err());
    }

    @Test
    void corruptCheckpointIsRefusedOnResume() throws IOException {
        Path text = textFile(), init = tinyModel(), out = tmp.resolve("run");
        Result r = train("--model", init.toString(), "--data", text.toString(), "--steps", "4", "--stop-at", "2", "--batch", "1",
                "--seq-len", "16", "--checkpoint-every", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path t = out.resolve("checkpoints/step-000002/trainer.safetensors");
        byte[] b = Files.readAllBytes(t);
        b[b.length / 2] ^= 1;
        Files.write(t, b);
        Result bad = train("--resume", "--out", out.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("trainer.safetensors") && bad.err().contains("corrupt"), bad.err());
        Files.writeString(out.resolve("checkpoints/step-000002/state.json"), "{\"format\": ");
        Result bad2 = train("--resume", "--out", out.toString());
        assertTrue(bad2.err().contains("state.json") && bad2.err().contains("not valid JSON"), bad2.err());
    }

    @Test
    void resumeRefusesChangedDataFiles() throws IOException {
        Path text = textFile(), init = tinyModel(), out = tmp.resolve("run");
        Result r = train("--model", init.toString(), "--data", text.toString(), "--steps", "3", "--stop-at", "1", "--batch", "1",
                "--seq-len", "16", "--out", out.toString(), "--eval-sequences", "1");
        assertEquals(0, r.code(), r.err());
        Files.writeString(text, "more text", java.nio.file.StandardOpenOption.APPEND);
        Result bad = train("--resume", "--out", out.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("data files changed"), bad.err());
    }

    @Test
    void aBadCheckpointNeverReplacesTheLastGoodOne() throws IOException {
        ModelConfig c = tinyConfig(12);
        double[] w = new ParamLayout(c).pack(Weights.random(c, 3).tensors());
        Path dir = tmp.resolve("ck");
        Trainer.Options o = new Trainer.Options(10, 1, 8, 1e-3, 0.1, 1, 1, 0.01, 0.9, 0.95, 1.0);
        try (Trainer tr = new Trainer(c, w, PERIODIC, o, 1)) {
            tr.trainStep();
            Checkpoint.save(dir, tr, List.of("x"), null);
            double[] good = tr.weights().clone();
            tr.trainStep();
            Checkpoint.corruptNextWriteForTest = true;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Checkpoint.save(dir, tr, List.of("x"), null));
            assertTrue(e.getMessage().contains("previous checkpoint is untouched"), e.getMessage());
            Checkpoint.Loaded l = Checkpoint.loadLatest(dir);
            assertEquals(1, l.step());
            assertArrayEquals(good, l.weights());
            try (var s = Files.list(dir)) {
                assertEquals(List.of("LATEST", "step-000001"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }

    @Test
    void badInputGivesClearErrors() throws IOException {
        Path text = textFile(), init = tinyModel();
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        Result missing = train("--model", init.toString(), "--data", tmp.resolve("nope.txt").toString(), "--out", tmp.resolve("o1").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.txt"), missing.err());
        Result emptyR = train("--model", init.toString(), "--data", empty.toString(), "--out", tmp.resolve("o2").toString());
        assertEquals(1, emptyR.code());
        assertTrue(emptyR.err().contains("empty.txt"), emptyR.err());
        Result cap = train("--model", init.toString(), "--data", text.toString(), "--capacity", "1.5", "--out", tmp.resolve("o3").toString());
        assertEquals(1, cap.code());
        assertTrue(cap.err().contains("capacity"), cap.err());
        Result mem = train("--preset", "transformer", "--layers", "2", "--data", text.toString(), "--seq-len", "400000",
                "--out", tmp.resolve("o4").toString());
        assertEquals(1, mem.code());
        assertTrue(mem.err().contains("memory") && mem.err().contains("--seq-len"), mem.err());
        Result none = train("--resume", "--out", tmp.resolve("o5").toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("LATEST"), none.err());
        Result both = train("--data", text.toString(), "--out", tmp.resolve("o6").toString());
        assertTrue(both.err().contains("--model") && both.err().contains("--preset"), both.err());
        Result emb = train("--model", init.toString(), "--embedding-std", "1", "--data", text.toString(), "--out", tmp.resolve("o7").toString());
        assertEquals(1, emb.code());
        assertTrue(emb.err().contains("--embedding-std") && emb.err().contains("--preset"), emb.err());
        assertFalse(Files.exists(tmp.resolve("o7").resolve("checkpoints")), "nothing written");
    }

    @Test
    void presetRunTakesTheInitAndConfigOptions() throws IOException {
        // --untied --embedding-std 1 --sal-rope --capacity 1: the round-3 recipe's fresh model (sample-models/train.sh)
        Path text = textFile(), out = tmp.resolve("p1");
        Result r = train("--preset", "taipan", "--layers", "2", "--hidden-size", "16", "--window", "8", "--seq-len", "16",
                "--untied", "--embedding-std", "1", "--sal-rope", "--capacity", "1", "--data", text.toString(),
                "--steps", "1", "--batch", "1", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        ModelConfig c = ModelConfig.read(out.resolve("config.json"));
        assertTrue(c.salRope && !c.tieWordEmbeddings && c.capacity == 1.0, "sal_rope, untied, capacity");
        Weights w = ai.taipan.engine.model.TaipanModel.load(out).weights();
        // one AdamW step at lr ≤ 1e-3 moves each weight by at most ~lr: the embedding's std is still ~1, the head's ~0.02
        assertEquals(1.0, stdOf(w.get("backbone.embeddings.weight")), 0.1);
        assertEquals(0.02, stdOf(w.get("lm_head.weight")), 0.005);
    }

    static double stdOf(float[] v) {
        double s = 0, ss = 0;
        for (float x : v) { s += x; ss += x * x; }
        double m = s / v.length;
        return Math.sqrt(ss / v.length - m * m);
    }

    static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
