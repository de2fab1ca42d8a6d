package ai.taipan.engine.format;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a model's tensors come from: one safetensors file, a sharded set, a PyTorch pickle…
 * The weight loader reads through this, so every checkpoint format loads the same way and every
 * error names the file that holds the tensor.
 */
public interface TensorSource extends AutoCloseable {
    /** All tensor names. */
    List<String> names();

    /** True if the tensor exists. */
    boolean has(String name);

    /** The tensor's shape; fails naming the source and tensor when it is missing. */
    long[] shape(String name);

    /** The stored element type. */
    DType dtype(String name);

    /** The tensor widened (or narrowed) to float32. */
    float[] readFloats(String name);

    /** The file that holds the tensor (for error messages). */
    Path fileOf(String name);

    @Override
    void close();
}
