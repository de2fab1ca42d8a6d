package ai.taipan.app.gui;

import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/** The window: menu bar, banner, one tab per screen, status line. */
public class MainView extends BorderPane {
    private final MainViewModel vm;
    private final TabPane tabs = new TabPane();

    public MainView(MainViewModel vm, Stage stage) {
        this.vm = vm;
        setId("main");
        MenuBar menu = new MenuBar(new Menu("File"));
        Label banner = new Label();
        banner.setId("banner");
        banner.textProperty().bind(vm.bannerProperty());
        banner.visibleProperty().bind(vm.bannerProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        banner.setMaxWidth(Double.MAX_VALUE);
        banner.setStyle("-fx-background-color: #fff3cd; -fx-text-fill: #664d03; -fx-padding: 6 10 6 10; -fx-font-weight: bold;");
        setTop(new VBox(menu, banner));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        for (String name : new String[]{"Models", "Prompt", "Routing map", "State", "Scaling lab", "Compare"}) {
            tabs.getTabs().add(new Tab(name));
        }
        setCenter(tabs);
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(vm.statusProperty());
        status.setStyle("-fx-padding: 3 8 3 8;");
        setBottom(status);
    }

    public MainViewModel viewModel() { return vm; }

    public TabPane tabs() { return tabs; }
}
