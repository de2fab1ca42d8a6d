package ai.taipan.app.gui.util;

import java.nio.file.Path;
import java.util.Optional;

/** What view models ask of the user: error dialogs and file choosers. Tests plug in a recorder. */
public interface Dialogs {
    void error(String title, String message);

    Optional<Path> chooseFolder(String title);

    Optional<Path> chooseOpenFile(String title, String extension);

    Optional<Path> chooseSaveFile(String title, String suggestedName, String extension);

    /** One line for an exception: its message, or its type where it has none (a NullPointerException). */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        if (t instanceof OutOfMemoryError) return "out of memory: " + t.getMessage() + " (the run was stopped; the workbench keeps working)";
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
