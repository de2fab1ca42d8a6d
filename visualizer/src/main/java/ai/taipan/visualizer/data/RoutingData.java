package ai.taipan.visualizer.data;

import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.SalEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gate decisions of every selective_attention layer (SPEC §2, SAL steps 1–4) over one token
 * sequence, taken from a {@link Trace}. Rows are SAL layers in schedule order, columns are tokens
 * in the order the trace saw them.
 *
 * <p>Glossary: s0, s1 — gate scores ("skip", "attend"); m — selection (s1 &gt; s0 strictly);
 * p = σ(s1 − s0) — gate probability of attending (equals α_t, the refinement weight); C — the
 * capacity, the target fraction of tokens routed to attention.
 *
 * <p>Pure data: no drawing code. Immutable.
 */
public final class RoutingData {
    private final int[] layers;                 // [R] layer index of each SAL row
    private final List<List<SalEvent>> rows;    // [R][T]
    private final int tokens;                   // T

    private RoutingData(int[] layers, List<List<SalEvent>> rows) {
        this.layers = layers;
        this.rows = rows;
        int t = rows.isEmpty() ? 0 : Integer.MAX_VALUE;
        for (List<SalEvent> r : rows) t = Math.min(t, r.size());
        this.tokens = t;
    }

    /** The SAL rows of a trace; a trace of a model without SAL layers gives zero rows. */
    public static RoutingData from(Trace trace) {
        Map<Integer, List<SalEvent>> sal = trace.salLayers();
        int[] layers = new int[sal.size()];
        List<List<SalEvent>> rows = new ArrayList<>();
        int i = 0;
        for (var e : sal.entrySet()) {
            layers[i++] = e.getKey();
            rows.add(List.copyOf(e.getValue()));
        }
        return new RoutingData(layers, List.copyOf(rows));
    }

    /** Directly from events, one list per row (tests and session files). */
    public static RoutingData of(int[] layers, List<List<SalEvent>> rows) {
        if (layers.length != rows.size()) throw new IllegalArgumentException("layers and rows differ in length");
        List<List<SalEvent>> copy = new ArrayList<>();
        for (List<SalEvent> r : rows) copy.add(List.copyOf(r));
        return new RoutingData(layers.clone(), List.copyOf(copy));
    }

    public static RoutingData empty() { return new RoutingData(new int[0], List.of()); }

    /** Number of SAL layers (rows). */
    public int rowCount() { return layers.length; }

    /** Number of tokens every row has (columns). */
    public int tokenCount() { return tokens; }

    /** Layer index (in layer_types) of a row. */
    public int layer(int row) { return layers[row]; }

    public SalEvent event(int row, int token) { return rows.get(row).get(token); }

    /** Absolute position of column {@code token} (positions continue across a session). */
    public int position(int token) { return rows.isEmpty() ? token : rows.get(0).get(token).position(); }

    /** Column of an absolute position, or −1. */
    public int tokenAt(int position) {
        if (tokens == 0) return -1;
        int t = position - position(0);
        return t >= 0 && t < tokens && position(t) == position ? t : -1;
    }

    /** p = σ(s1 − s0), computed in double from the scores (not from the reported α). */
    public double gateProbability(int row, int token) {
        SalEvent e = event(row, token);
        return sigmoid((double) e.score1() - e.score0());
    }

    /** Mean gate probability over all rows (the "all layers" colouring). */
    public double meanGateProbability(int token) {
        if (layers.length == 0) return 0;
        double s = 0;
        for (int r = 0; r < layers.length; r++) s += gateProbability(r, token);
        return s / layers.length;
    }

    public boolean selected(int row, int token) { return event(row, token).selected(); }

    /** Number of rows that selected this token. */
    public int selectedCount(int token) {
        int n = 0;
        for (int r = 0; r < layers.length; r++) if (selected(r, token)) n++;
        return n;
    }

    /** Fraction of this row's tokens that were routed to attention (compare with C). */
    public double selectedFraction(int row) {
        if (tokens == 0) return 0;
        int n = 0;
        for (int t = 0; t < tokens; t++) if (selected(row, t)) n++;
        return (double) n / tokens;
    }

    /**
     * Attention of a selected token over its keys, averaged over heads: [keys] in the order of
     * {@link SalEvent#keyPositions()}. Empty for an unselected token.
     */
    public double[] meanAttention(int row, int token) {
        SalEvent e = event(row, token);
        int k = e.keyPositions().length;
        double[] out = new double[k];                            // [keys]
        if (k == 0 || e.weights().length == 0) return out;
        for (float[] head : e.weights()) for (int j = 0; j < k; j++) out[j] += head[j];
        for (int j = 0; j < k; j++) out[j] /= e.weights().length;
        return out;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }
}
