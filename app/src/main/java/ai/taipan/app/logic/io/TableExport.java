package ai.taipan.app.logic.io;

import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.engine.format.AtomicFiles;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.trace.Trace;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Tables and traces to CSV / JSON files, atomically. CSV: RFC 4180 quoting, '.' decimals. */
public final class TableExport {
    private TableExport() {}

    public static void traceJson(Path file, Trace trace) { Json.write(file, trace.toJson()); }

    public static String sweepCsv(List<SweepPoint> points) {
        StringBuilder sb = new StringBuilder("model,context_length,status,prefill_seconds,decode_seconds_per_token,state_bytes,process_bytes,note\n");
        for (SweepPoint p : points) {
            sb.append(quote(p.model())).append(',').append(p.contextLength()).append(',').append(p.status()).append(',')
                    .append(num(p.prefillSeconds())).append(',').append(num(p.decodeSecondsPerToken())).append(',')
                    .append(p.stateBytes()).append(',').append(p.processBytes()).append(',').append(quote(p.note())).append('\n');
        }
        return sb.toString();
    }

    public static String lossCsv(List<String> tokenTexts, double[] lossA, double[] lossB) {
        StringBuilder sb = new StringBuilder("position,next_token,loss_a,loss_b,difference_b_minus_a\n");
        for (int t = 0; t < lossA.length; t++) {
            sb.append(t + 1).append(',').append(quote(tokenTexts.get(t + 1))).append(',').append(num(lossA[t])).append(',')
                    .append(num(lossB[t])).append(',').append(num(lossB[t] - lossA[t])).append('\n');
        }
        return sb.toString();
    }

    public static String accuracyCsv(List<AccuracyPoint> points) {
        StringBuilder sb = new StringBuilder("model,task,context_length,accuracy,trials\n");
        for (AccuracyPoint p : points) {
            sb.append(quote(p.model())).append(',').append(quote(p.task())).append(',').append(p.contextLength()).append(',').append(num(p.accuracy()))
                    .append(',').append(p.trials()).append('\n');
        }
        return sb.toString();
    }

    public static void write(Path file, String text) { AtomicFiles.writeString(file, text); }

    static String num(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v); }

    static String quote(String s) {
        if (s == null) return "";
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") || s.startsWith(" ") || s.endsWith(" ")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
