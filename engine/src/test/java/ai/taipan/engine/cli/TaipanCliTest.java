package ai.taipan.engine.cli;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.model.Mode;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.TaipanModel;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI run in-process with captured streams: each command end to end, and every error as one line. */
class TaipanCliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) { }

    static Run run(Object... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] a = Stream.of(args).map(String::valueOf).toArray(String[]::new);
        int code = TaipanCli.execute(new PrintWriter(out), new PrintWriter(err), a);
        return new Run(code, out.toString(), err.toString());
    }

    static Path reference(String name) {
        try {
            return Path.of(TaipanCliTest.class.getResource("/reference/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Exit non-zero with exactly one line "taipan: …" on stderr containing every fragment, no stack trace. */
    static String fails(Run r, String... fragments) {
        assertNotEquals(0, r.code(), "exit status; stdout: " + r.out());
        String e = r.err();
        assertTrue(e.startsWith("taipan: "), () -> "stderr: " + e);
        assertEquals(1, e.lines().count(), () -> "more than one line on stderr:\n" + e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), () -> "looks like a stack trace: " + e);
        for (String f : fragments) assertTrue(e.contains(f), () -> "'" + f + "' missing from: " + e);
        return e;
    }

    private Path initTiny(String name, Object... extra) {
        Path m = dir.resolve(name);
        Object[] base = {"init", "--preset", "taipan", "--hidden-size", 32, "--layers", 7, "--vocab", 64,
                "--num-attention-heads", 2, "--window", 4, "--chunk-size", 4, "--seed", 5, "--out", m};
        Object[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray();
        Run r = run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("7 layers (MMMMMMS)"), r.out());
        return m;
    }

    // ------------------------------------------------------------------ init + logits

    @Test
    void initThenLogitsRoundTripAgainstTheModel() {
        Path m = initTiny("m");
        ModelConfig c = ModelConfig.read(m.resolve("config.json"));
        assertEquals(64, c.vocabSize);
        assertEquals("MMMMMMS", c.scheduleString());
        assertEquals("bytes", c.tokenizer.get("type").asText());
        assertEquals(4, c.slidingWindow);
        TaipanModel model = TaipanModel.load(m);
        int[] ids = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        for (Mode mode : Mode.values()) {
            Path out = dir.resolve("logits-" + mode + ".safetensors");
            Run r = run("logits", "--model", m, "--ids", "3,1,4,1,5,9,2,6,5,3", "--mode", mode.name().toLowerCase(), "--out", out);
            assertEquals(0, r.code(), r.err());
            try (SafeTensors st = SafeTensors.open(out)) {
                assertEquals(List.of("logits"), st.names());
                assertEquals(DType.F32, st.dtype("logits"));
                assertArrayEquals(new long[]{ids.length, 64}, st.shape("logits"));
                assertArrayEquals(model.logits(ids, mode), st.readFloats("logits"));
            }
        }
    }

    @Test
    void initIsReproducibleStoresTheDtypeAndRefusesToOverwrite() throws IOException {
        Path a = initTiny("a"), b = initTiny("b");
        assertArrayEquals(Files.readAllBytes(a.resolve("model.safetensors")), Files.readAllBytes(b.resolve("model.safetensors")));
        fails(run("init", "--preset", "mamba2", "--seed", 1, "--out", a), "already holds a model", "--force");
        Path bf = initTiny("bf", "--dtype", "bf16");
        try (SafeTensors st = SafeTensors.open(bf.resolve("model.safetensors"))) {
            assertEquals(DType.BF16, st.dtype("backbone.embeddings.weight"));
        }
        assertEquals(0, run("init", "--preset", "mamba2", "--layers", 2, "--seed", 1, "--out", a, "--force").code());
        assertEquals("MM", ModelConfig.read(a.resolve("config.json")).scheduleString());
        TaipanModel.load(bf); // loads back
    }

    @Test
    void initMakesEveryPreset() {
        for (String p : List.of("taipan", "mamba2", "transformer", "jamba", "swa_hybrid")) {
            Path m = dir.resolve(p);
            Run r = run("init", "--preset", p, "--hidden-size", 32, "--layers", 7, "--seed", 1, "--out", m);
            assertEquals(0, r.code(), r.err());
            TaipanModel model = TaipanModel.load(m);
            assertEquals(7, model.config().numLayers());
            assertEquals(64, model.logits(new int[]{1, 2, 3, 4}, Mode.PARALLEL).length / 4 / 4); // vocab 256
        }
    }

    // ------------------------------------------------------------------ generate

    @Test
    void generateIsDeterministicWithASeedAndGreedyMatchesTheReference() throws IOException {
        Path m = reference("taipan-tiny");
        int[] ids;
        int[] greedy;
        try (SafeTensors e = SafeTensors.open(m.resolve("expected.safetensors"))) {
            ids = e.readInts("input_ids");
            greedy = e.readInts("greedy_ids");
        }
        StringBuilder prompt = new StringBuilder();
        for (int id : ids) prompt.append((char) id);
        StringBuilder expected = new StringBuilder();
        for (int id : greedy) expected.append((char) id);

        Run g = run("generate", "--model", m, "--prompt", prompt, "--temperature", 0, "--max-tokens", greedy.length);
        assertEquals(0, g.code(), g.err());
        assertEquals(expected + System.lineSeparator(), g.out());
        assertTrue(g.err().contains("26 prompt tokens") && g.err().contains("stopped: max tokens"), g.err());

        // the same prompt given as token ids: the same greedy continuation; --prompt and --ids exclude each other
        StringBuilder idList = new StringBuilder();
        for (int id : ids) idList.append(idList.length() == 0 ? "" : ",").append(id);
        Run byIds = run("generate", "--model", m, "--ids", idList, "--temperature", 0, "--max-tokens", greedy.length);
        assertEquals(0, byIds.code(), byIds.err());
        assertEquals(g.out(), byIds.out());
        Run both = run("generate", "--model", m, "--ids", idList, "--prompt", prompt);
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("taipan: ") && both.err().contains("mutually exclusive"), both.err());

        Run a = run("generate", "--model", m, "--prompt", prompt, "--max-tokens", 40, "--seed", 7, "--top-p", 0.9);
        Run b = run("generate", "--model", m, "--prompt", prompt, "--max-tokens", 40, "--seed", 7, "--top-p", 0.9, "-q");
        Run c = run("generate", "--model", m, "--prompt", prompt, "--max-tokens", 40, "--seed", 8, "--top-p", 0.9);
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        assertNotEquals(a.out(), c.out());
        assertEquals(41, a.out().length() - System.lineSeparator().length() + 1); // 40 one-byte tokens
        assertTrue(a.err().contains("seed 7"), a.err());
        assertEquals("", b.err());

        Run stop = run("generate", "--model", m, "--prompt", prompt, "--temperature", 0, "--stop", "\\/");
        assertEquals("\\\\" + System.lineSeparator(), stop.out());
        assertTrue(stop.err().contains("stopped: stop string"), stop.err());
    }

    @Test
    void stopEscapes() {
        assertEquals("a\nb\t\\c\\x", GenerateCommand.unescape("a\\nb\\t\\\\c\\x"));
    }

    // ------------------------------------------------------------------ trace

    @Test
    void traceMatchesTheSchemaAndTheReferenceSelection() throws IOException {
        Path m = reference("taipan-tiny");
        Path out = dir.resolve("t/trace.json");
        int[] ids;
        try (SafeTensors e = SafeTensors.open(m.resolve("expected.safetensors"))) {
            ids = e.readInts("input_ids");
            StringBuilder s = new StringBuilder();
            for (int id : ids) s.append(s.length() == 0 ? "" : ",").append(id);
            Run r = run("trace", "--model", m, "--ids", s, "--out", out);
            assertEquals(0, r.code(), r.err());
            JsonNode t = Json.mapper().readTree(out.toFile());
            assertEquals(ids.length, t.get("ids").size());
            for (int i = 0; i < ids.length; i++) assertEquals(ids[i], t.get("ids").get(i).asInt());

            JsonNode sal = t.get("sal");
            assertEquals(2, sal.size());
            int[] salLayers = {2, 5};
            for (int k = 0; k < 2; k++) {
                JsonNode layer = sal.get(k);
                int li = salLayers[k];
                assertEquals(li, layer.get("layer").asInt());
                int[] mask = e.readInts("layers." + li + ".sal_mask");
                float[] scores = e.readFloats("layers." + li + ".sal_scores");
                float[] alpha = e.readFloats("layers." + li + ".sal_alpha");
                assertEquals(ids.length, layer.get("scores").size());
                assertEquals(ids.length, layer.get("selected").size());
                assertEquals(ids.length, layer.get("alpha").size());
                for (int i = 0; i < ids.length; i++) {
                    assertEquals(mask[i] != 0, layer.get("selected").get(i).asBoolean(), "layer " + li + " token " + i);
                    assertTrue(layer.get("selected").get(i).isBoolean());
                    assertEquals(2, layer.get("scores").get(i).size());
                    assertEquals(scores[2 * i], layer.get("scores").get(i).get(0).asDouble(), 1e-4);
                    assertEquals(scores[2 * i + 1], layer.get("scores").get(i).get(1).asDouble(), 1e-4);
                    assertEquals(alpha[i], layer.get("alpha").get(i).asDouble(), 1e-4);
                }
            }
            JsonNode mamba = t.get("mamba2");
            int[] mambaLayers = {0, 1, 3, 4};
            assertEquals(4, mamba.size());
            for (int k = 0; k < 4; k++) {
                JsonNode layer = mamba.get(k);
                int li = mambaLayers[k];
                assertEquals(li, layer.get("layer").asInt());
                float[] norms = e.readFloats("layers." + li + ".state_norms"); // [L, H]
                JsonNode sn = layer.get("state_norms");
                assertEquals(ids.length, sn.size());
                for (int i = 0; i < ids.length; i++) {
                    assertEquals(8, sn.get(i).size());
                    for (int h = 0; h < 8; h++) {
                        double ref = norms[i * 8 + h];
                        assertEquals(ref, sn.get(i).get(h).asDouble(), 1e-4 + 1e-4 * Math.abs(ref));
                    }
                }
            }
        }
        // --prompt gives the same trace as the same bytes given as --ids
        StringBuilder prompt = new StringBuilder();
        for (int id : ids) prompt.append((char) id);
        Path out2 = dir.resolve("t/trace2.json");
        assertEquals(0, run("trace", "--model", m, "--prompt", prompt, "--out", out2).code());
        assertEquals(Json.mapper().readTree(out.toFile()), Json.mapper().readTree(out2.toFile()));
        try (Stream<Path> files = Files.list(dir.resolve("t"))) {
            assertEquals(2, files.count()); // no temp files left behind
        }
    }

    // ------------------------------------------------------------------ errors: one line, non-zero

    @Test
    void usageErrors() {
        assertEquals(2, run("logits", "--ids", "1", "--out", dir.resolve("x")).code());
        fails(run("logits", "--ids", "1", "--out", dir.resolve("x")), "--model", "taipan logits --help");
        fails(run("frobnicate"), "frobnicate");
        fails(run("generate", "--model", dir, "--prompt", "a", "--bogus"), "--bogus");
        fails(run("logits", "--model", dir, "--ids", "1", "--out", dir.resolve("x"), "--mode", "sideways"), "sideways");
        fails(run("generate", "--model", dir, "--prompt", "a", "--max-tokens", "many"), "many");
        fails(run("trace", "--model", dir, "--prompt", "a", "--ids", "1", "--out", dir.resolve("x")), "mutually exclusive");
        fails(run("trace", "--model", dir, "--out", dir.resolve("x")));
    }

    @Test
    void modelErrorsNameTheFileAndTheTensorOrField() throws IOException {
        Path missing = dir.resolve("nope");
        fails(run("generate", "--model", missing, "--prompt", "a"), missing.toString());

        Path m = initTiny("m");
        // a truncated model.safetensors: the last tensor no longer fits
        Path st = m.resolve("model.safetensors");
        String last;
        try (SafeTensors s = SafeTensors.open(st)) {
            List<SafeTensors.TensorInfo> t = s.tensors();
            last = t.get(t.size() - 1).name();
        }
        try (RandomAccessFile f = new RandomAccessFile(st.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        fails(run("logits", "--model", m, "--ids", "1,2", "--out", dir.resolve("l.safetensors")), st.toString(), last);
        assertFalse(Files.exists(dir.resolve("l.safetensors")));

        // an inconsistent config
        Path m2 = initTiny("m2");
        Path cfg = m2.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replaceFirst("\"num_heads\" : \\d+", "\"num_heads\" : 3"));
        fails(run("generate", "--model", m2, "--prompt", "a"), cfg.toString(), "num_heads");
        Files.writeString(cfg, "{ not json");
        fails(run("trace", "--model", m2, "--prompt", "a", "--out", dir.resolve("t.json")), cfg.toString());
    }

    @Test
    void argumentErrors() throws IOException {
        Path m = initTiny("m");
        Path out = dir.resolve("l.safetensors");
        fails(run("logits", "--model", m, "--ids", "1,64", "--out", out), "64", "vocab_size");
        fails(run("logits", "--model", m, "--ids", "1,x", "--out", out), "'x'");
        fails(run("logits", "--model", m, "--ids", "-3", "--out", out), "negative");
        fails(run("generate", "--model", m, "--prompt", "caf\u00e9"), "unknown token"); // 0xC3 >= vocab 64
        fails(run("generate", "--model", m, "--prompt", "a", "--temperature", -1), "temperature");
        fails(run("generate", "--model", m, "--prompt", "a", "--top-p", 0), "top-p");
        fails(run("generate", "--model", m, "--prompt", ""), "empty");
        fails(run("init", "--preset", "llama", "--seed", 1, "--out", dir.resolve("z")), "llama", "taipan, mamba2");
        fails(run("init", "--preset", "taipan", "--capacity", 2, "--seed", 1, "--out", dir.resolve("z")), "capacity");
        fails(run("init", "--preset", "mamba2", "--head-dim", 24, "--seed", 1, "--out", dir.resolve("z")), "head_dim");
        fails(run("init", "--preset", "mamba2", "--dtype", "f8", "--seed", 1, "--out", dir.resolve("z")), "f8");
        assertFalse(Files.exists(dir.resolve("z")));
        // an output that cannot be written: its parent is a file
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "x");
        fails(run("logits", "--model", m, "--ids", "1", "--out", file.resolve("l.safetensors")), "plain.txt");
    }

    @Test
    void helpAndVersion() {
        Run h = run("--help");
        assertEquals(0, h.code());
        for (String c : List.of("init", "logits", "generate", "trace")) assertTrue(h.out().contains(c), h.out());
        Run gh = run("generate", "--help");
        assertEquals(0, gh.code());
        assertTrue(gh.out().contains("--top-p") && gh.out().contains("--stop"), gh.out());
        Run none = run();
        assertEquals(0, none.code());
        assertTrue(none.out().contains("Commands:"), none.out());
        assertTrue(run("--version").out().startsWith("taipan "));
    }
}
