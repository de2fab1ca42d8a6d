package ai.taipan.app;

import ai.taipan.app.gui.WorkbenchApp;
import javafx.application.Application;

/**
 * The main class. A plain class, not the Application subclass: with JavaFX on the class path, a
 * main class that extends Application fails with "JavaFX runtime components are missing".
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        Application.launch(WorkbenchApp.class, args);
    }
}
