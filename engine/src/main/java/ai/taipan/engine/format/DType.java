package ai.taipan.engine.format;

/** Element types of safetensors files (SPEC §4), with their safetensors spelling and size. */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I32(4), I64(8), I8(1), U8(1), I16(2), BOOL(1);

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    public int bytes() { return bytes; }

    public boolean isFloating() { return this == F32 || this == F16 || this == BF16 || this == F64; }

    /** The dtype for a safetensors header string, or null when it is not one we know. */
    public static DType parse(String s) {
        for (DType d : values()) if (d.name().equals(s)) return d;
        return null;
    }
}
