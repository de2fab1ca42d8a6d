package ai.taipan.engine.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * F16 and BF16 conversions. The expectations are independent of the code under test: IEEE
 * binary16 values computed from the bit fields, and rounding checked at exact midpoints between
 * neighbouring representable values (ties to even), just above and just below them.
 */
class HalfTest {
    /** binary16 value from its fields, by the IEEE formula, in double. */
    private static double f16Value(int bits) {
        int sign = (bits >> 15) & 1, exp = (bits >> 10) & 0x1f, mant = bits & 0x3ff;
        double s = sign == 1 ? -1 : 1;
        if (exp == 0x1f) return mant == 0 ? s * Double.POSITIVE_INFINITY : Double.NaN;
        if (exp == 0) return s * mant * Math.pow(2, -24);
        return s * (1 + mant / 1024.0) * Math.pow(2, exp - 15);
    }

    @Test
    void allF16BitPatternsDecodeAndRoundTrip() {
        for (int bits = 0; bits < 65536; bits++) {
            float f = Half.f16ToFloat((short) bits);
            double expected = f16Value(bits);
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(f), "NaN pattern " + Integer.toHexString(bits));
            } else {
                assertEquals(expected, f, 0.0, "value of " + Integer.toHexString(bits));
                assertEquals(expected == 0 && (bits & 0x8000) != 0, Float.floatToRawIntBits(f) == 0x80000000,
                        "sign of zero " + Integer.toHexString(bits));
            }
            assertEquals(bits, Half.floatToF16(f) & 0xffff, "round trip of " + Integer.toHexString(bits));
        }
    }

    @Test
    void f16RoundsToNearestEvenAtEveryMidpoint() {
        for (int h = 0; h < 0x7bff; h++) { // every pair of neighbouring finite positives
            float a = Half.f16ToFloat((short) h), b = Half.f16ToFloat((short) (h + 1));
            float mid = (a + b) / 2; // exact: float has 13 more mantissa bits
            assertEquals((a + b) / 2.0, mid, 0.0);
            int even = (h & 1) == 0 ? h : h + 1;
            assertEquals(even, Half.floatToF16(mid) & 0xffff, "tie at " + mid);
            assertEquals(h + 1, Half.floatToF16(Math.nextUp(mid)) & 0xffff, "above " + mid);
            assertEquals(h, Half.floatToF16(Math.nextDown(mid)) & 0xffff, "below " + mid);
            assertEquals(even | 0x8000, Half.floatToF16(-mid) & 0xffff, "negative tie at " + mid);
        }
    }

    @Test
    void f16HandCases() {
        assertEquals(0x3c00, Half.floatToF16(1f) & 0xffff);
        assertEquals(0x3c00, Half.floatToF16(1f + 0x1p-11f) & 0xffff);       // tie, 1.0 is even
        assertEquals(0x3c02, Half.floatToF16(1f + 3 * 0x1p-11f) & 0xffff);   // tie, rounds up to even
        assertEquals(0x7bff, Half.floatToF16(65519f) & 0xffff);              // below the max's midpoint
        assertEquals(0x7c00, Half.floatToF16(65520f) & 0xffff);              // midpoint to 2^16: overflow to inf
        assertEquals(0x7c00, Half.floatToF16(1e10f) & 0xffff);
        assertEquals(0xfc00, Half.floatToF16(Float.NEGATIVE_INFINITY) & 0xffff);
        assertEquals(0x0001, Half.floatToF16(0x1p-24f) & 0xffff);            // smallest subnormal
        assertEquals(0x0000, Half.floatToF16(0x1p-25f) & 0xffff);            // tie with 0: 0 is even
        assertEquals(0x0001, Half.floatToF16(0x1.8p-25f) & 0xffff);
        assertEquals(0x0000, Half.floatToF16(0x1p-30f) & 0xffff);
        assertEquals(0x0400, Half.floatToF16(0x1p-14f) & 0xffff);            // smallest normal
        assertEquals(0x0400, Half.floatToF16(0x1.ffcp-15f) & 0xffff);        // 0x3ff.8 subnormal -> carries
        assertEquals(0x8000, Half.floatToF16(-0f) & 0xffff);
        short nan = Half.floatToF16(Float.NaN);
        assertTrue(Float.isNaN(Half.f16ToFloat(nan)));
        // a float NaN whose payload lives only in the low 13 bits must not turn into infinity
        assertTrue(Float.isNaN(Half.f16ToFloat(Half.floatToF16(Float.intBitsToFloat(0x7f800001)))));
    }

    @Test
    void bf16RoundsToNearestEvenAtEveryMidpoint() {
        for (int h = 0; h < 0x7f7f; h++) {
            int mid = (h << 16) | 0x8000;           // exactly between h and h + 1
            int even = (h & 1) == 0 ? h : h + 1;
            assertEquals(even, Half.floatToBf16(Float.intBitsToFloat(mid)) & 0xffff);
            assertEquals(h + 1, Half.floatToBf16(Float.intBitsToFloat(mid + 1)) & 0xffff);
            assertEquals(h, Half.floatToBf16(Float.intBitsToFloat(mid - 1)) & 0xffff);
            assertEquals(h, Half.floatToBf16(Half.bf16ToFloat((short) h)) & 0xffff);
        }
    }

    @Test
    void bf16HandCases() {
        assertEquals(0x3f80, Half.floatToBf16(1f) & 0xffff);
        assertEquals(1f, Half.bf16ToFloat((short) 0x3f80));
        assertEquals(0x3f80, Half.floatToBf16(Float.intBitsToFloat(0x3f808000)) & 0xffff); // tie -> even (down)
        assertEquals(0x3f82, Half.floatToBf16(Float.intBitsToFloat(0x3f818000)) & 0xffff); // tie -> even (up)
        assertEquals(0x3f81, Half.floatToBf16(Float.intBitsToFloat(0x3f808001)) & 0xffff);
        assertEquals(0x3f80, Half.floatToBf16(Float.intBitsToFloat(0x3f807fff)) & 0xffff);
        assertEquals(0x4049, Half.floatToBf16((float) Math.PI) & 0xffff);                 // 3.140625
        assertEquals(0x7f80, Half.floatToBf16(Float.MAX_VALUE) & 0xffff);                  // rounds to inf
        assertEquals(0xff80, Half.floatToBf16(Float.NEGATIVE_INFINITY) & 0xffff);
        assertEquals(0x8000, Half.floatToBf16(-0f) & 0xffff);
        assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(Float.NaN))));
        assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(Float.intBitsToFloat(0x7f800001)))));
        assertEquals(0x0001, Half.floatToBf16(Float.MIN_VALUE * 65536) & 0xffff);         // subnormal
    }
}
