package ai.taipan.engine.train;

import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training forward in eval mode (no noise, m = s1 &gt; s0, h + m·α·(o − h)) reproduces the logits of
 * the independent float64 reference (test resources reference/, from /work/shared/reference): the
 * graph that is trained is the model the inference engine runs. It also reproduces the reference's
 * SAL masks, so the selection rule itself is checked, not only its effect.
 */
class TrainForwardFixtureTest {
    static Path dir(String name) {
        try {
            return Path.of(TrainForwardFixtureTest.class.getResource("/reference/" + name + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static double maxLogitDiff(String name) {
        Path d = dir(name);
        ModelConfig c;
        Map<String, float[]> tensors = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(d.resolve("model.safetensors"))) {
            c = ModelConfig.read(d.resolve("config.json"), n -> st.has(n) ? st.shape(n) : null);
            for (String n : st.names()) tensors.put(n, st.readFloats(n));
        }
        ParamLayout layout = new ParamLayout(c);
        double[] w = layout.pack(tensors);
        try (SafeTensors ex = SafeTensors.open(d.resolve("expected.safetensors"))) {
            int[] ids = ex.readInts("input_ids");
            double[] expected = ex.readDoubles("logits_f64");
            TrainGraph g = new TrainGraph(layout, ids.length);
            g.forward(w, ids, null, ids.length, AttentionTrain.Selection.EVAL, new SplittableRandom(0));
            double[] got = g.logits();
            double max = 0;
            for (int i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(got[i] - expected[i]));
            System.out.printf("%s: %d tokens × %d logits, max |train forward − reference| = %.3e (first %.6f vs %.6f)%n",
                    name, ids.length, c.vocabSize, max, got[0], expected[0]);
            for (int s = 0; s < g.numSal(); s++) {
                int layer = c.layersOf(ai.taipan.engine.model.LayerType.SELECTIVE_ATTENTION)[s];
                int[] mask = ex.readInts("layers." + layer + ".sal_mask");
                assertArrayEquals(mask, java.util.Arrays.copyOf(g.mask(s), ids.length), "SAL mask of layer " + layer);
            }
            return max;
        }
    }

    @Test
    void taipanTinyLogits() {
        double d = maxLogitDiff("taipan-tiny");
        assertTrue(d < 1e-4, "max logit diff " + d);
    }

    @Test
    void mamba2TinyLogits() {
        double d = maxLogitDiff("mamba2-tiny");
        assertTrue(d < 1e-4, "max logit diff " + d);
    }
}
