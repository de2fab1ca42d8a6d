package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Half;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes {@code pytorch_model.bin} files with the structure {@code torch.save(state_dict)}
 * produces (torch/serialization.py {@code _save}), without Python: the pickle is emitted opcode by
 * opcode the way CPython's {@code pickle.Pickler} (protocol 2) does for a state dict — memo puts
 * after every string, global, tuple and reduce result, memo gets for objects seen before
 * (globals, the 'storage' / 'cpu' constants, a storage's key), SETITEMS in batches of 1000, the
 * {@code _metadata} attribute as BUILD state. {@code TorchCheckpointTest} checks that these bytes
 * equal the stream CPython itself wrote ({@code state_dict_cpython.pkl}).
 *
 * <p>Lives in main code (not a test fixture) because the engine's and the workbench's tests both
 * build mamba_ssm checkpoints with it, and it is the writer for a future pytorch_model.bin export.
 */
public final class TorchSaveWriter {
    private TorchSaveWriter() {}

    /** A storage: one record data/&lt;key&gt; of the zip. */
    public static final class Storage {
        final String type;
        final DType dtype;
        final long numel;
        final byte[] data;
        String key; // assigned in first-use order, like id_map.setdefault in _save

        Storage(String type, DType dtype, long numel, byte[] data) {
            this.type = type;
            this.dtype = dtype;
            this.numel = numel;
            this.data = data;
        }
    }

    /** A tensor view of a storage. */
    public record Tensor(Storage storage, long offset, long[] size, long[] stride) {
        public static Tensor contiguous(Storage s, long... size) {
            long[] stride = new long[size.length];
            long st = 1;
            for (int d = size.length - 1; d >= 0; d--) { stride[d] = st; st *= size[d]; }
            return new Tensor(s, 0, size, stride);
        }
    }

    public static Storage f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return new Storage("FloatStorage", DType.F32, v.length, b.array());
    }

    public static Storage f16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putShort(Half.floatToF16(x));
        return new Storage("HalfStorage", DType.F16, v.length, b.array());
    }

    public static Storage bf16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putShort(Half.floatToBf16(x));
        return new Storage("BFloat16Storage", DType.BF16, v.length, b.array());
    }

    public static Storage f64(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) b.putDouble(x);
        return new Storage("DoubleStorage", DType.F64, v.length, b.array());
    }

    public static Storage i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        return new Storage("LongStorage", DType.I64, v.length, b.array());
    }

    /** The metadata torch's Module.state_dict attaches: {module prefix: {"version": 1}}. */
    public static Map<String, Map<String, Long>> metadata(String... prefixes) {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        for (String p : prefixes) {
            Map<String, Long> v = new LinkedHashMap<>();
            v.put("version", 1L); // one interned string object, as Python's keyword-argument name
            m.put(p, v);
        }
        return m;
    }

    /** Writes the zip torch.save writes for a path: records under {@code prefix} ("archive", the stem…). */
    public static void write(Path file, String prefix, Map<String, Tensor> stateDict, Map<String, Map<String, Long>> metadata)
            throws IOException {
        Pickler p = new Pickler();
        byte[] pkl = p.stateDict(stateDict, metadata);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(z, prefix + "/data.pkl", pkl);
            stored(z, prefix + "/.format_version", "1".getBytes(StandardCharsets.US_ASCII));
            stored(z, prefix + "/.storage_alignment", "64".getBytes(StandardCharsets.US_ASCII));
            stored(z, prefix + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Storage s : p.storages) stored(z, prefix + "/data/" + s.key, s.data);
            stored(z, prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(z, prefix + "/.data/serialization_id", "1234567890123456789012345678901234567890".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A zip with a given data.pkl and storages (for malformed / malicious pickles). */
    public static void writeRaw(Path file, byte[] pkl, Map<String, byte[]> records) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(z, "archive/data.pkl", pkl);
            stored(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (var e : records.entrySet()) stored(z, "archive/data/" + e.getKey(), e.getValue());
            stored(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** torch's zip writer stores records uncompressed. */
    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    /** The subset of CPython's protocol-2 Pickler a state dict exercises. */
    static final class Pickler {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Map<Object, Integer> memo = new IdentityHashMap<>();   // Python memoizes by id()
        final Map<String, Integer> globals = new LinkedHashMap<>();  // a class/function is one object
        final List<Storage> storages = new ArrayList<>();

        byte[] stateDict(Map<String, Tensor> sd, Map<String, Map<String, Long>> metadata) {
            out.write(0x80);
            out.write(2);                                  // PROTO 2
            orderedDictHeader();
            setItems(new ArrayList<>(sd.entrySet()), this::tensor);
            if (metadata != null) {                        // state = vars(sd) = {'_metadata': OrderedDict}
                emptyDict();
                str("_metadata");
                orderedDictHeader();
                setItems(new ArrayList<>(metadata.entrySet()), v -> {
                    emptyDict();
                    @SuppressWarnings("unchecked") Map<String, Long> m = (Map<String, Long>) v;
                    setItems(new ArrayList<>(m.entrySet()), x -> integer((Long) x));
                });
                out.write('s');                            // SETITEM ('_metadata')
                out.write('b');                            // BUILD
            }
            out.write('.');                                // STOP
            return out.toByteArray();
        }

        private void orderedDictHeader() {
            global("collections", "OrderedDict");
            out.write(')');                                // EMPTY_TUPLE
            out.write('R');                                // REDUCE
            put(new Object());
        }

        private void emptyDict() {
            out.write('}');
            put(new Object());
        }

        /** _batch_setitems: one pair → SETITEM; more → MARK … SETITEMS per 1000. */
        private <V> void setItems(List<Map.Entry<String, V>> items, java.util.function.Consumer<Object> value) {
            for (int i = 0; i < items.size(); i += 1000) {
                List<Map.Entry<String, V>> batch = items.subList(i, Math.min(items.size(), i + 1000));
                if (batch.size() > 1) out.write('(');
                for (var e : batch) {
                    str(e.getKey());
                    value.accept(e.getValue());
                }
                out.write(batch.size() > 1 ? 'u' : 's');
            }
        }

        private void tensor(Object o) {
            Tensor t = (Tensor) o;
            global("torch._utils", "_rebuild_tensor_v2");
            out.write('(');                                // MARK: 6-tuple of arguments
            persistentStorage(t.storage());
            integer(t.offset());
            longTuple(t.size());                           // tuple(self.size()): a new tuple
            longTuple(t.stride());                         // self.stride(): a new tuple
            out.write(0x89);                               // NEWFALSE (requires_grad)
            orderedDictHeader();                           // backward_hooks = OrderedDict()
            out.write('t');
            put(new Object());                             // the args tuple
            out.write('R');
            put(new Object());                             // the tensor
        }

        private void persistentStorage(Storage s) {
            if (s.key == null) {
                s.key = String.valueOf(storages.size());
                storages.add(s);
            }
            out.write('(');
            str("storage");
            global("torch", s.type);
            str(s.key);
            str("cpu");
            integer(s.numel);
            out.write('t');
            put(new Object());
            out.write('Q');                                // BINPERSID
        }

        private void longTuple(long[] v) {
            if (v.length == 0) { out.write(')'); return; }
            if (v.length > 3) out.write('(');
            for (long x : v) integer(x);
            out.write(v.length == 1 ? 0x85 : v.length == 2 ? 0x86 : v.length == 3 ? 0x87 : 't');
            put(new Object());
        }

        private void str(String s) {
            Integer m = memo.get(s);
            if (m != null) { get(m); return; }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            le32(b.length);
            out.write(b, 0, b.length);
            put(s);
        }

        private void global(String module, String name) {
            String q = module + "\n" + name + "\n";
            Integer m = globals.get(q);
            if (m != null) { get(m); return; }
            out.write('c');
            byte[] b = q.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            globals.put(q, memo.size());
            put(new Object());
        }

        private void integer(long v) {
            if (v >= 0 && v < 256) { out.write('K'); out.write((int) v); }
            else if (v >= 0 && v < 65536) { out.write('M'); out.write((int) (v & 0xff)); out.write((int) (v >>> 8)); }
            else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) { out.write('J'); le32((int) v); }
            else { // LONG1, minimal two's complement
                byte[] b = java.math.BigInteger.valueOf(v).toByteArray();
                out.write(0x8a);
                out.write(b.length);
                for (int i = b.length - 1; i >= 0; i--) out.write(b[i]);
            }
        }

        private void put(Object o) {
            int idx = memo.size();
            memo.put(o, idx);
            if (idx < 256) { out.write('q'); out.write(idx); }
            else { out.write('r'); le32(idx); }
        }

        private void get(int idx) {
            if (idx < 256) { out.write('h'); out.write(idx); }
            else { out.write('j'); le32(idx); }
        }

        private void le32(int v) {
            out.write(v & 0xff);
            out.write((v >>> 8) & 0xff);
            out.write((v >>> 16) & 0xff);
            out.write((v >>> 24) & 0xff);
        }
    }

    /** Concatenates byte fragments (for hand-written malicious pickles). */
    public static byte[] bytes(Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            else if (p instanceof Integer i) b.write(i);
            else if (p instanceof byte[] a) b.writeBytes(a);
            else throw new IllegalArgumentException(String.valueOf(p));
        }
        return b.toByteArray();
    }
}
