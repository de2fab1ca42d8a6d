package ai.taipan.app.gui;

import ai.taipan.app.gui.util.UiThreadObservableList;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The wrapper replays source changes only when the "UI thread" (here a queue) runs them, in order. */
class UiThreadObservableListTest {
    @Test
    void changesArriveOnlyThroughTheUiQueueAndInOrder() {
        Deque<Runnable> ui = new ArrayDeque<>();
        ObservableList<String> source = FXCollections.observableArrayList("a");
        UiThreadObservableList<String> view = new UiThreadObservableList<>(source, ui::add);
        List<String> seen = new ArrayList<>();
        view.addListener((ListChangeListener<String>) c -> seen.add(String.join("", c.getList())));
        source.add("b");
        source.addAll("c", "d");
        source.remove("a");
        assertEquals(List.of("a"), view);                 // nothing visible before the UI thread runs
        assertTrue(seen.isEmpty());
        ui.poll().run();
        assertEquals(List.of("a", "b"), view);
        while (!ui.isEmpty()) ui.poll().run();
        assertEquals(List.of("b", "c", "d"), view);
        assertEquals(List.of("ab", "abcd", "bcd"), seen);
        source.set(1, "x");
        source.clear();
        while (!ui.isEmpty()) ui.poll().run();
        assertEquals(List.of(), view);
    }
}
