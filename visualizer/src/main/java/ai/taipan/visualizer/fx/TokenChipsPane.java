package ai.taipan.visualizer.fx;

import ai.taipan.visualizer.data.RoutingData;
import ai.taipan.visualizer.render.ThreeColorPaintScale;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.util.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Every token drawn as a chip coloured by the gate: by one SAL layer's p = σ(s1 − s0), or by the
 * mean over all SAL layers. A selected token (m = 1) gets a bold border (in "all layers" mode:
 * selected by at least one layer). The tooltip lists each SAL layer's s0, s1, m and α.
 * Tokens beyond the routing data (e.g. still streaming) are drawn plain.
 */
public final class TokenChipsPane extends FlowPane {
    /** Colour by the mean over all SAL layers. */
    public static final int ALL_LAYERS = -1;

    private final ThreeColorPaintScale scale = ThreeColorPaintScale.gate();
    private List<String> texts = List.of();
    private RoutingData routing = RoutingData.empty();
    private int row = ALL_LAYERS;
    private IntConsumer onTokenClicked = t -> { };

    public TokenChipsPane() {
        setHgap(2);
        setVgap(3);
        setPadding(new Insets(6));
        getStyleClass().add("token-chips");
    }

    /** Token texts (one per token, in order) and the routing of those tokens. */
    public void setTokens(List<String> texts, RoutingData routing) {
        this.texts = List.copyOf(texts);
        this.routing = routing;
        if (row >= routing.rowCount()) row = ALL_LAYERS;
        rebuild();
    }

    /** Colour by SAL row {@code row}, or {@link #ALL_LAYERS}. */
    public void setRow(int row) {
        this.row = row >= 0 && row < routing.rowCount() ? row : ALL_LAYERS;
        rebuild();
    }

    public int row() { return row; }

    public void setOnTokenClicked(IntConsumer c) { this.onTokenClicked = c == null ? t -> { } : c; }

    /** The chips, in token order (for tests and export). */
    public List<Label> chips() {
        List<Label> out = new ArrayList<>();
        for (var n : getChildren()) out.add((Label) n);
        return out;
    }

    /** A token's text made visible: spaces as ·, newlines as ⏎. */
    public static String visible(String s) {
        return s.replace(" ", "·").replace("\n", "⏎").replace("\t", "→").replace("\r", "");
    }

    private void rebuild() {
        List<Label> chips = new ArrayList<>(texts.size());
        for (int t = 0; t < texts.size(); t++) {
            Label chip = new Label(visible(texts.get(t)));
            chip.getStyleClass().add("token-chip");
            boolean routed = t < routing.tokenCount() && routing.rowCount() > 0;
            String bg = "#eeeeee", fg = "#111111", border = "#cccccc";
            String width = "1";
            if (routed) {
                double p = row == ALL_LAYERS ? routing.meanGateProbability(t) : routing.gateProbability(row, t);
                java.awt.Color c = scale.colorOf(p);
                bg = FxColors.css(c);
                fg = FxColors.textOn(c);
                boolean sel = row == ALL_LAYERS ? routing.selectedCount(t) > 0 : routing.selected(row, t);
                if (sel) {
                    border = "#000000";
                    width = "2";
                    chip.getStyleClass().add("selected");
                }
                Tooltip tip = new Tooltip(tooltip(t));
                tip.setShowDelay(Duration.millis(150));
                chip.setTooltip(tip);
            }
            chip.setStyle("-fx-background-color: " + bg + "; -fx-text-fill: " + fg + "; -fx-border-color: " + border
                    + "; -fx-border-width: " + width + "; -fx-padding: 1 4 1 4; -fx-font-family: monospace;"
                    + " -fx-background-radius: 3; -fx-border-radius: 3;");
            final int token = t;
            chip.setOnMouseClicked(e -> onTokenClicked.accept(token));
            chips.add(chip);
        }
        getChildren().setAll(chips);
    }

    /** One line per SAL layer: "L6  s0=… s1=…  m=1  α=…". */
    public String tooltip(int t) {
        StringBuilder sb = new StringBuilder("position " + routing.position(t) + "  '" + visible(texts.get(t)) + "'");
        for (int r = 0; r < routing.rowCount(); r++) {
            var e = routing.event(r, t);
            sb.append(String.format("%nL%d  s0=%.3f  s1=%.3f  m=%d  α=%.3f", routing.layer(r), e.score0(), e.score1(),
                    e.selected() ? 1 : 0, e.alpha()));
        }
        return sb.toString();
    }
}
