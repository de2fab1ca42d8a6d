package ai.taipan.app.gui;

import ai.taipan.engine.interop.TorchSaveWriter;
import ai.taipan.engine.interop.TorchSaveWriter.Tensor;
import ai.taipan.app.logic.io.RecentModelsStore;
import ai.taipan.app.logic.task.CurrentThreadTaskExecutor;
import ai.taipan.app.model.ModelCard;
import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Mode;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The model manager opens every checkpoint format the engine reads (issue 7 item 4) and takes
 * model folders by drag-and-drop. Fixtures are written here: a mamba_ssm folder with the
 * pytorch_model.bin torch.save writes, a Hugging Face mamba2 folder in two safetensors shards, and
 * a pytorch_model.bin whose pickle asks for os.system. Expected parameter counts are summed from
 * the tensors the fixtures wrote, not taken from the engine.
 */
class CheckpointFormatsTest {
    static final int[] IDS = {3, 17, 0, 36, 5, 5, 22, 9, 1, 30, 12};

    @TempDir Path tmp;
    RecordingDialogs dialogs;
    MainViewModel vm;

    @BeforeEach
    void setUp() {
        dialogs = new RecordingDialogs();
        vm = new MainViewModel(new CurrentThreadTaskExecutor(), dialogs, new RecentModelsStore(tmp.resolve("cfg")), Runnable::run);
    }

    // ------------------------------------------------------------------ fixtures

    /** mamba_ssm MambaConfig: two Mamba2 layers, vocab 37 padded to 40, tied embeddings. */
    static final String MAMBA_SSM_CONFIG = """
            {"d_model": 32, "d_intermediate": 0, "n_layer": 2, "vocab_size": 37,
             "ssm_cfg": {"layer": "Mamba2", "d_state": 8, "d_conv": 4, "expand": 2, "headdim": 8, "ngroups": 1, "chunk_size": 4},
             "attn_layer_idx": [], "attn_cfg": {},
             "rms_norm": true, "residual_in_fp32": true, "fused_add_norm": true,
             "pad_vocab_size_multiple": 8, "tie_embeddings": true}""";

    /** The same model in SPEC terms, to make weights with the right shapes. */
    static ModelConfig mambaSsmEquivalent() {
        ModelConfig.Builder b = ModelConfig.builder();
        b.vocabSize = 40;
        b.hiddenSize = 32;
        b.layerTypes = List.of(LayerType.MAMBA2, LayerType.MAMBA2);
        b.stateSize = 8;
        b.headDim = 8;
        b.chunkSize = 4;
        b.numAttentionHeads = 4;
        b.intermediateSize = 1;
        b.slidingWindow = ModelConfig.UNLIMITED;
        return b.build();
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /**
     * Writes {@code w} as MambaLMHeadModel.save_pretrained does (config.json + torch.save of the
     * state dict, "backbone.embedding" naming, lm_head tied to the embedding's storage) and
     * returns the number of distinct parameters written (the tied head counted once).
     */
    static long writeMambaSsm(Path folder, Weights w) throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), MAMBA_SSM_CONFIG);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        long params = 0;
        TorchSaveWriter.Storage emb = TorchSaveWriter.f32(w.get("backbone.embeddings.weight"));
        sd.put("backbone.embedding.weight", Tensor.contiguous(emb, 40, 32));
        params += 40 * 32;
        for (int i = 0; i < 2; i++) {
            String p = "backbone.layers." + i + ".";
            for (String n : List.of("mixer.in_proj.weight", "mixer.conv1d.weight", "mixer.conv1d.bias", "mixer.dt_bias",
                    "mixer.A_log", "mixer.D", "mixer.norm.weight", "mixer.out_proj.weight", "norm.weight")) {
                sd.put(p + n, Tensor.contiguous(TorchSaveWriter.f32(w.get(p + n)), w.shape(p + n)));
                params += numel(w.shape(p + n));
            }
        }
        sd.put("backbone.norm_f.weight", Tensor.contiguous(TorchSaveWriter.f32(w.get("backbone.norm_f.weight")), 32));
        params += 32;
        sd.put("lm_head.weight", Tensor.contiguous(emb, 40, 32)); // tied: the same storage, as state_dict() saves it
        TorchSaveWriter.write(folder.resolve("pytorch_model.bin"), "pytorch_model", sd, TorchSaveWriter.metadata("", "backbone"));
        return params;
    }

    static final String HF_MAMBA2_CONFIG = """
            {"model_type": "mamba2", "architectures": ["Mamba2ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2,
             "state_size": 8, "expand": 2, "head_dim": 8, "num_heads": 8, "n_groups": 2, "conv_kernel": 4, "chunk_size": 4,
             "vocab_size": 40, "tie_word_embeddings": false, "layer_norm_epsilon": 1e-05, "time_step_limit": [0.0, Infinity],
             "use_bias": false, "use_conv_bias": true, "rms_norm": true, "residual_in_fp32": true}""";

    /** A Hugging Face mamba2 folder in two shards + index; returns the parameters written. */
    static long writeShardedHf(Path folder, Weights w) throws Exception {
        SafeTensorsWriter s1 = new SafeTensorsWriter(), s2 = new SafeTensorsWriter();
        StringBuilder map = new StringBuilder();
        long params = 0;
        for (var e : w.tensors().entrySet()) {
            boolean second = e.getKey().contains("layers.1.") || e.getKey().startsWith("lm_head");
            (second ? s2 : s1).add(e.getKey(), DType.BF16, e.getValue(), w.shape(e.getKey()));
            map.append(map.length() == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": \"model-0000")
                    .append(second ? 2 : 1).append("-of-00002.safetensors\"");
            params += numel(w.shape(e.getKey()));
        }
        s1.write(folder.resolve("model-00001-of-00002.safetensors"));
        s2.write(folder.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(folder.resolve("model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {" + map + "}}");
        return params;
    }

    Path hfFolder() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("hf-sharded"));
        Files.writeString(folder.resolve("config.json"), HF_MAMBA2_CONFIG);
        return folder;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void opensAMambaSsmFolderAndAShardedHfFolderWithTheRightCards() throws Exception {
        ModelConfig c = mambaSsmEquivalent();
        Weights w = Weights.random(c, 5);
        Path ssm = tmp.resolve("mamba-ssm");
        long ssmParams = writeMambaSsm(ssm, w);

        vm.models().open(ssm, "A");
        assertEquals(List.of(), dialogs.errors);
        ModelCard a = vm.slotAProperty().get().card();
        assertEquals("mamba_ssm: pytorch_model.bin, byte tokenizer", a.format());
        assertEquals("mamba2", a.preset());
        assertEquals("MM", a.letters());
        assertEquals(ssmParams, a.parameters());
        assertTrue(Double.isNaN(a.capacity()));
        assertEquals(-1, a.window());
        assertEquals(40, vm.slotAProperty().get().model().config().vocabSize, "37 padded to a multiple of 8");
        // the card's model is the checkpoint's model: same logits as the weights the fixture wrote
        float[] want = new TaipanModel(c, w, new ByteTokenizer(40)).logits(IDS, Mode.PARALLEL);
        assertArrayEquals(want, vm.slotAProperty().get().model().model().logits(IDS, Mode.PARALLEL), 0f);

        Path hf = hfFolder();
        Weights hw = Weights.random(ModelConfig.read(hf.resolve("config.json")), 9);
        long hfParams = writeShardedHf(hf, hw);
        vm.models().open(hf, "B");
        assertEquals(List.of(), dialogs.errors);
        ModelCard b = vm.slotBProperty().get().card();
        assertEquals("hf-mamba2: model.safetensors.index.json, byte tokenizer", b.format());
        assertEquals("mamba2", b.preset());
        assertEquals("MM", b.letters());
        assertEquals(hfParams, b.parameters());
        assertEquals(2, vm.loadedModels().size(), "both slots hold a model");
        assertEquals(List.of(hf.toAbsolutePath().toString(), ssm.toAbsolutePath().toString()), vm.models().recent());
    }

    @Test
    void aMaliciousPickleGivesADialogNamingTheFileAndTheAppKeepsWorking() throws Exception {
        Path evil = Files.createDirectories(tmp.resolve("evil"));
        Files.writeString(evil.resolve("config.json"), MAMBA_SSM_CONFIG);
        // the classic payload: GLOBAL os.system, ("touch <marker>",), REDUCE — must never run
        Path marker = tmp.resolve("pwned");
        byte[] cmd = ("touch " + marker).getBytes(StandardCharsets.ISO_8859_1);
        byte[] len = {(byte) cmd.length, (byte) (cmd.length >>> 8), 0, 0};
        byte[] pkl = TorchSaveWriter.bytes(0x80, 2, "cos\nsystem\n", "q", 0, "X", len, cmd, 0x85, "R", ".");
        TorchSaveWriter.writeRaw(evil.resolve("pytorch_model.bin"), pkl, Map.of());

        TinyModels.taipanFolder(Files.createDirectories(tmp.resolve("good")), 3);
        vm.models().open(tmp.resolve("good"), "A");
        ModelSlot before = vm.slotAProperty().get();
        vm.models().open(evil, "A");
        assertEquals(1, dialogs.errors.size());
        String msg = dialogs.errors.get(0);
        assertTrue(msg.contains("pytorch_model.bin"), msg);
        assertTrue(msg.contains("os.system"), msg);
        assertFalse(Files.exists(marker), "the pickle's code never ran");
        assertSame(before, vm.slotAProperty().get(), "slot A keeps its model");
        assertFalse(vm.models().loadingProperty().get());
        assertFalse(vm.models().recent().contains(evil.toAbsolutePath().toString()));

        // and the workbench keeps working: generate with A, open a real checkpoint into B
        vm.prompt().promptProperty().set("ab");
        vm.prompt().maxTokensProperty().set(2);
        vm.prompt().generate();
        assertEquals(4, vm.lastRunProperty().get().ids().length);
        Path hf = hfFolder();
        writeShardedHf(hf, Weights.random(ModelConfig.read(hf.resolve("config.json")), 1));
        vm.models().open(hf, "B");
        assertEquals("mamba2", vm.slotBProperty().get().card().preset());
        assertEquals(1, dialogs.errors.size());
    }

    @Test
    void droppingAFolderOrAFileInItOpensTheModelInThatSlot() throws Exception {
        Path m1 = TinyModels.taipanFolder(Files.createDirectories(tmp.resolve("dropped-dir")), 1);
        Path m2 = TinyModels.taipanFolder(Files.createDirectories(tmp.resolve("dropped-file")), 2);
        var models = vm.models();

        assertFalse(models.acceptsDrop(List.of()));
        assertFalse(models.drop(List.of(), "A"));
        assertNull(vm.slotAProperty().get());
        assertTrue(models.acceptsDrop(List.of(m1.toFile())));

        // a folder: opened as it is
        assertTrue(models.drop(List.of(m1.toFile()), "B"));
        assertEquals(m1.toAbsolutePath(), vm.slotBProperty().get().model().folder().toAbsolutePath());
        assertNull(vm.slotAProperty().get());
        // a file inside a model folder (config.json dragged from a file manager): its folder; only the first counts
        File cfg = m2.resolve("config.json").toFile();
        assertTrue(models.drop(List.of(cfg, m1.toFile()), "A"));
        assertEquals(m2.toAbsolutePath(), vm.slotAProperty().get().model().folder().toAbsolutePath());
        assertEquals(List.of(), dialogs.errors);

        // a folder that is no model: the same dialog as Open, nothing changes
        Path junk = Files.createDirectories(tmp.resolve("junk"));
        assertTrue(models.drop(List.of(junk.toFile()), "A"));
        assertEquals(m2.toAbsolutePath(), vm.slotAProperty().get().model().folder().toAbsolutePath());
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).contains("config.json"), dialogs.errors.get(0));
    }
}
