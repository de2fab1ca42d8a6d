package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.interop.TorchSaveWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardedCheckpointTest {
    @TempDir Path dir;

    /** Two shards as save_pretrained writes them, plus the index. */
    private Path twoShards(String indexExtra) throws IOException {
        new SafeTensorsWriter()
                .add("a", DType.F32, new float[]{1, 2, 3, 4}, 2, 2)
                .add("b", DType.BF16, new float[]{0.5f, -1f}, 2)
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafeTensorsWriter()
                .add("c", DType.F16, new float[]{8, 9, 10}, 3)
                .write(dir.resolve("model-00002-of-00002.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\": {\"total_size\": 26}, \"weight_map\": {"
                + "\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00001-of-00002.safetensors\", "
                + "\"c\": \"model-00002-of-00002.safetensors\"" + indexExtra + "}}");
        return index;
    }

    @Test
    void readsEveryTensorFromTheShardTheIndexNames() throws IOException {
        Path index = twoShards("");
        try (ShardedCheckpoint s = ShardedCheckpoint.openSafeTensors(index)) {
            assertEquals(2, s.shardCount());
            assertEquals(List.of("a", "b", "c"), s.names());
            assertArrayEquals(new float[]{1, 2, 3, 4}, s.readFloats("a"), 0f);
            assertArrayEquals(new long[]{2, 2}, s.shape("a"));
            assertArrayEquals(new float[]{0.5f, -1f}, s.readFloats("b"), 0f);
            assertEquals(DType.BF16, s.dtype("b"));
            assertArrayEquals(new float[]{8, 9, 10}, s.readFloats("c"), 0f);
            assertEquals(dir.resolve("model-00002-of-00002.safetensors"), s.fileOf("c"));
        }
    }

    @Test
    void aMissingShardIsRefusedNamingIt() throws IOException {
        Path index = twoShards(", \"d\": \"model-00003-of-00003.safetensors\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ShardedCheckpoint.openSafeTensors(index));
        assertEquals(index, e.file());
        assertTrue(e.getMessage().contains("shard 'model-00003-of-00003.safetensors'"), e.getMessage());
        assertTrue(e.getMessage().contains("'d'"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void aTensorTheIndexMapsToAShardThatLacksItIsRefused() throws IOException {
        Path index = twoShards(", \"e\": \"model-00002-of-00002.safetensors\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ShardedCheckpoint.openSafeTensors(index));
        assertEquals(dir.resolve("model-00002-of-00002.safetensors"), e.file());
        assertEquals("e", e.item());
        assertTrue(e.getMessage().contains("maps it here"), e.getMessage());
    }

    @Test
    void shardNamesThatLeaveTheFolderAndBrokenIndexesAreRefused() throws IOException {
        Path index = twoShards(", \"x\": \"../elsewhere.safetensors\"");
        assertTrue(assertThrows(ModelFormatException.class, () -> ShardedCheckpoint.openSafeTensors(index))
                .getMessage().contains("not a plain file name"));
        Files.writeString(index, "{\"metadata\": {}}");
        assertEquals("weight_map", assertThrows(ModelFormatException.class, () -> ShardedCheckpoint.openSafeTensors(index)).item());
        Files.writeString(index, "{not json");
        assertTrue(assertThrows(ModelFormatException.class, () -> ShardedCheckpoint.openSafeTensors(index))
                .getMessage().contains("not valid JSON"));
    }

    @Test
    void shardedPytorchBinFilesWorkThroughTheSameIndex() throws IOException {
        Map<String, Tensor> s1 = new LinkedHashMap<>();
        s1.put("a", Tensor.contiguous(TorchSaveWriter.f32(1, 2), 2));
        Map<String, Tensor> s2 = new LinkedHashMap<>();
        s2.put("b", Tensor.contiguous(TorchSaveWriter.bf16(3, 4), 2));
        TorchSaveWriter.write(dir.resolve("pytorch_model-00001-of-00002.bin"), "archive", s1, null);
        TorchSaveWriter.write(dir.resolve("pytorch_model-00002-of-00002.bin"), "archive", s2, null);
        Path index = dir.resolve("pytorch_model.bin.index.json");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"pytorch_model-00001-of-00002.bin\", "
                + "\"b\": \"pytorch_model-00002-of-00002.bin\"}}");
        try (ShardedCheckpoint s = ShardedCheckpoint.open(index, TorchCheckpoint::open)) {
            assertArrayEquals(new float[]{1, 2}, s.readFloats("a"), 0f);
            assertArrayEquals(new float[]{3, 4}, s.readFloats("b"), 0f);
        }
    }
}
