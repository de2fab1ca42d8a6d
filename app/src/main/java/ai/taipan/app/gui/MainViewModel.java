package ai.taipan.app.gui;

import ai.taipan.app.logic.task.TaskExecutor;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** The window's state shared by all screens. No controls. */
public class MainViewModel {
    private final TaskExecutor executor;
    private final ReadOnlyStringWrapper banner = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Ready");

    public MainViewModel(TaskExecutor executor) { this.executor = executor; }

    public TaskExecutor executor() { return executor; }

    /** Text of the banner above the tabs; empty hides it. */
    public ReadOnlyStringProperty bannerProperty() { return banner.getReadOnlyProperty(); }

    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }

    public void startDefaultModel() {
        banner.set("");
        status.set("Ready");
    }
}
