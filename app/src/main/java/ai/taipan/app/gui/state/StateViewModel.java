package ai.taipan.app.gui.state;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.visualizer.data.StateNormData;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** State screen: the SSM state norms of the last run, the picked mamba2 layer and heads. No controls. */
public class StateViewModel {
    private final ObjectProperty<StateNormData> data = new SimpleObjectProperty<>(StateNormData.empty());
    private final IntegerProperty row = new SimpleIntegerProperty(0);
    private final ObservableList<Integer> heads = FXCollections.observableArrayList();

    public StateViewModel(MainViewModel main) {
        main.lastRunProperty().addListener((o, was, run) -> show(run));
    }

    public void show(GenerationRun run) {
        StateNormData d = run == null ? StateNormData.empty() : StateNormData.from(run.trace());
        row.set(0);
        heads.clear();
        for (int h = 0; h < d.headCount(); h++) heads.add(h);
        data.set(d);
    }

    public ObjectProperty<StateNormData> dataProperty() { return data; }
    /** Row of the picked mamba2 layer. */
    public IntegerProperty rowProperty() { return row; }
    /** Picked heads, ascending. */
    public ObservableList<Integer> heads() { return heads; }

    public void pickHeads(java.util.Collection<Integer> hs) {
        heads.setAll(hs.stream().filter(h -> h >= 0 && h < data.get().headCount()).sorted().distinct().toList());
    }

    public int[] headArray() { return heads.stream().mapToInt(Integer::intValue).toArray(); }
}
