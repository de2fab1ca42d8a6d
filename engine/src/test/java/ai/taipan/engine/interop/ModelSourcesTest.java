package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Half;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.interop.TorchSaveWriter.Storage;
import ai.taipan.engine.interop.TorchSaveWriter.Tensor;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Mode;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import ai.taipan.engine.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSourcesTest {
    @TempDir Path dir;

    static final int[] IDS = {3, 17, 0, 36, 5, 5, 22, 9, 1, 30, 12};

    // ------------------------------------------------------------------ mamba_ssm

    /** A hybrid the mamba_ssm format can express: Mamba2, attention (no MLP), Mamba2; vocab 37 padded to 40. */
    static ModelConfig hybrid() {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 40;
        b.hiddenSize = 32;
        b.layerTypes = List.of(LayerType.MAMBA2, LayerType.ATTENTION, LayerType.MAMBA2);
        b.stateSize = 8;
        b.headDim = 8;
        b.chunkSize = 4;
        b.numAttentionHeads = 4;
        b.attentionHeadDim = 8;
        b.intermediateSize = 1;
        b.slidingWindow = ModelConfig.UNLIMITED;
        return b.build();
    }

    static float bf16(float x) { return Half.bf16ToFloat(Half.floatToBf16(x)); }

    static float f16(float x) { return Half.f16ToFloat(Half.floatToF16(x)); }

    /**
     * Random weights for the hybrid, made representable by a mamba_ssm checkpoint: the attention
     * layer's SwiGLU is the identity (zero down_proj), q/k/v/o carry biases (MHA's default), the
     * embedding is F16-exact and one in_proj BF16-exact (they are stored in those dtypes).
     */
    static Weights hybridWeights(ModelConfig c) {
        Map<String, float[]> t = new LinkedHashMap<>(Weights.random(c, 7).tensors());
        t.replaceAll((k, v) -> v.clone());
        for (int i = 0; i < t.get("backbone.embeddings.weight").length; i++) {
            t.get("backbone.embeddings.weight")[i] = f16(t.get("backbone.embeddings.weight")[i]);
        }
        float[] in0 = t.get("backbone.layers.0.mixer.in_proj.weight");
        for (int i = 0; i < in0.length; i++) in0[i] = bf16(in0[i]);
        String p = "backbone.layers.1.";
        java.util.Arrays.fill(t.get(p + "mlp_norm.weight"), 1f);
        java.util.Arrays.fill(t.get(p + "mlp.gate_proj.weight"), 0f);
        java.util.Arrays.fill(t.get(p + "mlp.up_proj.weight"), 0f);
        java.util.Arrays.fill(t.get(p + "mlp.down_proj.weight"), 0f);
        java.util.Random r = new java.util.Random(3);
        for (String b : List.of("q_proj.bias", "k_proj.bias", "v_proj.bias")) {
            float[] v = new float[c.attentionDim];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.1f;
            t.put(p + "mixer." + b, v);
        }
        float[] bo = new float[c.hiddenSize];
        for (int i = 0; i < bo.length; i++) bo[i] = (float) r.nextGaussian() * 0.1f;
        t.put(p + "mixer.o_proj.bias", bo);
        return Weights.of(c, t);
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) { System.arraycopy(p, 0, out, o, p.length); o += p.length; }
        return out;
    }

    static final String MAMBA_SSM_CONFIG = """
            {"d_model": 32, "d_intermediate": 0, "n_layer": 3, "vocab_size": 37,
             "ssm_cfg": {"layer": "Mamba2", "d_state": 8, "d_conv": 4, "expand": 2, "headdim": 8, "ngroups": 1, "chunk_size": 4},
             "attn_layer_idx": [1],
             "attn_cfg": {"causal": true, "head_dim": 8, "num_heads": 4, "out_proj_bias": true, "qkv_proj_bias": true,
                          "rotary_emb_dim": 8, "rotary_emb_base": 10000.0},
             "rms_norm": true, "residual_in_fp32": true, "fused_add_norm": true,
             "pad_vocab_size_multiple": 8, "tie_embeddings": true}""";

    /** Writes {@code w} as MambaLMHeadModel.save_pretrained would: config.json + torch.save(state_dict()). */
    static void writeMambaSsm(Path folder, Weights w, String configJson) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), configJson);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        Storage emb = TorchSaveWriter.f16(w.get("backbone.embeddings.weight"));
        sd.put("backbone.embedding.weight", Tensor.contiguous(emb, 40, 32));
        for (int i = 0; i < 3; i++) {
            String p = "backbone.layers." + i + ".";
            if (i == 1) {
                sd.put(p + "mixer.in_proj.weight", Tensor.contiguous(TorchSaveWriter.f32(concat(
                        w.get(p + "mixer.q_proj.weight"), w.get(p + "mixer.k_proj.weight"), w.get(p + "mixer.v_proj.weight"))), 96, 32));
                sd.put(p + "mixer.in_proj.bias", Tensor.contiguous(TorchSaveWriter.f32(concat(
                        w.get(p + "mixer.q_proj.bias"), w.get(p + "mixer.k_proj.bias"), w.get(p + "mixer.v_proj.bias"))), 96));
                sd.put(p + "mixer.out_proj.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get(p + "mixer.o_proj.weight")), 32, 32));
                sd.put(p + "mixer.out_proj.bias", Tensor.contiguous(TorchSaveWriter.f32(w.get(p + "mixer.o_proj.bias")), 32));
            } else {
                for (String n : List.of("in_proj.weight", "conv1d.weight", "conv1d.bias", "dt_bias", "A_log", "D", "norm.weight", "out_proj.weight")) {
                    String name = p + "mixer." + n;
                    Storage s = (i == 0 && n.equals("in_proj.weight")) ? TorchSaveWriter.bf16(w.get(name)) : TorchSaveWriter.f32(w.get(name));
                    sd.put(name, Tensor.contiguous(s, w.shape(name)));
                }
            }
            sd.put(p + "norm.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get(p + "norm.weight")), 32));
        }
        sd.put("backbone.norm_f.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get("backbone.norm_f.weight")), 32));
        sd.put("lm_head.weight", Tensor.contiguous(emb, 40, 32)); // tied: the same storage, as state_dict() saves it
        TorchSaveWriter.write(folder.resolve("pytorch_model.bin"), "pytorch_model", sd, TorchSaveWriter.metadata("", "backbone"));
    }

    @Test
    void mambaSsmHybridFolderLoadsToIdenticalLogits() throws IOException {
        ModelConfig c = hybrid();
        Weights w = hybridWeights(c);
        float[] want = new TaipanModel(c, w, new ByteTokenizer(40)).logits(IDS, Mode.PARALLEL);
        Path folder = dir.resolve("mamba_ssm");
        writeMambaSsm(folder, w, MAMBA_SSM_CONFIG);
        try (ModelSources.Opened o = ModelSources.open(folder)) {
            assertEquals("mamba_ssm", o.format());
            assertEquals(40, o.config().vocabSize); // 37 padded to a multiple of 8
            assertEquals("MAM", o.config().scheduleString());
            assertEquals(4, o.config().chunkSize);
        }
        TaipanModel m = TaipanModel.load(folder);   // delegates to ModelSources
        assertArrayEquals(want, m.logits(IDS, Mode.PARALLEL), 0f);
        assertArrayEquals(want, m.logits(IDS, Mode.STEP), 1e-4f);
    }

    @Test
    void mambaSsmOptionsSpecCannotExpressAreRefusedNamingTheField() throws IOException {
        ModelConfig c = hybrid();
        Weights w = hybridWeights(c);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("attn_cfg.num_heads_kv", MAMBA_SSM_CONFIG.replace("\"num_heads\": 4", "\"num_heads\": 4, \"num_heads_kv\": 2"));
        cases.put("attn_cfg.rotary_emb_dim", MAMBA_SSM_CONFIG.replace("\"rotary_emb_dim\": 8", "\"rotary_emb_dim\": 4"));
        cases.put("attn_cfg.causal", MAMBA_SSM_CONFIG.replace("\"causal\": true", "\"causal\": false"));
        cases.put("attn_cfg.d_conv", MAMBA_SSM_CONFIG.replace("\"causal\": true", "\"causal\": true, \"d_conv\": 4"));
        cases.put("ssm_cfg.layer", MAMBA_SSM_CONFIG.replace("\"layer\": \"Mamba2\", ", ""));
        cases.put("d_intermediate", MAMBA_SSM_CONFIG.replace("\"d_intermediate\": 0", "\"d_intermediate\": 64"));
        cases.put("rms_norm", MAMBA_SSM_CONFIG.replace("\"rms_norm\": true", "\"rms_norm\": false"));
        for (var e : cases.entrySet()) {
            Path folder = dir.resolve(e.getKey());
            writeMambaSsm(folder, w, e.getValue());
            ModelFormatException ex = assertThrows(ModelFormatException.class, () -> ModelSources.open(folder), e.getKey());
            assertEquals(e.getKey(), ex.item(), ex.getMessage());
            assertEquals(folder.resolve("config.json"), ex.file(), ex.getMessage());
        }
    }

    @Test
    void allAttentionMambaSsmModelMapsTheGatedMlpUpThenGate() throws IOException {
        // a mamba_ssm "transformer" (every layer in attn_layer_idx) with GatedMLP: fc1 = [y | gate]
        ModelConfig.Builder b = hybrid().toBuilder();
        b.layerTypes = List.of(LayerType.ATTENTION);
        b.intermediateSize = 128; // GatedMLP rounds d_intermediate = 100 up to a multiple of 128
        ModelConfig c = b.build();
        Weights w = Weights.random(c, 11);
        float[] want = new TaipanModel(c, w, new ByteTokenizer(40)).logits(IDS, Mode.PARALLEL);
        Path folder = dir.resolve("tf");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), MAMBA_SSM_CONFIG.replace("\"n_layer\": 3", "\"n_layer\": 1")
                .replace("\"attn_layer_idx\": [1]", "\"attn_layer_idx\": [0]").replace("\"d_intermediate\": 0", "\"d_intermediate\": 100"));
        String p = "backbone.layers.0.";
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("backbone.embedding.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get("backbone.embeddings.weight")), 40, 32));
        sd.put(p + "norm.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get(p + "norm.weight")), 32));
        sd.put(p + "mixer.in_proj.weight", Tensor.contiguous(TorchSaveWriter.f32(concat(
                w.get(p + "mixer.q_proj.weight"), w.get(p + "mixer.k_proj.weight"), w.get(p + "mixer.v_proj.weight"))), 96, 32));
        sd.put(p + "mixer.out_proj.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get(p + "mixer.o_proj.weight")), 32, 32));
        sd.put(p + "norm2.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get(p + "mlp_norm.weight")), 32));
        sd.put(p + "mlp.fc1.weight", Tensor.contiguous(TorchSaveWriter.f32(concat(
                w.get(p + "mlp.up_proj.weight"), w.get(p + "mlp.gate_proj.weight"))), 256, 32));
        sd.put(p + "mlp.fc2.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get(p + "mlp.down_proj.weight")), 32, 128));
        sd.put("backbone.norm_f.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get("backbone.norm_f.weight")), 32));
        TorchSaveWriter.write(folder.resolve("pytorch_model.bin"), "archive", sd, null);
        TaipanModel m = ModelSources.load(folder);
        assertEquals(128, m.config().intermediateSize);
        assertArrayEquals(want, m.logits(IDS, Mode.PARALLEL), 0f);
    }

    // ------------------------------------------------------------------ HF Mamba-2, sharded

    static final String HF_MAMBA2_CONFIG = """
            {"model_type": "mamba2", "architectures": ["Mamba2ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2,
             "state_size": 8, "expand": 2, "head_dim": 8, "num_heads": 8, "n_groups": 2, "conv_kernel": 4, "chunk_size": 4,
             "vocab_size": 40, "tie_word_embeddings": false, "layer_norm_epsilon": 1e-05, "time_step_limit": [0.0, Infinity],
             "use_bias": false, "use_conv_bias": true, "rms_norm": true, "residual_in_fp32": true}""";

    @Test
    void shardedHfMamba2FolderLoadsToIdenticalLogits() throws IOException {
        Path folder = dir.resolve("hf");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), HF_MAMBA2_CONFIG);
        ModelConfig c = ModelConfig.read(folder.resolve("config.json"));
        assertEquals(2, c.nGroups);
        Weights w = Weights.random(c, 5);
        float[] want = new TaipanModel(c, w, new ByteTokenizer(40)).logits(IDS, Mode.PARALLEL);
        SafeTensorsWriter s1 = new SafeTensorsWriter(), s2 = new SafeTensorsWriter();
        StringBuilder map = new StringBuilder();
        for (var e : w.tensors().entrySet()) {
            boolean second = e.getKey().contains("layers.1.") || e.getKey().startsWith("lm_head");
            (second ? s2 : s1).add(e.getKey(), DType.F32, e.getValue(), w.shape(e.getKey()));
            map.append(map.length() == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": \"model-0000")
                    .append(second ? 2 : 1).append("-of-00002.safetensors\"");
        }
        s1.write(folder.resolve("model-00001-of-00002.safetensors"));
        s2.write(folder.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(folder.resolve("model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {" + map + "}}");
        try (ModelSources.Opened o = ModelSources.open(folder)) {
            assertEquals("hf-mamba2", o.format());
            assertInstanceOf(ShardedCheckpoint.class, o.tensors());
        }
        assertArrayEquals(want, TaipanModel.load(folder).logits(IDS, Mode.PARALLEL), 0f);

        // a shard gone: a clear error naming the index and the shard
        Files.delete(folder.resolve("model-00002-of-00002.safetensors"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TaipanModel.load(folder));
        assertEquals(folder.resolve("model.safetensors.index.json"), e.file());
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void aFolderWithoutWeightsNamesTheFilesItLookedFor() throws IOException {
        Path folder = dir.resolve("empty");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), HF_MAMBA2_CONFIG);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelSources.open(folder));
        assertTrue(e.getMessage().contains("pytorch_model.bin"), e.getMessage());
    }

    // ------------------------------------------------------------------ tokenizer in the folder

    @Test
    void tokenizerJsonIsUsedAndMustFitTheModelVocabulary() throws IOException {
        Path folder = dir.resolve("tok");
        Files.createDirectories(folder);
        byte[] neox;
        try (InputStream s = getClass().getResourceAsStream("/interop/tokenizers/neox-mini-tokenizer.json")) {
            neox = s.readAllBytes();
        }
        // vocab 287 padded to 288 (pad_vocab_size_multiple 8): fits
        ModelConfig c = ModelConfig.read(writeHf(folder, 288));
        new SafeTensorsWriter().add("x", new float[]{0}, 1).write(folder.resolve("unused.safetensors"));
        Map<String, float[]> t = new HashMap<>(Weights.random(c, 1).tensors());
        SafeTensorsWriter sw = new SafeTensorsWriter();
        Weights w = Weights.of(c, t);
        t.forEach((k, v) -> sw.add(k, v, w.shape(k)));
        sw.write(folder.resolve("model.safetensors"));
        Files.write(folder.resolve("tokenizer.json"), neox);
        TaipanModel m = TaipanModel.load(folder);
        assertInstanceOf(HfTokenizer.class, m.tokenizer());
        assertArrayEquals(new int[]{74, 103, 267, 113}, java.util.Arrays.copyOf(m.tokenizer().encode("Hello, world!"), 4));

        // a model whose vocabulary is smaller than the tokenizer's: refused at load, naming tokenizer.json
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        ModelConfig c2 = ModelConfig.read(writeHf(small, 256));
        Weights w2 = Weights.random(c2, 1);
        SafeTensorsWriter sw2 = new SafeTensorsWriter();
        w2.tensors().forEach((k, v) -> sw2.add(k, v, w2.shape(k)));
        sw2.write(small.resolve("model.safetensors"));
        Files.write(small.resolve("tokenizer.json"), neox);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TaipanModel.load(small));
        assertEquals(small.resolve("tokenizer.json"), e.file());
        assertTrue(e.getMessage().contains("vocab_size is 256"), e.getMessage());
    }

    private static Path writeHf(Path folder, int vocab) throws IOException {
        Path f = folder.resolve("config.json");
        Files.writeString(f, HF_MAMBA2_CONFIG.replace("\"vocab_size\": 40", "\"vocab_size\": " + vocab)
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1"));
        return f;
    }
}
