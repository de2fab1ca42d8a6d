package ai.taipan.engine.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The safetensors reader against files built byte by byte here (not by our writer): every dtype
 * read against hand-written values, and one test per bad-input case of issue 2, each checking
 * that the message names the file and (where there is one) the tensor.
 */
class SafeTensorsTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------ helpers

    /** A safetensors file from a header string and raw data bytes, nothing checked. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    private static ModelFormatException fails(Path p) {
        return assertThrows(ModelFormatException.class, () -> SafeTensors.open(p).close());
    }

    private static void assertNames(ModelFormatException e, Path file, String tensor) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), () -> "message does not name the file: " + m);
        if (tensor != null) {
            assertTrue(m.contains("'" + tensor + "'"), () -> "message does not name tensor " + tensor + ": " + m);
            assertEquals(tensor, e.item());
        }
        assertEquals(file, e.file());
        assertTrue(!m.contains("\n"), "one line");
    }

    // ------------------------------------------------------------------ dtypes

    @Test
    void readsEveryDtypeAgainstHandWrittenValues() throws IOException {
        // F32: 1.5, -2.25, 3.4e38 ; F16: 1, -2, 65504 (max), 2^-24 (min subnormal) ;
        // BF16: 1, -2, 3.140625 (0x4049) ; F64: pi, -1e300 ; I32: -7, 2^31-1 ; I64: -2^40, 2^62
        ByteBuffer d = le(12 + 8 + 6 + 16 + 8 + 16);
        d.putFloat(1.5f).putFloat(-2.25f).putFloat(3.4e38f);
        d.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF).putShort((short) 0x0001);
        d.putShort((short) 0x3F80).putShort((short) 0xC000).putShort((short) 0x4049);
        d.putDouble(Math.PI).putDouble(-1e300);
        d.putInt(-7).putInt(Integer.MAX_VALUE);
        d.putLong(-(1L << 40)).putLong(1L << 62);
        String h = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"f32\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"f16\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[12,20]},"
                + "\"bf16\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[20,26]},"
                + "\"f64\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[26,42]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[2,1],\"data_offsets\":[42,50]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[50,66]}}";
        Path p = raw("all.safetensors", h, d.array());
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals("pt", st.metadata().get("format"));
            assertEquals(Arrays.asList("f32", "f16", "bf16", "f64", "i32", "i64"), st.names());
            assertArrayEquals(new float[]{1.5f, -2.25f, 3.4e38f}, st.readFloats("f32"));
            assertArrayEquals(new long[]{2, 2}, st.shape("f16"));
            assertEquals(DType.F16, st.dtype("f16"));
            assertArrayEquals(new float[]{1f, -2f, 65504f, 0x1p-24f}, st.readFloats("f16"));
            assertArrayEquals(new short[]{0x3C00, (short) 0xC000, 0x7BFF, 0x0001}, st.readShorts("f16"));
            assertArrayEquals(new float[]{1f, -2f, 3.140625f}, st.readFloats("bf16"));
            assertArrayEquals(new double[]{Math.PI, -1e300}, st.readDoubles("f64"));
            assertArrayEquals(new float[]{(float) Math.PI, Float.NEGATIVE_INFINITY}, st.readFloats("f64"));
            assertArrayEquals(new int[]{-7, Integer.MAX_VALUE}, st.readInts("i32"));
            assertArrayEquals(new float[]{-7f, (float) Integer.MAX_VALUE}, st.readFloats("i32"));
            assertArrayEquals(new long[]{-(1L << 40), 1L << 62}, st.readLongs("i64"));
            assertArrayEquals(new double[]{-(double) (1L << 40), (double) (1L << 62)}, st.readDoubles("i64"));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> st.readInts("i64"));
            assertNames(e, p, "i64");
            e = assertThrows(ModelFormatException.class, () -> st.readLongs("f32"));
            assertNames(e, p, "f32");
            e = assertThrows(ModelFormatException.class, () -> st.readFloats("nope"));
            assertNames(e, p, "nope");
            assertTrue(e.getMessage().contains("missing"));
        }
    }

    @Test
    void emptyTensorAndZeroDimShapesAreAccepted() throws IOException {
        Path p = raw("empty.safetensors",
                "{\"e\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[0,0]},"
                        + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
                le(4).putFloat(0, 7f).array());
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(0, st.readFloats("e").length);
            assertArrayEquals(new float[]{7f}, st.readFloats("s"));
        }
    }

    // ------------------------------------------------------------------ bad input (issue 2)

    @Test
    void truncatedBeforeTheHeaderLength() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[]{1, 2, 3});
        ModelFormatException e = fails(p);
        assertNames(e, p, null);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedDataNamesTheTensorThatNoLongerFits() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        Path p = raw("trunc.safetensors", h, new byte[20]); // b needs 24 bytes of data, 20 remain
        ModelFormatException e = fails(p);
        assertNames(e, p, "b");
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        byte[] hb = "{}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(8 + hb.length).putLong(100).put(hb);
        Path p = dir.resolve("hlen.safetensors");
        Files.write(p, b.array());
        ModelFormatException e = fails(p);
        assertNames(e, p, null);
        assertTrue(e.getMessage().contains("header length 100"), e.getMessage());
    }

    @Test
    void aOneTerabyteHeaderClaimFailsFastAllocatingNothingBig() throws IOException {
        Path small = dir.resolve("tb.safetensors");
        Files.write(small, le(64).putLong(0, 1L << 40).array());
        // the same claim in a file that really is 1 TB long (sparse): now the claim is inside the
        // file, and only the format's 100 MB header limit stands between it and a 1 TB allocation
        Path sparse = dir.resolve("tb-sparse.safetensors");
        boolean haveSparse = true;
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.write(le(8).putLong(0, 1L << 40).array());
            f.setLength((1L << 40) + 8 + 16);
        } catch (IOException e) {
            haveSparse = false; // a file system without 1 TB sparse files: check the small file only
        }
        Path ok = raw("warm.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        SafeTensors.open(ok).close(); // load the classes first so that they do not count
        fails(small);

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (Path p : haveSparse ? new Path[]{small, sparse} : new Path[]{small}) {
            long before = mx.getThreadAllocatedBytes(tid);
            ModelFormatException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> fails(p));
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertNames(e, p, null);
            assertTrue(e.getMessage().contains(Long.toString(1L << 40)), e.getMessage());
            assertTrue(allocated < (8L << 20), "allocated " + allocated + " bytes to refuse " + p);
        }
        Files.deleteIfExists(sparse);
    }

    @Test
    void overlappingOffsetsNameBothTensors() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        Path p = raw("overlap.safetensors", h, new byte[12]);
        ModelFormatException e = fails(p);
        assertNames(e, p, "b");
        assertTrue(e.getMessage().contains("overlap") && e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void outOfRangeOffsets() throws IOException {
        Path p = raw("range.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1000,1008]}}", new byte[8]);
        ModelFormatException e = fails(p);
        assertNames(e, p, "w");
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());

        Path neg = raw("neg.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", new byte[8]);
        assertNames(fails(neg), neg, "w");
        Path backwards = raw("back.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", new byte[8]);
        assertNames(fails(backwards), backwards, "w");
        Path huge = raw("huge.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}", new byte[8]);
        assertNames(fails(huge), huge, "w");
    }

    @Test
    void unknownDtype() throws IOException {
        Path p = raw("dtype.safetensors",
                "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
        ModelFormatException e = fails(p);
        assertNames(e, p, "w");
        assertTrue(e.getMessage().contains("F8_E4M3"), e.getMessage());
    }

    @Test
    void shapeTimesDtypeDisagreesWithByteLength() throws IOException {
        Path p = raw("shape.safetensors",
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,24]}}", new byte[24]);
        ModelFormatException e = fails(p);
        assertNames(e, p, "w");
        assertTrue(e.getMessage().contains("needs 12 bytes") && e.getMessage().contains("24"), e.getMessage());

        Path overflow = raw("ovf.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", new byte[4]);
        assertNames(fails(overflow), overflow, "w");
        Path negDim = raw("negdim.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]);
        assertNames(fails(negDim), negDim, "w");
    }

    @Test
    void nonJsonHeader() throws IOException {
        Path p = raw("json.safetensors", "this is not json at all", new byte[4]);
        ModelFormatException e = fails(p);
        assertNames(e, p, null);
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        Path array = raw("array.safetensors", "[1,2,3]", new byte[0]);
        assertNames(fails(array), array, null);
        Path entry = raw("entry.safetensors", "{\"w\":42}", new byte[0]);
        assertNames(fails(entry), entry, "w");
        Path noOffsets = raw("nooff.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]);
        assertNames(fails(noOffsets), noOffsets, "w");
    }

    @Test
    void aTensorNamedTwiceIsRefused() throws IOException {
        Path p = raw("dup.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        ModelFormatException e = fails(p);
        assertNames(e, p, null);
        assertTrue(e.getMessage().contains("'w'") || e.getMessage().contains("\"w\""), e.getMessage());
    }

    @Test
    void headerLengthTooShortOrNegative() throws IOException {
        Path p = dir.resolve("zero.safetensors");
        Files.write(p, le(16).putLong(0, 0).array());
        assertNames(fails(p), p, null);
        Path neg = dir.resolve("neg.safetensors");
        Files.write(neg, le(16).putLong(0, -1).array()); // 2^64 - 1 unsigned
        ModelFormatException e = fails(neg);
        assertNames(e, neg, null);
        assertTrue(e.getMessage().contains("18446744073709551615"), e.getMessage());
    }

    @Test
    void missingFileIsAFormatErrorNamingIt() {
        Path p = dir.resolve("absent.safetensors");
        ModelFormatException e = fails(p);
        assertNames(e, p, null);
    }

    // ------------------------------------------------------------------ > 2 GB

    @Test
    void readsATensorPlacedPastTheTwoGigabyteOffset() throws IOException {
        long pad = (1L << 31) + 24; // a U8 tensor longer than one Java array / one mapping
        String h = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + pad + "],\"data_offsets\":[0," + pad + "]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[" + pad + "," + (pad + 12) + "]}}";
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("big.safetensors");
        try {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.write(le(8).putLong(0, hb.length).array());
                f.write(hb);
                f.setLength(8 + hb.length + pad + 12); // sparse: the 2 GB of padding take no disk
                f.seek(8 + hb.length + pad);
                f.write(le(12).putFloat(0.5f).putFloat(-3f).putFloat(1e-7f).array());
            }
            assertTrue(Files.size(p) > (1L << 31));
            try (SafeTensors st = SafeTensors.open(p)) {
                assertArrayEquals(new float[]{0.5f, -3f, 1e-7f}, st.readFloats("x"));
                assertEquals(8 + hb.length + pad, st.info("x").begin());
                ModelFormatException e = assertThrows(ModelFormatException.class, () -> st.readLongs("pad"));
                assertNames(e, p, "pad");
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }
}
