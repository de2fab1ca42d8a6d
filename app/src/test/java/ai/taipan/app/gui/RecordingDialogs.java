package ai.taipan.app.gui;

import ai.taipan.app.gui.util.Dialogs;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** Dialogs for tests: records errors, answers choosers from a queue. */
public final class RecordingDialogs implements Dialogs {
    public final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    public final Deque<Path> answers = new ArrayDeque<>();

    @Override public void error(String title, String message) { errors.add(title + ": " + message); }
    @Override public Optional<Path> chooseFolder(String title) { return Optional.ofNullable(answers.poll()); }
    @Override public Optional<Path> chooseOpenFile(String title, String ext) { return Optional.ofNullable(answers.poll()); }
    @Override public Optional<Path> chooseSaveFile(String title, String name, String ext) { return Optional.ofNullable(answers.poll()); }
}
