package ai.taipan.app.gui.compare;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.util.ChartBox;
import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.TopPrediction;
import ai.taipan.visualizer.chart.WorkbenchCharts;
import ai.taipan.visualizer.data.LossData;
import ai.taipan.visualizer.fx.TokenChipsPane;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.jfree.chart.entity.XYItemEntity;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.List;

/** Compare: loss strips of A and B plus difference, top-k at a clicked position, retrieval accuracy. */
public class CompareView extends VBox {
    /** Evidence distances offered for the retrieval run (tokens; 0 = anywhere, −1 = model A's SAL window). */
    static final List<Integer> DISTANCES = List.of(CompareViewModel.WINDOW_OF_A, 0, 16, 64, 128, 256, 512, 2048);
    private final CompareViewModel vm;
    private final ChartBox loss;
    private final ChartBox accuracy;
    private final XYSeriesCollection accSeries = new XYSeriesCollection();
    private final FlowPane tokens = new FlowPane(2, 2);

    public CompareView(MainViewModel main) {
        this.vm = main.compare();
        setId("compare-view");
        setPadding(new Insets(6));
        setSpacing(6);
        TextArea text = new TextArea();
        text.setId("compare-text");
        text.setWrapText(true);
        text.setPrefRowCount(2);
        text.textProperty().bindBidirectional(vm.textProperty());
        Button run = new Button("Compare A and B");
        run.setId("compare");
        run.disableProperty().bind(vm.runningProperty());
        run.setOnAction(e -> vm.compare());
        ChoiceBox<String> task = new ChoiceBox<>(FXCollections.observableArrayList(CompareViewModel.TASKS));
        task.setId("accuracy-task");
        task.valueProperty().bindBidirectional(vm.taskProperty());
        ChoiceBox<Integer> distance = new ChoiceBox<>(FXCollections.observableArrayList(DISTANCES));
        distance.setId("accuracy-distance");
        distance.setConverter(new StringConverter<>() {
            @Override public String toString(Integer d) {
                if (d == null) return "";
                return d == CompareViewModel.WINDOW_OF_A ? "within A's SAL window" : d == 0 ? "anywhere" : "within " + d + " tokens";
            }
            @Override public Integer fromString(String s) { throw new UnsupportedOperationException(); }
        });
        distance.setValue(vm.maxDistanceProperty().get());
        distance.valueProperty().addListener((o, a, d) -> { if (d != null) vm.maxDistanceProperty().set(d); });
        vm.maxDistanceProperty().addListener((o, a, d) -> distance.setValue(d.intValue()));
        Button acc = new Button("Retrieval accuracy (256…16K)");
        acc.setId("accuracy");
        acc.disableProperty().bind(vm.runningProperty());
        acc.setOnAction(e -> vm.runAccuracy(new int[]{256, 1024, 4096, 16384}, 4));
        Button stop = new Button("Stop");
        stop.setId("accuracy-stop");
        stop.disableProperty().bind(vm.runningProperty().not());
        stop.setOnAction(e -> vm.cancelAccuracy());
        Label msg = new Label();
        msg.setId("compare-message");
        msg.textProperty().bind(vm.messageProperty());
        for (Control c : new Control[]{run, task, distance, acc, stop}) {
            c.setMinWidth(Region.USE_PREF_SIZE);   // the message shrinks, not the controls
        }
        msg.setMinWidth(0);
        HBox.setHgrow(msg, Priority.ALWAYS);
        task.setTooltip(new Tooltip("retrieval task"));
        distance.setTooltip(new Tooltip("how far before its answer the evidence may lie"));
        HBox bar = new HBox(8, run, task, distance, acc, stop, msg);
        bar.setAlignment(Pos.CENTER_LEFT);

        loss = new ChartBox("Per-token loss", WorkbenchCharts.lossStrips(LossData.empty()), main.dialogs());
        loss.viewer().addChartMouseListener(new ChartMouseListenerFX() {
            @Override
            public void chartMouseClicked(ChartMouseEventFX e) {
                if (e.getEntity() instanceof XYItemEntity item) vm.pickPosition(item.getItem());
            }

            @Override
            public void chartMouseMoved(ChartMouseEventFX e) { }
        });
        accuracy = new ChartBox("Retrieval accuracy", WorkbenchCharts.accuracyChart(accSeries), main.dialogs());
        HBox charts = new HBox(6, loss, accuracy);
        HBox.setHgrow(loss, Priority.ALWAYS);
        loss.setPrefWidth(700);
        accuracy.setPrefWidth(420);
        VBox.setVgrow(charts, Priority.ALWAYS);

        Label hint = new Label("Click a token (or a point of the loss chart) for the top-" + CompareViewModel.TOP_K
                + " next-token predictions of both models after it.");
        hint.setStyle("-fx-text-fill: #555;");
        HBox tops = new HBox(8, table("A", vm.topA()), table("B", vm.topB()));
        tops.setPrefHeight(190);
        getChildren().addAll(text, bar, charts, hint, tokens, tops);

        vm.lossesProperty().addListener((o, a, d) -> loss.setChart(WorkbenchCharts.lossStrips(d)));
        vm.tokenTextsProperty().addListener((o, a, t) -> showTokens());
        vm.positionProperty().addListener((o, a, p) -> showTokens());
        vm.accuracy().addListener((ListChangeListener<AccuracyPoint>) c -> rebuildAccuracy());
        rebuildAccuracy();
    }

    private void showTokens() {
        var texts = vm.tokenTextsProperty().get();
        tokens.getChildren().clear();
        for (int i = 0; i < texts.size(); i++) {
            Label l = new Label(TokenChipsPane.visible(texts.get(i)));
            boolean picked = i == vm.positionProperty().get();
            l.setStyle("-fx-font-family: monospace; -fx-padding: 1 3 1 3; -fx-background-color: "
                    + (picked ? "#ffd27f" : "#eeeeee") + ";");
            final int pos = i;
            l.setOnMouseClicked(e -> vm.pickPosition(pos));
            tokens.getChildren().add(l);
        }
    }

    private TableView<TopPrediction> table(String slot, ObservableList<TopPrediction> items) {
        TableView<TopPrediction> t = new TableView<>(items);
        t.setId("top-" + slot);
        TableColumn<TopPrediction, String> tok = new TableColumn<>("model " + slot + " next token");
        tok.setCellValueFactory(d -> new SimpleStringProperty("'" + TokenChipsPane.visible(d.getValue().text()) + "'  (" + d.getValue().id() + ")"));
        tok.setPrefWidth(200);
        TableColumn<TopPrediction, String> p = new TableColumn<>("probability");
        p.setCellValueFactory(d -> new SimpleStringProperty(String.format("%.4f", d.getValue().probability())));
        p.setPrefWidth(100);
        t.getColumns().add(tok);
        t.getColumns().add(p);
        HBox.setHgrow(t, Priority.ALWAYS);
        return t;
    }

    private void rebuildAccuracy() {
        accSeries.setNotify(false);
        accSeries.removeAllSeries();
        for (AccuracyPoint a : vm.accuracy()) {
            if (Double.isNaN(a.accuracy())) continue;
            int i = accSeries.getSeriesIndex(a.model());
            XYSeries s = i >= 0 ? accSeries.getSeries(i) : new XYSeries(a.model());
            if (i < 0) accSeries.addSeries(s);
            s.add(a.contextLength(), a.accuracy());
        }
        accSeries.setNotify(true);
    }

    public ChartBox lossBox() { return loss; }
}
