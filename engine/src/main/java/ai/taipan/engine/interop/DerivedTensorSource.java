package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tensors under our SPEC §4 names computed from a checkpoint in another layout: renamed, row
 * slices of a fused projection, or constants. Values are produced only when read, so a converted
 * model holds each tensor once (plus the fused tensor it is sliced from, while it is sliced).
 */
final class DerivedTensorSource implements TensorSource {
    private record Entry(long[] shape, DType dtype, Path file, Supplier<float[]> values) { }

    private final TensorSource base;
    private final Path origin;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    DerivedTensorSource(TensorSource base, Path origin) {
        this.base = base;
        this.origin = origin;
    }

    /** {@code ours} is {@code theirs}, unchanged. */
    void rename(String ours, String theirs) {
        require(theirs);
        entries.put(ours, new Entry(base.shape(theirs), base.dtype(theirs), base.fileOf(theirs), () -> base.readFloats(theirs)));
    }

    /** {@code ours} is rows [from, to) of the 2-D or 1-D tensor {@code theirs}. */
    void rows(String ours, String theirs, long from, long to) {
        require(theirs);
        long[] s = base.shape(theirs);
        if (s.length < 1 || s.length > 2 || to > s[0] || from < 0 || from >= to) {
            throw new ModelFormatException(base.fileOf(theirs), theirs, "has shape " + Arrays.toString(s)
                    + "; rows [" + from + ", " + to + ") for '" + ours + "' do not fit");
        }
        long cols = s.length == 2 ? s[1] : 1;
        long[] shape = s.length == 2 ? new long[]{to - from, cols} : new long[]{to - from};
        entries.put(ours, new Entry(shape, base.dtype(theirs), base.fileOf(theirs), () -> {
            float[] all = base.readFloats(theirs);
            return Arrays.copyOfRange(all, (int) (from * cols), (int) (to * cols));
        }));
    }

    /** {@code ours} is a constant tensor (e.g. the zero down_proj of an identity SwiGLU). */
    void constant(String ours, float value, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        int count = Math.toIntExact(n);
        entries.put(ours, new Entry(shape.clone(), DType.F32, origin, () -> {
            float[] v = new float[count];
            if (value != 0f) Arrays.fill(v, value);
            return v;
        }));
    }

    private void require(String theirs) {
        if (!base.has(theirs)) {
            throw new ModelFormatException(origin, theirs, "tensor is missing from the checkpoint");
        }
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new ModelFormatException(origin, name, "tensor is missing");
        return e;
    }

    @Override
    public List<String> names() { return new ArrayList<>(entries.keySet()); }

    @Override
    public boolean has(String name) { return entries.containsKey(name); }

    @Override
    public long[] shape(String name) { return entry(name).shape().clone(); }

    @Override
    public DType dtype(String name) { return entry(name).dtype(); }

    @Override
    public float[] readFloats(String name) { return entry(name).values().get(); }

    @Override
    public Path fileOf(String name) { return entry(name).file(); }

    @Override
    public void close() { base.close(); }
}
