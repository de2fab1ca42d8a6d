package ai.taipan.app.gui.routing;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.ModelSlot;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.visualizer.data.RoutingData;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.util.List;

/**
 * Routing map: the gate data of the last run, the SAL row and query token picked for the
 * attention overlay, and the capacity C of model A. No controls.
 */
public class RoutingViewModel {
    private final ObjectProperty<RoutingData> routing = new SimpleObjectProperty<>(RoutingData.empty());
    private final ObjectProperty<List<String>> tokenTexts = new SimpleObjectProperty<>(List.of());
    private final IntegerProperty row = new SimpleIntegerProperty(0);
    private final IntegerProperty query = new SimpleIntegerProperty(-1);
    private final DoubleProperty capacity = new SimpleDoubleProperty(Double.NaN);

    public RoutingViewModel(MainViewModel main) {
        main.lastRunProperty().addListener((o, was, run) -> show(run));
        main.slotAProperty().addListener((o, was, s) -> capacity.set(capacityOf(s)));
    }

    private static double capacityOf(ModelSlot s) { return s == null ? Double.NaN : s.card().capacity(); }

    /** Shows a run (null clears). */
    public void show(GenerationRun run) {
        RoutingData d = run == null ? RoutingData.empty() : RoutingData.from(run.trace());
        tokenTexts.set(run == null ? List.of() : run.tokenTexts());
        row.set(0);
        query.set(-1);
        routing.set(d);
    }

    public ObjectProperty<RoutingData> routingProperty() { return routing; }
    public ObjectProperty<List<String>> tokenTextsProperty() { return tokenTexts; }
    public IntegerProperty rowProperty() { return row; }
    public IntegerProperty queryProperty() { return query; }
    public DoubleProperty capacityProperty() { return capacity; }

    /** Picks the query token (column) and optionally the SAL row for the attention overlay. */
    public void pick(int row, int token) {
        if (row >= 0 && row < routing.get().rowCount()) this.row.set(row);
        if (token >= 0 && token < routing.get().tokenCount()) query.set(token);
    }

    /** "L6 (3 of 40 selected = 7.5%)" per row, for the row chooser. */
    public List<String> rowLabels() {
        RoutingData d = routing.get();
        return java.util.stream.IntStream.range(0, d.rowCount()).mapToObj(r -> String.format("layer %d — %.1f%% selected",
                d.layer(r), 100 * d.selectedFraction(r))).toList();
    }
}
