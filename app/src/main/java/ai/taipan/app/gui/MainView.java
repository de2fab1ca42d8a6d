package ai.taipan.app.gui;

import ai.taipan.app.gui.compare.CompareView;
import ai.taipan.app.gui.models.ModelManagerView;
import ai.taipan.app.gui.prompt.PromptView;
import ai.taipan.app.gui.routing.RoutingView;
import ai.taipan.app.gui.scaling.ScalingView;
import ai.taipan.app.gui.state.StateView;
import ai.taipan.app.gui.util.Dialogs;
import ai.taipan.app.logic.io.TableExport;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.visualizer.data.LossData;
import javafx.application.Platform;
import org.controlsfx.control.StatusBar;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

import java.nio.file.Path;
import java.util.List;

/** The window: menu bar, banner, one tab per screen, status bar with task progress. */
public class MainView extends BorderPane {
    private final MainViewModel vm;
    private final TabPane tabs = new TabPane();
    private final ModelManagerView models;
    private final PromptView prompt;
    private final RoutingView routing;
    private final StateView state;
    private final ScalingView scaling;
    private final CompareView compare;

    public MainView(MainViewModel vm) {
        this.vm = vm;
        setId("main");
        Label banner = new Label();
        banner.setId("banner");
        banner.setWrapText(true);
        banner.textProperty().bind(vm.bannerProperty());
        banner.visibleProperty().bind(vm.bannerProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        banner.setMaxWidth(Double.MAX_VALUE);
        banner.setStyle("-fx-background-color: #fff3cd; -fx-text-fill: #664d03; -fx-padding: 6 10 6 10; -fx-font-weight: bold;");
        setTop(new VBox(menu(), banner));
        models = new ModelManagerView(vm);
        prompt = new PromptView(vm);
        routing = new RoutingView(vm);
        state = new StateView(vm);
        scaling = new ScalingView(vm);
        compare = new CompareView(vm);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().addAll(new Tab("Models", models), new Tab("Prompt", prompt), new Tab("Routing map", routing),
                new Tab("State", state), new Tab("Scaling lab", scaling), new Tab("Compare", compare));
        setCenter(tabs);
        // ControlsFX StatusBar: the status line plus the progress of whatever engine work runs
        StatusBar status = new StatusBar();
        status.setId("status");
        status.textProperty().bind(vm.statusProperty());
        status.progressProperty().bind(vm.taskProgressProperty());
        setBottom(status);
    }

    private MenuBar menu() {
        Dialogs d = vm.dialogs();
        Menu file = new Menu("File");
        file.getItems().addAll(
                item("Open model in A…", () -> vm.models().chooseAndOpen("A")),
                item("Open model in B…", () -> vm.models().chooseAndOpen("B")),
                new SeparatorMenuItem(),
                item("Open session…", () -> d.chooseOpenFile("Open session", "json").ifPresent(vm::openSession)),
                item("Save session…", () -> d.chooseSaveFile("Save session", "session.json", "json").ifPresent(vm::saveSession)),
                new SeparatorMenuItem(),
                item("Quit", Platform::exit));
        Menu export = new Menu("Export");
        export.getItems().addAll(
                item("Trace of last run as JSON…", () -> {
                    GenerationRun r = vm.lastRunProperty().get();
                    if (r == null) { d.error("Nothing to export", "Generate first (Prompt tab)."); return; }
                    d.chooseSaveFile("Export trace", "trace.json", "json").ifPresent(p -> write(() -> TableExport.traceJson(p, r.trace())));
                }),
                item("Sweep table as CSV…", () -> d.chooseSaveFile("Export sweep", "sweep.csv", "csv")
                        .ifPresent(p -> write(() -> TableExport.write(p, TableExport.sweepCsv(List.copyOf(vm.scaling().points())))))),
                item("Per-token losses as CSV…", () -> {
                    LossData l = vm.compare().lossesProperty().get();
                    if (l.length() == 0) { d.error("Nothing to export", "Compare two models first (Compare tab)."); return; }
                    double[] a = new double[l.length()], b = new double[l.length()];
                    for (int i = 0; i < a.length; i++) { a[i] = l.lossA(i); b[i] = l.lossB(i); }
                    d.chooseSaveFile("Export losses", "losses.csv", "csv").ifPresent(p -> write(() ->
                            TableExport.write(p, TableExport.lossCsv(vm.compare().tokenTextsProperty().get(), a, b))));
                }),
                item("Retrieval accuracy as CSV…", () -> d.chooseSaveFile("Export accuracy", "accuracy.csv", "csv")
                        .ifPresent(p -> write(() -> TableExport.write(p, TableExport.accuracyCsv(List.copyOf(vm.compare().accuracy())))))));
        MenuBar bar = new MenuBar(file, export);
        bar.setUseSystemMenuBar(false);
        return bar;
    }

    private void write(Runnable r) {
        try {
            r.run();
            vm.statusProperty().set("Exported");
        } catch (RuntimeException e) {
            vm.dialogs().error("Cannot export", Dialogs.reason(e));
        }
    }

    private static MenuItem item(String text, Runnable r) {
        MenuItem i = new MenuItem(text);
        i.setOnAction(e -> r.run());
        return i;
    }

    public MainViewModel viewModel() { return vm; }
    public TabPane tabs() { return tabs; }
    public ModelManagerView modelsView() { return models; }
    public PromptView promptView() { return prompt; }
    public RoutingView routingView() { return routing; }
    public StateView stateView() { return state; }
    public ScalingView scalingView() { return scaling; }
    public CompareView compareView() { return compare; }

    /** Shows the tab whose title is {@code name}. */
    public void select(String name) {
        tabs.getTabs().stream().filter(t -> t.getText().equals(name)).findFirst().ifPresent(t -> tabs.getSelectionModel().select(t));
    }

}
