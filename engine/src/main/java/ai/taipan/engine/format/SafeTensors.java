package ai.taipan.engine.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped safetensors file (SPEC §4): an 8-byte little-endian header length n, n bytes
 * of JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}, then
 * the raw little-endian data. Offsets are relative to the start of the data section.
 *
 * <p>Every claim of the header is checked against the file before anything is allocated from it:
 * a header length past the end (a "1 TB" claim included), offsets out of range or overlapping,
 * unknown dtypes, and shape × dtype that disagrees with the byte length each fail with a
 * {@link ModelFormatException} naming the file and the tensor. Tensors are mapped one at a time,
 * so files over 2 GB work (a single tensor must fit a Java array).
 */
public final class SafeTensors implements TensorSource {
    /** The safetensors reference implementation refuses headers over 100 MB; so do we. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** One tensor's header entry; begin/end are absolute file offsets. */
    public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long s : shape) n *= s;
            return n;
        }

        public long byteLength() { return end - begin; }

        public int[] intShape() {
            int[] r = new int[shape.length];
            for (int i = 0; i < shape.length; i++) r[i] = Math.toIntExact(shape[i]);
            return r;
        }

        public String shapeString() { return java.util.Arrays.toString(shape); }
    }

    private final Path file;
    private final FileChannel channel;
    private final long fileSize;
    private final Map<String, TensorInfo> tensors; // in file order
    private final Map<String, String> metadata;

    private SafeTensors(Path file, FileChannel channel, long fileSize,
                        Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.fileSize = fileSize;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates a safetensors file; the data stays on disk until a tensor is read. */
    public static SafeTensors open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, null, "no such file");
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot open: " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(file, null,
                        "truncated: " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) { // n < 0: an unsigned claim of 8 EB or more
                throw new ModelFormatException(file, null, "header length " + Long.toUnsignedString(n)
                        + " is past the end of the file (" + size + " bytes)");
            }
            if (n < 2) {
                throw new ModelFormatException(file, null, "header length " + n + " is too short for a JSON header");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new ModelFormatException(file, null, "header length " + n + " exceeds the "
                        + MAX_HEADER_BYTES + "-byte limit of the safetensors format");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8, file);
            JsonNode root;
            try {
                // a name given twice would otherwise silently keep the last entry
                root = Json.mapper().reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(hb.array());
            } catch (IOException e) {
                throw new ModelFormatException(file, null, "header is not valid JSON: " + firstLine(e.getMessage()));
            }
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(file, null, "header is not a JSON object");
            }
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            Map<String, String> meta = new LinkedHashMap<>();
            List<TensorInfo> list = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode v = e.getValue();
                if (name.equals("__metadata__")) {
                    if (v.isObject()) v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                list.add(parseEntry(file, name, v, dataStart, dataSize));
            }
            list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
            for (int i = 1; i < list.size(); i++) {
                TensorInfo a = list.get(i - 1), b = list.get(i);
                if (b.begin() < a.end()) {
                    throw new ModelFormatException(file, b.name(), "data_offsets overlap those of tensor '"
                            + a.name() + "'");
                }
            }
            Map<String, TensorInfo> map = new LinkedHashMap<>();
            for (TensorInfo t : list) map.put(t.name(), t);
            return new SafeTensors(file, ch, size, Collections.unmodifiableMap(map), Collections.unmodifiableMap(meta));
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ModelFormatException(file, null, "cannot read: " + e.getMessage(), e);
        }
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataStart, long dataSize) {
        if (!v.isObject()) throw new ModelFormatException(file, name, "header entry is not an object");
        JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
        if (dt == null || !dt.isTextual()) throw new ModelFormatException(file, name, "missing dtype");
        DType dtype = DType.parse(dt.asText());
        if (dtype == null) throw new ModelFormatException(file, name, "unknown dtype '" + dt.asText() + "'");
        if (sh == null || !sh.isArray()) throw new ModelFormatException(file, name, "missing shape");
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFormatException(file, name, "shape " + sh + " has an invalid dimension");
            }
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(file, name, "shape " + sh + " overflows");
            }
        }
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            throw new ModelFormatException(file, name, "data_offsets must be [begin, end]");
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(file, name, "data_offsets [" + begin + ", " + end + "] are invalid");
        }
        if (end > dataSize) {
            throw new ModelFormatException(file, name, "data_offsets [" + begin + ", " + end
                    + "] are out of range: the data section has " + dataSize + " bytes (file truncated?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, dtype.bytes());
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(file, name, "shape " + sh + " overflows");
        }
        if (expected != end - begin) {
            throw new ModelFormatException(file, name, "shape " + sh + " x " + dtype + " needs " + expected
                    + " bytes but data_offsets give " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    public Path file() { return file; }

    public long fileSize() { return fileSize; }

    public Map<String, String> metadata() { return metadata; }

    /** All tensors, in the order of their data in the file. */
    public List<TensorInfo> tensors() { return List.copyOf(tensors.values()); }

    @Override
    public boolean has(String name) { return tensors.containsKey(name); }

    @Override
    public List<String> names() { return List.copyOf(tensors.keySet()); }

    @Override
    public long[] shape(String name) { return info(name).shape().clone(); }

    @Override
    public DType dtype(String name) { return info(name).dtype(); }

    @Override
    public Path fileOf(String name) { return file; }

    /** The tensor's header entry; fails naming the file and the tensor when it is missing. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new ModelFormatException(file, name, "tensor is missing");
        return t;
    }

    /** A read-only little-endian view of the tensor's bytes, memory-mapped. */
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, name, "tensor of " + t.byteLength() + " bytes is too large to map at once");
        }
        try {
            if (t.byteLength() == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            return channel.map(FileChannel.MapMode.READ_ONLY, t.begin(), t.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFormatException(file, name, "cannot map: " + e.getMessage(), e);
        }
    }

    /** The tensor as float32, converting from any floating or integer dtype. */
    @Override
    public float[] readFloats(String name) {
        TensorInfo t = info(name);
        int n = checkedCount(t);
        ByteBuffer b = bytes(name);
        float[] out = new float[n];
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(8 * i); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Half.f16ToFloat(b.getShort(2 * i)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Half.bf16ToFloat(b.getShort(2 * i)); }
            default -> {
                long[] l = readLongs(name);
                for (int i = 0; i < n; i++) out[i] = l[i];
            }
        }
        return out;
    }

    /** The tensor as float64, converting from any floating or integer dtype. */
    public double[] readDoubles(String name) {
        TensorInfo t = info(name);
        int n = checkedCount(t);
        if (t.dtype() == DType.F64) {
            double[] out = new double[n];
            bytes(name).asDoubleBuffer().get(out);
            return out;
        }
        if (!t.dtype().isFloating()) {
            long[] l = readLongs(name);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) out[i] = l[i];
            return out;
        }
        float[] f = readFloats(name);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = f[i];
        return out;
    }

    /** Raw 16-bit elements of an F16 or BF16 tensor. */
    public short[] readShorts(String name) {
        TensorInfo t = info(name);
        if (t.dtype().bytes() != 2) throw new ModelFormatException(file, name, "dtype " + t.dtype() + " is not 16-bit");
        short[] out = new short[checkedCount(t)];
        bytes(name).asShortBuffer().get(out);
        return out;
    }

    /** The tensor as longs (integer dtypes only; BOOL and U8 are unsigned). */
    public long[] readLongs(String name) {
        TensorInfo t = info(name);
        int n = checkedCount(t);
        ByteBuffer b = bytes(name);
        long[] out = new long[n];
        switch (t.dtype()) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(4 * i); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
            default -> throw new ModelFormatException(file, name, "dtype " + t.dtype() + " is not an integer type");
        }
        return out;
    }

    /** The tensor as ints; fails if a value does not fit. */
    public int[] readInts(String name) {
        long[] l = readLongs(name);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i]) throw new ModelFormatException(file, name, "value " + l[i] + " does not fit in int32");
            out[i] = (int) l[i];
        }
        return out;
    }

    private int checkedCount(TensorInfo t) {
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file, t.name(), "tensor has " + n + " elements, more than one Java array holds");
        }
        return (int) n;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new ModelFormatException(file, null, "truncated while reading the header");
            pos += r;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private static void closeQuietly(FileChannel ch) {
        try { ch.close(); } catch (IOException ignored) { }
    }

    @Override
    public void close() {
        try { channel.close(); } catch (IOException ignored) { }
    }
}
