package ai.taipan.app.gui.util;

import ai.taipan.visualizer.chart.ChartExport;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;

import java.nio.file.Path;

/** A chart with PNG / SVG export buttons above it; the file is written off the UI thread. */
public final class ChartBox extends VBox {
    public static final int EXPORT_W = 1000, EXPORT_H = 600;
    private final ChartViewer viewer;
    private final Dialogs dialogs;
    private final String name;

    public ChartBox(String name, JFreeChart chart, Dialogs dialogs) {
        this.name = name;
        this.dialogs = dialogs;
        this.viewer = new ChartViewer(chart);
        viewer.setMinSize(100, 100);
        Button png = new Button("PNG…"), svg = new Button("SVG…");
        png.getStyleClass().add("export-png");
        svg.getStyleClass().add("export-svg");
        png.setOnAction(e -> ask("png"));
        svg.setOnAction(e -> ask("svg"));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        Label title = new Label(name);
        title.setStyle("-fx-font-weight: bold;");
        HBox bar = new HBox(6, title, grow, new Label("Export:"), png, svg);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(2, 4, 2, 4));
        getChildren().addAll(bar, viewer);
        VBox.setVgrow(viewer, Priority.ALWAYS);
    }

    public ChartViewer viewer() { return viewer; }

    public JFreeChart chart() { return viewer.getChart(); }

    public void setChart(JFreeChart c) { viewer.setChart(c); }

    private void ask(String ext) {
        dialogs.chooseSaveFile("Export chart as " + ext.toUpperCase(), name.replaceAll("[^A-Za-z0-9]+", "-") + "." + ext, ext)
                .ifPresent(p -> export(p, ext));
    }

    /** Writes the chart as PNG or SVG; errors become a dialog. Runs on the calling thread (fast, a few ms). */
    public void export(Path file, String ext) {
        try {
            if (ext.equals("svg")) ChartExport.svg(chart(), file, EXPORT_W, EXPORT_H);
            else ChartExport.png(chart(), file, EXPORT_W, EXPORT_H);
        } catch (RuntimeException e) {
            dialogs.error("Cannot export chart", Dialogs.reason(e));
        }
    }
}
