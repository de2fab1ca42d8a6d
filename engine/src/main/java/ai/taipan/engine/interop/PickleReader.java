package ai.taipan.engine.interop;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.ModelFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted reader for the pickle stream {@code data.pkl} that {@code torch.save} writes
 * (PyTorch torch/serialization.py {@code _save}: protocol 2, tensors as persistent ids).
 *
 * <p>Glossary (Python pickle → this reader):
 * <ul>
 *   <li>GLOBAL {@code module name}: a reference to a Python object by name. Only the names in
 *       {@link #ALLOWED} are accepted; any other name (os.system, builtins.eval, a model class…)
 *       fails at once, before any later opcode is read. Nothing is ever looked up or
 *       instantiated by name: each allowed name maps to a fixed Java behaviour below.</li>
 *   <li>REDUCE {@code f(args)}: only for allowed callables — {@code collections.OrderedDict()} →
 *       a map, {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)} → a
 *       {@link TensorRef}, {@code torch._utils._rebuild_parameter(t, …)} → t,
 *       {@code torch.Size(t)} → t, {@code _codecs.encode(s, "latin1")} → bytes.</li>
 *   <li>BINPERSID {@code ('storage', torch.FloatStorage, key, location, numel)}: a reference to
 *       the storage in {@code data/<key>} of the zip → a {@link StorageRef}.</li>
 *   <li>BUILD: state set on an object; accepted for dicts (the {@code _metadata} of a state
 *       dict) and tensors, and otherwise ignored data.</li>
 * </ul>
 * Opcodes for classes (INST, OBJ, NEWOBJ, NEWOBJ_EX), the extension registry (EXT*), text
 * persistent ids and every unknown opcode are refused. Every length is checked against the bytes
 * left before anything is allocated, so a lying stream fails cleanly.
 */
public final class PickleReader {

    /** A tuple (Python tuples are immutable; this one is too). */
    public record Tuple(List<Object> items) {
        public Tuple { items = Collections.unmodifiableList(new ArrayList<>(items)); }
        public int size() { return items.size(); }
        public Object get(int i) { return items.get(i); }
    }

    /** An allow-listed global, kept as a name; it never resolves to code. */
    public record Global(String module, String name) {
        public String qualified() { return module + "." + name; }
        @Override public String toString() { return qualified(); }
    }

    /** A storage in the zip: {@code data/<key>}, {@code numel} elements of {@code dtype}. */
    public record StorageRef(String storageType, DType dtype, String key, String location, long numel) { }

    /** A tensor view of a storage: element offset, sizes and strides in elements. */
    public record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
        public long numel() {
            long n = 1;
            for (long s : size) n *= s;
            return n;
        }

        public boolean isContiguous() {
            long expected = 1;
            for (int d = size.length - 1; d >= 0; d--) {
                if (size[d] != 1 && stride[d] != expected) return false;
                expected *= size[d];
            }
            return true;
        }
    }

    /** Storage classes torch.save writes (torch/storage.py _pickle_storage_type) and their dtypes. */
    static final Map<String, DType> STORAGE_TYPES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64, "LongStorage", DType.I64, "IntStorage", DType.I32,
            "ShortStorage", DType.I16, "CharStorage", DType.I8, "ByteStorage", DType.U8,
            "BoolStorage", DType.BOOL);

    private static final java.util.Set<String> ALLOWED;
    static {
        java.util.Set<String> s = new java.util.HashSet<>(List.of(
                "collections.OrderedDict",
                "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
                "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
                "torch.Size", "_codecs.encode",
                // dtypes may appear as plain values (e.g. in tensor metadata); they are inert names
                "torch.float32", "torch.float16", "torch.bfloat16", "torch.float64", "torch.int64",
                "torch.int32", "torch.int16", "torch.int8", "torch.uint8", "torch.bool"));
        for (String t : STORAGE_TYPES.keySet()) s.add("torch." + t);
        ALLOWED = Collections.unmodifiableSet(s);
    }

    /** The names a GLOBAL may refer to. */
    public static java.util.Set<String> allowedGlobals() { return ALLOWED; }

    private static final Object MARK = new Object() {
        @Override public String toString() { return "MARK"; }
    };

    /** Upper bounds that keep a hostile stream from exhausting memory. */
    private static final int MAX_MEMO = 10_000_000;
    private static final int MAX_STACK = 10_000_000;

    private final Path file;
    private final String entry;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int opPos;

    private PickleReader(Path file, String entry, byte[] data) {
        this.file = file;
        this.entry = entry;
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Reads one pickled object.
     *
     * @param file  the checkpoint (for error messages)
     * @param entry the zip entry holding the pickle (for error messages)
     */
    public static Object read(Path file, String entry, byte[] data) {
        return new PickleReader(file, entry, data).run();
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) throw fail("the pickle ends without a STOP opcode (truncated?)");
            opPos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) throw fail("pickle protocol " + v + " is not supported (torch.save writes 2)");
                }
                case 0x95 -> { need(8); in.position(in.position() + 8); } // FRAME: framing only
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw fail("STOP with " + stack.size() + " objects on the stack (malformed pickle)");
                    }
                    return stack.get(0);
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> { need(2); push((long) (in.getShort() & 0xffff)); } // BININT2
                case 'J' -> { need(4); push((long) in.getInt()); } // BININT
                case 0x8a -> push(long1(u8())); // LONG1
                case 'I' -> push(textInt()); // INT (protocol 0)
                case 'L' -> push(textLong()); // LONG (protocol 0)
                case 'G' -> { need(8); push(in.duplicate().order(ByteOrder.BIG_ENDIAN).getDouble(in.position())); in.position(in.position() + 8); } // BINFLOAT
                case 'F' -> push(textFloat()); // FLOAT (protocol 0)
                case 'X' -> push(utf8(u32())); // BINUNICODE
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(u64())); // BINUNICODE8
                case 'T' -> push(latin1(u32())); // BINSTRING (Python 2 str)
                case 'U' -> push(latin1(u8())); // SHORT_BINSTRING
                case 'B' -> push(bytes(u32())); // BINBYTES
                case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                case 0x8e -> push(bytes(u64())); // BINBYTES8
                case ')' -> push(new Tuple(List.of())); // EMPTY_TUPLE
                case 0x85 -> push(new Tuple(popN(1))); // TUPLE1
                case 0x86 -> push(new Tuple(popN(2))); // TUPLE2
                case 0x87 -> push(new Tuple(popN(3))); // TUPLE3
                case 't' -> push(new Tuple(popMark())); // TUPLE
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case 'd' -> push(dictOf(popMark())); // DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'a' -> { Object v = pop(); list(peek()).add(v); } // APPEND
                case 'e' -> { List<Object> items = popMark(); list(peek()).addAll(items); } // APPENDS
                case 's' -> { Object v = pop(); Object k = pop(); dict(peek()).put(key(k), v); } // SETITEM
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) throw fail("SETITEMS with an odd number of items");
                    Map<Object, Object> d = dict(peek());
                    for (int i = 0; i < items.size(); i += 2) d.put(key(items.get(i)), items.get(i + 1));
                }
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(u32()); // LONG_BINPUT
                case 'p' -> memoPut(textLine(true)); // PUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(u32())); // LONG_BINGET
                case 'g' -> push(memoGet(textLine(true))); // GET
                case 'c' -> { // GLOBAL
                    String module = new String(line(), StandardCharsets.UTF_8);
                    String name = new String(line(), StandardCharsets.UTF_8);
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(), module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 'R' -> { // REDUCE
                    Object args = pop(), fn = pop();
                    push(reduce(fn, args));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object target = peek();
                    if (!(target instanceof Map) && !(target instanceof TensorRef)) {
                        throw fail("BUILD on " + describe(target) + " is not something a tensor checkpoint needs");
                    }
                    // state of a state dict (its _metadata) or of a tensor: data we do not need
                }
                case 'P' -> throw fail("text persistent ids (PERSID) are not what torch.save writes; refused");
                case 'i', 'o', 0x81, 0x92 -> throw fail("opcode " + opName(op)
                        + " instantiates a class by name; refused (a tensor checkpoint never needs it)");
                case 0x82, 0x83, 0x84 -> throw fail("opcode " + opName(op) + " (copyreg extension registry) is refused");
                default -> throw fail("unsupported pickle opcode 0x" + Integer.toHexString(op)
                        + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : ""));
            }
        }
    }

    // ------------------------------------------------------------------ allowed behaviours

    private Object global(String module, String name) {
        String q = module + "." + name;
        if (!ALLOWED.contains(q)) {
            throw fail("refusing global '" + q + "': a tensor checkpoint may only reference tensor storages "
                    + "and tensor rebuild functions (allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
                    + "torch._utils._rebuild_parameter, torch.*Storage, …); nothing was executed");
        }
        return new Global(module, name);
    }

    private Object reduce(Object fn, Object args) {
        if (!(fn instanceof Global g)) throw fail("REDUCE on " + describe(fn) + ", which is not an allowed callable");
        if (!(args instanceof Tuple a)) throw fail("REDUCE arguments of " + g + " are not a tuple");
        switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                if (a.size() != 0) throw fail("collections.OrderedDict with arguments is not supported");
                return new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                if (a.size() < 4) throw fail(g + " needs (storage, offset, size, stride), got " + a.size() + " arguments");
                if (!(a.get(0) instanceof StorageRef s)) throw fail(g + ": first argument is " + describe(a.get(0)) + ", not a storage");
                long offset = asLong(a.get(1), g + " storage_offset");
                long[] size = longs(a.get(2), g + " size");
                long[] stride = longs(a.get(3), g + " stride");
                if (size.length != stride.length) {
                    throw fail(g + ": size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in rank");
                }
                return new TensorRef(s, offset, size, stride);
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (a.size() < 1 || !(a.get(0) instanceof TensorRef t)) throw fail(g + " needs a tensor as first argument");
                return t;
            }
            case "torch.Size" -> {
                if (a.size() != 1 || !(a.get(0) instanceof Tuple t)) throw fail("torch.Size needs one tuple");
                return t;
            }
            case "_codecs.encode" -> {
                if (a.size() != 2 || !(a.get(0) instanceof String s) || !(a.get(1) instanceof String enc)) {
                    throw fail("_codecs.encode needs (str, encoding)");
                }
                if (!enc.equalsIgnoreCase("latin1") && !enc.equalsIgnoreCase("latin-1")) {
                    throw fail("_codecs.encode with encoding '" + enc + "' is not supported");
                }
                return s.getBytes(StandardCharsets.ISO_8859_1);
            }
            default -> throw fail("'" + g + "' is not callable in a tensor checkpoint; refused");
        }
    }

    private Object persistent(Object pid) {
        if (!(pid instanceof Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
            throw fail("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
        }
        if (!(t.get(1) instanceof Global g) || !g.module().equals("torch") || !STORAGE_TYPES.containsKey(g.name())) {
            throw fail("persistent id names storage type " + describe(t.get(1)) + "; supported: torch."
                    + String.join(", torch.", new java.util.TreeSet<>(STORAGE_TYPES.keySet())));
        }
        if (!(t.get(2) instanceof String key)) throw fail("storage key " + describe(t.get(2)) + " is not a string");
        if (!key.matches("[A-Za-z0-9_.]+") || key.contains("..")) throw fail("storage key '" + key + "' is not a plain name");
        String location = t.get(3) instanceof String l ? l : String.valueOf(t.get(3));
        long numel = asLong(t.get(4), "storage numel");
        if (numel < 0) throw fail("storage '" + key + "' has negative size " + numel);
        return new StorageRef(g.name(), STORAGE_TYPES.get(g.name()), key, location, numel);
    }

    // ------------------------------------------------------------------ stack and memo

    private void push(Object o) {
        if (stack.size() >= MAX_STACK) throw fail("pickle stack exceeds " + MAX_STACK + " entries");
        stack.add(o);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) throw fail("stack underflow (malformed pickle)");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) throw fail("stack underflow (malformed pickle)");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(0, pop());
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw fail("no MARK on the stack (malformed pickle)");
        int m = marks.remove(marks.size() - 1);
        List<Object> sub = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return sub;
    }

    private void memoPut(long idx) {
        if (idx < 0) throw fail("negative memo index");
        if (memo.size() >= MAX_MEMO && !memo.containsKey(idx)) throw fail("memo exceeds " + MAX_MEMO + " entries");
        memo.put(idx, peek());
    }

    private Object memoGet(long idx) {
        if (!memo.containsKey(idx)) throw fail("memo index " + idx + " was never stored (malformed pickle)");
        return memo.get(idx);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw fail("APPEND to " + describe(o) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw fail("SETITEM on " + describe(o) + ", not a dict");
    }

    private Map<Object, Object> dictOf(List<Object> items) {
        if (items.size() % 2 != 0) throw fail("DICT with an odd number of items");
        Map<Object, Object> d = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) d.put(key(items.get(i)), items.get(i + 1));
        return d;
    }

    private Object key(Object k) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double
                || k instanceof Tuple || k instanceof Global) return k;
        throw fail("dict key " + describe(k) + " is not hashable data");
    }

    // ------------------------------------------------------------------ primitive readers

    private void need(long n) {
        if (n < 0 || n > in.remaining()) {
            throw fail("needs " + n + " bytes but only " + in.remaining() + " remain (truncated or lying length)");
        }
    }

    private int u8() { need(1); return in.get() & 0xff; }

    private long u32() { need(4); return in.getInt() & 0xffffffffL; }

    private long u64() {
        need(8);
        long v = in.getLong();
        if (v < 0) throw fail("length " + Long.toUnsignedString(v) + " is out of range");
        return v;
    }

    private long long1(int n) {
        need(n);
        if (n == 0) return 0;
        if (n > 8) throw fail("integer of " + n + " bytes is too large");
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) (in.get() & 0xff) << (8 * i);
        if (n < 8 && (v & (1L << (8 * n - 1))) != 0) v |= -1L << (8 * n); // sign-extend
        return v;
    }

    private byte[] bytes(long n) {
        need(n);
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private String utf8(long n) { return new String(bytes(n), StandardCharsets.UTF_8); }

    private String latin1(long n) { return new String(bytes(n), StandardCharsets.ISO_8859_1); }

    private byte[] line() {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return b;
            }
        }
        throw fail("unterminated text line (truncated pickle)");
    }

    private long textLine(boolean nonNegative) {
        String s = new String(line(), StandardCharsets.US_ASCII).trim();
        try {
            long v = Long.parseLong(s);
            if (nonNegative && v < 0) throw fail("negative index " + v);
            return v;
        } catch (NumberFormatException e) {
            throw fail("'" + s + "' is not an integer");
        }
    }

    private Object textInt() {
        String s = new String(line(), StandardCharsets.US_ASCII).trim();
        if (s.equals("00")) return Boolean.FALSE;
        if (s.equals("01")) return Boolean.TRUE;
        try { return Long.parseLong(s); } catch (NumberFormatException e) { throw fail("'" + s + "' is not an integer"); }
    }

    private Object textLong() {
        String s = new String(line(), StandardCharsets.US_ASCII).trim();
        if (s.endsWith("L")) s = s.substring(0, s.length() - 1);
        try { return Long.parseLong(s); } catch (NumberFormatException e) { throw fail("'" + s + "' is not a 64-bit integer"); }
    }

    private Object textFloat() {
        String s = new String(line(), StandardCharsets.US_ASCII).trim();
        try { return Double.parseDouble(s); } catch (NumberFormatException e) { throw fail("'" + s + "' is not a float"); }
    }

    private long asLong(Object o, String what) {
        if (o instanceof Long l) return l;
        if (o instanceof Boolean b) return b ? 1 : 0;
        throw fail(what + " is " + describe(o) + ", not an integer");
    }

    private long[] longs(Object o, String what) {
        if (!(o instanceof Tuple t)) throw fail(what + " is " + describe(o) + ", not a tuple");
        long[] r = new long[t.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = asLong(t.get(i), what);
            if (r[i] < 0) throw fail(what + " has a negative entry " + r[i]);
        }
        return r;
    }

    static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof String s) return "'" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "'";
        if (o instanceof Global g) return g.qualified();
        if (o instanceof Tuple t) return "a tuple of " + t.size();
        if (o instanceof Map) return "a dict";
        if (o instanceof List) return "a list";
        if (o instanceof TensorRef) return "a tensor";
        if (o instanceof StorageRef) return "a storage";
        return o.getClass().getSimpleName() + " " + o;
    }

    private static String opName(int op) {
        return switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 0x82 -> "EXT1";
            case 0x83 -> "EXT2";
            case 0x84 -> "EXT4";
            default -> "0x" + Integer.toHexString(op);
        };
    }

    private ModelFormatException fail(String message) {
        return new ModelFormatException(file, entry, "pickle byte " + opPos + ": " + message);
    }
}
