package ai.taipan.app.gui.routing;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.util.ChartBox;
import ai.taipan.visualizer.chart.WorkbenchCharts;
import ai.taipan.visualizer.data.RoutingData;
import ai.taipan.visualizer.data.RoutingDataset;
import ai.taipan.visualizer.fx.AttentionOverlayPane;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.entity.XYItemEntity;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Routing map: layers × tokens heatmap of σ(s1 − s0) with selected cells dotted; per SAL layer
 * the selected fraction against C; a token's attention weights over its window drawn onto the text.
 */
public class RoutingView extends VBox {
    private final RoutingViewModel vm;
    private final RoutingDataset dataset = new RoutingDataset(RoutingData.empty());
    private final DefaultCategoryDataset fractions = new DefaultCategoryDataset();
    private final ChartBox heatmap;
    private final ChartBox capacity;
    private final AttentionOverlayPane overlay = new AttentionOverlayPane();
    private final ComboBox<String> row = new ComboBox<>();
    private final Label info = new Label("Generate on the Prompt tab, then click a token (here or in the heatmap) to see its attention.");

    public RoutingView(MainViewModel main) {
        this.vm = main.routing();
        setId("routing-view");
        setPadding(new Insets(6));
        setSpacing(6);
        heatmap = new ChartBox("Routing heatmap", WorkbenchCharts.routingHeatmap(dataset), main.dialogs());
        capacity = new ChartBox("Fraction vs C", WorkbenchCharts.capacityChart(fractions, 0.15), main.dialogs());
        heatmap.viewer().addChartMouseListener(new ChartMouseListenerFX() {
            @Override
            public void chartMouseClicked(ChartMouseEventFX e) {
                if (e.getEntity() instanceof XYItemEntity item) {
                    vm.pick(dataset.row(item.getItem()), dataset.token(item.getItem()));
                }
            }

            @Override
            public void chartMouseMoved(ChartMouseEventFX e) { }
        });
        SplitPane charts = new SplitPane(heatmap, capacity);
        charts.setDividerPositions(0.7);
        row.setId("attention-row");
        row.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (b.intValue() >= 0) vm.rowProperty().set(b.intValue());
        });
        overlay.setOnTokenClicked(t -> vm.pick(-1, t));
        ScrollPane scroll = new ScrollPane(overlay);
        scroll.setFitToWidth(true);
        HBox bar = new HBox(8, new Label("Attention of the clicked token in"), row, info);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox bottom = new VBox(4, bar, scroll);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        SplitPane split = new SplitPane(charts, bottom);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.62);
        VBox.setVgrow(split, Priority.ALWAYS);
        getChildren().add(split);

        vm.routingProperty().addListener((o, a, d) -> showData(d));
        vm.capacityProperty().addListener((o, a, c) -> rebuildCapacity());
        vm.rowProperty().addListener((o, a, r) -> { row.getSelectionModel().select(r.intValue()); showQuery(); });
        vm.queryProperty().addListener((o, a, q) -> showQuery());
        showData(vm.routingProperty().get());
    }

    private void showData(RoutingData d) {
        dataset.setData(d);
        WorkbenchCharts.refreshRoutingAxis(heatmap.chart());
        rebuildCapacity();
        row.getItems().setAll(vm.rowLabels());
        if (d.rowCount() > 0) row.getSelectionModel().select(vm.rowProperty().get());
        overlay.setTokens(vm.tokenTextsProperty().get().subList(0, Math.min(d.tokenCount(), vm.tokenTextsProperty().get().size())), d);
        info.setText(d.rowCount() == 0 ? "No SAL layers in this run (a model without selective_attention, or no run yet)."
                : "Click a token to see its attention.");
    }

    private void rebuildCapacity() {
        RoutingData d = vm.routingProperty().get();
        fractions.clear();
        for (int r = 0; r < d.rowCount(); r++) fractions.addValue(d.selectedFraction(r), "selected", "L" + d.layer(r));
        double c = vm.capacityProperty().get();
        capacity.setChart(WorkbenchCharts.capacityChart(fractions, Double.isNaN(c) ? 0.15 : c));
        capacity.setMinWidth(280);
    }

    private void showQuery() {
        int q = vm.queryProperty().get();
        RoutingData d = vm.routingProperty().get();
        if (q < 0 || d.rowCount() == 0) return;
        overlay.show(vm.rowProperty().get(), q);
        var e = d.event(vm.rowProperty().get(), q);
        info.setText(e.selected()
                ? String.format("token %d attends to %d keys in its window (p=%.3f, α=%.3f)", e.position(), e.keyPositions().length,
                d.gateProbability(vm.rowProperty().get(), q), e.alpha())
                : String.format("token %d was not selected in layer %d (p=%.3f): it computed no attention", e.position(),
                d.layer(vm.rowProperty().get()), d.gateProbability(vm.rowProperty().get(), q)));
    }

    public RoutingDataset dataset() { return dataset; }
    public ChartBox heatmapBox() { return heatmap; }
    public AttentionOverlayPane overlay() { return overlay; }
}
