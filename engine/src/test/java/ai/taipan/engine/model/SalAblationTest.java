package ai.taipan.engine.model;

import ai.taipan.engine.tokenizer.ByteTokenizer;
import ai.taipan.engine.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaipanModel#withSalAttentionOff()}: the SAL's attention contributes nothing, its SwiGLU still runs. */
class SalAblationTest {
    static ModelConfig config() {
        ModelConfig.Builder b = ModelConfig.builder();
        b.hiddenSize = 32; b.stateSize = 8; b.headDim = 16; b.chunkSize = 16; b.numAttentionHeads = 2;
        b.intermediateSize = 48; b.slidingWindow = 16; b.capacity = 0.5;
        b.layerTypes = List.of(LayerType.MAMBA2, LayerType.SELECTIVE_ATTENTION, LayerType.MAMBA2);
        return b.build();
    }

    static float[] logits(TaipanModel m, int[] ids) {
        Session s = m.newSession();
        float[] all = new float[0];
        for (int id : ids) {
            float[] l = s.step(id);
            float[] n = java.util.Arrays.copyOf(all, all.length + l.length);
            System.arraycopy(l, 0, n, all.length, l.length);
            all = n;
        }
        return all;
    }

    /** The model with the named tensors of layer 1 (the SAL) redrawn. */
    static TaipanModel redraw(TaipanModel m, long seed, String... names) {
        Map<String, float[]> t = new LinkedHashMap<>(m.weights().tensors());
        SplittableRandom r = new SplittableRandom(seed);
        for (String n : names) {
            float[] v = t.get("backbone.layers.1." + n).clone();
            for (int i = 0; i < v.length; i++) v[i] = (float) (0.2 * (r.nextDouble() - 0.5));
            t.put("backbone.layers.1." + n, v);
        }
        return new TaipanModel(m.config(), Weights.of(m.config(), t), new ByteTokenizer(m.config().vocabSize));
    }

    @Test
    void attentionWeightsStopMatteringTheSwiGluStillDoes() {
        ModelConfig c = config();
        TaipanModel m = new TaipanModel(c, Weights.random(c, 3), new ByteTokenizer(c.vocabSize));
        int[] ids = new int[40];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(256);
        float[] on = logits(m, ids), off = logits(m.withSalAttentionOff(), ids);
        assertTrue(m.withSalAttentionOff().salAttentionOff() && !m.salAttentionOff());
        assertFalse(java.util.Arrays.equals(on, off), "with capacity 0.5 the SAL selects tokens, so switching it off must change the logits");
        // the attention's own weights no longer matter at all ...
        TaipanModel other = redraw(m, 7, "mixer.q_proj.weight", "mixer.k_proj.weight", "mixer.v_proj.weight", "mixer.o_proj.weight");
        assertFalse(java.util.Arrays.equals(on, logits(other, ids)), "redrawn attention weights change the model with the SAL on");
        assertArrayEquals(off, logits(other.withSalAttentionOff(), ids));
        // ... the SwiGLU's do
        TaipanModel mlp = redraw(m, 8, "mlp.up_proj.weight");
        assertFalse(java.util.Arrays.equals(off, logits(mlp.withSalAttentionOff(), ids)));
        // and no token is selected (the trace says so), where the model as trained selects some
        int[] before = selections(m, ids), after = selections(m.withSalAttentionOff(), ids);
        assertTrue(before[1] == ids.length && before[0] > 0 && before[0] < ids.length, "selected " + before[0] + " of " + before[1]);
        assertTrue(after[1] == ids.length && after[0] == 0, "selected " + after[0] + " of " + after[1]);
    }

    /** {selected tokens, SAL events} of one pass. */
    static int[] selections(TaipanModel m, int[] ids) {
        int[] n = new int[2];
        Session s = m.newSession();
        s.setTracer(new Tracer() {
            @Override public void sal(SalEvent e) { n[1]++; if (e.selected()) n[0]++; }
            @Override public void mamba(MambaEvent e) { }
        });
        for (int id : ids) s.step(id);
        return n;
    }

    @Test
    void aModelWithoutSalsIsReturnedAsIs() {
        ModelConfig.Builder b = ModelConfig.builder();
        b.hiddenSize = 32; b.stateSize = 8; b.headDim = 16; b.chunkSize = 16;
        b.layerTypes = List.of(LayerType.MAMBA2);
        ModelConfig c = b.build();
        TaipanModel m = new TaipanModel(c, Weights.random(c, 3), new ByteTokenizer(c.vocabSize));
        assertSame(m, m.withSalAttentionOff());
    }
}
