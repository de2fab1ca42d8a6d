package ai.taipan.engine.format;

/**
 * IEEE half (F16) and bfloat16 (BF16) conversions. Java 17 has no Float.float16ToFloat (that
 * arrived in Java 20), so the bit manipulation lives here. Rounding is to nearest, ties to even,
 * as numpy and PyTorch do.
 */
public final class Half {
    private Half() {}

    /** F16 bits to float. */
    public static float f16ToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) { // inf or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            // subnormal: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float to F16 bits, round to nearest even; overflow gives infinity. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) { // inf / NaN
            if (mant == 0) return (short) (sign | 0x7c00);
            // NaN: keep the top 10 payload bits (so every F16 NaN round-trips bit for bit, as in
            // numpy's npy_floatbits_to_halfbits), but never let the payload become zero (= inf).
            int payload = mant >>> 13;
            return (short) (sign | 0x7c00 | (payload != 0 ? payload : 0x200));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) return (short) (sign | 0x7c00);
        if (e <= 0) {
            if (e < -10) return (short) sign; // too small even for a subnormal
            mant |= 0x800000; // implicit one
            int shift = 14 - e; // 1 - e + 13
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) half++;
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) half++; // may carry into exponent: correct
        return (short) (sign | half);
    }

    /** BF16 bits to float: the high half of an F32. */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** float to BF16 bits, round to nearest even (NaN stays NaN). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
