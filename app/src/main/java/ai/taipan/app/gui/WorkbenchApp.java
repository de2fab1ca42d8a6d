package ai.taipan.app.gui;

import ai.taipan.app.gui.util.FxDialogs;
import ai.taipan.app.gui.util.FxTaskExecutor;
import ai.taipan.app.logic.task.TaskExecutor;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The JavaFX application: one window holding the {@link MainView}. Engine work runs on the
 * {@link FxTaskExecutor}'s worker threads; errors anywhere end in a dialog, not a dead window.
 */
public class WorkbenchApp extends Application {
    private TaskExecutor executor;

    @Override
    public void start(Stage stage) {
        executor = new FxTaskExecutor();
        MainViewModel vm = new MainViewModel(executor, new FxDialogs(() -> stage));
        MainView main = new MainView(vm);
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> FxTaskExecutor.onFx(() ->
                vm.dialogs().error("Unexpected error", e + "\n(the workbench keeps running)")));
        stage.setScene(new Scene(main, 1280, 840));
        stage.setTitle("Taipan Workbench");
        stage.show();
        vm.startDefaultModel();
        String tab = System.getProperty("taipan.workbench.tab");
        if (tab != null) main.select(tab);
        String shots = System.getProperty("taipan.workbench.screenshots");
        if (shots != null) new ScreenshotTour(main, stage, java.nio.file.Path.of(shots)).start();
    }

    @Override
    public void stop() {
        if (executor != null) executor.shutdown();
    }
}
