package ai.taipan.app.gui.compare;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.util.Dialogs;
import ai.taipan.app.logic.engine.CompareService;
import ai.taipan.app.logic.engine.RetrievalService;
import ai.taipan.app.logic.engine.TokenTexts;
import ai.taipan.app.logic.task.BackgroundTask;
import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.TopPrediction;
import ai.taipan.engine.eval.ScoringModel;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.tasks.DataSpec;
import ai.taipan.engine.tasks.SyntheticTask;
import ai.taipan.visualizer.data.LossData;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Compare: models A and B on the same text — per-token losses and their difference, the top-k
 * next-token predictions of both at a picked position, and retrieval accuracy versus context on
 * a chosen synthetic task (MQAR, phonebook or needle) with its evidence anywhere or within a
 * distance — by default within model A's SAL window, where a Taipan's attention can reach.
 * No controls.
 */
public class CompareViewModel {
    public static final int TOP_K = 8;
    /** The retrieval tasks offered (the engine's task names). */
    public static final List<String> TASKS = List.of("mqar", "phonebook", "needle");
    /** {@link #maxDistanceProperty()} value: the evidence within model A's SAL window (anywhere if A has no SAL). */
    public static final int WINDOW_OF_A = -1;

    private final MainViewModel main;
    private final StringProperty text = new SimpleStringProperty(
            "Mamba-2 keeps a constant-size state; Taipan adds selective attention for the few tokens that need it. "
                    + "Mamba-2 keeps a constant-size state.");
    private final ObjectProperty<LossData> losses = new SimpleObjectProperty<>(LossData.empty());
    private final ObjectProperty<List<String>> tokenTexts = new SimpleObjectProperty<>(List.of());
    private final IntegerProperty position = new SimpleIntegerProperty(-1);
    private final ObservableList<TopPrediction> topA = FXCollections.observableArrayList();
    private final ObservableList<TopPrediction> topB = FXCollections.observableArrayList();
    private final ObservableList<AccuracyPoint> accuracy = FXCollections.observableArrayList();
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final StringProperty task = new SimpleStringProperty("mqar");
    private final IntegerProperty maxDistance = new SimpleIntegerProperty(WINDOW_OF_A);
    private final StringProperty message = new SimpleStringProperty("");
    private int[] ids = new int[0];
    private BackgroundTask<?> accuracyTask;
    /** How a loaded model is scored on the retrieval task: the engine model itself unless replaced. */
    private Function<LoadedModel, ScoringModel> scorer = m -> ScoringModel.of(m.model());

    public CompareViewModel(MainViewModel main) { this.main = main; }

    public StringProperty textProperty() { return text; }
    public ObjectProperty<LossData> lossesProperty() { return losses; }
    public ObjectProperty<List<String>> tokenTextsProperty() { return tokenTexts; }
    public IntegerProperty positionProperty() { return position; }
    public ObservableList<TopPrediction> topA() { return topA; }
    public ObservableList<TopPrediction> topB() { return topB; }
    public ObservableList<AccuracyPoint> accuracy() { return accuracy; }
    public BooleanProperty runningProperty() { return running; }
    /** The retrieval task's name, one of {@link #TASKS}. */
    public StringProperty taskProperty() { return task; }
    /** How far back the evidence may lie: tokens, 0 = anywhere, {@link #WINDOW_OF_A} = model A's SAL window. */
    public IntegerProperty maxDistanceProperty() { return maxDistance; }

    /**
     * The engine task spec the accuracy run uses for model A (e.g. {@code mqar,max-distance=128}):
     * {@link #WINDOW_OF_A} resolves to A's sliding_window when A has a selective-attention layer,
     * else to anywhere.
     */
    public String taskSpec(LoadedModel a) {
        int d = maxDistance.get();
        if (d == WINDOW_OF_A) d = a.config().hasLayer(LayerType.SELECTIVE_ATTENTION) ? a.config().slidingWindow : 0;
        return d > 0 ? task.get() + ",max-distance=" + d : task.get();
    }
    public StringProperty messageProperty() { return message; }

    /** Replaces how models are scored for retrieval accuracy (a harness around the model; an oracle in tests). */
    public void setScorer(Function<LoadedModel, ScoringModel> scorer) { this.scorer = scorer; }

    public void restore(String t, List<AccuracyPoint> acc) {
        text.set(t);
        accuracy.setAll(acc);
    }

    private LoadedModel[] pair() {
        List<LoadedModel> ms = main.loadedModels();
        if (ms.size() < 2) {
            main.dialogs().error("Two models needed", "Load a second model into slot B (Models tab) to compare.");
            return null;
        }
        return new LoadedModel[]{ms.get(0), ms.get(1)};
    }

    /** Per-token losses of A and B on the text. */
    public void compare() {
        LoadedModel[] p = pair();
        if (p == null) return;
        String t = text.get();
        main.executor().execute(BackgroundTask.wrap(() -> {
            int[] i = CompareService.sharedIds(p[0], p[1], t);
            return new Object[]{i, new LossData(p[0].name(), CompareService.perTokenLoss(p[0], i), p[1].name(),
                    CompareService.perTokenLoss(p[1], i))};
        }).onRunning(() -> running.set(true)).onSuccess(r -> {
            ids = (int[]) r[0];
            tokenTexts.set(TokenTexts.of(p[0].model().tokenizer(), ids));
            losses.set((LossData) r[1]);
            position.set(-1);
            topA.clear();
            topB.clear();
            LossData d = (LossData) r[1];
            message.set(String.format("Mean loss: A %.3f, B %.3f nats/token over %d predictions", d.meanA(), d.meanB(), d.length()));
        }).onFailure(e -> main.dialogs().error("Cannot compare", Dialogs.reason(e)))
                .onFinished(() -> running.set(false)));
    }

    /** Top-k next-token predictions of A and B after token column {@code pos}. */
    public void pickPosition(int pos) {
        LoadedModel[] p = pair();
        if (p == null || pos < 0 || pos >= ids.length) return;
        int[] i = ids;
        main.executor().execute(BackgroundTask.wrap(() -> List.of(CompareService.topK(p[0], i, pos, TOP_K),
                CompareService.topK(p[1], i, pos, TOP_K))).onSuccess(r -> {
            position.set(pos);
            topA.setAll(r.get(0));
            topB.setAll(r.get(1));
        }).onFailure(e -> main.dialogs().error("Cannot predict", Dialogs.reason(e))));
    }

    /**
     * Retrieval accuracy vs context for both models through the tasks evaluator, on the chosen task
     * ({@link #taskSpec}); both models see the same examples.
     */
    public void runAccuracy(int[] contexts, int samples) {
        LoadedModel[] p = pair();
        if (p == null) return;
        accuracy.clear();
        Function<LoadedModel, ScoringModel> score = scorer;
        String spec = taskSpec(p[0]);
        accuracyTask = new BackgroundTask<Integer>() {
            @Override
            protected Integer call() {
                SyntheticTask t = DataSpec.task(spec, null);   // a bad spec (distance below the task's minimum) fails here
                // contexts too short for the task are left out, and said so (not skipped silently)
                int min = t.minContextLength();
                int[] run = IntStream.of(contexts).filter(c -> c >= min).toArray();
                if (run.length == 0) {
                    throw new IllegalArgumentException("task " + spec + " needs a context of at least " + min
                            + " tokens; the contexts chosen go up to " + IntStream.of(contexts).max().orElse(0));
                }
                String left = run.length == contexts.length ? "" : String.format(" (%d context%s below the task's minimum of %d tokens left out)",
                        contexts.length - run.length, contexts.length - run.length == 1 ? "" : "s", min);
                int n = 0;
                for (LoadedModel m : p) {
                    ScoringModel sm = score.apply(m);
                    for (int c : run) {
                        if (isCancelled()) return n;
                        AccuracyPoint a = RetrievalService.accuracy(m, sm, t, c, samples, RetrievalService.SEED);
                        publish(() -> accuracy.add(a));
                        n++;
                        updateProgress(n, 2.0 * run.length, String.format("%s: %s at %d: %.1f%% of %d answers%s",
                                spec, m.name(), c, 100 * a.accuracy(), a.trials(), left));
                    }
                }
                return n;
            }
        };
        main.executor().execute(accuracyTask.onRunning(() -> running.set(true))
                .onProgress((d, max, msg) -> message.set(msg))
                .onFailure(e -> main.dialogs().error("Retrieval evaluation failed", Dialogs.reason(e)))
                .onFinished(() -> running.set(false)));
    }

    public void cancelAccuracy() {
        if (accuracyTask != null) accuracyTask.cancel();
    }
}
