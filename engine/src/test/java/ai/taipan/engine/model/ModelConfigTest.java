package ai.taipan.engine.model;

import ai.taipan.engine.format.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json: HF Mamba-2 configs, defaults, consistency checks that name the file and field, round trip. */
class ModelConfigTest {
    @TempDir
    Path dir;

    /** A valid taipan config with one field replaced (or removed when value is null). */
    private static String taipan(String field, String value) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("model_type", "\"taipan\"");
        f.put("vocab_size", "96");
        f.put("hidden_size", "64");
        f.put("layer_types", "[\"mamba2\",\"mamba2\",\"selective_attention\"]");
        f.put("state_size", "16");
        f.put("expand", "2");
        f.put("head_dim", "16");
        f.put("num_heads", "8");
        f.put("n_groups", "2");
        f.put("num_attention_heads", "4");
        f.put("intermediate_size", "128");
        f.put("sliding_window", "8");
        f.put("time_step_limit", "[0.0, Infinity]");
        f.put("capacity", "0.15");
        if (field != null) {
            if (value == null) f.remove(field); else f.put(field, value);
        }
        StringBuilder sb = new StringBuilder("{");
        f.forEach((k, v) -> sb.append(sb.length() > 1 ? ",\n" : "\n").append('"').append(k).append("\": ").append(v));
        return sb.append("\n}").toString();
    }

    private Path write(String json) throws IOException {
        Path p = dir.resolve("config.json");
        Files.writeString(p, json);
        return p;
    }

    private ModelFormatException fails(String json, String field) throws IOException {
        Path p = write(json);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelConfig.read(p));
        assertTrue(e.getMessage().contains(p.toString()), () -> "file not named: " + e.getMessage());
        if (field != null) {
            assertEquals(field, e.item());
            assertTrue(e.getMessage().contains("'" + field + "'"), () -> "field not named: " + e.getMessage());
        }
        assertFalse(e.getMessage().contains("\n"));
        return e;
    }

    @Test
    void hfMamba2ConfigWithInfinity() throws IOException {
        // the shape of a Hugging Face Mamba2Config as transformers writes it (fields we do not use included)
        String hf = """
                {"architectures": ["Mamba2ForCausalLM"], "model_type": "mamba2", "hidden_size": 64,
                 "state_size": 16, "expand": 2, "head_dim": 16, "num_heads": 8, "n_groups": 1,
                 "conv_kernel": 4, "chunk_size": 8, "num_hidden_layers": 2, "vocab_size": 96,
                 "layer_norm_epsilon": 1e-05, "hidden_act": "silu", "use_bias": false, "use_conv_bias": true,
                 "time_step_limit": [0.0, Infinity], "time_step_min": 0.001, "tie_word_embeddings": true,
                 "torch_dtype": "float32"}""";
        ModelConfig c = ModelConfig.read(write(hf));
        assertEquals("mamba2", c.modelType);
        assertEquals(List.of(LayerType.MAMBA2, LayerType.MAMBA2), c.layerTypes);
        assertEquals(0.0, c.timeStepMin);
        assertEquals(Double.POSITIVE_INFINITY, c.timeStepMax);
        assertEquals(8, c.numHeads);
        assertEquals(128, c.dInner);
        assertEquals(128 + 2 * 16, c.convDim);                 // d_inner + 2GN
        assertEquals(2 * 128 + 2 * 16 + 8, c.dInProj);          // z | xBC | dt
        assertEquals(8, c.chunkSize);
        assertEquals(1e-5, c.layerNormEpsilon);
        assertEquals("MM", c.scheduleString());
        assertEquals("silu", c.extra.get("hidden_act").asText()); // unknown fields are kept
        // and it survives a write/read cycle, Infinity included
        Path out = dir.resolve("again/config.json");
        c.write(out);
        assertTrue(Files.readString(out).contains("Infinity"));
        ModelConfig back = ModelConfig.read(out);
        assertEquals(c.toJson(), back.toJson());
        assertEquals(Double.POSITIVE_INFINITY, back.timeStepMax);
    }

    @Test
    void hfMamba2WithBiasIsRefused() throws IOException {
        fails("{\"model_type\":\"mamba2\",\"hidden_size\":64,\"num_hidden_layers\":1,\"vocab_size\":8,\"use_bias\":true}",
                "use_bias");
    }

    @Test
    void defaultsAndSizesFromTensorShapes() throws IOException {
        Path p = write("{\"model_type\":\"mamba2\",\"hidden_size\":64,\"num_hidden_layers\":1,\"state_size\":16,"
                + "\"head_dim\":16}");
        // vocab_size, n_groups and conv_kernel come from the tensors when config.json is silent
        Map<String, long[]> shapes = Map.of("backbone.embeddings.weight", new long[]{50, 64},
                "backbone.layers.0.mixer.conv1d.weight", new long[]{128 + 2 * 2 * 16, 1, 3});
        ModelConfig c = ModelConfig.read(p, shapes::get);
        assertEquals(50, c.vocabSize);
        assertEquals(2, c.nGroups);
        assertEquals(3, c.convKernel);
        assertEquals(8, c.numHeads);           // expand 2 · 64 / 16
        assertEquals(256, c.chunkSize);
        assertTrue(c.tieWordEmbeddings);
        assertTrue(c.useConvBias);
    }

    @Test
    void missingFieldsAreNamed() throws IOException {
        fails(taipan("hidden_size", null), "hidden_size");
        fails(taipan("layer_types", null), "layer_types");
        fails(taipan("vocab_size", null), "vocab_size");
        fails(taipan("num_attention_heads", null), "num_attention_heads");
        fails(taipan("intermediate_size", null), "intermediate_size");
    }

    @Test
    void wronglyTypedFieldsAreNamed() throws IOException {
        fails(taipan("hidden_size", "\"sixty-four\""), "hidden_size");
        fails(taipan("hidden_size", "64.5"), "hidden_size");
        fails(taipan("vocab_size", "99999999999"), "vocab_size");
        fails(taipan("time_step_limit", "[0.0]"), "time_step_limit");
        fails(taipan("time_step_limit", "[0.5, 0.1]"), "time_step_limit");
        fails(taipan("model_type", "\"llama\""), "model_type");
        fails(taipan("layer_types", "\"mamba2\""), "layer_types");
        fails(taipan("hidden_size", "0"), "hidden_size");
        fails(taipan("n_groups", "3"), "n_groups");     // does not divide 8 heads
    }

    @Test
    void sizesThatOverflowAJavaArrayFailOnTheField() throws IOException {
        fails(taipan("hidden_size", "1073741824"), "expand");          // d_inner = 2^31
        fails(taipan("vocab_size", "2000000000"), "vocab_size");       // embedding 2e9 × 64
        fails(taipan("intermediate_size", "100000000"), "intermediate_size");
    }

    @Test
    void numHeadsMustEqualExpandTimesHiddenOverHeadDim() throws IOException {
        ModelFormatException e = fails(taipan("num_heads", "4"), "num_heads");
        assertTrue(e.getMessage().contains("8"), e.getMessage());
        fails(taipan("head_dim", "24"), "head_dim"); // 128 is not a multiple of 24
    }

    @Test
    void unknownLayerKind() throws IOException {
        ModelFormatException e = fails(taipan("layer_types", "[\"mamba2\",\"mamba3\"]"), "layer_types");
        assertTrue(e.getMessage().contains("mamba3"), e.getMessage());
        fails(taipan("layer_types", "[]"), "layer_types");
    }

    @Test
    void capacityOutsideZeroOne() throws IOException {
        fails(taipan("capacity", "0"), "capacity");
        fails(taipan("capacity", "1.5"), "capacity");
        fails(taipan("capacity", "-0.1"), "capacity");
        fails(taipan("capacity", "NaN"), "capacity");
        assertEquals(1.0, ModelConfig.read(write(taipan("capacity", "1.0"))).capacity);
    }

    @Test
    void nonJsonAndMissingFiles() throws IOException {
        fails("{\"model_type\": ", null);
        fails("[1, 2]", null);
        Path absent = dir.resolve("nothing/config.json");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelConfig.read(absent));
        assertTrue(e.getMessage().contains(absent.toString()));
    }

    @Test
    void taipanRoundTripAndDerivedSizes() throws IOException {
        ModelConfig c = ModelConfig.read(write(taipan(null, null)));
        assertEquals("MMS", c.scheduleString());
        assertEquals(16, c.attentionHeadDim);     // 64 / 4
        assertEquals(64, c.attentionDim);
        assertEquals(8, c.slidingWindow);
        assertEquals(128 + 2 * 2 * 16, c.convDim);
        assertEquals(2 * 128 + 2 * 2 * 16 + 8, c.dInProj);
        assertEquals(1, c.layersOf(LayerType.SELECTIVE_ATTENTION).length);
        assertEquals(2, c.layersOf(LayerType.SELECTIVE_ATTENTION)[0]);
        assertFalse(c.salRope);
        assertEquals(10000.0, c.ropeTheta);
        Path out = dir.resolve("out/config.json");
        c.write(out);
        ModelConfig back = ModelConfig.read(out);
        assertEquals(c.toJson(), back.toJson());
        assertEquals(c.layerTypes, back.layerTypes);
        assertEquals(out, back.source());
        // a builder copy builds the same config
        assertEquals(c.toJson(), c.toBuilder().build().toJson());
    }

    @Test
    void unlimitedWindowRoundTripsAsNull() throws IOException {
        ModelConfig c = ModelConfig.read(write(taipan("sliding_window", "null")));
        assertEquals(ModelConfig.UNLIMITED, c.slidingWindow);
        assertTrue(c.toJson().get("sliding_window").isNull());
        Path out = dir.resolve("u/config.json");
        c.write(out);
        assertEquals(ModelConfig.UNLIMITED, ModelConfig.read(out).slidingWindow);
    }

    @Test
    void presetsBuildValidConfigs() {
        for (Preset p : Preset.values()) {
            ModelConfig.Builder b = ModelConfig.builder();
            b.layerTypes = p.schedule(7);
            b.numAttentionHeads = 4;
            b.intermediateSize = 128;
            ModelConfig c = b.build();
            assertEquals(7, c.numLayers());
            assertNull(c.source());
        }
        assertEquals("MMMMMMS", String.valueOf(scheduleLetters(Preset.TAIPAN.schedule(7))));
        assertEquals("MMMMMMAMMMMMMA", String.valueOf(scheduleLetters(Preset.JAMBA.schedule(14))));
        assertEquals("MMMMMMWM", String.valueOf(scheduleLetters(Preset.SWA_HYBRID.schedule(8))));
        assertEquals(Collections.nCopies(3, LayerType.ATTENTION), Preset.TRANSFORMER.schedule(3));
        assertEquals(Preset.SWA_HYBRID, Preset.parse("swa_hybrid"));
        assertNull(Preset.parse("nope"));
    }

    private static char[] scheduleLetters(List<LayerType> types) {
        char[] c = new char[types.size()];
        for (int i = 0; i < c.length; i++) c[i] = types.get(i).letter();
        return c;
    }
}
