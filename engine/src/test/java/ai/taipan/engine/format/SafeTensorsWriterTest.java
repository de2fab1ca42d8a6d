package ai.taipan.engine.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer round-trips through the reader, lays the file out as the format says, and writes atomically. */
class SafeTensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void roundTripOfEveryWritableDtype() {
        float[] f = {0f, -1.5f, 3.25f, 1e-3f, 65504f, -0f};
        double[] d = {Math.E, -1e-300};
        int[] i = {Integer.MIN_VALUE, 0, 42};
        long[] l = {Long.MIN_VALUE, Long.MAX_VALUE};
        short[] raw = {0x3C00, (short) 0xFC00};
        Path p = dir.resolve("sub/dir/w.safetensors"); // folders are created
        new SafeTensorsWriter()
                .metadata("format", "pt")
                .add("f32", f, 2, 3)
                .add("f16", DType.F16, f, 6)
                .add("bf16", DType.BF16, f, 3, 2)
                .add("f64f", DType.F64, f, 6)
                .addF64("f64", d, 2)
                .addI32("i32", i, 3)
                .addI64("i64", l, 1, 2)
                .addRaw16("raw", DType.F16, raw, 2)
                .write(p);
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(List.of("f32", "f16", "bf16", "f64f", "f64", "i32", "i64", "raw"), st.names());
            assertEquals("pt", st.metadata().get("format"));
            assertArrayEquals(new long[]{2, 3}, st.shape("f32"));
            assertArrayEquals(f, st.readFloats("f32"));
            // every value above is exact in F16 and BF16 except 1e-3 (and 65504 in BF16)
            float[] f16 = st.readFloats("f16");
            float[] bf16 = st.readFloats("bf16");
            for (int k = 0; k < f.length; k++) {
                assertEquals(Half.f16ToFloat(Half.floatToF16(f[k])), f16[k]);
                assertEquals(Half.bf16ToFloat(Half.floatToBf16(f[k])), bf16[k]);
            }
            assertEquals(1e-3f, f16[3], 1e-3f * 0x1p-10f);
            assertEquals(65504f, f16[4]);
            assertEquals(65536f, bf16[4]); // 65504 rounds up to 2^16 in bf16 (8-bit mantissa)
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(f16[5]));
            assertEquals(DType.F64, st.dtype("f64f"));
            assertArrayEquals(f, st.readFloats("f64f"));
            assertArrayEquals(d, st.readDoubles("f64"));
            assertArrayEquals(i, st.readInts("i32"));
            assertArrayEquals(l, st.readLongs("i64"));
            assertArrayEquals(raw, st.readShorts("raw"));
        }
    }

    @Test
    void layoutIsPaddedHeaderThenContiguousData() throws IOException {
        Path p = dir.resolve("x.safetensors");
        new SafeTensorsWriter().add("a", new float[]{1f}, 1).addI32("b", new int[]{7, 8}, 2).write(p);
        byte[] bytes = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        assertEquals(8 + n + 4 + 8, bytes.length);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}"), header);
        assertTrue(header.contains("\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[4,12]}"), header);
        assertEquals(1f, b.getFloat((int) (8 + n)));
        assertEquals(7, b.getInt((int) (8 + n + 4)));
        assertEquals(8, b.getInt((int) (8 + n + 8)));
    }

    @Test
    void largeTensorCrossesTheWriteBufferBoundary() {
        float[] big = new float[50_000]; // 200 kB > the 64 kB staging buffer
        for (int k = 0; k < big.length; k++) big[k] = k * 0.25f - 7f;
        Path p = dir.resolve("big.safetensors");
        new SafeTensorsWriter().add("small", DType.F16, new float[]{2f}, 1).add("big", big, 250, 200).write(p);
        try (SafeTensors st = SafeTensors.open(p)) {
            assertArrayEquals(big, st.readFloats("big"));
            assertArrayEquals(new float[]{2f}, st.readFloats("small"));
        }
    }

    @Test
    void badTensorsAreRefusedBeforeAnythingIsWritten() {
        SafeTensorsWriter w = new SafeTensorsWriter().add("a", new float[4], 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.add("a", new float[1], 1));
        assertTrue(e.getMessage().contains("'a'"));
        e = assertThrows(IllegalArgumentException.class, () -> w.add("b", new float[3], 2, 2));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.add("c", DType.I32, new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> w.addRaw16("d", DType.F32, new short[1], 1));
    }

    @Test
    void aFailingBodyLeavesTheOldFileIntactAndNoTempFile() throws IOException {
        Path p = dir.resolve("model.safetensors");
        new SafeTensorsWriter().add("w", new float[]{1f, 2f}, 2).write(p);
        byte[] before = Files.readAllBytes(p);

        UncheckedIOException io = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(p, out -> {
            out.write(new byte[100_000]); // part of a new file reaches the temp file...
            throw new IOException("disk full");
        }));
        assertTrue(io.getMessage().contains(p.toString()) && io.getMessage().contains("disk full"), io.getMessage());
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(p, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the body");
        }));
        assertArrayEquals(before, Files.readAllBytes(p));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(p.getFileName().toString()), s.map(x -> x.getFileName().toString()).toList());
        }
        // and a successful write replaces the file whole
        AtomicFiles.writeString(p, "new");
        assertEquals("new", Files.readString(p));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void writtenFilesAreWorldReadableLikeAnyDocument() throws IOException {
        Path p = dir.resolve("fresh.json");
        AtomicFiles.writeString(p, "{}");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(p, "{\"a\":1}");
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
                "rewriting a file keeps its mode");
    }

    @Test
    void jsonWriteIsAtomicAndReadsBackInfinity() throws IOException {
        Path p = dir.resolve("c.json");
        var node = Json.mapper().createObjectNode();
        node.putArray("time_step_limit").add(0.0).add(Double.POSITIVE_INFINITY);
        Json.write(p, node);
        String text = Files.readString(p);
        assertTrue(text.contains("Infinity") && !text.contains("\"Infinity\""), text);
        var back = Json.mapper().readTree(text);
        assertEquals(Double.POSITIVE_INFINITY, back.get("time_step_limit").get(1).asDouble());
    }
}
