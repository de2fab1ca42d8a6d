package ai.taipan.app.logic.io;

import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.SamplingSettings;
import ai.taipan.app.model.SessionDocument;
import ai.taipan.app.model.SessionDocument.ModelRef;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.engine.format.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Session files: JSON {"format":"taipan-workbench-session","version":1, "models":[…], "prompt",
 * "sampling":{…}, "compare_text", "generation":{…, "trace":{Trace JSON}}, "sweep":[…],
 * "accuracy":[…]}, written atomically (temp file + rename). Reading fails with a message that
 * names the file and the field.
 */
public final class SessionStore {
    public static final String FORMAT = "taipan-workbench-session";
    public static final int VERSION = 1;

    private SessionStore() {}

    public static void save(Path file, SessionDocument d) { Json.write(file, toJson(d)); }

    public static SessionDocument load(Path file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable JSON file: " + firstLine(e.getMessage()), e);
        }
        try {
            return fromJson(root);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode toJson(SessionDocument d) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        ArrayNode models = o.putArray("models");
        for (ModelRef m : d.models()) {
            ObjectNode n = models.addObject();
            n.put("slot", m.slot());
            n.put("name", m.name());
            if (m.folder() != null) n.put("folder", m.folder());
            if (m.randomSeed() != null) n.put("random_seed", m.randomSeed());
            if (m.configJson() != null) n.put("config", m.configJson());
            if (m.salAttentionOff()) n.put("sal_attention_off", true);
        }
        o.put("prompt", d.prompt());
        SamplingSettings s = d.sampling();
        ObjectNode sn = o.putObject("sampling");
        sn.put("temperature", s.temperature());
        sn.put("top_k", s.topK());
        sn.put("top_p", s.topP());
        sn.put("seed", s.seed());
        sn.put("max_tokens", s.maxTokens());
        o.put("compare_text", d.compareText());
        GenerationRun g = d.generation();
        if (g != null) {
            ObjectNode gn = o.putObject("generation");
            gn.put("model", g.modelName());
            gn.put("prompt", g.prompt());
            ArrayNode ids = gn.putArray("ids");
            for (int id : g.ids()) ids.add(id);
            ArrayNode texts = gn.putArray("token_texts");
            g.tokenTexts().forEach(texts::add);
            gn.put("prompt_tokens", g.promptTokens());
            gn.put("generated_text", g.generatedText());
            gn.put("stop_reason", g.stopReason());
            gn.set("trace", g.trace().toJson());
        }
        ArrayNode sw = o.putArray("sweep");
        for (SweepPoint p : d.sweep()) {
            ObjectNode pn = sw.addObject();
            pn.put("model", p.model());
            pn.put("context_length", p.contextLength());
            pn.put("status", p.status().name());
            pn.put("prefill_seconds", p.prefillSeconds());
            pn.put("decode_seconds_per_token", p.decodeSecondsPerToken());
            pn.put("state_bytes", p.stateBytes());
            pn.put("process_bytes", p.processBytes());
            pn.put("note", p.note());
        }
        ArrayNode acc = o.putArray("accuracy");
        for (AccuracyPoint a : d.accuracy()) {
            ObjectNode an = acc.addObject();
            an.put("model", a.model());
            an.put("task", a.task());
            an.put("context_length", a.contextLength());
            an.put("accuracy", a.accuracy());
            an.put("trials", a.trials());
        }
        return o;
    }

    static SessionDocument fromJson(JsonNode o) {
        if (!o.isObject()) throw new IllegalArgumentException("not a session (a JSON object is expected)");
        if (!FORMAT.equals(o.path("format").asText())) throw new IllegalArgumentException("'format' is not \"" + FORMAT + "\"");
        int v = o.path("version").asInt(-1);
        if (v != VERSION) throw new IllegalArgumentException("'version' " + v + " is not supported (expected " + VERSION + ")");
        List<ModelRef> models = new ArrayList<>();
        for (JsonNode n : arr(o, "models")) {
            models.add(new ModelRef(text(n, "slot"), n.path("name").asText(""), n.hasNonNull("folder") ? n.get("folder").asText() : null,
                    n.hasNonNull("random_seed") ? n.get("random_seed").asLong() : null,
                    n.hasNonNull("config") ? n.get("config").asText() : null, n.path("sal_attention_off").asBoolean(false)));
        }
        JsonNode sn = o.get("sampling");
        if (sn == null || !sn.isObject()) throw new IllegalArgumentException("'sampling' is missing");
        SamplingSettings s = new SamplingSettings(num(sn, "temperature"), (int) num(sn, "top_k"), num(sn, "top_p"),
                (long) num(sn, "seed"), (int) num(sn, "max_tokens"));
        GenerationRun g = null;
        JsonNode gn = o.get("generation");
        if (gn != null && !gn.isNull()) {
            JsonNode idsN = arr(gn, "ids");
            int[] ids = new int[idsN.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = idsN.get(i).asInt();
            List<String> texts = new ArrayList<>();
            for (JsonNode t : arr(gn, "token_texts")) texts.add(t.asText());
            if (texts.size() != ids.length) throw new IllegalArgumentException("'generation.token_texts' has " + texts.size()
                    + " entries for " + ids.length + " ids");
            JsonNode tr = gn.get("trace");
            if (tr == null) throw new IllegalArgumentException("'generation.trace' is missing");
            g = new GenerationRun(gn.path("model").asText(""), gn.path("prompt").asText(""), ids, texts,
                    (int) num(gn, "prompt_tokens"), gn.path("generated_text").asText(""), TraceJson.read(tr),
                    gn.path("stop_reason").asText(""));
        }
        List<SweepPoint> sweep = new ArrayList<>();
        for (JsonNode p : o.path("sweep")) {
            SweepPoint.Status st;
            try {
                st = SweepPoint.Status.valueOf(text(p, "status"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'sweep.status' is not one of MEASURED, OUT_OF_MEMORY_PREDICTED, FAILED");
            }
            sweep.add(new SweepPoint(text(p, "model"), (long) num(p, "context_length"), st, p.path("prefill_seconds").asDouble(Double.NaN),
                    p.path("decode_seconds_per_token").asDouble(Double.NaN), p.path("state_bytes").asLong(),
                    p.path("process_bytes").asLong(), p.path("note").asText("")));
        }
        List<AccuracyPoint> acc = new ArrayList<>();
        for (JsonNode a : o.path("accuracy")) {
            // sessions written before the task was recorded ran the needle task, the only one then
            acc.add(new AccuracyPoint(text(a, "model"), a.path("task").asText("task needle"), (int) num(a, "context_length"),
                    num(a, "accuracy"), (int) num(a, "trials")));
        }
        return new SessionDocument(models, o.path("prompt").asText(""), s, o.path("compare_text").asText(""), g, sweep, acc);
    }

    private static JsonNode arr(JsonNode o, String f) {
        JsonNode n = o.get(f);
        if (n == null || !n.isArray()) throw new IllegalArgumentException("'" + f + "' is missing or not an array");
        return n;
    }

    private static String text(JsonNode o, String f) {
        JsonNode n = o.get(f);
        if (n == null || !n.isTextual()) throw new IllegalArgumentException("'" + f + "' is missing or not a string");
        return n.asText();
    }

    private static double num(JsonNode o, String f) {
        JsonNode n = o.get(f);
        if (n == null || !n.isNumber()) throw new IllegalArgumentException("'" + f + "' is missing or not a number");
        return n.asDouble();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
