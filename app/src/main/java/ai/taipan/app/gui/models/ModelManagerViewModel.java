package ai.taipan.app.gui.models;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.ModelSlot;
import ai.taipan.app.gui.util.Dialogs;
import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.app.logic.io.RecentModelsStore;
import ai.taipan.app.logic.task.BackgroundTask;
import ai.taipan.app.model.RecentList;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;

/** Model manager: open a folder into slot A or B, the recent list, loading state. No controls. */
public class ModelManagerViewModel {
    private final MainViewModel main;
    private final RecentModelsStore store;
    private final RecentList recentList;
    private final ObservableList<String> recent = FXCollections.observableArrayList();
    private final BooleanProperty loading = new SimpleBooleanProperty(false);

    public ModelManagerViewModel(MainViewModel main, RecentModelsStore store) {
        this.main = main;
        this.store = store;
        this.recentList = store.load();
        recent.setAll(recentList.items());
    }

    public ObservableList<String> recent() { return recent; }
    public BooleanProperty loadingProperty() { return loading; }

    /** Asks for a folder and opens it into the slot. */
    public void chooseAndOpen(String slot) {
        main.dialogs().chooseFolder("Open a model folder (config.json + model.safetensors)").ifPresent(p -> open(p, slot));
    }

    /** Opens a model folder into slot "A" or "B" off the UI thread; a bad folder gives a dialog. */
    public void open(Path folder, String slot) {
        loading.set(true);
        main.statusProperty().set("Loading " + folder + "…");
        main.executor().execute(BackgroundTask.wrap(() -> ModelSlot.of(ModelLoader.load(folder)))
                .onSuccess(s -> {
                    main.slot(slot).set(s);
                    recentList.add(folder.toAbsolutePath().toString());
                    recent.setAll(recentList.items());
                    store.save(recentList);
                    main.statusProperty().set("Model " + slot + ": " + s.card().name());
                })
                .onFailure(e -> {
                    main.statusProperty().set("Not a usable model: " + folder);
                    main.dialogs().error("Cannot open model", Dialogs.reason(e));
                })
                .onFinished(() -> loading.set(false)));
    }

    /** A fresh random taipan model in the slot (for comparing against a trained one). */
    public void openRandom(String slot, long seed) {
        main.executor().execute(BackgroundTask.wrap(() -> ModelSlot.of(ModelLoader.randomTaipan(seed)))
                .onSuccess(s -> main.slot(slot).set(s))
                .onFailure(e -> main.dialogs().error("Cannot create model", Dialogs.reason(e))));
    }

    public void unload(String slot) {
        if ("B".equals(slot)) main.slotBProperty().set(null);
    }
}
