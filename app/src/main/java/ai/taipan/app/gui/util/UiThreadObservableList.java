package ai.taipan.app.gui.util;

import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.TransformationList;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A read-only view of a list that background threads fill, whose listeners always fire on the UI
 * thread (after JabRef's UiThreadObservableList). Each change of the source is copied where it
 * happens (from/to and the added items) and replayed in order on the UI thread onto a mirror, so
 * a listener never sees the source half-way through a later change.
 */
public final class UiThreadObservableList<E> extends TransformationList<E, E> {
    private final List<E> mirror = new ArrayList<>();
    private final Consumer<Runnable> ui;

    public UiThreadObservableList(ObservableList<E> source) { this(source, FxTaskExecutor::onFx); }

    public UiThreadObservableList(ObservableList<E> source, Consumer<Runnable> ui) {
        super(source);
        this.ui = ui;
        synchronized (source) { mirror.addAll(source); }
    }

    /** A synchronized list for background threads to add to. */
    public static <E> ObservableList<E> newSourceList() {
        return FXCollections.synchronizedObservableList(FXCollections.observableArrayList());
    }

    @Override
    protected void sourceChanged(ListChangeListener.Change<? extends E> c) {
        List<Runnable> edits = new ArrayList<>();
        while (c.next()) {
            int from = c.getFrom();
            if (c.wasPermutated() || c.wasUpdated()) {
                List<E> now = new ArrayList<>(c.getList().subList(from, c.getTo()));
                edits.add(() -> {
                    beginChange();
                    for (int i = 0; i < now.size(); i++) {
                        E old = mirror.set(from + i, now.get(i));
                        nextSet(from + i, old);
                    }
                    endChange();
                });
                continue;
            }
            int removed = c.getRemovedSize();
            List<E> added = new ArrayList<>(c.getAddedSubList());
            edits.add(() -> {
                beginChange();
                List<E> gone = new ArrayList<>(mirror.subList(from, from + removed));
                mirror.subList(from, from + removed).clear();
                mirror.addAll(from, added);
                if (!gone.isEmpty()) nextRemove(from, gone);
                if (!added.isEmpty()) nextAdd(from, from + added.size());
                endChange();
            });
        }
        ui.accept(() -> edits.forEach(Runnable::run));
    }

    @Override public int getSourceIndex(int index) { return index; }
    @Override public int getViewIndex(int index) { return index; }
    @Override public E get(int index) { return mirror.get(index); }
    @Override public int size() { return mirror.size(); }
}
