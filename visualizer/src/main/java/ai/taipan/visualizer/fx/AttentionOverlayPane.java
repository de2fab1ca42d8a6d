package ai.taipan.visualizer.fx;

import ai.taipan.visualizer.data.RoutingData;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The text with one query token's attention drawn onto it: in SAL row r, a selected token t
 * attends to its keys (selected tokens j ≤ t with t − j &lt; window, SPEC §2 SAL step 4); each key
 * is shaded by its softmax weight averaged over heads. The query is outlined; tokens that are not
 * keys are grey. An unselected query shows only its outline (it computed no attention).
 */
public final class AttentionOverlayPane extends FlowPane {
    private List<String> texts = List.of();
    private RoutingData routing = RoutingData.empty();
    private int row = 0;
    private int query = -1;
    private double[] weightByToken = new double[0];
    private IntConsumer onTokenClicked = t -> { };

    public AttentionOverlayPane() {
        setHgap(2);
        setVgap(3);
        setPadding(new Insets(6));
    }

    public void setOnTokenClicked(IntConsumer c) { this.onTokenClicked = c == null ? t -> { } : c; }

    public void setTokens(List<String> texts, RoutingData routing) {
        this.texts = List.copyOf(texts);
        this.routing = routing;
        this.query = -1;
        rebuild();
    }

    /** Shows the attention of token column {@code query} in SAL row {@code row}. */
    public void show(int row, int query) {
        this.row = row;
        this.query = query;
        rebuild();
    }

    public int query() { return query; }

    /** Head-averaged weight the query puts on each token column (0 where not a key). */
    public double[] weights() { return weightByToken.clone(); }

    private void rebuild() {
        weightByToken = new double[texts.size()];
        boolean valid = query >= 0 && query < routing.tokenCount() && row >= 0 && row < routing.rowCount();
        if (valid) {
            int[] keys = routing.event(row, query).keyPositions();
            double[] w = routing.meanAttention(row, query);
            for (int j = 0; j < keys.length; j++) {
                int col = routing.tokenAt(keys[j]);
                if (col >= 0 && col < weightByToken.length) weightByToken[col] = w[j];
            }
        }
        double max = 0;
        for (double w : weightByToken) max = Math.max(max, w);
        List<Label> labels = new ArrayList<>();
        for (int t = 0; t < texts.size(); t++) {
            Label l = new Label(TokenChipsPane.visible(texts.get(t)));
            double w = weightByToken[t];
            String bg = w > 0 ? String.format("rgba(214,80,32,%.3f)", 0.15 + 0.85 * (max > 0 ? w / max : 0)) : "transparent";
            String fg = valid && w == 0 && t != query ? "#999999" : "#111111";
            String border = t == query ? "#000000" : "transparent";
            l.setStyle("-fx-background-color: " + bg + "; -fx-text-fill: " + fg + "; -fx-border-color: " + border
                    + "; -fx-border-width: 2; -fx-padding: 1 3 1 3; -fx-font-family: monospace;");
            if (w > 0) l.setTooltip(new Tooltip(String.format("weight %.4f (mean over heads)", w)));
            final int token = t;
            l.setOnMouseClicked(e -> onTokenClicked.accept(token));
            labels.add(l);
        }
        getChildren().setAll(labels);
    }
}
