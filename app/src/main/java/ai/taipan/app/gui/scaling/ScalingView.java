package ai.taipan.app.gui.scaling;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.util.ChartBox;
import ai.taipan.app.model.Bytes;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.visualizer.chart.WorkbenchCharts;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Scaling lab: Run / Cancel, a progress bar, four live log-log charts (prefill time, decode
 * latency, state bytes, process memory vs context length) and a table that also lists the
 * points predicted not to fit.
 */
public class ScalingView extends VBox {
    private final ScalingViewModel vm;
    private final XYSeriesCollection prefill = new XYSeriesCollection(), decode = new XYSeriesCollection(),
            state = new XYSeriesCollection(), process = new XYSeriesCollection();
    private final ChartBox[] boxes;
    private final TableView<SweepPoint> table;

    public ScalingView(MainViewModel main) {
        this.vm = main.scaling();
        setId("scaling-view");
        setPadding(new Insets(6));
        setSpacing(6);
        ComboBox<Long> max = new ComboBox<>();
        max.setId("max-length");
        for (long n = 1024; n <= (1 << 20); n *= 2) max.getItems().add(n);
        max.setValue(vm.maxLengthProperty().get());
        max.setConverter(new javafx.util.StringConverter<>() {
            @Override public String toString(Long n) { return n == null ? "" : Bytes.tokens(n); }
            @Override public Long fromString(String s) { return null; }
        });
        max.valueProperty().addListener((o, a, b) -> { if (b != null) vm.maxLengthProperty().set(b); });
        vm.maxLengthProperty().addListener((o, a, b) -> max.setValue(b.longValue()));
        ComboBox<Long> budget = new ComboBox<>();
        budget.setId("memory-budget");
        budget.getItems().addAll(0L, 16L << 20, 64L << 20, 256L << 20, 1L << 30, 4L << 30);
        budget.setConverter(new javafx.util.StringConverter<>() {
            @Override public String toString(Long b) { return b == null ? "" : b == 0 ? "available heap" : Bytes.human(b); }
            @Override public Long fromString(String s) { return null; }
        });
        budget.setValue(vm.budgetProperty().get());
        budget.valueProperty().addListener((o, a, b) -> { if (b != null) vm.budgetProperty().set(b); });
        vm.budgetProperty().addListener((o, a, b) -> budget.setValue(b.longValue()));
        Button run = new Button("Run sweep");
        run.setId("run-sweep");
        run.disableProperty().bind(vm.runningProperty());
        run.setOnAction(e -> vm.run());
        Button cancel = new Button("Cancel");
        cancel.setId("cancel-sweep");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        ProgressBar bar = new ProgressBar();
        bar.setId("sweep-progress");
        bar.setPrefWidth(240);
        bar.progressProperty().bind(vm.progressProperty());
        Label msg = new Label();
        msg.setId("sweep-message");
        msg.textProperty().bind(vm.messageProperty());
        HBox controls = new HBox(8, new Label("Models A and B, context 1K …"), max, new Label("memory budget"), budget,
                run, cancel, bar, msg);
        controls.setAlignment(Pos.CENTER_LEFT);
        // the progress message changes with every update: let it take the slack (ellipsis when long) so that
        // the buttons before it never shrink or move while a sweep runs
        for (javafx.scene.layout.Region r : new javafx.scene.layout.Region[]{run, cancel, bar}) r.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        msg.setMinWidth(0);
        HBox.setHgrow(msg, Priority.ALWAYS);

        boxes = new ChartBox[]{
                new ChartBox("Prefill time", WorkbenchCharts.scalingChart("Prefill time", "seconds", prefill), main.dialogs()),
                new ChartBox("Decode latency", WorkbenchCharts.scalingChart("Decode latency at depth N", "seconds / token", decode), main.dialogs()),
                new ChartBox("State bytes", WorkbenchCharts.scalingChart("Inference state (SPEC §3)", "bytes", state), main.dialogs()),
                new ChartBox("Process memory", WorkbenchCharts.scalingChart("Process resident memory", "bytes", process), main.dialogs())};
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        for (int i = 0; i < 4; i++) {
            grid.add(boxes[i], i % 2, i / 2);
            GridPane.setHgrow(boxes[i], Priority.ALWAYS);
            GridPane.setVgrow(boxes[i], Priority.ALWAYS);
            boxes[i].setPrefSize(400, 250);
        }
        VBox.setVgrow(grid, Priority.ALWAYS);

        table = new TableView<>(vm.points());
        table.setId("sweep-table");
        table.setPrefHeight(150);
        table.getColumns().add(col("model", p -> p.model()));
        table.getColumns().add(col("N", p -> Bytes.tokens(p.contextLength())));
        table.getColumns().add(col("prefill s", p -> p.measured() ? String.format("%.4f", p.prefillSeconds()) : ""));
        table.getColumns().add(col("decode ms/token", p -> p.measured() ? String.format("%.3f", p.decodeSecondsPerToken() * 1e3) : ""));
        table.getColumns().add(col("state", p -> Bytes.human(p.stateBytes())));
        table.getColumns().add(col("process RSS", p -> p.measured() ? Bytes.human(p.processBytes()) : ""));
        int[] widths = {170, 60, 90, 120, 100, 110};
        for (int i = 0; i < widths.length; i++) table.getColumns().get(i).setPrefWidth(widths[i]);
        TableColumn<SweepPoint, String> note = col("note", p -> p.note());
        note.setPrefWidth(520);
        table.getColumns().add(note);
        getChildren().addAll(controls, grid, table);

        vm.points().addListener((ListChangeListener<SweepPoint>) c -> {
            rebuild();
            if (!vm.points().isEmpty()) table.scrollTo(vm.points().size() - 1);
        });
        rebuild();
    }

    private static TableColumn<SweepPoint, String> col(String name, java.util.function.Function<SweepPoint, String> f) {
        TableColumn<SweepPoint, String> c = new TableColumn<>(name);
        c.setCellValueFactory(d -> new SimpleStringProperty(f.apply(d.getValue())));
        return c;
    }

    /** Points → series, on the FX thread (the list fires here); notification muted during the rebuild. */
    private void rebuild() {
        List<SweepPoint> pts = List.copyOf(vm.points());
        fill(prefill, pts, SweepPoint::prefillSeconds);
        fill(decode, pts, SweepPoint::decodeSecondsPerToken);
        fill(state, pts, p -> (double) p.stateBytes());
        fill(process, pts, p -> (double) p.processBytes());
        // the first length predicted not to fit, per model, as a dashed line on every chart
        java.util.Map<String, Long> oom = new java.util.LinkedHashMap<>();
        for (SweepPoint p : pts) if (p.status() == SweepPoint.Status.OUT_OF_MEMORY_PREDICTED) oom.putIfAbsent(p.model(), p.contextLength());
        for (ChartBox b : boxes) {
            var plot = b.chart().getXYPlot();
            plot.clearDomainMarkers();
            oom.forEach((model, n) -> {
                var m = new org.jfree.chart.plot.ValueMarker(n, new java.awt.Color(180, 30, 60), new java.awt.BasicStroke(1.5f,
                        java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[]{5f, 4f}, 0f));
                m.setLabel(model + ": out of memory at " + Bytes.tokens(n));
                m.setLabelPaint(new java.awt.Color(180, 30, 60));
                m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
                m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
                plot.addDomainMarker(m);
            });
        }
    }

    private static void fill(XYSeriesCollection c, List<SweepPoint> pts, ToDoubleFunction<SweepPoint> y) {
        c.setNotify(false);
        c.removeAllSeries();
        for (SweepPoint p : pts) {
            if (!p.measured()) continue;
            double v = y.applyAsDouble(p);
            if (!(v > 0)) continue;
            int i = c.getSeriesIndex(p.model());
            XYSeries s = i >= 0 ? c.getSeries(i) : new XYSeries(p.model());
            if (i < 0) c.addSeries(s);
            s.add(p.contextLength(), v, false);
        }
        c.setNotify(true);
    }

    public ChartBox[] charts() { return boxes; }
    public XYSeriesCollection prefillSeries() { return prefill; }
}
