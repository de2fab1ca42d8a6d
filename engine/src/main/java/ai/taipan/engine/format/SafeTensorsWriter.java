package ai.taipan.engine.format;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a safetensors file atomically. Tensors are stored in insertion order; the header is
 * padded with spaces to a multiple of 8 bytes, as the reference implementation does.
 */
public final class SafeTensorsWriter {
    private record Entry(DType dtype, long[] shape, Object data) { }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a float tensor, stored as {@code dtype} (F32, F16, BF16 or F64). */
    public SafeTensorsWriter add(String name, DType dtype, float[] data, long... shape) {
        if (!dtype.isFloating()) throw new IllegalArgumentException("not a float dtype: " + dtype);
        return put(name, dtype, shape, data, data.length);
    }

    public SafeTensorsWriter add(String name, float[] data, long... shape) {
        return add(name, DType.F32, data, shape);
    }

    public SafeTensorsWriter addF64(String name, double[] data, long... shape) {
        return put(name, DType.F64, shape, data, data.length);
    }

    public SafeTensorsWriter addI32(String name, int[] data, long... shape) {
        return put(name, DType.I32, shape, data, data.length);
    }

    public SafeTensorsWriter addI64(String name, long[] data, long... shape) {
        return put(name, DType.I64, shape, data, data.length);
    }

    /** Adds raw 16-bit F16/BF16 elements. */
    public SafeTensorsWriter addRaw16(String name, DType dtype, short[] data, long... shape) {
        if (dtype.bytes() != 2) throw new IllegalArgumentException("not a 16-bit dtype: " + dtype);
        return put(name, dtype, shape, data, data.length);
    }

    private SafeTensorsWriter put(String name, DType dtype, long[] shape, Object data, int length) {
        long n = 1;
        for (long s : shape) n *= s;
        if (n != length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape)
                    + " holds " + n + " elements, data has " + length);
        }
        if (entries.containsKey(name)) throw new IllegalArgumentException("duplicate tensor '" + name + "'");
        entries.put(name, new Entry(dtype, shape.clone(), data));
        return this;
    }

    public void write(Path file) {
        AtomicFiles.write(file, this::writeTo);
    }

    public void writeTo(OutputStream out) throws IOException {
        ObjectNode header = Json.mapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry t = e.getValue();
            long len = numel(t.shape) * t.dtype.bytes();
            ObjectNode o = header.putObject(e.getKey());
            o.put("dtype", t.dtype.name());
            var sh = o.putArray("shape");
            for (long s : t.shape) sh.add(s);
            var off = o.putArray("data_offsets");
            off.add(offset);
            off.add(offset + len);
            offset += len;
        }
        byte[] hb = Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (hb.length + 7) / 8 * 8;
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded);
        out.write(len.array());
        out.write(hb);
        for (int i = hb.length; i < padded; i++) out.write(' ');
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry t : entries.values()) writeData(out, t, buf);
    }

    private static void writeData(OutputStream out, Entry t, ByteBuffer buf) throws IOException {
        buf.clear();
        int n = (int) numel(t.shape);
        int w = t.dtype.bytes();
        for (int i = 0; i < n; i++) {
            if (buf.remaining() < w) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            switch (t.dtype) {
                case F32 -> buf.putFloat(((float[]) t.data)[i]);
                case F64 -> buf.putDouble(t.data instanceof double[] d ? d[i] : ((float[]) t.data)[i]);
                case F16 -> buf.putShort(t.data instanceof short[] s ? s[i] : Half.floatToF16(((float[]) t.data)[i]));
                case BF16 -> buf.putShort(t.data instanceof short[] s ? s[i] : Half.floatToBf16(((float[]) t.data)[i]));
                case I32 -> buf.putInt(((int[]) t.data)[i]);
                case I64 -> buf.putLong(((long[]) t.data)[i]);
                default -> throw new IllegalStateException("cannot write " + t.dtype);
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }
}
