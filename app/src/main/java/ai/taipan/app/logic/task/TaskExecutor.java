package ai.taipan.app.logic.task;

/** Runs {@link BackgroundTask}s: the workbench injects one that uses worker threads, tests a same-thread one. */
public interface TaskExecutor {
    /** Starts the task and returns it (for cancel). */
    <V> BackgroundTask<V> execute(BackgroundTask<V> task);

    /** Stops accepting work; running tasks are asked to cancel. */
    void shutdown();
}
