package ai.taipan.app.gui;

import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.app.logic.io.RecentModelsStore;
import ai.taipan.app.logic.task.CurrentThreadTaskExecutor;
import ai.taipan.engine.model.Preset;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import org.controlsfx.control.CheckListView;
import org.controlsfx.control.StatusBar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ControlsFX controls of the window, headless: the State screen's CheckListView of heads
 * (ticking a head's box redraws the lines for exactly the ticked heads, and the list follows the
 * view model) and the StatusBar (status text, progress of the running task). Same-thread
 * executor: the tiny model's generation runs on the FX thread inside {@link #fx}.
 */
@ExtendWith(ApplicationExtension.class)
class ControlsFxViewsTest {
    @TempDir static Path tmp;
    MainViewModel vm;
    MainView view;

    @Start
    void start(Stage stage) {
        vm = new MainViewModel(new CurrentThreadTaskExecutor(), new RecordingDialogs(), new RecentModelsStore(tmp.resolve("cfg")), Runnable::run);
        view = new MainView(vm);
        stage.setScene(new Scene(view, 1000, 700));
        stage.show();
    }

    <T> T fx(Callable<T> c) throws Exception {
        T t = WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return t;
    }

    @Test
    void headCheckBoxesPickTheDrawnHeads(FxRobot robot) throws Exception {
        fx(() -> {
            vm.slotAProperty().set(ModelSlot.of(ModelLoader.random("t", ModelLoader.tinyConfig(Preset.TAIPAN, 7, 32), 4)));
            vm.prompt().promptProperty().set("state");
            vm.prompt().maxTokensProperty().set(3);
            vm.prompt().generate();
            view.select("State");
            return null;
        });
        @SuppressWarnings("unchecked")
        CheckListView<Integer> heads = robot.lookup("#state-heads").queryAs(CheckListView.class);
        int h = vm.state().dataProperty().get().headCount();
        assertEquals(4, h, "D = 32, expand 2, head_dim 16");
        assertEquals(List.of(0, 1, 2, 3), List.copyOf(heads.getItems()));
        assertEquals(List.of(0, 1, 2, 3), List.copyOf(heads.getCheckModel().getCheckedItems()), "all heads ticked after a run");
        assertEquals(4, view.stateView().lines().getSeriesCount());

        // untick head 1 the way its check box does
        fx(() -> { heads.getItemBooleanProperty(1).set(false); return null; });
        assertEquals(List.of(0, 2, 3), List.copyOf(vm.state().heads()));
        assertArrayEquals(new int[]{0, 2, 3}, view.stateView().lines().heads());
        assertEquals(3, view.stateView().lines().getSeriesCount());
        assertEquals("head 2", view.stateView().lines().getSeriesKey(1));

        // "None" empties the chart, the view model's pick ticks exactly its heads
        Button none = robot.lookup(".button").match(n -> n instanceof Button b && "None".equals(b.getText())).queryButton();
        fx(() -> { none.fire(); return null; });
        assertEquals(0, view.stateView().lines().getSeriesCount());
        assertTrue(heads.getCheckModel().getCheckedItems().isEmpty());
        fx(() -> { vm.state().pickHeads(List.of(3, 1)); return null; });
        assertEquals(List.of(1, 3), List.copyOf(heads.getCheckModel().getCheckedItems()));
        assertArrayEquals(new int[]{1, 3}, view.stateView().lines().heads());
    }

    @Test
    void statusBarShowsTheStatusAndTheRunningTasksProgress(FxRobot robot) throws Exception {
        StatusBar bar = robot.lookup("#status").queryAs(StatusBar.class);
        fx(() -> { vm.statusProperty().set("Sweeping"); return null; });
        assertEquals("Sweeping", bar.getText());
        assertEquals(0.0, bar.getProgress(), "idle");
        fx(() -> { vm.models().loadingProperty().set(true); return null; });
        assertEquals(-1.0, bar.getProgress(), "indeterminate while a model loads");
        fx(() -> {
            vm.scaling().runningProperty().set(true);
            vm.scaling().progressProperty().set(0.4);
            return null;
        });
        assertEquals(0.4, bar.getProgress(), 1e-12, "a sweep reports its fraction");
        fx(() -> {
            vm.scaling().runningProperty().set(false);
            vm.models().loadingProperty().set(false);
            return null;
        });
        assertEquals(0.0, bar.getProgress());
    }
}
