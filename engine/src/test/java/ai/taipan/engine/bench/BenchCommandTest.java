package ai.taipan.engine.bench;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench JSON layout on a tiny model and a tiny sweep (fast; the figures themselves are not checked). */
class BenchCommandTest {
    @TempDir
    Path dir;

    private JsonNode run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = new CommandLine(new BenchCommand(new PrintStream(buf, true, StandardCharsets.UTF_8))).execute(args);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        return Json.mapper().readTree(dir.resolve("b.json").toFile());
    }

    @Test
    void tinyTaipanGivesEverySection() throws Exception {
        JsonNode j = run("--preset", "taipan", "--hidden-size", "32", "--layers", "7", "--state-size", "8",
                "--head-dim", "8", "--vocab", "64", "--chunk-size", "16", "--window", "32", "--attention-heads", "2",
                "--decode-tokens", "4", "--prefill", "16,40", "--sweep", "64,100", "--sweep-decode", "2",
                "--repeat", "1", "--probe-mb", "16", "--probe-ms", "10", "--dtype", "bf16", "--json", dir.resolve("b.json").toString());
        assertEquals(BenchCommand.SCHEMA, j.get("schema").asText());
        assertTrue(j.get("complete").asBoolean());
        for (String f : List.of("cores", "kernel_threads", "cpu", "java", "max_heap_bytes")) assertTrue(j.get("machine").has(f), f);
        JsonNode hw = j.get("hardware");
        assertTrue(hw.get("read_gb_per_s").asDouble() > 0 && hw.get("fma_gflops").asDouble() > 0);
        assertEquals(16L << 20, hw.get("buffer_bytes").asLong());
        // the reported bandwidth is the best of the stream patterns tried, and names which one it was
        JsonNode bys = hw.get("read_gb_per_s_by_streams");
        assertEquals(3, bys.size());
        double best = 0;
        for (String k : List.of("1", "2", "4")) best = Math.max(best, bys.get(k).asDouble());
        assertEquals(best, hw.get("read_gb_per_s").asDouble(), 0.0);
        assertEquals(best, bys.get(hw.get("read_streams_per_thread").asText()).asDouble(), 0.0);

        JsonNode m = j.get("model");
        assertEquals("preset:taipan", m.get("source").asText());
        assertEquals("bf16", m.get("dtype").asText());
        assertEquals(7, m.get("config").get("layer_types").size());
        assertTrue(m.get("parameters").asLong() > 0);
        assertTrue(m.get("weight_bytes_per_token").asLong() > 0);

        // warm-up until the JIT is quiet: between 2 and WARMUP_MAX_ROUNDS rounds, and a last round that ends it
        JsonNode w = j.get("warmup");
        int rounds = w.get("rounds").asInt();
        assertTrue(rounds >= 2 && rounds <= BenchCommand.WARMUP_MAX_ROUNDS, w.toString());
        assertTrue(rounds == BenchCommand.WARMUP_MAX_ROUNDS || w.get("last_round_jit_share").asDouble() < BenchCommand.WARMUP_QUIET_SHARE, w.toString());

        JsonNode d = j.get("decode");
        assertEquals(4, d.get("tokens").asInt());
        assertTrue(d.get("tokens_per_s").asDouble() > 0);
        assertEquals(d.get("tokens_per_s").asDouble() / d.get("roofline_tokens_per_s").asDouble(),
                d.get("ratio_to_roofline").asDouble(), 1e-9);
        // the roofline is the bandwidth read beside the runs (one reading per run; their median), per weight byte
        assertEquals(1, d.get("runs_read_gb_per_s").size());
        assertEquals(1, d.get("runs_jit_ms").size());
        double bw = d.get("runs_read_gb_per_s").get(0).asDouble();
        assertTrue(bw > 0);
        assertEquals(bw, d.get("read_gb_per_s").asDouble(), 0.0);
        assertEquals(bw * 1e9 / m.get("weight_bytes_per_token").asLong(), d.get("roofline_tokens_per_s").asDouble(), 1e-6);
        assertEquals(d.get("ratio_to_roofline").asDouble(), d.get("runs_ratio_to_roofline").get(0).asDouble(), 1e-9);
        // heap bytes per token, and the verdict drawn from them
        double alloc = d.get("allocated_bytes_per_token").asDouble();
        assertTrue(alloc >= 0);
        assertEquals(alloc > BenchCommand.BOXED_MARGIN_BYTES, d.get("kernels_boxed").asBoolean());

        JsonNode pp = j.get("prefill");
        assertEquals(2, pp.size());
        assertEquals(16, pp.get(0).get("tokens").asInt());
        assertEquals(40, pp.get(1).get("tokens").asInt());
        assertEquals("last position only", pp.get(0).get("logits").asText());
        assertEquals(1, pp.get(0).get("warmup_runs").asInt());
        assertTrue(pp.get(1).get("ratio_to_roofline").asDouble() > 0);
        // a prefill allocates at least its returned logits (4·vocab bytes) spread over its tokens
        assertTrue(pp.get(0).get("allocated_bytes_per_token").asDouble() >= 4.0 * 64 / 16);

        JsonNode sw = j.get("sweep");
        assertEquals(2, sw.size());
        for (JsonNode row : sw) {
            assertEquals("ok", row.get("status").asText());
            assertTrue(row.get("prefill_seconds").asDouble() > 0);
            assertTrue(row.get("decode_ms_per_token").asDouble() > 0);
            assertTrue(row.get("state_bytes").asLong() > 0);
            assertTrue(row.has("peak_rss_bytes") && row.has("predicted_bytes"));
        }
        // a Taipan session's state is bounded (SAL ring ≤ window, Mamba-2 constant): same bytes at 64 and 100
        assertEquals(sw.get(0).get("state_bytes").asLong(), sw.get(1).get("state_bytes").asLong());
    }

    /** The allocation counter the bench reads sees an allocation of known size made between two readings. */
    @Test
    void allocatedBytesCountsAKnownAllocation() {
        long before = BenchCommand.allocatedBytes();
        org.junit.jupiter.api.Assumptions.assumeTrue(before >= 0, "this JVM keeps no per-thread allocation counters");
        byte[][] keep = new byte[10][];
        for (int i = 0; i < keep.length; i++) keep[i] = new byte[1 << 20];
        long grown = BenchCommand.allocatedBytes() - before;
        assertTrue(keep[9].length == 1 << 20);
        assertTrue(grown >= 10L << 20 && grown < (10L << 20) + (1 << 20), "counted " + grown + " bytes for 10 MiB");
    }

    /**
     * --calibrate on a tiny mamba2: the table lands in the configured file, holds an entry per
     * shape × token count (1, 16 capped at the chunk, the chunk), and the "kernel_dispatch" section
     * reports for every shape the path the table's verdict names.
     */
    @Test
    void calibrateWritesTheTableAndReportsTheChosenPaths() throws Exception {
        Path table = dir.resolve("cache/kernel-dispatch.json");
        String old = System.getProperty("taipan.kernels.table");
        System.setProperty("taipan.kernels.table", table.toString());
        try {
            JsonNode j = run("--preset", "mamba2", "--hidden-size", "32", "--layers", "2", "--state-size", "8",
                    "--head-dim", "8", "--vocab", "64", "--chunk-size", "8", "--decode-tokens", "2", "--prefill", "16",
                    "--sweep", "none", "--repeat", "1", "--probe-mb", "16", "--probe-ms", "10",
                    "--calibrate", "--calibrate-ms", "1", "--json", dir.resolve("b.json").toString());
            var t = ai.taipan.engine.kernel.DispatchTable.read(table);
            // shapes: in_proj (2·64 + 2·8 + 8 heads = 152) x 32, out_proj 32 x 64, tied head 64 x 32; tokens 1, 8
            assertEquals(3 * 2, t.entries().size(), t.entries().toString());
            assertEquals(6, j.get("calibration").get("entries").size());
            JsonNode kd = j.get("kernel_dispatch");
            assertEquals("auto", kd.get("requested").asText());
            assertTrue(kd.get("status").asText().contains(table.toString()), kd.toString());
            assertEquals(3, kd.get("shapes").size());
            for (JsonNode s : kd.get("shapes")) {
                var f32 = ai.taipan.engine.format.DType.F32;
                int rows = s.get("rows").asInt(), cols = s.get("cols").asInt();
                boolean follow = !t.vetoed() && t.anyNd4j(f32, rows, cols);
                String expectMatvec = follow ? t.lookup(f32, rows, cols, 1).name().toLowerCase() : "vector";
                String expectMatmul = follow ? t.lookup(f32, rows, cols, 8).name().toLowerCase() : "vector";
                assertEquals(expectMatvec, s.get("matvec").asText(), s.toString());
                assertEquals(expectMatmul, s.get("matmul").asText(), s.toString());
                assertEquals(8, s.get("matmul_tokens").asInt());
            }
            // an ND4J verdict brings the in-model check, recorded in the table and the JSON alike
            boolean anyNd4j = t.entries().stream().anyMatch(e -> e.path() == ai.taipan.engine.kernel.Kernels.Path.ND4J);
            assertEquals(anyNd4j, t.check() != null, t.entries().toString());
            assertEquals(anyNd4j, j.get("calibration").has("model_check"));
            if (anyNd4j) {
                JsonNode c = j.get("calibration").get("model_check");
                assertEquals(16, c.get("tokens").asInt());                  // two prefill blocks of chunk 8
                assertEquals(t.check().vectorMillis(), c.get("vector_ms").asDouble(), 0);
                assertEquals(!t.vetoed(), c.get("followed").asBoolean());
            }
            assertTrue(j.get("complete").asBoolean());
        } finally {
            if (old == null) System.clearProperty("taipan.kernels.table");
            else System.setProperty("taipan.kernels.table", old);
        }
    }

    @Test
    void aContextThatCannotFitIsPredictedNotRun() throws Exception {
        JsonNode j = run("--preset", "transformer", "--hidden-size", "32", "--layers", "2", "--vocab", "64",
                "--chunk-size", "16", "--attention-heads", "2", "--decode-tokens", "2", "--prefill", "16",
                "--sweep", "64,1M,4M", "--sweep-decode", "1", "--repeat", "1", "--probe-mb", "16", "--probe-ms", "10",
                "--memory-limit", "256M", "--json", dir.resolve("b.json").toString());
        JsonNode sw = j.get("sweep");
        assertEquals("ok", sw.get(0).get("status").asText());
        // 1M tokens: 2 rings of 2^20 × (2·32 floats + 1 int), ×1.5 while doubling ≈ 0.8 GB > 90% of 256 MiB
        assertEquals("out_of_memory", sw.get(1).get("status").asText());
        assertTrue(sw.get(1).get("message").asText().startsWith("out of memory at 1048576"), sw.get(1).toString());
        assertFalse(sw.get(1).has("prefill_seconds"));
        assertEquals("out_of_memory", sw.get(2).get("status").asText());
    }

    @Test
    void stateGrowthPrediction() {
        ModelConfig.Builder b = ModelConfig.builder();
        b.hiddenSize = 32;
        b.layerTypes = List.of(LayerType.MAMBA2, LayerType.ATTENTION, LayerType.SELECTIVE_ATTENTION);
        b.numAttentionHeads = 2;
        b.intermediateSize = 64;
        b.slidingWindow = 100;
        ModelConfig c = b.build();
        long perEntry = 2L * 32 * 4 + 4;
        // 1000 tokens: the attention ring has doubled from 256 to 1024 entries (×1.5 while copying);
        // the SAL ring (window 100) was allocated whole with the session; Mamba-2 adds nothing
        assertEquals((long) (1024 * perEntry * 1.5), BenchCommand.predictStateGrowth(c, 1000));
        assertEquals(256 * perEntry, BenchCommand.predictStateGrowth(c, 10));
        assertEquals((long) ((1L << 18) * perEntry * 1.5), BenchCommand.predictStateGrowth(c, 200_000));
        // a window beyond the preallocation limit grows too, up to the window
        b.slidingWindow = 100_000;
        b.layerTypes = List.of(LayerType.SELECTIVE_ATTENTION);
        assertEquals((long) (100_000 * perEntry * 1.5), BenchCommand.predictStateGrowth(b.build(), 1_000_000));
    }
}
