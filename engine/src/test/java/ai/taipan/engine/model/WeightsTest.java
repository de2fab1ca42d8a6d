package ai.taipan.engine.model;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static ai.taipan.engine.model.Checks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weights: shape-checked loading with errors naming file + tensor, Mamba-2 init conventions, atomic save. */
class WeightsTest {
    @TempDir
    Path tmp;

    /** Copies the taipan fixture model into tmp, passing each tensor through {@code edit} (null drops it). */
    Path fixtureCopy(java.util.function.BiFunction<String, SafeTensors.TensorInfo, long[]> editShape) throws IOException {
        Path src = ReferenceFixtureTest.dir("taipan-tiny");
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors st = SafeTensors.open(src.resolve("model.safetensors"))) {
            for (SafeTensors.TensorInfo t : st.tensors()) {
                long[] shape = editShape.apply(t.name(), t);
                if (shape == null) continue;
                float[] v = st.readFloats(t.name());
                long n = 1;
                for (long s : shape) n *= s;
                w.add(t.name(), java.util.Arrays.copyOf(v, (int) n), shape);
            }
        }
        w.write(dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void aMissingTensorIsNamedWithItsFile() throws IOException {
        String victim = "backbone.layers.4.mixer.dt_bias";
        Path dir = fixtureCopy((n, t) -> n.equals(victim) ? null : t.shape());
        var e = assertThrows(ModelFormatException.class, () -> TaipanModel.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("model.safetensors").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(victim) && e.getMessage().contains("missing"), e.getMessage());
        assertEquals(victim, e.item());
    }

    @Test
    void aWrongShapeIsNamedWithItsFileAndBothShapes() throws IOException {
        String victim = "backbone.layers.2.mixer.k_proj.weight";
        Path dir = fixtureCopy((n, t) -> n.equals(victim) ? new long[]{32, 64} : t.shape());
        var e = assertThrows(ModelFormatException.class, () -> TaipanModel.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("model.safetensors").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(victim), e.getMessage());
        assertTrue(e.getMessage().contains("[32, 64]") && e.getMessage().contains("[64, 64]"), e.getMessage());
    }

    @Test
    void aMissingFolderOrFileIsAClearError() throws IOException {
        assertThrows(ModelFormatException.class, () -> TaipanModel.load(tmp.resolve("nope")));
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(ModelFormatException.class, () -> TaipanModel.load(dir));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    static ModelConfig taipanConfig() {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 50;
        b.hiddenSize = 32;
        b.layerTypes = Preset.TAIPAN.schedule(7);
        b.stateSize = 8;
        b.headDim = 8;
        b.numAttentionHeads = 4;
        b.intermediateSize = 64;
        b.slidingWindow = 16;
        b.chunkSize = 8;
        b.tieWordEmbeddings = false;
        return b.build();
    }

    @Test
    void randomInitFollowsMamba2Conventions() {
        ModelConfig c = taipanConfig();
        Weights w = Weights.random(c, 42);
        assertEquals(Weights.expectedShapes(c).keySet(), w.tensors().keySet());
        for (int layer : c.layersOf(LayerType.MAMBA2)) {
            String p = "backbone.layers." + layer + ".mixer.";
            for (float a : w.get(p + "A_log")) assertTrue(a >= 0 && a <= Math.log(16) + 1e-6, "A = exp(A_log) in [1, 16]");
            for (float b : w.get(p + "dt_bias")) {
                double dt = Math.log1p(Math.exp(b));                  // softplus(dt_bias) = Δ at init
                assertTrue(dt >= 1e-3 * 0.999 && dt <= 0.1 * 1.001, "softplus(dt_bias) = " + dt);
            }
            for (float d : w.get(p + "D")) assertEquals(1f, d);
            for (float n : w.get(p + "norm.weight")) assertEquals(1f, n);
            double bound = 1 / Math.sqrt(c.convKernel);
            for (float x : w.get(p + "conv1d.weight")) assertTrue(Math.abs(x) <= bound);
            double inBound = 1 / Math.sqrt(c.hiddenSize);
            for (float x : w.get(p + "in_proj.weight")) assertTrue(Math.abs(x) <= inBound);
            double outBound = 1 / Math.sqrt(c.dInner) / Math.sqrt(c.numLayers());
            for (float x : w.get(p + "out_proj.weight")) assertTrue(Math.abs(x) <= outBound + 1e-7);
        }
        assertEquals(0.02, std(w.get("backbone.embeddings.weight")), 0.002);
        assertEquals(0.02, std(w.get("backbone.layers.6.mixer.q_proj.weight")), 0.003);
        assertEquals(0.02 / Math.sqrt(14), std(w.get("backbone.layers.6.mixer.o_proj.weight")), 0.001);
        assertEquals(Weights.random(c, 42).get("backbone.layers.0.mixer.in_proj.weight")[5],
                w.get("backbone.layers.0.mixer.in_proj.weight")[5], "deterministic in the seed");
        // the SAL gate bias targets `capacity`: about 15% selected on random unit-RMS inputs
        assertEquals(-1.0364, Weights.inverseNormalCdf(0.15), 1e-4);
        TaipanModel m = new TaipanModel(c, w, new ByteTokenizer(50));
        var t = new ai.taipan.engine.trace.Trace();
        Session s = m.newSession();
        s.setTracer(t);
        s.prefill(SessionTest.randomIds(400, 50, 1));
        long sel = t.salLayers().get(6).stream().filter(ai.taipan.engine.trace.Tracer.SalEvent::selected).count();
        assertTrue(sel > 0.05 * 400 && sel < 0.35 * 400, "selected at init: " + sel + " of 400");
    }

    @Test
    void embeddingStdScalesOnlyTheEmbedding() {
        ModelConfig c = taipanConfig();
        assertTrue(!c.tieWordEmbeddings, "the untied case: lm_head keeps 0.02");
        Weights base = Weights.random(c, 7), wide = Weights.random(c, 7, 1.0);
        assertEquals(1.0, std(wide.get("backbone.embeddings.weight")), 0.05);
        float[] e0 = base.get("backbone.embeddings.weight"), e1 = wide.get("backbone.embeddings.weight");
        for (int i = 0; i < e0.length; i += 97) assertEquals(e0[i] * 50, e1[i], 1e-5 * Math.abs(e1[i]) + 1e-6, "same draws, 50x");
        for (String n : base.tensors().keySet()) {
            if (!n.equals("backbone.embeddings.weight")) assertArrayEquals(base.get(n), wide.get(n), n);
        }
        assertThrows(IllegalArgumentException.class, () -> Weights.random(c, 7, 0.0));
        assertThrows(IllegalArgumentException.class, () -> Weights.random(c, 7, Double.NaN));
    }

    static double std(float[] v) {
        double s = 0, ss = 0;
        for (float x : v) { s += x; ss += x * x; }
        double m = s / v.length;
        return Math.sqrt(ss / v.length - m * m);
    }

    @Test
    void saveThenLoadGivesTheSameModel() throws IOException {
        ModelConfig c = taipanConfig();
        Weights w = Weights.random(c, 3);
        Path dir = tmp.resolve("saved");
        c.write(dir.resolve("config.json"));
        w.save(dir.resolve("model.safetensors"), DType.F32);
        TaipanModel back = TaipanModel.load(dir);
        for (Map.Entry<String, float[]> e : w.tensors().entrySet()) {
            assertArrayEquals(e.getValue(), back.weights().get(e.getKey()), e.getKey());
            assertArrayEquals(w.shape(e.getKey()), back.weights().shape(e.getKey()));
        }
        assertEquals(w.parameterCount(), back.parameterCount());
        int[] ids = SessionTest.randomIds(20, 50, 2);
        assertArrayEquals(new TaipanModel(c, w, new ByteTokenizer(50)).logits(ids, Mode.PARALLEL),
                back.logits(ids, Mode.PARALLEL));
        // BF16: the same model to bf16 precision
        w.save(dir.resolve("model.safetensors"), DType.BF16);
        try (SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"))) {
            assertEquals(DType.BF16, st.dtype("backbone.embeddings.weight"));
        }
        TaipanModel bf = TaipanModel.load(dir);
        float[] e = w.get("backbone.layers.0.mixer.in_proj.weight"), a = bf.weights().get("backbone.layers.0.mixer.in_proj.weight");
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], Math.abs(e[i]) / 128 + 1e-30);
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temp files left behind");
        }
    }

    @Test
    void weightsOfChecksSizes() {
        ModelConfig c = taipanConfig();
        Map<String, float[]> m = new java.util.HashMap<>(Weights.random(c, 1).tensors());
        assertEquals(Weights.random(c, 1).parameterCount(), Weights.of(c, m).parameterCount());
        m.put("backbone.norm_f.weight", new float[3]);
        var e = assertThrows(IllegalArgumentException.class, () -> Weights.of(c, m));
        assertTrue(e.getMessage().contains("backbone.norm_f.weight"), e.getMessage());
    }

    @Test
    void untiedHeadIsUsed() {
        ModelConfig c = taipanConfig();
        Weights w = Weights.random(c, 5);
        int[] ids = {1, 2, 3};
        float[] before = new TaipanModel(c, w, new ByteTokenizer(50)).logits(ids, Mode.STEP);
        java.util.Arrays.fill(w.get("lm_head.weight"), 0f);
        float[] after = new TaipanModel(c, w, new ByteTokenizer(50)).logits(ids, Mode.STEP);
        assertClose("zero head gives zero logits", new float[after.length], after, 0, 0);
        assertTrue(Checks.maxDiff(before, after) > 0);
    }

    @Test
    void aShardedFolderLoadsLikeOneFile() throws IOException {
        Path src = ReferenceFixtureTest.dir("taipan-tiny");
        Path dir = Files.createDirectories(tmp.resolve("sharded"));
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        SafeTensorsWriter a = new SafeTensorsWriter(), b = new SafeTensorsWriter();
        var map = ai.taipan.engine.format.Json.mapper().createObjectNode();
        var wm = map.putObject("weight_map");
        try (SafeTensors st = SafeTensors.open(src.resolve("model.safetensors"))) {
            int i = 0;
            for (SafeTensors.TensorInfo t : st.tensors()) {
                boolean first = i++ % 2 == 0;
                (first ? a : b).add(t.name(), st.readFloats(t.name()), t.shape());
                wm.put(t.name(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
        }
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        ai.taipan.engine.format.Json.write(dir.resolve("model.safetensors.index.json"), map);
        TaipanModel one = TaipanModel.load(src), sharded = TaipanModel.load(dir);
        int[] ids = {5, 9, 30, 2, 77, 12, 40, 41, 3};
        assertArrayEquals(one.logits(ids, Mode.PARALLEL), sharded.logits(ids, Mode.PARALLEL));
    }
}
