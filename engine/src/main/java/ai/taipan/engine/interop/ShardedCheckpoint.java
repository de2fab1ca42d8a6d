package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.format.TensorSource;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A checkpoint split over several files, as Hugging Face {@code save_pretrained} writes large
 * models: {@code model.safetensors.index.json} (or {@code pytorch_model.bin.index.json}) holds
 * <pre>{"metadata": {"total_size": …}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors", …}}</pre>
 * The index is the authority: a tensor exists iff the weight map names it, and it must be in the
 * shard the map names. All shards are opened (headers only) and checked at once, so a missing
 * shard or a tensor missing from its shard fails at open, naming the index, the shard and the
 * tensor. Shard names must be plain file names in the index's folder.
 */
public final class ShardedCheckpoint implements TensorSource {
    private final Path index;
    private final Map<String, TensorSource> byTensor;   // tensor -> its shard
    private final Map<String, Path> fileByTensor;
    private final List<TensorSource> shards;

    private ShardedCheckpoint(Path index, Map<String, TensorSource> byTensor, Map<String, Path> fileByTensor,
                              List<TensorSource> shards) {
        this.index = index;
        this.byTensor = byTensor;
        this.fileByTensor = fileByTensor;
        this.shards = shards;
    }

    /** Opens a safetensors index (model.safetensors.index.json). */
    public static ShardedCheckpoint openSafeTensors(Path indexFile) {
        return open(indexFile, SafeTensors::open);
    }

    /** Opens an index whose shards are read by {@code opener} (safetensors or torch.save zips). */
    public static ShardedCheckpoint open(Path indexFile, Function<Path, TensorSource> opener) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(Files.readAllBytes(indexFile));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(indexFile, null, "no such file");
        } catch (IOException e) {
            throw new ModelFormatException(indexFile, null, "not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new ModelFormatException(indexFile, "weight_map", "is missing or empty");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, String> shardOf = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(indexFile, "weight_map", "entry '" + e.getKey() + "' is not a file name");
            }
            String f = e.getValue().asText();
            if (f.isEmpty() || f.contains("/") || f.contains("\\") || f.equals(".") || f.equals("..")) {
                throw new ModelFormatException(indexFile, "weight_map", "entry '" + e.getKey() + "' names '" + f
                        + "', which is not a plain file name in " + dir);
            }
            shardOf.put(e.getKey(), f);
        }
        Map<String, TensorSource> opened = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : shardOf.entrySet()) {
                String f = e.getValue();
                if (opened.containsKey(f)) continue;
                Path p = dir.resolve(f);
                if (!Files.isRegularFile(p)) {
                    throw new ModelFormatException(indexFile, "weight_map", "shard '" + f + "' (holding '" + e.getKey()
                            + "' and " + (shardOf.values().stream().filter(f::equals).count() - 1)
                            + " more tensors) is missing from " + dir);
                }
                opened.put(f, opener.apply(p));
            }
            Map<String, TensorSource> byTensor = new LinkedHashMap<>();
            Map<String, Path> files = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : shardOf.entrySet()) {
                TensorSource s = opened.get(e.getValue());
                if (!s.has(e.getKey())) {
                    throw new ModelFormatException(dir.resolve(e.getValue()), e.getKey(), "tensor is missing from this shard, "
                            + "but " + indexFile.getFileName() + " maps it here");
                }
                byTensor.put(e.getKey(), s);
                files.put(e.getKey(), dir.resolve(e.getValue()));
            }
            return new ShardedCheckpoint(indexFile, byTensor, files, new ArrayList<>(opened.values()));
        } catch (RuntimeException e) {
            opened.values().forEach(TensorSource::close);
            throw e;
        }
    }

    private TensorSource shard(String name) {
        TensorSource s = byTensor.get(name);
        if (s == null) throw new ModelFormatException(index, name, "tensor is not in the weight_map");
        return s;
    }

    @Override
    public List<String> names() { return new ArrayList<>(byTensor.keySet()); }

    @Override
    public boolean has(String name) { return byTensor.containsKey(name); }

    @Override
    public long[] shape(String name) { return shard(name).shape(name); }

    @Override
    public DType dtype(String name) { return shard(name).dtype(name); }

    @Override
    public float[] readFloats(String name) { return shard(name).readFloats(name); }

    @Override
    public Path fileOf(String name) {
        Path p = fileByTensor.get(name);
        return p != null ? p : index;
    }

    /** Number of shard files. */
    public int shardCount() { return shards.size(); }

    @Override
    public void close() { shards.forEach(TensorSource::close); }
}
