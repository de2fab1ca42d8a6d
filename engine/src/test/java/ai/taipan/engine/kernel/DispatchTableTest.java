package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AUTO's measured dispatch: the table file round trip and its validation, what AUTO does with a
 * good, bad or foreign table, forced paths staying forced, and products equal to a plain reference
 * loop whichever path a call is routed to (odd shapes, not multiples of the vector width).
 */
class DispatchTableTest {
    @TempDir Path dir;
    private String oldTable;

    @BeforeEach
    void pointTableHere() {
        oldTable = System.getProperty("taipan.kernels.table");
        System.setProperty("taipan.kernels.table", dir.resolve("kernel-dispatch.json").toString());
    }

    @AfterEach
    void restore() {
        if (oldTable == null) System.clearProperty("taipan.kernels.table");
        else System.setProperty("taipan.kernels.table", oldTable);
    }

    private static DispatchTable.Entry e(DType d, int rows, int cols, int t, double v, double n) {
        return DispatchTable.Entry.measured(d, rows, cols, t, v, n);
    }

    /** matvec on vector, matmul from 4 tokens on ND4J, for the given F32 shapes. */
    private static DispatchTable splitTable(int[][] shapes) {
        List<DispatchTable.Entry> l = new java.util.ArrayList<>();
        for (int[] s : shapes) {
            l.add(e(DType.F32, s[0], s[1], 1, 1.0, 9.0));    // vector faster
            l.add(e(DType.F32, s[0], s[1], 4, 9.0, 1.0));    // ND4J faster
        }
        return new DispatchTable(DispatchTable.Machine.current(), l);
    }

    private Path tableFile() { return Kernels.dispatchTableFile(); }

    @Test
    void roundTripAndLookup() {
        DispatchTable t = new DispatchTable(new DispatchTable.Machine("cpu x", 2, 2), List.of(
                e(DType.F32, 3352, 768, 1, 100.0, 300.0),
                e(DType.F32, 3352, 768, 256, 5000.0, 3900.5),
                e(DType.F32, 3352, 768, 16, 400.0, 700.0),
                e(DType.BF16, 3352, 768, 1, 50.0, Double.NaN)));
        Path f = dir.resolve("sub/t.json");
        t.write(f);
        DispatchTable r = DispatchTable.read(f);
        assertEquals(t.machine(), r.machine());
        assertEquals(t.entries(), r.entries());
        assertEquals(Kernels.Path.ND4J, r.entries().get(1).path());
        assertTrue(Double.isNaN(r.entries().get(3).nd4jMicros()));
        // a call uses the entry with the largest calibrated T' ≤ T (the smallest when below all)
        assertEquals(Kernels.Path.VECTOR, r.lookup(DType.F32, 3352, 768, 1));
        assertEquals(Kernels.Path.VECTOR, r.lookup(DType.F32, 3352, 768, 15));
        assertEquals(Kernels.Path.VECTOR, r.lookup(DType.F32, 3352, 768, 255));
        assertEquals(Kernels.Path.ND4J, r.lookup(DType.F32, 3352, 768, 256));
        assertEquals(Kernels.Path.ND4J, r.lookup(DType.F32, 3352, 768, 4096));
        assertNull(r.lookup(DType.F32, 768, 3352, 1), "no entry for the transposed shape: no verdict");
        assertNull(r.lookup(DType.F16, 3352, 768, 1));
        assertTrue(r.anyNd4j(DType.F32, 3352, 768));
        assertFalse(r.anyNd4j(DType.BF16, 3352, 768));
        // no temp file left beside it
        assertEquals(List.of(f.getFileName().toString()), list(f.getParent()));
    }

    @Test
    void modelCheckRoundTripsAndAFailedCheckVetoesTheTable() {
        DispatchTable t = splitTable(new int[][] {{37, 53}});
        DispatchTable passed = t.withCheck(new DispatchTable.ModelCheck(512, 2000.0, 1800.0));
        passed.write(tableFile());
        assertEquals(passed.check(), DispatchTable.read(tableFile()).check());
        assertFalse(passed.vetoed());
        assertTrue(Kernels.dispatchStatus().contains("in-model check"), Kernels.dispatchStatus());
        assertInstanceOf(DispatchMatrix.class, Matrices.of(new float[37 * 53], 37, 53, DType.F32, Kernels.Path.AUTO));

        DispatchTable failed = t.withCheck(new DispatchTable.ModelCheck(512, 1800.0, 2000.0));
        assertTrue(failed.vetoed());
        failed.write(tableFile());
        assertNull(Kernels.dispatchTable());
        assertTrue(Kernels.dispatchStatus().contains("not followed"), Kernels.dispatchStatus());
        assertEquals(VectorF32Matrix.class, Matrices.of(new float[37 * 53], 37, 53, DType.F32, Kernels.Path.AUTO).getClass());
        assertEquals(Kernels.Path.VECTOR, Matrices.planned(DType.F32, 37, 53, 64, Kernels.Path.AUTO));
    }

    @Test
    void mergeReplacesEqualKeysAndKeepsTheRest() {
        DispatchTable.Machine m = DispatchTable.Machine.current();
        DispatchTable a = new DispatchTable(m, List.of(e(DType.F32, 5, 7, 1, 1, 2), e(DType.F32, 9, 9, 1, 1, 2)));
        DispatchTable b = new DispatchTable(m, List.of(e(DType.F32, 5, 7, 1, 3, 2)));
        DispatchTable c = a.merge(b);
        assertEquals(2, c.entries().size());
        assertEquals(Kernels.Path.ND4J, c.lookup(DType.F32, 5, 7, 1));
        assertEquals(Kernels.Path.VECTOR, c.lookup(DType.F32, 9, 9, 1));
    }

    @Test
    void corruptOrLyingFilesAreRefusedNamingFileAndField() throws Exception {
        String good = new DispatchTable(DispatchTable.Machine.current(), List.of(e(DType.F32, 5, 7, 1, 1.0, 2.0))).toJson().toString();
        String[][] cases = {
                {good.substring(0, good.length() / 2), "not valid JSON"},
                {"[]", "not a JSON object"},
                {good.replace("taipan-kernel-dispatch/1", "taipan-kernel-dispatch/0"), "schema"},
                {good.replace("\"path\":\"vector\"", "\"path\":\"nd4j\""), "entries[0].path: says nd4j but its own timings"},
                {good.replace("\"path\":\"vector\"", "\"path\":\"gpu\""), "entries[0].path"},
                {good.replace("\"rows\":5", "\"rows\":-5"), "entries[0].rows"},
                {good.replace("\"rows\":5,", ""), "entries[0].rows"},
                {good.replace("\"vector_us\":1.0", "\"vector_us\":-1.0"), "entries[0].vector_us"},
                {good.replace("\"vector_us\":1.0", "\"vector_us\":\"fast\""), "entries[0].vector_us"},
                {good.replace("\"dtype\":\"f32\"", "\"dtype\":\"bf16\""), "ND4J is no candidate"},
                {good.replace("\"dtype\":\"f32\"", "\"dtype\":\"i8\""), "entries[0].dtype"},
                {good.replace("\"cores\":", "\"cores\":0,\"x\":"), "machine.cores"},
                {good.replace("}]}", "},{\"dtype\":\"f32\",\"rows\":5,\"cols\":7,\"tokens\":1,\"vector_us\":1.0,\"nd4j_us\":2.0,\"path\":\"vector\"}]}"),
                        "entries[1]: a second entry"},
                {good.replace("\"entries\":", "\"model_check\":{\"tokens\":512,\"vector_ms\":-3,\"auto_ms\":2},\"entries\":"),
                        "model_check.vector_ms"},
        };
        assertTrue(good.contains("\"path\":\"vector\""), good);
        for (String[] c : cases) {
            Path f = dir.resolve("bad.json");
            Files.writeString(f, c[0]);
            DispatchTable.DispatchTableException ex = assertThrows(DispatchTable.DispatchTableException.class,
                    () -> DispatchTable.read(f), c[1]);
            assertTrue(ex.getMessage().contains(f.toString()) && ex.getMessage().contains(c[1]),
                    "expected the file and '" + c[1] + "' in: " + ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        }
        assertThrows(DispatchTable.DispatchTableException.class, () -> DispatchTable.read(dir.resolve("missing.json")));
    }

    @Test
    void autoIgnoresABadTableWithAWarningAndUsesVector() throws Exception {
        Files.writeString(tableFile(), "{\"schema\": \"taipan-kernel-dispatch/1\", \"machine\": ");
        assertNull(Kernels.dispatchTable());
        String status = Kernels.dispatchStatus();
        assertTrue(status.contains(tableFile().toString()) && status.contains("ignored"), status);
        assertEquals(VectorF32Matrix.class, Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.AUTO).getClass());
    }

    @Test
    void autoIgnoresATableFromAnotherMachine() {
        DispatchTable.Machine here = DispatchTable.Machine.current();
        new DispatchTable(new DispatchTable.Machine(here.cpu() + " (other)", here.cores(), here.kernelThreads()),
                List.of(e(DType.F32, 2, 3, 1, 9.0, 1.0))).write(tableFile());
        assertNull(Kernels.dispatchTable());
        assertTrue(Kernels.dispatchStatus().contains("measured on"), Kernels.dispatchStatus());
        assertEquals(VectorF32Matrix.class, Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.AUTO).getClass());
    }

    @Test
    void absentTableMeansVector() {
        assertNull(Kernels.dispatchTable());
        assertTrue(Kernels.dispatchStatus().startsWith("no dispatch table"), Kernels.dispatchStatus());
        assertEquals(Kernels.Path.VECTOR, Matrices.planned(DType.F32, 2, 3, 64, Kernels.Path.AUTO));
    }

    @Test
    void autoFollowsTheTableAndForcedPathsStayForced() {
        int[][] shapes = {{37, 53}, {65, 17}};
        splitTable(shapes).write(tableFile());
        assertTrue(Kernels.dispatchStatus().contains("2 measured products") || Kernels.dispatchStatus().contains("4 measured"),
                Kernels.dispatchStatus());
        Random rnd = new Random(3);
        for (int[] s : shapes) {
            float[] w = MatrixPathsTest.randomWeights(rnd, s[0] * s[1]);
            Matrix auto = Matrices.of(w, s[0], s[1], DType.F32, Kernels.Path.AUTO);
            assertInstanceOf(DispatchMatrix.class, auto);
            for (int t : new int[] {1, 2, 3, 4, 5, 7, 13}) {
                Kernels.Path expect = t < 4 ? Kernels.Path.VECTOR : Kernels.Path.ND4J;
                assertEquals(expect, auto.pathFor(t), "T=" + t);
                assertEquals(expect, Matrices.planned(DType.F32, s[0], s[1], t, Kernels.Path.AUTO), "planned T=" + t);
                checkAgainstReference(auto, w, rnd, t);
            }
            // forced paths ignore the table
            assertEquals(VectorF32Matrix.class, Matrices.of(w, s[0], s[1], DType.F32, Kernels.Path.VECTOR).getClass());
            assertEquals(ScalarMatrix.class, Matrices.of(w, s[0], s[1], DType.F32, Kernels.Path.SCALAR).getClass());
            assertEquals(Kernels.Path.VECTOR, Matrices.planned(DType.F32, s[0], s[1], 64, Kernels.Path.VECTOR));
            // half storage: no ND4J candidate, the table's F32 verdicts do not apply
            assertEquals(VectorHalfMatrix.class, Matrices.of(w, s[0], s[1], DType.BF16, Kernels.Path.AUTO).getClass());
        }
        // a shape the table does not know: vector
        assertEquals(VectorF32Matrix.class, Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.AUTO).getClass());
        // a table that says vector everywhere does not stop a forced nd4j
        new DispatchTable(DispatchTable.Machine.current(), List.of(e(DType.F32, 2, 3, 1, 1.0, 9.0))).write(tableFile());
        assertEquals("Nd4jMatrix", Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.ND4J).getClass().getSimpleName());
        assertEquals(VectorF32Matrix.class, Matrices.of(new float[6], 2, 3, DType.F32, Kernels.Path.AUTO).getClass());
    }

    /** ND4J is chosen only when at least 10% faster; a file that claims it on less is refused, naming the rule. */
    @Test
    void nd4jNeedsAMargin() throws Exception {
        assertEquals(Kernels.Path.VECTOR, e(DType.F32, 768, 1536, 256, 3270.2, 3259.1).path());   // §19's coin flip
        assertEquals(Kernels.Path.VECTOR, e(DType.F32, 768, 1536, 256, 1000.0, 900.5).path());
        assertEquals(Kernels.Path.ND4J, e(DType.F32, 768, 1536, 256, 1000.0, 899.5).path());
        DispatchTable t = new DispatchTable(new DispatchTable.Machine("cpu x", 2, 2),
                List.of(e(DType.F32, 768, 1536, 256, 1000.0, 899.5)));
        Path f = dir.resolve("margin.json");
        t.write(f);
        Files.writeString(f, Files.readString(f).replace("899.5", "950.0"));   // "nd4j" kept on a 5% lead
        DispatchTable.DispatchTableException x = assertThrows(DispatchTable.DispatchTableException.class, () -> DispatchTable.read(f));
        assertTrue(x.getMessage().contains("at least 10% faster"), x.getMessage());
    }

    @Test
    void calibrationMeasuresBothPathsAndWritesAValidTable() {
        List<KernelCalibration.Shape> shapes = List.of(new KernelCalibration.Shape(33, 17), new KernelCalibration.Shape(5, 70));
        DispatchTable t = KernelCalibration.measure(shapes, DType.F32, new int[] {1, 8}, 2_000_000L, null);
        assertEquals(4, t.entries().size());
        for (DispatchTable.Entry x : t.entries()) {
            assertTrue(x.vectorMicros() > 0 && x.nd4jMicros() > 0, x.toString());
            assertEquals(x.nd4jMicros() < 0.9 * x.vectorMicros() ? Kernels.Path.ND4J : Kernels.Path.VECTOR, x.path(), x.toString());
        }
        Path f = tableFile();
        KernelCalibration.writeMerged(f, t);
        assertEquals(t.entries(), DispatchTable.read(f).entries());
        // a second calibration (other shape, BF16) is merged into the same file
        DispatchTable h = KernelCalibration.measure(List.of(new KernelCalibration.Shape(19, 23)), DType.BF16, new int[] {1}, 1_000_000L, null);
        assertTrue(Double.isNaN(h.entries().get(0).nd4jMicros()));
        assertEquals(Kernels.Path.VECTOR, h.entries().get(0).path());
        DispatchTable merged = KernelCalibration.writeMerged(f, h);
        assertEquals(5, merged.entries().size());
        assertEquals(merged.entries(), DispatchTable.read(f).entries());
        assertTrue(Kernels.dispatchStatus().contains("5 measured products"), Kernels.dispatchStatus());
    }

    /** The product against MatrixPathsTest's double reference loop over the original weights. */
    private static void checkAgainstReference(Matrix m, float[] w, Random rnd, int tokens) {
        double[] ref = new double[w.length];
        for (int i = 0; i < w.length; i++) ref[i] = w[i];
        MatrixPathsTest.check(m, ref, rnd, tokens);
    }

    private static List<String> list(Path d) {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
