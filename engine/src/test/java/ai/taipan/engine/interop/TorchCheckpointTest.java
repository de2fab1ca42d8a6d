package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Half;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.interop.TorchSaveWriter.Storage;
import ai.taipan.engine.interop.TorchSaveWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ai.taipan.engine.interop.TorchSaveWriter.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchCheckpointTest {
    @TempDir Path dir;

    /** The state dict of make_state_dict_pickle.py, built with the Java fixture writer. */
    private static Map<String, Tensor> scriptStateDict() {
        float[] e = new float[12];
        for (int i = 0; i < 12; i++) e[i] = i + 0.5f;
        Storage emb = TorchSaveWriter.f32(e);
        Storage norm = TorchSaveWriter.bf16(1f, 2f, -3f);
        float[] b = new float[300];
        for (int i = 0; i < 300; i++) b[i] = -i;
        Storage big = TorchSaveWriter.f32(b);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("backbone.embedding.weight", Tensor.contiguous(emb, 4, 3));
        sd.put("backbone.norm_f.weight", Tensor.contiguous(norm, 3));
        sd.put("row", new Tensor(emb, 3, new long[]{3}, new long[]{1}));
        sd.put("t", new Tensor(emb, 0, new long[]{3, 4}, new long[]{1, 3}));
        sd.put("big", Tensor.contiguous(big, 300));
        sd.put("lm_head.weight", Tensor.contiguous(emb, 4, 3));
        return sd;
    }

    @Test
    void fixtureWriterEmitsExactlyTheBytesCPythonsPicklerWrites() throws IOException {
        byte[] expected;
        try (InputStream s = getClass().getResourceAsStream("/interop/state_dict_cpython.pkl")) {
            expected = s.readAllBytes();
        }
        byte[] ours = new TorchSaveWriter.Pickler().stateDict(scriptStateDict(), TorchSaveWriter.metadata("", "backbone"));
        assertArrayEquals(expected, ours, "Java fixture pickle differs from CPython's protocol-2 stream");
    }

    @Test
    void readsTensorsViewsAndTiedStoragesOfATorchSaveZip() throws IOException {
        Path f = dir.resolve("pytorch_model.bin");
        TorchSaveWriter.write(f, "pytorch_model", scriptStateDict(), TorchSaveWriter.metadata("", "backbone"));
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertEquals("pytorch_model/", c.archivePrefix());
            assertEquals(List.of("backbone.embedding.weight", "backbone.norm_f.weight", "row", "t", "big", "lm_head.weight"), c.names());
            float[] emb = c.readFloats("backbone.embedding.weight");
            assertArrayEquals(new long[]{4, 3}, c.shape("backbone.embedding.weight"));
            assertEquals(DType.F32, c.dtype("backbone.embedding.weight"));
            for (int i = 0; i < 12; i++) assertEquals(i + 0.5f, emb[i]);
            assertArrayEquals(emb, c.readFloats("lm_head.weight"), 0f); // tied: same storage
            assertArrayEquals(new float[]{1f, 2f, -3f}, c.readFloats("backbone.norm_f.weight"), 0f);
            assertEquals(DType.BF16, c.dtype("backbone.norm_f.weight"));
            // storage offset 3: elements 3..5
            assertArrayEquals(new float[]{3.5f, 4.5f, 5.5f}, c.readFloats("row"), 0f);
            // transpose of the [4,3] matrix: t[i][j] = emb[j][i] = emb[3j + i]
            float[] t = c.readFloats("t");
            assertArrayEquals(new long[]{3, 4}, c.shape("t"));
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) assertEquals(emb[3 * j + i], t[4 * i + j]);
            float[] big = c.readFloats("big");
            assertEquals(300, big.length);
            assertEquals(-299f, big[299]);
        }
    }

    @Test
    void readsF16F64AndI64StoragesAndTheArchivePrefix() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("h", Tensor.contiguous(TorchSaveWriter.f16(0.5f, -2f, 65504f, 1e-7f), 2, 2));
        sd.put("d", Tensor.contiguous(TorchSaveWriter.f64(1.25, -1e300), 2));
        sd.put("l", Tensor.contiguous(TorchSaveWriter.i64(7, -9_000_000_000L, 3), 3));
        Path f = dir.resolve("x.pt");
        TorchSaveWriter.write(f, "archive", sd, null);
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertEquals("archive/", c.archivePrefix());
            assertEquals(DType.F16, c.dtype("h"));
            assertArrayEquals(new float[]{0.5f, -2f, 65504f, Half.f16ToFloat(Half.floatToF16(1e-7f))}, c.readFloats("h"), 0f);
            assertArrayEquals(new float[]{1.25f, Float.NEGATIVE_INFINITY}, c.readFloats("d"), 0f);
            assertArrayEquals(new float[]{7f, -9e9f, 3f}, c.readFloats("l"), 0f);
            assertEquals(DType.I64, c.dtype("l"));
        }
    }

    @Test
    void manyTensorsUseSetitemsBatchesAndLongMemoIndices() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (int i = 0; i < 1200; i++) sd.put("p" + i, Tensor.contiguous(TorchSaveWriter.f32(i, -i), 2));
        Path f = dir.resolve("many.bin");
        TorchSaveWriter.write(f, "archive", sd, null);
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertEquals(1200, c.names().size());
            assertArrayEquals(new float[]{1199f, -1199f}, c.readFloats("p1199"), 0f);
        }
    }

    // ------------------------------------------------------------------ refusals

    private ModelFormatException refused(byte[] pkl) throws IOException {
        Path f = dir.resolve("evil.bin");
        TorchSaveWriter.writeRaw(f, pkl, Map.of());
        return assertThrows(ModelFormatException.class, () -> TorchCheckpoint.open(f));
    }

    @Test
    void refusesOsSystemBeforeAnythingRuns() throws IOException {
        // the classic payload: GLOBAL posix.system / os.system, ("touch pwned",), REDUCE
        Path marker = dir.resolve("pwned");
        byte[] pkl = bytes(0x80, 2, "cos\nsystem\n", "q", 0, "X", bytes(le32(("touch " + marker).length())),
                "touch " + marker, 0x85, "R", ".");
        ModelFormatException e = refused(pkl);
        assertTrue(e.getMessage().contains("refusing global 'os.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("data.pkl"), e.getMessage());
        assertTrue(!Files.exists(marker));
    }

    @Test
    void refusesBuiltinsExecAndEvalAndStackGlobal() throws IOException {
        byte[] exec = bytes(0x80, 2, "cbuiltins\nexec\n", "X", bytes(le32(15)), "import os;os._e", 0x85, "R", ".");
        assertTrue(refused(exec).getMessage().contains("'builtins.exec'"));
        byte[] eval = bytes(0x80, 2, "c__builtin__\neval\n", "X", bytes(le32(3)), "1+1", 0x85, "R", ".");
        assertTrue(refused(eval).getMessage().contains("'__builtin__.eval'"));
        // protocol 4 spelling: module and name pushed as strings, then STACK_GLOBAL
        byte[] sg = bytes(0x80, 4, 0x8c, 10, "subprocess", 0x8c, 5, "Popen", 0x93, ".");
        assertTrue(refused(sg).getMessage().contains("'subprocess.Popen'"));
    }

    @Test
    void refusesClassInstantiationOpcodesAndForeignPersistentIds() throws IOException {
        // NEWOBJ on an allowed global is still refused: the reader never instantiates classes
        byte[] newobj = bytes(0x80, 2, "ccollections\nOrderedDict\n", ")", 0x81, ".");
        assertTrue(refused(newobj).getMessage().contains("NEWOBJ"));
        // REDUCE of an allowed *value* global is not a call we make
        byte[] dtypeCall = bytes(0x80, 2, "ctorch\nfloat32\n", ")", "R", ".");
        assertTrue(refused(dtypeCall).getMessage().contains("not callable"));
        // a persistent id that is not a storage
        byte[] pid = bytes(0x80, 2, "(", "X", bytes(le32(6)), "module", "K", 1, "t", "Q", ".");
        assertTrue(refused(pid).getMessage().contains("persistent id"));
    }

    @Test
    void refusesTruncatedAndLyingStreams() throws IOException {
        byte[] liar = bytes(0x80, 2, "X", bytes(le32(1_000_000_000)), "abc");
        assertTrue(refused(liar).getMessage().contains("remain"));
        byte[] noStop = bytes(0x80, 2, "}", "q", 0);
        assertTrue(refused(noStop).getMessage().contains("STOP"));
    }

    @Test
    void refusesAViewPastItsStorageAndAMissingStorageRecord() throws IOException {
        Storage s = TorchSaveWriter.f32(1, 2, 3);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("w", new Tensor(s, 2, new long[]{2}, new long[]{1}));
        Path f = dir.resolve("view.bin");
        TorchSaveWriter.write(f, "archive", sd, null);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.open(f));
        assertEquals("w", e.item());
        assertTrue(e.getMessage().contains("storage of 3 elements"), e.getMessage());

        byte[] pkl = new TorchSaveWriter.Pickler().stateDict(Map.of("w", Tensor.contiguous(TorchSaveWriter.f32(1, 2), 2)), null);
        Path g = dir.resolve("nodata.bin");
        TorchSaveWriter.writeRaw(g, pkl, Map.of());
        e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.open(g));
        assertTrue(e.getMessage().contains("archive/data/0' is missing"), e.getMessage());

        Path h = dir.resolve("short.bin");
        TorchSaveWriter.writeRaw(h, pkl, Map.of("0", new byte[5]));
        e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.open(h));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void refusesFilesThatAreNotTorchZips() throws IOException {
        Path legacy = dir.resolve("legacy.bin");
        Files.write(legacy, bytes(0x80, 2, 0x8a, 10, "lP"));
        assertTrue(assertThrows(ModelFormatException.class, () -> TorchCheckpoint.open(legacy)).getMessage().contains("legacy"));
        Path text = dir.resolve("text.bin");
        Files.writeString(text, "hello");
        assertTrue(assertThrows(ModelFormatException.class, () -> TorchCheckpoint.open(text)).getMessage().contains("not a PyTorch"));
    }

    private static byte[] le32(int v) {
        return new byte[]{(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
