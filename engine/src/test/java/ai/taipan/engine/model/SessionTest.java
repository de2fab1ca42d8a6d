package ai.taipan.engine.model;

import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static ai.taipan.engine.model.Checks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session behaviour of SPEC §3: chunking, streaming, state size, positions, input validation. */
class SessionTest {

    static int[] randomIds(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(vocab);
        return ids;
    }

    /** A small model of a preset, 7 layers (one attention layer in the hybrids), window 6. */
    static TaipanModel small(Preset preset, int chunk, long seed) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 40;
        b.hiddenSize = 32;
        b.layerTypes = preset.schedule(preset == Preset.MAMBA2 || preset == Preset.TRANSFORMER ? 3 : 7);
        b.stateSize = 8;
        b.headDim = 8;
        b.nGroups = 2;
        b.chunkSize = chunk;
        b.numAttentionHeads = 4;
        b.intermediateSize = 64;
        b.slidingWindow = 6;
        b.capacity = 0.4;
        ModelConfig c = b.build();
        return new TaipanModel(c, Weights.random(c, seed), new ByteTokenizer(c.vocabSize));
    }

    static TaipanModel withChunk(TaipanModel m, int chunk) {
        ModelConfig.Builder b = m.config().toBuilder();
        b.chunkSize = chunk;
        return new TaipanModel(b.build(), m.weights(), m.tokenizer());
    }

    @Test
    void fixtureLogitsDoNotDependOnChunkSize() {
        for (String name : new String[]{"mamba2-tiny", "taipan-tiny"}) {
            TaipanModel m = TaipanModel.load(ReferenceFixtureTest.dir(name));
            try (SafeTensors e = SafeTensors.open(ReferenceFixtureTest.dir(name).resolve("expected.safetensors"))) {
                int[] ids = e.readInts("input_ids");
                float[] want = e.readFloats("logits_f64");
                for (int chunk : new int[]{1, 2, 3, 5, 7, 8, 13, ids.length, 64}) {
                    assertClose(name + " logits with chunk_size " + chunk, want,
                            withChunk(m, chunk).logits(ids, Mode.PARALLEL), 1e-4, 0);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Preset.class)
    void everyPresetAgreesBetweenChunkedAndStepModesAndChunkSizes(Preset preset) {
        int[] ids = randomIds(50, 40, 3);
        TaipanModel m = small(preset, 16, 5);
        float[] step = m.logits(ids, Mode.STEP);
        for (int chunk : new int[]{1, 7, 16, 50, 64}) {
            assertClose(preset.key() + " parallel (chunk " + chunk + ") vs step", step,
                    withChunk(m, chunk).logits(ids, Mode.PARALLEL), 2e-4, 2e-4);
        }
    }

    /**
     * chunk_size 256 with a 300-token prompt: the SSD runs in chunks of Ssd.MAX_CHUNK (64) inside
     * the 256-token prefill blocks, and must still agree with the recurrent step form.
     */
    @Test
    void ssdChunksShorterThanThePrefillBlockAgreeWithStep() {
        int[] ids = randomIds(300, 40, 8);
        TaipanModel m = small(Preset.MAMBA2, 256, 6);
        assertClose("mamba2 chunk_size 256, 300 tokens: parallel vs step", m.logits(ids, Mode.STEP),
                m.logits(ids, Mode.PARALLEL), 2e-4, 2e-4);
    }

    @ParameterizedTest
    @EnumSource(Preset.class)
    void prefillInPiecesThenDecodeEqualsOnePass(Preset preset) {
        TaipanModel m = small(preset, 8, 9);
        int[] ids = randomIds(60, 40, 4);
        int V = m.config().vocabSize;
        float[] full = m.logits(ids, Mode.PARALLEL);                    // (60, V)
        Random r = new Random(17);
        for (int trial = 0; trial < 4; trial++) {
            Session s = m.newSession();
            int pos = 0, prefillEnd = 40 + r.nextInt(10);
            while (pos < prefillEnd) {                                  // random split points
                int n = Math.min(1 + r.nextInt(13), prefillEnd - pos);
                int[] piece = Arrays.copyOfRange(ids, pos, pos + n);
                float[] last = s.prefill(piece);
                pos += n;
                assertEquals(pos, s.position());
                assertClose(preset.key() + " last logits after piece ending at " + pos, row(full, pos - 1, V), last, 2e-4, 2e-4);
            }
            for (; pos < ids.length; pos++) {                           // then decode
                assertClose(preset.key() + " decode at " + pos, row(full, pos, V), s.step(ids[pos]), 2e-4, 2e-4);
            }
        }
    }

    @Test
    void prefillWithSinkReportsEveryTokenInOrder() {
        TaipanModel m = small(Preset.TAIPAN, 8, 2);
        int[] ids = randomIds(37, 40, 8);
        float[] full = m.logits(ids, Mode.STEP);
        List<Integer> seen = new ArrayList<>();
        m.newSession().prefill(ids, (i, l) -> {
            seen.add(i);
            assertClose("sink row " + i, row(full, i, 40), l, 2e-4, 2e-4);
        });
        for (int i = 0; i < ids.length; i++) assertEquals(i, seen.get(i));
    }

    static float[] row(float[] a, int r, int n) { return Arrays.copyOfRange(a, r * n, (r + 1) * n); }

    @Test
    void stateBytesIsConstantForTaipanAndMamba2AndGrowsForTheTransformer() {
        for (Preset p : new Preset[]{Preset.TAIPAN, Preset.MAMBA2, Preset.SWA_HYBRID, Preset.TRANSFORMER, Preset.JAMBA}) {
            TaipanModel m = small(p, 16, 1);
            Session s = m.newSession();
            s.prefill(randomIds(10, 40, 1));
            long at10 = s.stateBytes();
            s.prefill(randomIds(300, 40, 2));
            for (int i = 0; i < 50; i++) s.step(i % 40);
            long at360 = s.stateBytes();
            assertTrue(at10 > 0);
            if (p == Preset.TRANSFORMER || p == Preset.JAMBA) {
                ModelConfig c = m.config();
                long perToken = c.layersOf(LayerType.ATTENTION).length * (4L + 8L * c.attentionDim); // pos + k + v
                assertEquals(350 * perToken, at360 - at10, p.key() + ": full attention keeps every (pos, k, v)");
            } else {
                assertEquals(at10, at360, p.key() + ": state must not grow with the context");
            }
        }
        // mamba2: exactly conv [conv_dim, K] + SSM [H, P, N] floats per layer
        ModelConfig c = small(Preset.MAMBA2, 16, 1).config();
        long perLayer = 4L * (c.convDim * c.convKernel + (long) c.numHeads * c.headDim * c.stateSize);
        assertEquals(c.numLayers() * perLayer, small(Preset.MAMBA2, 16, 1).newSession().stateBytes());
    }

    @Test
    void positionsContinueAndResetStartsOver() {
        TaipanModel m = small(Preset.TAIPAN, 8, 3);
        int[] ids = randomIds(20, 40, 5);
        Session s = m.newSession();
        float[] first = s.prefill(ids);
        assertEquals(20, s.position());
        s.step(1);
        assertEquals(21, s.position());
        s.reset();
        assertEquals(0, s.position());
        assertArrayEquals(first, s.prefill(ids));
    }

    @Test
    void tracerSeesPrefillAndDecodeTokensWithAbsolutePositions() {
        TaipanModel m = small(Preset.TAIPAN, 8, 3);
        Session s = m.newSession();
        Trace t = new Trace();
        s.setTracer(t);
        s.prefill(randomIds(19, 40, 6));
        s.step(3);
        s.setTracer(null);
        s.step(4);
        ModelConfig c = m.config();
        for (int layer : c.layersOf(LayerType.MAMBA2)) {
            List<Tracer.MambaEvent> ev = t.mambaLayers().get(layer);
            assertEquals(20, ev.size());
            for (int i = 0; i < 20; i++) {
                assertEquals(i, ev.get(i).position());
                assertEquals(c.numHeads, ev.get(i).stateNorms().length);
            }
        }
        for (int layer : c.layersOf(LayerType.SELECTIVE_ATTENTION)) {
            List<Tracer.SalEvent> ev = t.salLayers().get(layer);
            assertEquals(20, ev.size());
            for (int i = 0; i < 20; i++) {
                Tracer.SalEvent e = ev.get(i);
                assertEquals(i, e.position());
                if (e.selected()) {
                    int[] k = e.keyPositions();
                    assertEquals(i, k[k.length - 1], "a selected token is its own key");
                    assertTrue(i - k[0] < c.slidingWindow, "keys inside the window");
                }
            }
        }
    }

    @Test
    void badTokenIdsAreRejectedWithIdIndexAndVocab() {
        TaipanModel m = small(Preset.TAIPAN, 8, 3);
        Session s = m.newSession();
        var e = assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[]{1, 2, 40, 3}));
        assertTrue(e.getMessage().contains("40") && e.getMessage().contains("index 2")
                && e.getMessage().contains("vocab_size is 40"), e.getMessage());
        assertEquals(0, s.position(), "a rejected prefill changes nothing");
        e = assertThrows(IllegalArgumentException.class, () -> s.step(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.logits(new int[]{0, 99}, Mode.STEP));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[0]));
        assertEquals(0, s.position());
    }

    @Test
    void tracingDoesNotChangeTheOutputs() {
        TaipanModel m = small(Preset.TAIPAN, 8, 12);
        int[] ids = randomIds(30, 40, 12);
        Session plain = m.newSession(), traced = m.newSession();
        traced.setTracer(new Trace());
        assertArrayEquals(plain.prefill(ids), traced.prefill(ids));
        assertArrayEquals(plain.step(7), traced.step(7));
    }

    @Test
    void timeStepLimitClampsDtAndConvBiasIsOptional() {
        ModelConfig.Builder b = small(Preset.MAMBA2, 8, 1).config().toBuilder();
        b.timeStepMin = 0.01;
        b.timeStepMax = 0.05;
        b.useConvBias = false;
        ModelConfig c = b.build();
        Weights w = Weights.random(c, 4);                     // softplus(dt_bias) spans [1e-3, 0.1]
        assertTrue(!w.has("backbone.layers.0.mixer.conv1d.bias"));
        TaipanModel m = new TaipanModel(c, w, new ByteTokenizer(c.vocabSize));
        int[] ids = randomIds(30, 40, 2);
        Session s = m.newSession();
        float[] dts = new float[30 * c.numHeads];
        s.setProbe((layer, name, pos0, data, off, rows, cols) -> {
            if (layer == 0 && name.equals("dt")) System.arraycopy(data, off, dts, pos0 * cols, rows * cols);
        });
        s.prefill(ids);
        int low = 0, high = 0;
        for (float d : dts) {
            assertTrue(d >= 0.01f && d <= 0.05f, "dt " + d + " outside time_step_limit");
            if (d == 0.01f) low++;
            if (d == 0.05f) high++;
        }
        assertTrue(low > 0 && high > 0, "the case clamps at both ends: " + low + ", " + high);
        assertClose("clamped model, parallel vs step", m.logits(ids, Mode.STEP), m.logits(ids, Mode.PARALLEL), 2e-4, 2e-4);
    }
}
