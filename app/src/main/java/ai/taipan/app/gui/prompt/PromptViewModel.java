package ai.taipan.app.gui.prompt;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.ModelSlot;
import ai.taipan.app.gui.util.Dialogs;
import ai.taipan.app.gui.util.UiThreadObservableList;
import ai.taipan.app.logic.engine.GenerationService;
import ai.taipan.app.logic.engine.TokenTexts;
import ai.taipan.app.logic.task.BackgroundTask;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.SamplingSettings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.function.Consumer;

/**
 * Prompt screen: the prompt, the sampling knobs, Generate/Stop, the streamed tokens and text. The
 * finished run (with the engine's trace) goes to the main view model's lastRun for the Routing
 * and State screens. No controls.
 */
public class PromptViewModel {
    private final MainViewModel main;
    private GenerationService service;
    private final StringProperty prompt = new SimpleStringProperty("The selective attention layer routes a few tokens to attention.");
    private final DoubleProperty temperature = new SimpleDoubleProperty(SamplingSettings.DEFAULT.temperature());
    private final IntegerProperty topK = new SimpleIntegerProperty(SamplingSettings.DEFAULT.topK());
    private final DoubleProperty topP = new SimpleDoubleProperty(SamplingSettings.DEFAULT.topP());
    private final LongProperty seed = new SimpleLongProperty(SamplingSettings.DEFAULT.seed());
    private final IntegerProperty maxTokens = new SimpleIntegerProperty(SamplingSettings.DEFAULT.maxTokens());
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final StringProperty output = new SimpleStringProperty("");
    /** Generated token texts as they stream in, filled from the worker thread. */
    private final ObservableList<String> streamedSource = UiThreadObservableList.newSourceList();
    private final ObservableList<String> streamed;
    private final java.util.concurrent.atomic.AtomicBoolean stopRequested = new java.util.concurrent.atomic.AtomicBoolean();

    public PromptViewModel(MainViewModel main) { this(main, new GenerationService()); }

    public PromptViewModel(MainViewModel main, GenerationService service) {
        this.main = main;
        this.service = service;
        this.streamed = new UiThreadObservableList<>(streamedSource, main.ui());
    }

    /** Replaces the generation service (tests: a fixed memory budget). */
    public void setService(GenerationService s) { this.service = s; }

    public StringProperty promptProperty() { return prompt; }
    public DoubleProperty temperatureProperty() { return temperature; }
    public IntegerProperty topKProperty() { return topK; }
    public DoubleProperty topPProperty() { return topP; }
    public LongProperty seedProperty() { return seed; }
    public IntegerProperty maxTokensProperty() { return maxTokens; }
    public BooleanProperty runningProperty() { return running; }
    public StringProperty outputProperty() { return output; }
    /** Generated token texts as they arrive; listeners fire on the UI thread. */
    public ObservableList<String> streamedTokens() { return streamed; }

    /** The knobs as settings; throws IllegalArgumentException naming a bad knob. */
    public SamplingSettings settings() {
        return new SamplingSettings(temperature.get(), topK.get(), topP.get(), seed.get(), maxTokens.get());
    }

    public SamplingSettings settingsOrDefault() {
        try {
            return settings();
        } catch (IllegalArgumentException e) {
            return SamplingSettings.DEFAULT;
        }
    }

    public void restore(String p, SamplingSettings s) {
        prompt.set(p);
        temperature.set(s.temperature());
        topK.set(s.topK());
        topP.set(s.topP());
        seed.set(s.seed());
        maxTokens.set(s.maxTokens());
    }

    /** Token texts of the prompt as the model A tokenizer splits it (for chips before a run). */
    public List<String> promptTokenTexts() {
        ModelSlot a = main.slotAProperty().get();
        if (a == null || prompt.get().isEmpty()) return List.of();
        var tok = a.model().model().tokenizer();
        return TokenTexts.of(tok, tok.encode(prompt.get()));
    }

    /** Starts generation with model A; bad settings, an empty prompt or a too-long run give a dialog. */
    public void generate() {
        ModelSlot a = main.slotAProperty().get();
        if (a == null) {
            main.dialogs().error("No model", "Open a model first (Models tab).");
            return;
        }
        SamplingSettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            main.dialogs().error("Bad sampling setting", e.getMessage());
            return;
        }
        String text = prompt.get();
        streamedSource.clear();
        output.set("");
        StringBuilder shown = new StringBuilder();
        stopRequested.set(false);
        BackgroundTask<GenerationRun> task = new BackgroundTask<>() {
            @Override
            protected GenerationRun call() {
                return service.generate(a.model(), text, s, (id, tokenText, piece) -> {
                    if (id >= 0) streamedSource.add(tokenText);
                    if (!piece.isEmpty()) {
                        synchronized (shown) { shown.append(piece); }
                        String now;
                        synchronized (shown) { now = shown.toString(); }
                        publish(() -> output.set(now));
                    }
                }, () -> stopRequested.get() || isCancelled());
            }
        };
        Consumer<GenerationRun> done = r -> {
            output.set(r.generatedText());
            main.lastRunProperty().set(r);
            main.statusProperty().set(String.format("Generated %d tokens (%s)", r.ids().length - r.promptTokens(), r.stopReason()));
        };
        main.executor().execute(task
                .onRunning(() -> {
                    running.set(true);
                    main.statusProperty().set("Generating with " + a.card().name() + "…");
                })
                .onSuccess(done)
                .onFailure(e -> {
                    main.statusProperty().set("Generation failed");
                    main.dialogs().error("Cannot generate", Dialogs.reason(e));
                })
                .onFinished(() -> running.set(false)));
    }

    /**
     * Stops generation. The generator checks between tokens and then returns what it has, so the
     * partial run (trace included) still reaches the other screens.
     */
    public void stop() { stopRequested.set(true); }
}
