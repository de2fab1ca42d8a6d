package ai.taipan.app.logic;

import ai.taipan.app.logic.engine.CompareService;
import ai.taipan.app.logic.engine.GenerationService;
import ai.taipan.app.logic.engine.MemoryBudgetException;
import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.app.logic.engine.SweepService;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.MemoryModel;
import ai.taipan.app.model.SamplingSettings;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.Session;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class EngineServicesTest {
    static final LoadedModel TAIPAN = ModelLoader.random("t", ModelLoader.tinyConfig(Preset.TAIPAN, 7, 32), 7);

    @Test
    void memoryModelMatchesTheEngineForConstantStateModels() {
        LoadedModel mamba = ModelLoader.random("m", ModelLoader.tinyConfig(Preset.MAMBA2, 3, 32), 1);
        Session s = mamba.model().newSession();
        s.prefill(new int[]{1, 2, 3, 4, 5});
        assertEquals(MemoryModel.stateBytes(mamba.config(), 5), s.stateBytes());
        // transformer grows with N: prediction is N·2·d_attn·4 bytes per layer
        var c = ModelLoader.tinyConfig(Preset.TRANSFORMER, 2, 32);
        // 1M tokens: 10^6 entries of (int position, k, v) held; the ring doubled from 256 to 2^20 entries
        assertEquals(2L * 1_000_000 * (4 + 2 * c.attentionDim * 4), MemoryModel.stateBytes(c, 1_000_000));
        assertEquals(2L * (1 << 20) * (4 + 2 * c.attentionDim * 4), MemoryModel.allocatedBytes(c, 1_000_000));
        // taipan: the SAL ring (window 512 <= 65,536) is preallocated whole, so the engine reports it from token 1
        Session ts = TAIPAN.model().newSession();
        ts.prefill(new int[]{1, 2, 3});
        assertEquals(MemoryModel.stateBytes(TAIPAN.config(), 3), ts.stateBytes());
    }

    @Test
    void generationTracesEveryTokenAndIsDeterministicPerSeed() {
        GenerationService g = new GenerationService(() -> Long.MAX_VALUE);
        List<Integer> streamed = new ArrayList<>();
        SamplingSettings s = new SamplingSettings(0.9, 20, 0.95, 5, 6);
        GenerationRun r = g.generate(TAIPAN, "Hello", s, (id, text, piece) -> { if (id >= 0) streamed.add(id); }, () -> false);
        assertEquals(5, r.promptTokens());
        assertEquals(11, r.ids().length);
        assertEquals(6, streamed.size());
        for (int i = 0; i < 6; i++) assertEquals(streamed.get(i), r.ids()[5 + i]);
        assertEquals(r.trace().ids().size(), r.ids().length);
        // one SAL layer (index 6) with an event for every token fed
        assertEquals(List.of(6), List.copyOf(r.trace().salLayers().keySet()));
        assertEquals(11, r.trace().salLayers().get(6).size());
        GenerationRun again = g.generate(TAIPAN, "Hello", s, (id, text, piece) -> { }, () -> false);
        assertArrayEquals(r.ids(), again.ids());
    }

    @Test
    void tokenTextsShowLoneNonAsciiBytesAsHex() {
        var bytes = new ai.taipan.engine.tokenizer.ByteTokenizer(256);
        assertEquals("a", ai.taipan.app.logic.engine.TokenTexts.of(bytes, 'a'));
        assertEquals("\n", ai.taipan.app.logic.engine.TokenTexts.of(bytes, '\n'));
        assertEquals("<0xE3>", ai.taipan.app.logic.engine.TokenTexts.of(bytes, 0xE3));
        assertEquals("<0x00>", ai.taipan.app.logic.engine.TokenTexts.of(bytes, 0));
    }

    @Test
    void generationRefusesWhatDoesNotFit() {
        GenerationService g = new GenerationService(() -> 1000);
        var e = assertThrows(MemoryBudgetException.class, () ->
                g.generate(TAIPAN, "Hello", SamplingSettings.DEFAULT, (a, b, c) -> { }, () -> false));
        assertTrue(e.getMessage().contains("available"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () ->
                new GenerationService(() -> Long.MAX_VALUE).generate(TAIPAN, "", SamplingSettings.DEFAULT, (a, b, c) -> { }, () -> false));
    }

    @Test
    void lossIsMinusLogSoftmaxOfTheNextToken() {
        int[] ids = CompareService.sharedIds(TAIPAN, TAIPAN, "abcab");
        double[] loss = CompareService.perTokenLoss(TAIPAN, ids);
        assertEquals(4, loss.length);
        // independent check: full logits of the model for the prefix, computed by a separate session
        float[] last = TAIPAN.model().newSession().prefill(new int[]{ids[0], ids[1], ids[2]});
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (float v : last) max = Math.max(max, v);
        for (float v : last) z += Math.exp(v - max);
        assertEquals(-(last[ids[3]] - max - Math.log(z)), loss[2], 1e-4);
        var top = CompareService.topK(TAIPAN, ids, 2, 5);
        assertEquals(5, top.size());
        assertTrue(top.get(0).probability() >= top.get(4).probability());
        assertEquals(Math.exp(-loss[2]), top.stream().filter(p -> p.id() == ids[3]).findFirst()
                .map(p -> p.probability()).orElse(Math.exp(-loss[2])), 1e-4);
    }

    @Test
    void sweepMeasuresWhatFitsAndPredictsTheRest() {
        var transformer = ModelLoader.random("tf", ModelLoader.tinyConfig(Preset.TRANSFORMER, 2, 32), 3);
        long budget = MemoryModel.runBytes(transformer.config(), 300);
        SweepService sweep = new SweepService(() -> budget, 2);
        List<SweepPoint> live = new ArrayList<>();
        List<SweepPoint> pts = sweep.run(transformer, new long[]{128, 256, 4096}, live::add, (d, t, m) -> { }, () -> false);
        assertEquals(pts, live);
        assertEquals(3, pts.size());
        assertTrue(pts.get(0).measured());
        assertTrue(pts.get(1).measured());
        assertEquals(SweepPoint.Status.OUT_OF_MEMORY_PREDICTED, pts.get(2).status());
        assertTrue(pts.get(2).note().startsWith("out of memory at 4096"));
        assertEquals(MemoryModel.stateBytes(transformer.config(), 256 + 2), pts.get(1).stateBytes());
        assertTrue(pts.get(0).prefillSeconds() > 0);
        // cancelled before it starts: nothing measured
        assertTrue(sweep.run(transformer, new long[]{128}, p -> { }, (d, t, m) -> { }, () -> true).isEmpty());
    }
}
