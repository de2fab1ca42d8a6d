package ai.taipan.engine.eval;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.TaipanModel;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ai.taipan.engine.cli.TaipanCli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class EvalCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) { }

    private Run eval(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "eval";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = TaipanCli.execute(new PrintWriter(out), new PrintWriter(err), full);
        return new Run(code, out.toString(), err.toString());
    }

    private Path saveTinyModel() {
        TaipanModel m = EvaluatorTest.tinyModel(5);
        Path folder = dir.resolve("tiny");
        m.config().write(folder.resolve("config.json"));
        m.weights().save(folder.resolve("model.safetensors"), DType.F32);
        return folder;
    }

    @Test
    void writesTablesAndJson() throws Exception {
        Path model = saveTinyModel();
        Path text = dir.resolve("text.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) sb.append("And the evening and the morning were day ").append(i).append(".\n");
        Files.writeString(text, sb.toString());
        Path json = dir.resolve("out/eval.json");
        Run r = eval("--model", model.toString(), "--text", text.toString(), "--text-contexts", "64,256,100000",
                "--text-windows", "2", "--task-contexts", "100,300", "--samples", "2", "--out", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("bits/byte"), r.out());
        assertTrue(r.out().contains("mqar") && r.out().contains("phonebook") && r.out().contains("needle"), r.out());
        assertTrue(r.out().contains("skipped: text at context 100000"), r.out());
        assertTrue(r.out().contains("skipped: phonebook at context 100"), "below phonebook's minimum of 144: " + r.out());
        assertTrue(r.err().contains("at most"), "planned cost is printed first: " + r.err());

        JsonNode j = Json.mapper().readTree(json.toFile());
        assertEquals(2, j.get("text").size());
        for (JsonNode t : j.get("text")) {
            double bpb = t.get("bits_per_byte").asDouble();
            assertTrue(bpb > 4 && bpb < 12, "a random model is near 8 bits/byte: " + bpb);
        }
        assertEquals(64, j.get("text").get(0).get("context").asInt());
        assertEquals(2 * 16, j.get("text").get(0).get("scored_tokens").asInt());
        assertEquals(3 * 2 - 1, j.get("tasks").size());
        for (JsonNode t : j.get("tasks")) {
            assertEquals(2, t.get("samples").asInt());
            assertTrue(t.get("answers").asLong() > 0);
            assertTrue(t.get("by_distance").size() > 0);
        }
        assertEquals("MS", j.get("layers").asText());
        assertEquals(24, j.get("sliding_window").asInt());
        assertEquals("validation", j.get("settings").get("split").asText());
    }

    @Test
    void salOffIsAnAblationRecordedInTheOutput() throws Exception {
        Path model = saveTinyModel();
        Path on = dir.resolve("on.json"), off = dir.resolve("off.json");
        String[] common = {"--model", model.toString(), "--task", "mqar", "--task-contexts", "200", "--samples", "2"};
        Run a = eval(concat(common, "--out", on.toString()));
        Run b = eval(concat(common, "--sal-off", "--out", off.toString()));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("ABLATION --sal-off") && !a.out().contains("ABLATION"), b.out());
        JsonNode ja = Json.mapper().readTree(on.toFile()), jb = Json.mapper().readTree(off.toFile());
        assertTrue(jb.get("sal_attention").asText().startsWith("off") && !ja.has("sal_attention"), jb.toString());
        // the same examples, graded by a different model (the random tiny SAL selects tokens: logits differ)
        assertEquals(ja.get("tasks").get(0).get("answers").asLong(), jb.get("tasks").get(0).get("answers").asLong());
        // a model without a SAL is refused, naming the option
        ModelConfig.Builder mb = ModelConfig.builder();
        mb.hiddenSize = 32; mb.stateSize = 8; mb.headDim = 16; mb.chunkSize = 16;
        mb.layerTypes = java.util.List.of(ai.taipan.engine.model.LayerType.MAMBA2);
        ModelConfig mc = mb.build();
        Path plain = dir.resolve("plain");
        mc.write(plain.resolve("config.json"));
        ai.taipan.engine.model.Weights.random(mc, 1).save(plain.resolve("model.safetensors"), DType.F32);
        Run c = eval("--model", plain.toString(), "--sal-off", "--task", "mqar", "--task-contexts", "200", "--samples", "1");
        assertNotEquals(0, c.code());
        assertTrue(c.err().contains("--sal-off") && c.err().contains("no selective_attention"), c.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void badInputsFailNamingTheCulprit() {
        Path model = saveTinyModel();
        Run missingText = eval("--model", model.toString(), "--text", dir.resolve("nope.txt").toString());
        assertNotEquals(0, missingText.code());
        assertTrue(missingText.err().contains("nope.txt"), missingText.err());
        Run missingModel = eval("--model", dir.resolve("nomodel").toString());
        assertNotEquals(0, missingModel.code());
        assertTrue(missingModel.err().contains("nomodel"), missingModel.err());
        Run badTask = eval("--model", model.toString(), "--task", "sudoku");
        assertNotEquals(0, badTask.code());
        assertTrue(badTask.err().contains("sudoku"), badTask.err());
        Run badSplit = eval("--model", model.toString(), "--split", "test");
        assertNotEquals(0, badSplit.code());
        assertTrue(badSplit.err().contains("--split"), badSplit.err());
        Run short_ = eval("--model", model.toString(), "--task", "mqar,max-distance=3");
        assertTrue(short_.err().contains("max distance"), short_.err());
        // every failure is one line
        for (Run r : new Run[]{missingText, missingModel, badTask, badSplit, short_}) {
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
