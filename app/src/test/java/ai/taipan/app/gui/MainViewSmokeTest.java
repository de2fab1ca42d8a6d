package ai.taipan.app.gui;

import ai.taipan.app.logic.task.CurrentThreadTaskExecutor;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(ApplicationExtension.class)
class MainViewSmokeTest {
    @Start
    void start(Stage stage) {
        stage.setScene(new Scene(new MainView(new MainViewModel(new CurrentThreadTaskExecutor()), stage), 1000, 700));
        stage.show();
    }

    @Test
    void showsEveryScreenAsATab(FxRobot robot) {
        TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
        assertEquals(6, tabs.getTabs().size());
    }
}
