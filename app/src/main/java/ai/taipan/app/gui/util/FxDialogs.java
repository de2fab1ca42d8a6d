package ai.taipan.app.gui.util;

import javafx.scene.control.Alert;
import javafx.scene.control.TextArea;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link Dialogs} with JavaFX alerts and choosers, owned by the main window. */
public final class FxDialogs implements Dialogs {
    private final Supplier<Window> owner;

    public FxDialogs(Supplier<Window> owner) { this.owner = owner; }

    @Override
    public void error(String title, String message) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.initOwner(owner.get());
        a.setTitle(title);
        a.setHeaderText(title);
        TextArea text = new TextArea(message);
        text.setEditable(false);
        text.setWrapText(true);
        text.setPrefRowCount(4);
        a.getDialogPane().setContent(text);
        a.show();
    }

    @Override
    public Optional<Path> chooseFolder(String title) {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle(title);
        File f = c.showDialog(owner.get());
        return Optional.ofNullable(f).map(File::toPath);
    }

    @Override
    public Optional<Path> chooseOpenFile(String title, String extension) {
        FileChooser c = chooser(title, extension);
        File f = c.showOpenDialog(owner.get());
        return Optional.ofNullable(f).map(File::toPath);
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, String suggestedName, String extension) {
        FileChooser c = chooser(title, extension);
        c.setInitialFileName(suggestedName);
        File f = c.showSaveDialog(owner.get());
        return Optional.ofNullable(f).map(File::toPath);
    }

    private static FileChooser chooser(String title, String ext) {
        FileChooser c = new FileChooser();
        c.setTitle(title);
        c.getExtensionFilters().add(new FileChooser.ExtensionFilter(ext.toUpperCase() + " files", "*." + ext));
        return c;
    }
}
