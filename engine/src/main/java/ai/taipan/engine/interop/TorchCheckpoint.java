package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Half;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.TensorSource;
import ai.taipan.engine.interop.PickleReader.StorageRef;
import ai.taipan.engine.interop.PickleReader.TensorRef;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint as {@code torch.save} writes it since PyTorch 1.6 (torch/serialization.py
 * {@code _save}), read without Python:
 * <pre>
 *   &lt;archive&gt;/data.pkl      the pickled state dict; tensors refer to storages by persistent id
 *   &lt;archive&gt;/byteorder     "little" or "big" (absent in old files: little)
 *   &lt;archive&gt;/data/&lt;key&gt;    raw storage bytes, one entry per storage
 *   &lt;archive&gt;/version       format version
 * </pre>
 * {@code <archive>} is "archive" or the file's stem, so the folder is taken from the entry that
 * ends in {@code /data.pkl}. The pickle goes through {@link PickleReader}, which refuses anything
 * but tensor storages. A tensor is (storage, element offset, size, stride); contiguous views are
 * read as one range, other strides element by element. Storages may be shared (tied weights).
 *
 * <p>The top-level object must be a dict of name → tensor (a state dict); a dict that holds its
 * tensors under "state_dict" or "model" is accepted too. Non-tensor values are ignored.
 */
public final class TorchCheckpoint implements TensorSource {
    /** data.pkl of a 70B-parameter state dict is a few MB; more is not a state dict. */
    private static final long MAX_PICKLE_BYTES = 256L << 20;

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder order;
    private final Map<String, TensorRef> tensors;

    private TorchCheckpoint(Path file, ZipFile zip, String prefix, ByteOrder order, Map<String, TensorRef> tensors) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.order = order;
        this.tensors = tensors;
    }

    /** Opens and validates a torch.save zip; the storages stay on disk until a tensor is read. */
    public static TorchCheckpoint open(Path file) {
        if (!Files.exists(file)) throw new ModelFormatException(file, null, "no such file");
        byte[] head = new byte[4];
        try (InputStream s = Files.newInputStream(file)) {
            int n = s.readNBytes(head, 0, 4);
            if (n < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
                boolean pickle = n >= 1 && (head[0] & 0xff) == 0x80;
                throw new ModelFormatException(file, null, pickle
                        ? "legacy torch.save format (before PyTorch 1.6) is not supported; re-save it with a newer PyTorch"
                        : "not a PyTorch zip checkpoint (no zip signature)");
            }
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, null, "no such file");
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot read: " + e.getMessage(), e);
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "not a readable zip archive: " + e.getMessage(), e);
        }
        try {
            String prefix = null;
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                String name = en.nextElement().getName();
                if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.endsWith("/data.pkl"))) {
                    String p = name.substring(0, name.length() - "data.pkl".length());
                    if (p.chars().filter(c -> c == '/').count() > 1) continue; // nested: not the top record
                    if (prefix != null && !prefix.equals(p)) {
                        throw new ModelFormatException(file, name, "two data.pkl records ('" + prefix + "data.pkl' too)");
                    }
                    prefix = p;
                }
            }
            if (prefix == null) {
                throw new ModelFormatException(file, "data.pkl", "zip has no data.pkl record: not a torch.save checkpoint");
            }
            if (zip.getEntry(prefix + "constants.pkl") != null) {
                throw new ModelFormatException(file, null, "this is a TorchScript archive (torch.jit.save), not a state dict");
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry bo = zip.getEntry(prefix + "byteorder");
            if (bo != null) {
                String s = new String(readEntry(zip, bo, file, 64), StandardCharsets.US_ASCII).trim();
                if (s.equals("big")) order = ByteOrder.BIG_ENDIAN;
                else if (!s.equals("little")) throw new ModelFormatException(file, bo.getName(), "unknown byte order '" + s + "'");
            }
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            byte[] data = readEntry(zip, pkl, file, MAX_PICKLE_BYTES);
            Object root = PickleReader.read(file, pkl.getName(), data);
            Map<String, TensorRef> tensors = collect(file, root);
            for (Map.Entry<String, TensorRef> e : tensors.entrySet()) check(file, zip, prefix, e.getKey(), e.getValue());
            return new TorchCheckpoint(file, zip, prefix, order, Collections.unmodifiableMap(tensors));
        } catch (RuntimeException e) {
            try { zip.close(); } catch (IOException ignored) { }
            throw e;
        }
    }

    private static Map<String, TensorRef> collect(Path file, Object root) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new ModelFormatException(file, "data.pkl", "top-level object is " + PickleReader.describe(root)
                    + ", not a state dict");
        }
        Map<?, ?> dict = top;
        boolean hasTensor = top.values().stream().anyMatch(v -> v instanceof TensorRef);
        if (!hasTensor) {
            for (String k : List.of("state_dict", "model")) {
                if (top.get(k) instanceof Map<?, ?> inner) { dict = inner; break; }
            }
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getValue() instanceof TensorRef t) {
                if (!(e.getKey() instanceof String name)) {
                    throw new ModelFormatException(file, "data.pkl", "tensor key " + PickleReader.describe(e.getKey()) + " is not a string");
                }
                out.put(name, t);
            }
        }
        if (out.isEmpty()) throw new ModelFormatException(file, "data.pkl", "the checkpoint holds no tensors");
        return out;
    }

    /** Every view must lie inside its storage, and the storage record must hold numel elements. */
    private static void check(Path file, ZipFile zip, String prefix, String name, TensorRef t) {
        StorageRef s = t.storage();
        ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
        if (e == null) {
            throw new ModelFormatException(file, name, "storage record '" + prefix + "data/" + s.key() + "' is missing");
        }
        long need;
        try {
            need = Math.multiplyExact(s.numel(), (long) s.dtype().bytes());
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(file, name, "storage size overflows");
        }
        if (e.getSize() >= 0 && e.getSize() < need) {
            throw new ModelFormatException(file, name, "storage '" + s.key() + "' claims " + s.numel() + " x " + s.dtype()
                    + " = " + need + " bytes but its record has " + e.getSize() + " (truncated?)");
        }
        long numel = 1;
        long last = t.offset();
        for (int d = 0; d < t.size().length; d++) {
            try {
                numel = Math.multiplyExact(numel, t.size()[d]);
                if (t.size()[d] > 0) last = Math.addExact(last, Math.multiplyExact(t.size()[d] - 1, t.stride()[d]));
            } catch (ArithmeticException ex) {
                throw new ModelFormatException(file, name, "shape " + Arrays.toString(t.size()) + " overflows");
            }
        }
        if (numel > 0 && (t.offset() < 0 || last >= s.numel())) {
            throw new ModelFormatException(file, name, "view (offset " + t.offset() + ", size " + Arrays.toString(t.size())
                    + ", stride " + Arrays.toString(t.stride()) + ") reaches element " + last + " of a storage of "
                    + s.numel() + " elements");
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file, name, "tensor has " + numel + " elements, more than one Java array holds");
        }
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, Path file, long max) {
        if (e.getSize() > max) {
            throw new ModelFormatException(file, e.getName(), "record of " + e.getSize() + " bytes exceeds the " + max + "-byte limit");
        }
        try (InputStream s = zip.getInputStream(e)) {
            byte[] b = s.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (b.length > max) throw new ModelFormatException(file, e.getName(), "record exceeds the " + max + "-byte limit");
            return b;
        } catch (IOException ex) {
            throw new ModelFormatException(file, e.getName(), "cannot read record: " + ex.getMessage(), ex);
        }
    }

    // ------------------------------------------------------------------ TensorSource

    @Override
    public List<String> names() { return new ArrayList<>(tensors.keySet()); }

    @Override
    public boolean has(String name) { return tensors.containsKey(name); }

    @Override
    public long[] shape(String name) { return ref(name).size().clone(); }

    @Override
    public DType dtype(String name) { return ref(name).storage().dtype(); }

    @Override
    public Path fileOf(String name) { return file; }

    /** The archive folder inside the zip ("archive/" or the file's stem). */
    public String archivePrefix() { return prefix; }

    /** The tensor's view (storage, offset, size, stride). */
    public TensorRef ref(String name) {
        TensorRef t = tensors.get(name);
        if (t == null) throw new ModelFormatException(file, name, "tensor is missing");
        return t;
    }

    @Override
    public float[] readFloats(String name) {
        TensorRef t = ref(name);
        DType dt = t.storage().dtype();
        int n = (int) t.numel();
        float[] out = new float[n];
        if (n == 0) return out;
        int w = dt.bytes();
        if (t.isContiguous()) {
            ByteBuffer b = readRange(name, t, t.offset(), n);
            for (int i = 0; i < n; i++) out[i] = element(b, dt, i * w);
            return out;
        }
        // general strided view: read the span it covers, then gather (row-major order of size)
        long lo = t.offset(), hi = t.offset();
        for (int d = 0; d < t.size().length; d++) hi += (t.size()[d] - 1) * t.stride()[d];
        long span = hi - lo + 1;
        if (span > Integer.MAX_VALUE / w) {
            throw new ModelFormatException(file, name, "strided view spans " + span + " elements; too large to gather");
        }
        ByteBuffer b = readRange(name, t, lo, (int) span);
        int rank = t.size().length;
        long[] idx = new long[rank];
        for (int i = 0; i < n; i++) {
            long off = 0;
            for (int d = 0; d < rank; d++) off += idx[d] * t.stride()[d];
            out[i] = element(b, dt, (int) (off * w));
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < t.size()[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    private ByteBuffer readRange(String name, TensorRef t, long firstElement, int count) {
        int w = t.storage().dtype().bytes();
        String rec = prefix + "data/" + t.storage().key();
        ZipEntry e = zip.getEntry(rec);
        try (InputStream s = zip.getInputStream(e)) {
            long skip = firstElement * w;
            while (skip > 0) {
                long k = s.skip(skip);
                if (k <= 0) {
                    if (s.read() < 0) throw new ModelFormatException(file, name, "storage record '" + rec + "' is truncated");
                    k = 1;
                }
                skip -= k;
            }
            byte[] b = s.readNBytes(count * w);
            if (b.length != count * w) throw new ModelFormatException(file, name, "storage record '" + rec + "' is truncated");
            return ByteBuffer.wrap(b).order(order);
        } catch (IOException ex) {
            throw new ModelFormatException(file, name, "cannot read storage record '" + rec + "': " + ex.getMessage(), ex);
        }
    }

    private static float element(ByteBuffer b, DType dt, int at) {
        return switch (dt) {
            case F32 -> b.getFloat(at);
            case F64 -> (float) b.getDouble(at);
            case F16 -> Half.f16ToFloat(b.getShort(at));
            case BF16 -> Half.bf16ToFloat(b.getShort(at));
            case I64 -> b.getLong(at);
            case I32 -> b.getInt(at);
            case I16 -> b.getShort(at);
            case I8 -> b.get(at);
            case U8, BOOL -> b.get(at) & 0xff;
        };
    }

    @Override
    public void close() {
        try { zip.close(); } catch (IOException ignored) { }
    }
}
