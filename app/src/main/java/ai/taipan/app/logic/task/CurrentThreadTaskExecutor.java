package ai.taipan.app.logic.task;

/**
 * Runs each task to its end on the calling thread, callbacks included (after JabRef's
 * CurrentThreadTaskExecutor). For unit tests of view models: no threads, no toolkit.
 */
public final class CurrentThreadTaskExecutor implements TaskExecutor {
    @Override
    public <V> BackgroundTask<V> execute(BackgroundTask<V> task) {
        task.run(Runnable::run);
        return task;
    }

    @Override
    public void shutdown() { }
}
