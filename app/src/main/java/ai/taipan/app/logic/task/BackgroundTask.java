package ai.taipan.app.logic.task;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one kind of off-thread work in the workbench (after JabRef's BackgroundTask): {@link #call()}
 * runs on a worker thread chosen by a {@link TaskExecutor}; the callbacks onRunning, onSuccess,
 * onFailure and onFinished, progress and messages, and anything passed to {@link #publish} arrive
 * on the UI thread. Cancellation is cooperative: {@link #cancel()} sets a flag that the work polls
 * through {@link #isCancelled()}; a task that stops early because of it finishes with neither
 * success nor failure, only onCancelled and onFinished.
 *
 * <p>No JavaFX type appears here, so logic code and its tests stay free of the toolkit; the
 * executor decides what "the UI thread" is.
 *
 * @param <V> the result type
 */
public abstract class BackgroundTask<V> {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private Runnable onRunning = () -> { };
    private Consumer<V> onSuccess = v -> { };
    private Consumer<Throwable> onFailure = e -> { };
    private Runnable onCancelled = () -> { };
    private Runnable onFinished = () -> { };
    private ProgressListener onProgress = (done, max, message) -> { };
    private volatile Consumer<Runnable> ui = Runnable::run;
    private volatile String title = getClass().getSimpleName();

    /** Progress as "done of max" plus a message; called on the UI thread. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(double done, double max, String message);
    }

    /** The work; runs off the UI thread. Poll {@link #isCancelled()} between steps. */
    protected abstract V call() throws Exception;

    /** A task from a callable that needs no progress. */
    public static <V> BackgroundTask<V> wrap(Callable<V> work) {
        Objects.requireNonNull(work);
        return new BackgroundTask<>() {
            @Override
            protected V call() throws Exception { return work.call(); }
        };
    }

    public BackgroundTask<V> withTitle(String t) { this.title = t; return this; }
    public String title() { return title; }

    public BackgroundTask<V> onRunning(Runnable r) { this.onRunning = Objects.requireNonNull(r); return this; }
    public BackgroundTask<V> onSuccess(Consumer<V> c) { this.onSuccess = Objects.requireNonNull(c); return this; }
    public BackgroundTask<V> onFailure(Consumer<Throwable> c) { this.onFailure = Objects.requireNonNull(c); return this; }
    public BackgroundTask<V> onCancelled(Runnable r) { this.onCancelled = Objects.requireNonNull(r); return this; }
    public BackgroundTask<V> onFinished(Runnable r) { this.onFinished = Objects.requireNonNull(r); return this; }
    public BackgroundTask<V> onProgress(ProgressListener l) { this.onProgress = Objects.requireNonNull(l); return this; }

    /** Asks the work to stop; safe from any thread. */
    public void cancel() { cancelled.set(true); }

    public boolean isCancelled() { return cancelled.get(); }

    /** Reports progress from the work; delivered on the UI thread. */
    protected void updateProgress(double done, double max, String message) {
        ui.accept(() -> onProgress.progress(done, max, message));
    }

    /** Runs {@code r} on the UI thread (live results: a sweep point, a streamed token). */
    public void publish(Runnable r) { ui.accept(r); }

    /**
     * Runs the whole life cycle on the calling thread, delivering callbacks through {@code uiThread}.
     * Executors call this from their worker thread.
     */
    public final void run(Consumer<Runnable> uiThread) {
        this.ui = Objects.requireNonNull(uiThread);
        ui.accept(onRunning);
        try {
            V v = call();
            if (isCancelled()) ui.accept(onCancelled);
            else ui.accept(() -> onSuccess.accept(v));
        } catch (Throwable e) {
            if (isCancelled() && e instanceof CancelledException) ui.accept(onCancelled);
            else ui.accept(() -> onFailure.accept(e));
            if (e instanceof VirtualMachineError vme && !(e instanceof OutOfMemoryError)) throw vme;
        } finally {
            ui.accept(onFinished);
        }
    }

    /** Thrown by work that notices {@link #isCancelled()} deep inside a loop. */
    public static final class CancelledException extends RuntimeException {
        public CancelledException() { super("cancelled", null, false, false); }
    }

    /** Throws {@link CancelledException} if cancel was asked. */
    protected void checkCancelled() {
        if (isCancelled()) throw new CancelledException();
    }
}
