package ai.taipan.engine.eval;

import ai.taipan.engine.format.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** JSON and readable tables of an {@link Evaluation.Report}. */
public final class EvalReport {
    private EvalReport() {}

    /**
     * The report as JSON; {@code header} (model, settings) is copied in first.
     * Accuracies that were not measured (nothing graded) are null.
     */
    public static ObjectNode toJson(Evaluation.Report r, ObjectNode header) {
        ObjectNode o = Json.mapper().createObjectNode();
        if (header != null) o.setAll(header);
        ArrayNode text = o.putArray("text");
        for (TextScore t : r.text()) {
            ObjectNode n = text.addObject();
            n.put("context", t.context());
            n.put("windows", t.windows());
            n.put("scored_tokens", t.scoredTokens());
            n.put("bits_per_byte", t.bitsPerByte());
            n.put("seconds", t.seconds());
        }
        ArrayNode tasks = o.putArray("tasks");
        for (TaskScore t : r.tasks()) {
            ObjectNode n = tasks.addObject();
            n.put("task", t.task());
            n.put("context", t.context());
            n.put("samples", t.samples());
            n.put("answers", t.answers());
            n.put("exact", t.exact());
            putNumber(n, "exact_match", t.accuracy());
            putNumber(n, "token_accuracy", t.tokenAccuracy());
            n.put("chance", t.chance());
            ArrayNode d = n.putArray("by_distance");
            for (int b = 0; b < t.bucketAnswers().length; b++) {
                if (t.bucketAnswers()[b] == 0) continue;
                ObjectNode e = d.addObject();
                e.put("distance", TaskScore.BUCKET_LABELS[b]);
                e.put("answers", t.bucketAnswers()[b]);
                e.put("exact", t.bucketExact()[b]);
                putNumber(e, "exact_match", t.bucketAccuracy(b));
            }
            n.put("tokens", t.tokensFed());
            n.put("seconds", t.seconds());
        }
        ArrayNode sk = o.putArray("skipped");
        r.skipped().forEach(sk::add);
        o.put("tokens", r.tokens());
        o.put("seconds", r.seconds());
        o.put("tokens_per_second", r.seconds() > 0 ? r.tokens() / r.seconds() : 0);
        return o;
    }

    private static void putNumber(ObjectNode n, String k, double v) {
        if (Double.isNaN(v)) n.putNull(k); else n.put(k, v);
    }

    /** Readable tables: bits/byte per context; accuracy per task × context; accuracy by recall distance. */
    public static String table(Evaluation.Report r, String textSource, double scoredFraction) {
        StringBuilder sb = new StringBuilder();
        if (!r.text().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "held-out text: %s; last %.0f%% of each window scored%n", textSource, 100 * scoredFraction));
            sb.append(String.format(Locale.ROOT, "  %8s %8s %8s %10s%n", "context", "windows", "scored", "bits/byte"));
            for (TextScore t : r.text()) {
                sb.append(String.format(Locale.ROOT, "  %8d %8d %8d %10.4f%n", t.context(), t.windows(), t.scoredTokens(), t.bitsPerByte()));
            }
            sb.append('\n');
        }
        if (!r.tasks().isEmpty()) {
            List<Integer> contexts = new ArrayList<>();
            Map<String, Map<Integer, TaskScore>> byTask = new LinkedHashMap<>();
            for (TaskScore t : r.tasks()) {
                if (!contexts.contains(t.context())) contexts.add(t.context());
                byTask.computeIfAbsent(t.task(), k -> new LinkedHashMap<>()).put(t.context(), t);
            }
            contexts.sort(null);
            sb.append("synthetic tasks: exact match of the answer span (teacher-forced argmax, = greedy decoding)\n");
            sb.append(String.format(Locale.ROOT, "  %-10s %8s", "task", "chance"));
            for (int c : contexts) sb.append(String.format(Locale.ROOT, " %8s", contextLabel(c)));
            sb.append('\n');
            for (var e : byTask.entrySet()) {
                double chance = e.getValue().values().iterator().next().chance();
                sb.append(String.format(Locale.ROOT, "  %-10s %8.4f", e.getKey(), chance));
                for (int c : contexts) {
                    TaskScore t = e.getValue().get(c);
                    sb.append(t == null ? String.format(Locale.ROOT, " %8s", "-") : String.format(Locale.ROOT, " %8s", pct(t.accuracy())));
                }
                sb.append('\n');
            }
            sb.append("  answers graded per cell:");
            for (var e : byTask.entrySet()) {
                sb.append(' ').append(e.getKey()).append(' ');
                StringBuilder cells = new StringBuilder();
                for (TaskScore t : e.getValue().values()) cells.append(cells.length() == 0 ? "" : "/").append(t.answers());
                sb.append(cells);
            }
            sb.append("\n\n");
            sb.append("exact match by recall distance (answer − evidence, tokens; all contexts pooled; answers in parentheses)\n");
            int nb = TaskScore.BUCKET_LABELS.length;
            boolean[] used = new boolean[nb];
            Map<String, long[][]> pooled = new LinkedHashMap<>();
            for (TaskScore t : r.tasks()) {
                long[][] p = pooled.computeIfAbsent(t.task(), k -> new long[2][nb]);
                for (int b = 0; b < nb; b++) {
                    p[0][b] += t.bucketAnswers()[b];
                    p[1][b] += t.bucketExact()[b];
                    if (t.bucketAnswers()[b] > 0) used[b] = true;
                }
            }
            sb.append(String.format(Locale.ROOT, "  %-10s", "task"));
            for (int b = 0; b < nb; b++) if (used[b]) sb.append(String.format(Locale.ROOT, " %15s", TaskScore.BUCKET_LABELS[b]));
            sb.append('\n');
            for (var e : pooled.entrySet()) {
                sb.append(String.format(Locale.ROOT, "  %-10s", e.getKey()));
                long[][] p = e.getValue();
                for (int b = 0; b < nb; b++) {
                    if (!used[b]) continue;
                    String cell = p[0][b] == 0 ? "-" : pct((double) p[1][b] / p[0][b]) + " (" + p[0][b] + ")";
                    sb.append(String.format(Locale.ROOT, " %15s", cell));
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        for (String s : r.skipped()) sb.append("skipped: ").append(s).append('\n');
        sb.append(String.format(Locale.ROOT, "%d tokens in %.1f s (%.0f tokens/s)%n", r.tokens(), r.seconds(),
                r.seconds() > 0 ? r.tokens() / r.seconds() : 0));
        return sb.toString();
    }

    static String pct(double v) { return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v); }

    static String contextLabel(int c) {
        if (c >= 1024 && c % 1024 == 0) return (c / 1024) + "K";
        return Integer.toString(c);
    }
}
