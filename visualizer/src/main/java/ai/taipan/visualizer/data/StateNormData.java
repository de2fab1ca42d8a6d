package ai.taipan.visualizer.data;

import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.MambaEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SSM state norms of every mamba2 layer over a token sequence, from a {@link Trace}: for layer
 * row r, token t and head h, ‖S_h‖_F after token t (SPEC §2 mamba2 step 5; §3 the state that a
 * session carries). Pure data, immutable.
 */
public final class StateNormData {
    private final int[] layers;          // [R] layer index of each mamba2 row
    private final int[] positions;       // [T]
    private final float[][][] norms;     // [R][T][H]
    private final int heads;             // H

    private StateNormData(int[] layers, int[] positions, float[][][] norms, int heads) {
        this.layers = layers;
        this.positions = positions;
        this.norms = norms;
        this.heads = heads;
    }

    public static StateNormData from(Trace trace) {
        Map<Integer, List<MambaEvent>> m = trace.mambaLayers();
        int[] layers = new int[m.size()];
        int t = m.isEmpty() ? 0 : Integer.MAX_VALUE;
        for (List<MambaEvent> l : m.values()) t = Math.min(t, l.size());
        float[][][] norms = new float[m.size()][][];
        int[] positions = new int[t];
        int h = 0, r = 0;
        for (var e : m.entrySet()) {
            layers[r] = e.getKey();
            norms[r] = new float[t][];
            for (int i = 0; i < t; i++) {
                MambaEvent ev = e.getValue().get(i);
                norms[r][i] = ev.stateNorms().clone();
                h = Math.max(h, ev.stateNorms().length);
                if (r == 0) positions[i] = ev.position();
            }
            r++;
        }
        return new StateNormData(layers, positions, norms, h);
    }

    public static StateNormData empty() { return new StateNormData(new int[0], new int[0], new float[0][][], 0); }

    public int rowCount() { return layers.length; }
    public int tokenCount() { return positions.length; }
    public int headCount() { return heads; }
    public int layer(int row) { return layers[row]; }
    public int position(int token) { return positions[token]; }
    public float norm(int row, int token, int head) { return norms[row][token][head]; }

    /** Rows (as layer indices), for pickers. */
    public List<Integer> layerIndices() {
        List<Integer> out = new ArrayList<>();
        for (int l : layers) out.add(l);
        return out;
    }

    /** The row of a layer index, or −1. */
    public int rowOfLayer(int layer) {
        for (int i = 0; i < layers.length; i++) if (layers[i] == layer) return i;
        return -1;
    }
}
