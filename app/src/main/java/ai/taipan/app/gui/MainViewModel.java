package ai.taipan.app.gui;

import ai.taipan.app.gui.compare.CompareViewModel;
import ai.taipan.app.gui.models.ModelManagerViewModel;
import ai.taipan.app.gui.prompt.PromptViewModel;
import ai.taipan.app.gui.routing.RoutingViewModel;
import ai.taipan.app.gui.scaling.ScalingViewModel;
import ai.taipan.app.gui.state.StateViewModel;
import ai.taipan.app.gui.util.Dialogs;
import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.app.logic.io.ConfigDir;
import ai.taipan.app.logic.io.RecentModelsStore;
import ai.taipan.app.logic.io.SessionStore;
import ai.taipan.app.logic.task.BackgroundTask;
import ai.taipan.app.logic.task.TaskExecutor;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.SessionDocument;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.model.ModelConfig;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The window's state shared by all screens: the two model slots (A is the one Prompt, Routing
 * and State use; Compare and the Scaling lab use both), the last generation, banner and status,
 * plus the screens' own view models. No controls.
 */
public class MainViewModel {
    private final TaskExecutor executor;
    private final Dialogs dialogs;
    private final ObjectProperty<ModelSlot> slotA = new SimpleObjectProperty<>();
    private final ObjectProperty<ModelSlot> slotB = new SimpleObjectProperty<>();
    private final ObjectProperty<GenerationRun> lastRun = new SimpleObjectProperty<>();
    private final StringProperty banner = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("Ready");

    private final ModelManagerViewModel models;
    private final PromptViewModel prompt;
    private final RoutingViewModel routing;
    private final StateViewModel state;
    private final ScalingViewModel scaling;
    private final CompareViewModel compare;

    private final java.util.function.Consumer<Runnable> ui;

    public MainViewModel(TaskExecutor executor, Dialogs dialogs) {
        this(executor, dialogs, new RecentModelsStore(ConfigDir.get()), ai.taipan.app.gui.util.FxTaskExecutor::onFx);
    }

    /**
     * @param ui how lists filled by workers reach the UI thread (Platform.runLater in the app,
     *           Runnable::run in view-model tests that use a same-thread executor)
     */
    public MainViewModel(TaskExecutor executor, Dialogs dialogs, RecentModelsStore recent, java.util.function.Consumer<Runnable> ui) {
        this.executor = executor;
        this.dialogs = dialogs;
        this.ui = ui;
        this.models = new ModelManagerViewModel(this, recent);
        this.prompt = new PromptViewModel(this);
        this.routing = new RoutingViewModel(this);
        this.state = new StateViewModel(this);
        this.scaling = new ScalingViewModel(this);
        this.compare = new CompareViewModel(this);
        slotA.addListener((o, was, now) -> updateBanner());
        this.taskProgress = javafx.beans.binding.Bindings.createDoubleBinding(() -> {
            if (scaling.runningProperty().get()) return Math.max(0, scaling.progressProperty().get());
            boolean busy = models.loadingProperty().get() || prompt.runningProperty().get() || compare.runningProperty().get();
            return busy ? -1.0 : 0.0;
        }, scaling.runningProperty(), scaling.progressProperty(), models.loadingProperty(), prompt.runningProperty(),
                compare.runningProperty());
    }

    private final javafx.beans.binding.DoubleBinding taskProgress;

    /**
     * Progress of the engine work under way, for the status bar: a sweep's fraction done, −1
     * (indeterminate) while a model loads, a generation or a comparison runs, 0 when idle.
     */
    public javafx.beans.binding.DoubleBinding taskProgressProperty() { return taskProgress; }

    public TaskExecutor executor() { return executor; }
    public java.util.function.Consumer<Runnable> ui() { return ui; }
    public Dialogs dialogs() { return dialogs; }
    public ObjectProperty<ModelSlot> slotAProperty() { return slotA; }
    public ObjectProperty<ModelSlot> slotBProperty() { return slotB; }
    public ObjectProperty<ModelSlot> slot(String s) { return "B".equals(s) ? slotB : slotA; }
    public ObjectProperty<GenerationRun> lastRunProperty() { return lastRun; }
    public StringProperty bannerProperty() { return banner; }
    public StringProperty statusProperty() { return status; }
    public ModelManagerViewModel models() { return models; }
    public PromptViewModel prompt() { return prompt; }
    public RoutingViewModel routing() { return routing; }
    public StateViewModel state() { return state; }
    public ScalingViewModel scaling() { return scaling; }
    public CompareViewModel compare() { return compare; }

    /** Both loaded models, A first. */
    public List<LoadedModel> loadedModels() {
        List<LoadedModel> out = new ArrayList<>();
        if (slotA.get() != null) out.add(slotA.get().model());
        if (slotB.get() != null) out.add(slotB.get().model());
        return out;
    }

    private void updateBanner() {
        ModelSlot a = slotA.get();
        banner.set(a != null && a.model().isRandom()
                ? "No trained model found (" + ModelLoader.SAMPLE + "): model A is a freshly initialised taipan model with "
                + "RANDOM weights (seed " + a.model().randomSeed() + "). Its routing and text are meaningless until you open a trained model."
                : "");
    }

    /** At start: the shipped default model in slot A if present, else a fresh random taipan (with the banner). */
    public void startDefaultModel() { startDefaultModel(ModelLoader.defaultCandidates()); }

    public void startDefaultModel(List<Path> candidates) {
        status.set("Loading the default model…");
        executor.execute(BackgroundTask.wrap(() -> {
            Path p = ModelLoader.findDefault(candidates);
            LoadedModel m = p != null ? ModelLoader.load(p) : ModelLoader.randomTaipan(42);
            return ModelSlot.of(m);
        }).onSuccess(s -> {
            slotA.set(s);
            status.set("Model A: " + s.card().name());
        }).onFailure(e -> {
            status.set("Default model failed to load");
            dialogs.error("Cannot load the default model", Dialogs.reason(e) + "\nStarting with a random taipan model instead.");
            slotA.set(ModelSlot.of(ModelLoader.randomTaipan(42)));
        }));
    }

    /** The session as a document (models, prompt, settings, results). */
    public SessionDocument toDocument() {
        List<SessionDocument.ModelRef> refs = new ArrayList<>();
        for (String s : new String[]{"A", "B"}) {
            ModelSlot slot = slot(s).get();
            if (slot == null) continue;
            LoadedModel m = slot.model();
            refs.add(new SessionDocument.ModelRef(s, m.name(), m.folder() == null ? null : m.folder().toAbsolutePath().toString(),
                    m.randomSeed(), m.isRandom() ? configText(m) : null, m.salAttentionOff()));
        }
        return new SessionDocument(refs, prompt.promptProperty().get(), prompt.settingsOrDefault(),
                compare.textProperty().get(), lastRun.get(), List.copyOf(scaling.points()), List.copyOf(compare.accuracy()));
    }

    /** config.json text through the project's mapper, which writes Infinity as JSON5 (time_step_limit). */
    private static String configText(LoadedModel m) {
        try {
            return Json.mapper().writeValueAsString(m.config().toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void saveSession(Path file) {
        SessionDocument d = toDocument();
        executor.execute(BackgroundTask.wrap(() -> { SessionStore.save(file, d); return file; })
                .onSuccess(f -> status.set("Session saved to " + f))
                .onFailure(e -> dialogs.error("Cannot save the session", Dialogs.reason(e))));
    }

    /** Reads a session file and its models off the UI thread, then restores every screen. */
    public void openSession(Path file) {
        status.set("Opening session " + file + "…");
        executor.execute(BackgroundTask.wrap(() -> {
            SessionDocument d = SessionStore.load(file);
            List<ModelSlot> slots = new ArrayList<>();
            for (SessionDocument.ModelRef r : d.models()) slots.add(ModelSlot.of(resolve(r, file)));
            return new Object[]{d, slots};
        }).onSuccess(r -> {
            SessionDocument d = (SessionDocument) r[0];
            @SuppressWarnings("unchecked") List<ModelSlot> slots = (List<ModelSlot>) r[1];
            slotB.set(null);
            for (int i = 0; i < slots.size(); i++) slot(d.models().get(i).slot()).set(slots.get(i));
            prompt.restore(d.prompt(), d.sampling());
            lastRun.set(d.generation());
            scaling.restore(d.sweep());
            compare.restore(d.compareText(), d.accuracy());
            status.set("Session opened: " + file);
        }).onFailure(e -> {
            status.set("Session not opened");
            dialogs.error("Cannot open the session", Dialogs.reason(e));
        }));
    }

    private static LoadedModel resolve(SessionDocument.ModelRef r, Path file) {
        LoadedModel m = resolveModel(r, file);
        if (!r.salAttentionOff()) return m;
        if (!m.hasSal()) throw new IllegalArgumentException(file + ": model " + r.slot() + " has 'sal_attention_off' but no SAL");
        return m.withSalAttentionOff();
    }

    private static LoadedModel resolveModel(SessionDocument.ModelRef r, Path file) {
        if (r.folder() != null) return ModelLoader.load(Path.of(r.folder()));
        if (r.randomSeed() == null || r.configJson() == null) {
            throw new IllegalArgumentException(file + ": model " + r.slot() + " has neither 'folder' nor 'random_seed' + 'config'");
        }
        try {
            ObjectNode o = (ObjectNode) Json.mapper().readTree(r.configJson());
            return ModelLoader.random(r.name(), ModelConfig.fromJson(o, file, null), r.randomSeed());
        } catch (java.io.IOException | ClassCastException e) {
            throw new IllegalArgumentException(file + ": model " + r.slot() + ": 'config' is not a JSON object", e);
        }
    }
}
