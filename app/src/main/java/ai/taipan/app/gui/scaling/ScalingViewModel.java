package ai.taipan.app.gui.scaling;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.util.Dialogs;
import ai.taipan.app.gui.util.UiThreadObservableList;
import ai.taipan.app.logic.engine.SweepService;
import ai.taipan.app.logic.task.BackgroundTask;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.SweepPoint;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Scaling lab: sweeps of the loaded models over context lengths 1K … max, points arriving live
 * (the list is filled by the worker and fires on the UI thread), progress, Cancel. No controls.
 */
public class ScalingViewModel {
    private final MainViewModel main;
    private final Supplier<SweepService> service;
    private final ObservableList<SweepPoint> source = UiThreadObservableList.newSourceList();
    private final ObservableList<SweepPoint> points;
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty message = new SimpleStringProperty("");
    private final LongProperty maxLength = new SimpleLongProperty(1 << 20);
    private final LongProperty minLength = new SimpleLongProperty(1024);
    /** Memory a run may use, in bytes; 0 = the heap available now. Lower it to see where a smaller machine stops. */
    private final LongProperty budget = new SimpleLongProperty(0);
    private BackgroundTask<Integer> task;

    public ScalingViewModel(MainViewModel main) { this(main, null); }

    public ScalingViewModel(MainViewModel main, Supplier<SweepService> service) {
        this.main = main;
        this.service = service != null ? service : () -> new SweepService(this::budgetBytes, 8);
        this.points = new UiThreadObservableList<>(source, main.ui());
    }

    /** Replaces the sweep service (tests: a fixed memory budget, fewer decode steps). */
    private Supplier<SweepService> override;

    public void setService(Supplier<SweepService> s) { this.override = s; }

    public ObservableList<SweepPoint> points() { return points; }
    public BooleanProperty runningProperty() { return running; }
    public DoubleProperty progressProperty() { return progress; }
    public StringProperty messageProperty() { return message; }
    public LongProperty maxLengthProperty() { return maxLength; }
    public LongProperty minLengthProperty() { return minLength; }
    public LongProperty budgetProperty() { return budget; }

    /** The budget in force: the chosen one, but never more than the heap available. */
    long budgetBytes() {
        long heap = ai.taipan.app.model.MemoryModel.heapBudget();
        return budget.get() > 0 ? Math.min(budget.get(), heap) : heap;
    }

    /** Powers of two from min to max. */
    public long[] lengths() {
        return java.util.stream.LongStream.iterate(minLength.get(), n -> n <= maxLength.get(), n -> n * 2).toArray();
    }

    public void restore(List<SweepPoint> pts) { source.setAll(pts); }

    /** Sweeps every loaded model (A then B). */
    public void run() {
        List<LoadedModel> models = main.loadedModels();
        if (models.isEmpty()) {
            main.dialogs().error("No model", "Open a model first (Models tab).");
            return;
        }
        long[] ns = lengths();
        if (ns.length == 0) {
            main.dialogs().error("No context lengths", "The smallest context length is above the largest.");
            return;
        }
        source.clear();
        SweepService sweep = (override != null ? override : service).get();
        task = new BackgroundTask<>() {
            @Override
            protected Integer call() {
                int n = 0;
                for (int i = 0; i < models.size() && !isCancelled(); i++) {
                    final int mi = i;
                    n += sweep.run(models.get(i), ns, source::add,
                            (done, total, msg) -> updateProgress((double) mi / models.size() + (double) done / total / models.size(), 1, msg),
                            this::isCancelled).size();
                }
                return n;
            }
        };
        main.executor().execute(task
                .onRunning(() -> {
                    running.set(true);
                    progress.set(0);
                    message.set("Sweeping " + Arrays.toString(ns) + "…");
                })
                .onProgress((d, max, msg) -> {
                    progress.set(d / max);
                    message.set(msg);
                })
                .onSuccess(n -> {
                    progress.set(1);
                    message.set("Done: " + n + " points");
                })
                .onCancelled(() -> message.set("Cancelled after " + source.size() + " points"))
                .onFailure(e -> {
                    message.set("Failed: " + Dialogs.reason(e));
                    main.dialogs().error("Sweep failed", Dialogs.reason(e));
                })
                .onFinished(() -> running.set(false)));
    }

    public void cancel() {
        if (task != null) task.cancel();
    }
}
