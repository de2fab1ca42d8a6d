package ai.taipan.app.gui.util;

import ai.taipan.app.logic.task.BackgroundTask;
import ai.taipan.app.logic.task.TaskExecutor;
import javafx.application.Platform;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on daemon worker threads and delivers their callbacks with Platform.runLater, so the
 * JavaFX thread never waits for engine work (after JabRef's UiTaskExecutor).
 */
public final class FxTaskExecutor implements TaskExecutor {
    private final AtomicInteger n = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "workbench-task-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final Set<BackgroundTask<?>> running = ConcurrentHashMap.newKeySet();

    @Override
    public <V> BackgroundTask<V> execute(BackgroundTask<V> task) {
        running.add(task);
        pool.execute(() -> {
            try {
                task.run(FxTaskExecutor::onFx);
            } finally {
                running.remove(task);
            }
        });
        return task;
    }

    /** Runs now if already on the FX thread, else later on it. */
    public static void onFx(Runnable r) {
        if (Platform.isFxApplicationThread()) r.run();
        else Platform.runLater(r);
    }

    /** Tasks still running (for tests and the status bar). */
    public int runningCount() { return running.size(); }

    @Override
    public void shutdown() {
        running.forEach(BackgroundTask::cancel);
        pool.shutdown();
    }
}
