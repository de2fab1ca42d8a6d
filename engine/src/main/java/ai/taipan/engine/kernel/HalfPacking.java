package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Half;

/** Rounding F32 weights to F16/BF16 bits, shared by the scalar and vector half matrices. */
final class HalfPacking {
    private HalfPacking() {}

    /**
     * F32 → half bits, round to nearest even. F16 rejects weights outside its finite range
     * (|w| > 65504): an infinite weight is a broken model, not something to compute with — and the
     * vector F16 widening (VectorHalfMatrix) assumes finite values.
     */
    static short[] toHalf(float[] w, int rows, int cols, DType dtype) {
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException("weights hold " + w.length + " values, not " + rows + "x" + cols);
        }
        short[] h = new short[w.length];
        for (int i = 0; i < w.length; i++) {
            if (dtype == DType.BF16) {
                h[i] = Half.floatToBf16(w[i]);
            } else if (dtype == DType.F16) {
                h[i] = Half.floatToF16(w[i]);
                if ((h[i] & 0x7c00) == 0x7c00) {
                    throw new IllegalArgumentException("weight [" + (i / cols) + ", " + (i % cols) + "] = " + w[i]
                            + " does not fit F16 (|w| <= 65504); store this matrix as BF16 or F32");
                }
            } else {
                throw new IllegalArgumentException("not a half type: " + dtype);
            }
        }
        return h;
    }

    /** Half bits → float. */
    static float widen(short bits, DType dtype) {
        return dtype == DType.BF16 ? Half.bf16ToFloat(bits) : Half.f16ToFloat(bits);
    }
}
