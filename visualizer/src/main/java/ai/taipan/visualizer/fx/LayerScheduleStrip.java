package ai.taipan.visualizer.fx;

import ai.taipan.engine.model.LayerType;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;

import java.util.List;

/**
 * A model's layer schedule as a strip of blocks, one per layer, lettered by kind (M mamba2,
 * S selective_attention, A attention, W sliding_attention — {@link LayerType#letter()}).
 */
public final class LayerScheduleStrip extends HBox {
    public LayerScheduleStrip() {
        setSpacing(1);
        setAlignment(Pos.CENTER_LEFT);
    }

    public void setSchedule(List<LayerType> types) {
        getChildren().clear();
        for (int i = 0; i < types.size(); i++) {
            LayerType t = types.get(i);
            Label b = new Label(String.valueOf(t.letter()));
            b.setMinWidth(16);
            b.setAlignment(Pos.CENTER);
            b.setStyle("-fx-background-color: " + color(t) + "; -fx-text-fill: white; -fx-font-weight: bold;"
                    + " -fx-font-size: 10px; -fx-padding: 2 3 2 3;");
            b.setTooltip(new Tooltip("layer " + i + ": " + t.key()));
            getChildren().add(b);
        }
    }

    /** The letters in order, e.g. "MMMMMMS". */
    public String letters() {
        StringBuilder sb = new StringBuilder();
        getChildren().forEach(n -> sb.append(((Label) n).getText()));
        return sb.toString();
    }

    static String color(LayerType t) {
        return switch (t) {
            case MAMBA2 -> "#3a7d6b";
            case SELECTIVE_ATTENTION -> "#d65020";
            case ATTENTION -> "#8e2450";
            case SLIDING_ATTENTION -> "#6a4fa0";
        };
    }
}
