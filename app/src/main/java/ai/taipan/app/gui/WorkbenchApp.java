package ai.taipan.app.gui;

import ai.taipan.app.gui.util.FxTaskExecutor;
import ai.taipan.app.logic.task.TaskExecutor;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The JavaFX application: one window holding the {@link MainView}. */
public class WorkbenchApp extends Application {
    private TaskExecutor executor;
    private MainView main;

    @Override
    public void start(Stage stage) {
        executor = new FxTaskExecutor();
        main = new MainView(new MainViewModel(executor), stage);
        Scene scene = new Scene(main, 1280, 820);
        stage.setTitle("Taipan Workbench");
        stage.setScene(scene);
        stage.show();
        main.viewModel().startDefaultModel();
    }

    @Override
    public void stop() {
        if (executor != null) executor.shutdown();
    }
}
