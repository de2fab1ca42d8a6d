package ai.taipan.engine.model;

import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.layers.KvRing;
import ai.taipan.engine.layers.Mamba2Layer;
import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static ai.taipan.engine.model.Checks.argmax;
import static ai.taipan.engine.model.Checks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The engine against the independent float64 reference (test resources reference/, copied from
 * the project's shared fixtures; see reference/README.md): logits, every per-layer intermediate,
 * final states, trace values, teacher-forced decode and greedy continuation — in both modes.
 */
class ReferenceFixtureTest {
    static final double LOGIT_ATOL = 1e-4, ATOL = 1e-4, RTOL = 1e-4;

    static Path dir(String name) {
        try {
            return Path.of(ReferenceFixtureTest.class.getResource("/reference/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects probe rows into whole [L, cols] tensors keyed "layers.i.name" (or "final_normed"). */
    static final class Recorder implements ai.taipan.engine.layers.Probe {
        final int length;
        final Map<String, float[]> tensors = new HashMap<>();

        Recorder(int length) { this.length = length; }

        @Override
        public void tensor(int layer, String name, int pos0, float[] data, int off, int rows, int cols) {
            String key = layer < 0 ? name : "layers." + layer + "." + name;
            float[] t = tensors.computeIfAbsent(key, k -> new float[length * cols]);
            if (pos0 + rows <= length) System.arraycopy(data, off, t, pos0 * cols, rows * cols);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mamba2-tiny", "taipan-tiny"})
    void logitsMatchInBothModes(String name) {
        TaipanModel m = TaipanModel.load(dir(name));
        try (SafeTensors e = SafeTensors.open(dir(name).resolve("expected.safetensors"))) {
            int[] ids = e.readInts("input_ids");
            float[] expected = e.readFloats("logits_f64");
            assertClose(name + " logits (parallel)", expected, m.logits(ids, Mode.PARALLEL), LOGIT_ATOL, 0);
            assertClose(name + " logits (step)", expected, m.logits(ids, Mode.STEP), LOGIT_ATOL, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mamba2-tiny", "taipan-tiny"})
    void intermediatesStatesAndTraceMatchInBothModes(String name) {
        TaipanModel m = TaipanModel.load(dir(name));
        try (SafeTensors e = SafeTensors.open(dir(name).resolve("expected.safetensors"))) {
            int[] ids = e.readInts("input_ids");
            int L = ids.length;
            for (Mode mode : Mode.values()) {
                Session s = m.newSession();
                Recorder rec = new Recorder(L);
                Trace trace = new Trace();
                s.setProbe(rec);
                s.setTracer(trace);
                if (mode == Mode.PARALLEL) s.prefill(ids, (i, l) -> { });
                else for (int id : ids) s.step(id);
                int compared = 0;
                for (String t : e.names()) {
                    String what = name + " " + t + " (" + mode + ")";
                    if (rec.tensors.containsKey(t)) {
                        assertClose(what, e.readFloats(t), rec.tensors.get(t), ATOL, RTOL);
                        compared++;
                        continue;
                    }
                    if (!t.startsWith("layers.")) continue;
                    int layer = Integer.parseInt(t.split("\\.")[1]);
                    String leaf = t.substring(t.indexOf('.', 7) + 1);
                    switch (leaf) {
                        case "conv_state" -> assertClose(what, e.readFloats(t), ((Mamba2Layer.State) s.state(layer)).convSpecLayout(), ATOL, RTOL);
                        case "ssm_state" -> assertClose(what, e.readFloats(t), ((Mamba2Layer.State) s.state(layer)).ssm, ATOL, RTOL);
                        case "state_norms" -> assertClose(what, e.readFloats(t), stateNorms(trace, layer), ATOL, RTOL);
                        case "sal_mask" -> {
                            int[] mask = e.readInts(t);
                            List<Tracer.SalEvent> ev = trace.salLayers().get(layer);
                            for (int i = 0; i < L; i++) assertEquals(mask[i] == 1, ev.get(i).selected(), what + " at " + i);
                        }
                        case "sal_alpha" -> {
                            List<Tracer.SalEvent> ev = trace.salLayers().get(layer);
                            float[] a = new float[L];
                            for (int i = 0; i < L; i++) a[i] = ev.get(i).alpha();
                            assertClose(what, e.readFloats(t), a, ATOL, RTOL);
                        }
                        case "ring_pos" -> assertArrayEquals(e.readInts(t), ((KvRing) s.state(layer)).positions(), what);
                        case "decode_sal_mask" -> { continue; } // checked in teacherForcedDecode
                        default -> throw new AssertionError("fixture tensor " + t + " is not checked by this test");
                    }
                    compared++;
                }
                long expectedCount = e.names().stream()
                        .filter(t -> t.equals("final_normed") || (t.startsWith("layers.") && !t.endsWith("decode_sal_mask")))
                        .count();
                assertEquals(expectedCount, compared, name + ": every per-layer fixture tensor is compared");
                // the trace's own SAL scores agree with the probe's
                for (var entry : trace.salLayers().entrySet()) {
                    float[] sc = rec.tensors.get("layers." + entry.getKey() + ".sal_scores");
                    for (int i = 0; i < L; i++) {
                        assertEquals(sc[2 * i], entry.getValue().get(i).score0());
                        assertEquals(sc[2 * i + 1], entry.getValue().get(i).score1());
                    }
                }
            }
        }
    }

    static float[] stateNorms(Trace trace, int layer) {
        List<Tracer.MambaEvent> ev = trace.mambaLayers().get(layer);
        int H = ev.get(0).stateNorms().length;
        float[] out = new float[ev.size() * H];
        for (int i = 0; i < ev.size(); i++) System.arraycopy(ev.get(i).stateNorms(), 0, out, i * H, H);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mamba2-tiny", "taipan-tiny"})
    void teacherForcedDecodeAfterThePrompt(String name) {
        TaipanModel m = TaipanModel.load(dir(name));
        try (SafeTensors e = SafeTensors.open(dir(name).resolve("expected.safetensors"))) {
            int[] ids = e.readInts("input_ids"), dec = e.readInts("decode_ids");
            float[] expected = e.readFloats("decode_logits_f64");
            int V = m.config().vocabSize, L = ids.length;
            Session s = m.newSession();
            s.prefill(ids);
            Trace trace = new Trace();
            s.setTracer(trace);
            for (int i = 0; i < dec.length; i++) {
                float[] got = s.step(dec[i]);
                float[] want = new float[V];
                System.arraycopy(expected, i * V, want, 0, V);
                assertClose(name + " decode_logits[" + i + "]", want, got, LOGIT_ATOL, 0);
                assertEquals(L + i + 1, s.position());
            }
            for (int layer : m.config().layersOf(LayerType.SELECTIVE_ATTENTION)) {
                int[] mask = e.readInts("layers." + layer + ".decode_sal_mask");
                List<Tracer.SalEvent> ev = trace.salLayers().get(layer);
                for (int i = 0; i < dec.length; i++) {
                    assertEquals(L + i, ev.get(i).position());
                    assertEquals(mask[i] == 1, ev.get(i).selected(), name + " decode_sal_mask layer " + layer + " step " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mamba2-tiny", "taipan-tiny"})
    void greedyContinuation(String name) {
        TaipanModel m = TaipanModel.load(dir(name));
        try (SafeTensors e = SafeTensors.open(dir(name).resolve("expected.safetensors"))) {
            int[] ids = e.readInts("input_ids"), greedy = e.readInts("greedy_ids");
            Session s = m.newSession();
            float[] logits = s.prefill(ids);
            int[] got = new int[greedy.length];
            for (int i = 0; i < greedy.length; i++) {
                got[i] = argmax(logits);
                logits = s.step(got[i]);
            }
            assertArrayEquals(greedy, got, name + " greedy continuation");
        }
    }
}
