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

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
        main.dialogs().chooseFolder("Open a model folder (taipan, Hugging Face mamba2, or mamba_ssm)").ifPresent(p -> open(p, slot));
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

    /**
     * The model folder a drag carries: a dropped folder itself, or the folder holding a dropped
     * file (config.json, model.safetensors, pytorch_model.bin…). Only the first file counts; an
     * empty drag carries none.
     */
    public static Optional<Path> dropFolder(List<File> files) {
        if (files == null || files.isEmpty() || files.get(0) == null) return Optional.empty();
        Path p = files.get(0).toPath().toAbsolutePath();
        return Optional.ofNullable(Files.isDirectory(p) ? p : p.getParent());
    }

    /** Whether a drag over a card should be accepted (it carries files). */
    public boolean acceptsDrop(List<File> files) { return dropFolder(files).isPresent(); }

    /**
     * A drop of the dragboard's files onto card {@code slot}: opens the folder they mean there,
     * like {@link #open}; false when the drag carried nothing to open.
     */
    public boolean drop(List<File> files, String slot) {
        Optional<Path> folder = dropFolder(files);
        folder.ifPresent(f -> open(f, slot));
        return folder.isPresent();
    }

    /** A fresh random taipan model in the slot (for comparing against a trained one). */
    public void openRandom(String slot, long seed) {
        main.executor().execute(BackgroundTask.wrap(() -> ModelSlot.of(ModelLoader.randomTaipan(seed)))
                .onSuccess(s -> main.slot(slot).set(s))
                .onFailure(e -> main.dialogs().error("Cannot create model", Dialogs.reason(e))));
    }

    /**
     * Puts into slot B the model of slot {@code from} with every SAL's attention switched off, to compare
     * a Taipan model with its own ablation (prompt, compare and scaling views take B as the second model).
     * The weights are shared, so this is instant; a model without a SAL gives a dialog.
     */
    public void ablateIntoB(String from) {
        ModelSlot s = main.slot(from).get();
        if (s == null) return;
        if (!s.model().hasSal()) {
            main.dialogs().error("No SAL to switch off", s.model().name() + " has no selective_attention layer.");
            return;
        }
        main.executor().execute(BackgroundTask.wrap(() -> ModelSlot.of(s.model().withSalAttentionOff()))
                .onSuccess(b -> {
                    main.slot("B").set(b);
                    main.statusProperty().set("Model B: " + b.card().name() + " — " + s.model().name() + " with its SALs' attention switched off");
                })
                .onFailure(e -> main.dialogs().error("Cannot switch the SAL off", Dialogs.reason(e))));
    }

    public void unload(String slot) {
        if ("B".equals(slot)) main.slotBProperty().set(null);
    }
}
