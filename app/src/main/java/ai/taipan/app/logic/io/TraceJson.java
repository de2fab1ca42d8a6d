package ai.taipan.app.logic.io;

import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.MambaEvent;
import ai.taipan.engine.trace.Tracer.SalEvent;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the JSON that {@link Trace#toJson()} writes back into a Trace (session files, trace
 * exports), failing with the field at fault.
 */
public final class TraceJson {
    private TraceJson() {}

    public static Trace read(JsonNode root) {
        Trace t = new Trace();
        for (JsonNode id : req(root, "ids", "trace")) t.addIds(id.asInt());
        for (JsonNode l : req(root, "sal", "trace")) {
            int layer = req(l, "layer", "sal").asInt();
            JsonNode pos = req(l, "positions", "sal"), sc = req(l, "scores", "sal"), sel = req(l, "selected", "sal"),
                    al = req(l, "alpha", "sal"), keys = req(l, "keys", "sal"), w = req(l, "weights", "sal");
            int n = pos.size();
            if (sc.size() != n || sel.size() != n || al.size() != n || keys.size() != n || w.size() != n) {
                throw new IllegalArgumentException("trace: sal layer " + layer + ": arrays differ in length");
            }
            for (int i = 0; i < n; i++) {
                int[] k = new int[keys.get(i).size()];
                for (int j = 0; j < k.length; j++) k[j] = keys.get(i).get(j).asInt();
                float[][] ww = new float[w.get(i).size()][];
                for (int h = 0; h < ww.length; h++) {
                    ww[h] = new float[w.get(i).get(h).size()];
                    for (int j = 0; j < ww[h].length; j++) ww[h][j] = (float) w.get(i).get(h).get(j).asDouble();
                }
                t.sal(new SalEvent(layer, pos.get(i).asInt(), (float) sc.get(i).get(0).asDouble(),
                        (float) sc.get(i).get(1).asDouble(), sel.get(i).asBoolean(), (float) al.get(i).asDouble(), k, ww));
            }
        }
        for (JsonNode l : req(root, "mamba2", "trace")) {
            int layer = req(l, "layer", "mamba2").asInt();
            JsonNode pos = req(l, "positions", "mamba2"), norms = req(l, "state_norms", "mamba2");
            if (pos.size() != norms.size()) throw new IllegalArgumentException("trace: mamba2 layer " + layer + ": arrays differ in length");
            for (int i = 0; i < pos.size(); i++) {
                float[] n = new float[norms.get(i).size()];
                for (int h = 0; h < n.length; h++) n[h] = (float) norms.get(i).get(h).asDouble();
                t.mamba(new MambaEvent(layer, pos.get(i).asInt(), n));
            }
        }
        return t;
    }

    private static JsonNode req(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) throw new IllegalArgumentException(where + ": '" + field + "' is missing");
        return n;
    }
}
