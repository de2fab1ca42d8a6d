package ai.taipan.engine.trace;

import ai.taipan.engine.format.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Tracer} that keeps every event, grouped by layer, plus the token ids — the data the
 * CLI's {@code trace} command writes and the workbench's views draw. Not thread-safe: fill it
 * from the model thread, then hand it over.
 */
public final class Trace implements Tracer {
    private final List<Integer> ids = new ArrayList<>();
    private final Map<Integer, List<SalEvent>> sal = new TreeMap<>();
    private final Map<Integer, List<MambaEvent>> mamba = new TreeMap<>();

    /** Records the ids fed to the model, in order (prompt and generated). */
    public void addIds(int... tokenIds) {
        for (int id : tokenIds) ids.add(id);
    }

    @Override
    public void sal(SalEvent e) { sal.computeIfAbsent(e.layer(), k -> new ArrayList<>()).add(e); }

    @Override
    public void mamba(MambaEvent e) { mamba.computeIfAbsent(e.layer(), k -> new ArrayList<>()).add(e); }

    public List<Integer> ids() { return Collections.unmodifiableList(ids); }

    /** SAL events per layer index, each list in token order. */
    public Map<Integer, List<SalEvent>> salLayers() { return Collections.unmodifiableMap(sal); }

    /** Mamba-2 events per layer index, each list in token order. */
    public Map<Integer, List<MambaEvent>> mambaLayers() { return Collections.unmodifiableMap(mamba); }

    /**
     * The JSON of issue 2: {"ids":[…], "sal":[{"layer":i, "scores":[[s0,s1],…], "selected":[…],
     * "alpha":[…], "positions":[…], "keys":[[…]…], "weights":[[[…]]…]}], "mamba2":[{"layer":i,
     * "positions":[…], "state_norms":[[per head]… per token]}]}.
     */
    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode idArr = root.putArray("ids");
        ids.forEach(idArr::add);
        ArrayNode salArr = root.putArray("sal");
        sal.forEach((layer, events) -> {
            ObjectNode o = salArr.addObject();
            o.put("layer", layer);
            ArrayNode pos = o.putArray("positions"), scores = o.putArray("scores"), sel = o.putArray("selected"),
                    alpha = o.putArray("alpha"), keys = o.putArray("keys"), weights = o.putArray("weights");
            for (SalEvent e : events) {
                pos.add(e.position());
                ArrayNode s = scores.addArray();
                s.add(e.score0());
                s.add(e.score1());
                sel.add(e.selected());
                alpha.add(e.alpha());
                ArrayNode k = keys.addArray();
                for (int p : e.keyPositions()) k.add(p);
                ArrayNode w = weights.addArray();
                for (float[] head : e.weights()) {
                    ArrayNode hw = w.addArray();
                    for (float x : head) hw.add(x);
                }
            }
        });
        ArrayNode mArr = root.putArray("mamba2");
        mamba.forEach((layer, events) -> {
            ObjectNode o = mArr.addObject();
            o.put("layer", layer);
            ArrayNode pos = o.putArray("positions"), norms = o.putArray("state_norms");
            for (MambaEvent e : events) {
                pos.add(e.position());
                ArrayNode n = norms.addArray();
                for (float x : e.stateNorms()) n.add(x);
            }
        });
        return root;
    }
}
