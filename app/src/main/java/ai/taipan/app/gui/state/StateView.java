package ai.taipan.app.gui.state;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.util.ChartBox;
import ai.taipan.visualizer.chart.WorkbenchCharts;
import ai.taipan.visualizer.data.StateHeatmapDataset;
import ai.taipan.visualizer.data.StateLineDataset;
import ai.taipan.visualizer.data.StateNormData;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Button;
import javafx.scene.control.cell.CheckBoxListCell;
import javafx.util.StringConverter;
import org.controlsfx.control.CheckListView;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** State screen: SSM state norms of a picked mamba2 layer, per picked head, as lines and a heatmap. */
public class StateView extends HBox {
    private final StateViewModel vm;
    private final StateLineDataset lines = new StateLineDataset(StateNormData.empty());
    private final StateHeatmapDataset grid = new StateHeatmapDataset(StateNormData.empty());
    private final ComboBox<String> layer = new ComboBox<>();
    /** ControlsFX CheckListView: one check box per head, no ctrl-click needed to pick several. */
    private final CheckListView<Integer> heads = new CheckListView<>();
    private final ChartBox lineBox, heatBox;
    private boolean updating;

    public StateView(MainViewModel main) {
        this.vm = main.state();
        setId("state-view");
        setPadding(new Insets(6));
        setSpacing(6);
        lineBox = new ChartBox("State norm lines", WorkbenchCharts.stateLines(lines), main.dialogs());
        heatBox = new ChartBox("State norm heatmap", WorkbenchCharts.stateHeatmap(grid), main.dialogs());
        layer.setId("state-layer");
        heads.setId("state-heads");
        heads.setPrefWidth(110);
        heads.setCellFactory(lv -> new CheckBoxListCell<>(heads::getItemBooleanProperty, new StringConverter<>() {
            @Override public String toString(Integer h) { return h == null ? "" : "head " + h; }
            @Override public Integer fromString(String s) { return Integer.valueOf(s.replace("head ", "")); }
        }));
        layer.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (!updating && b.intValue() >= 0) vm.rowProperty().set(b.intValue());
        });
        heads.getCheckModel().getCheckedItems().addListener((ListChangeListener<Integer>) c -> {
            if (!updating) vm.pickHeads(java.util.List.copyOf(heads.getCheckModel().getCheckedItems()));
        });
        Button all = new Button("All"), none = new Button("None");
        all.setOnAction(e -> vm.pickHeads(heads.getItems()));
        none.setOnAction(e -> vm.pickHeads(java.util.List.of()));
        Label hint = new Label("Tick the heads to draw");
        hint.setStyle("-fx-text-fill: #666;");
        VBox pickers = new VBox(6, new Label("mamba2 layer"), layer, new Label("heads"), heads, new HBox(4, all, none), hint);
        pickers.setPrefWidth(140);
        VBox.setVgrow(heads, Priority.ALWAYS);
        SplitPane charts = new SplitPane(lineBox, heatBox);
        charts.setOrientation(javafx.geometry.Orientation.VERTICAL);
        HBox.setHgrow(charts, Priority.ALWAYS);
        pickers.setAlignment(Pos.TOP_LEFT);
        getChildren().addAll(pickers, charts);

        vm.dataProperty().addListener((o, a, d) -> showData(d));
        vm.rowProperty().addListener((o, a, r) -> refresh());
        vm.heads().addListener((ListChangeListener<Integer>) c -> refresh());
        showData(vm.dataProperty().get());
    }

    private void showData(StateNormData d) {
        updating = true;
        lines.setData(d);
        grid.setData(d);
        layer.getItems().setAll(d.layerIndices().stream().map(l -> "layer " + l).toList());
        heads.getItems().setAll(java.util.stream.IntStream.range(0, d.headCount()).boxed().toList());
        updating = false;
        refresh();
    }

    private void refresh() {
        StateNormData d = vm.dataProperty().get();
        if (d.rowCount() == 0) return;
        updating = true;
        int r = Math.min(vm.rowProperty().get(), d.rowCount() - 1);
        layer.getSelectionModel().select(r);
        lines.pick(r, vm.headArray());
        grid.setRow(r);
        WorkbenchCharts.rescaleStateHeatmap(heatBox.chart());
        heads.getCheckModel().clearChecks();
        for (int h : vm.headArray()) heads.getCheckModel().check(Integer.valueOf(h));
        updating = false;
    }

    public StateLineDataset lines() { return lines; }
    public CheckListView<Integer> headsList() { return heads; }
}
