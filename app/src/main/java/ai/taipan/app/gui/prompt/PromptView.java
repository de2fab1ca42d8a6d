package ai.taipan.app.gui.prompt;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.visualizer.data.RoutingData;
import ai.taipan.visualizer.fx.TokenChipsPane;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.converter.LongStringConverter;

import java.util.ArrayList;
import java.util.List;

/** Prompt screen: prompt, knobs, Generate/Stop, streamed text, token chips coloured by the gate. */
public class PromptView extends VBox {
    private final PromptViewModel vm;
    private final TokenChipsPane chips = new TokenChipsPane();
    private final ComboBox<String> layer = new ComboBox<>();

    public PromptView(MainViewModel main) {
        this.vm = main.prompt();
        setId("prompt-view");
        setPadding(new Insets(10));
        setSpacing(8);
        TextArea prompt = new TextArea();
        prompt.setId("prompt");
        prompt.setWrapText(true);
        prompt.setPrefRowCount(3);
        prompt.textProperty().bindBidirectional(vm.promptProperty());

        Spinner<Double> temp = new Spinner<>(0.0, 5.0, vm.temperatureProperty().get(), 0.1);
        temp.setId("temperature");
        temp.setEditable(true);
        temp.setPrefWidth(80);
        temp.valueProperty().addListener((o, a, b) -> { if (b != null) vm.temperatureProperty().set(b); });
        vm.temperatureProperty().addListener((o, a, b) -> temp.getValueFactory().setValue(b.doubleValue()));
        Spinner<Integer> topK = new Spinner<>(0, 100000, vm.topKProperty().get(), 1);
        topK.setId("top-k");
        topK.setEditable(true);
        topK.setPrefWidth(80);
        topK.valueProperty().addListener((o, a, b) -> { if (b != null) vm.topKProperty().set(b); });
        vm.topKProperty().addListener((o, a, b) -> topK.getValueFactory().setValue(b.intValue()));
        Spinner<Double> topP = new Spinner<>(0.01, 1.0, vm.topPProperty().get(), 0.05);
        topP.setId("top-p");
        topP.setEditable(true);
        topP.setPrefWidth(80);
        topP.valueProperty().addListener((o, a, b) -> { if (b != null) vm.topPProperty().set(b); });
        vm.topPProperty().addListener((o, a, b) -> topP.getValueFactory().setValue(b.doubleValue()));
        TextField seed = new TextField();
        seed.setId("seed");
        seed.setPrefWidth(90);
        seed.textProperty().bindBidirectional(vm.seedProperty().asObject(), new LongStringConverter() {
            @Override
            public Long fromString(String s) {
                try { return super.fromString(s.trim()); } catch (NumberFormatException e) { return vm.seedProperty().get(); }
            }
        });
        Spinner<Integer> max = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 1 << 20, vm.maxTokensProperty().get(), 16));
        max.setId("max-tokens");
        max.setEditable(true);
        max.setPrefWidth(90);
        max.valueProperty().addListener((o, a, b) -> { if (b != null) vm.maxTokensProperty().set(b); });
        vm.maxTokensProperty().addListener((o, a, b) -> max.getValueFactory().setValue(b.intValue()));

        Button generate = new Button("Generate");
        generate.setId("generate");
        generate.setDefaultButton(true);
        generate.disableProperty().bind(vm.runningProperty());
        generate.setOnAction(e -> vm.generate());
        Button stop = new Button("Stop");
        stop.setId("stop");
        stop.disableProperty().bind(vm.runningProperty().not());
        stop.setOnAction(e -> vm.stop());
        HBox knobs = new HBox(8, new Label("temperature"), temp, new Label("top-k"), topK, new Label("top-p"), topP,
                new Label("seed"), seed, new Label("max tokens"), max, generate, stop);
        knobs.setAlignment(Pos.CENTER_LEFT);

        TextArea output = new TextArea();
        output.setId("output");
        output.setEditable(false);
        output.setWrapText(true);
        output.setPrefRowCount(4);
        output.textProperty().bind(vm.outputProperty());

        layer.setId("chip-layer");
        layer.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (b.intValue() >= 0) chips.setRow(b.intValue() - 1);
        });
        Label legend = new Label("Chips: colour = gate probability σ(s1−s0) (blue skip … white ½ … orange attend); "
                + "bold border = routed to attention; hover for each SAL layer's scores, selection and α.");
        legend.setWrapText(true);
        legend.setStyle("-fx-text-fill: #555;");
        HBox chipBar = new HBox(8, new Label("Colour chips by"), layer);
        chipBar.setAlignment(Pos.CENTER_LEFT);
        ScrollPane chipScroll = new ScrollPane(chips);
        chipScroll.setFitToWidth(true);
        chipScroll.setPrefHeight(260);
        VBox.setVgrow(chipScroll, Priority.ALWAYS);

        getChildren().addAll(new Label("Prompt (model A)"), prompt, knobs, new Label("Output"), output, chipBar, legend, chipScroll);

        vm.streamedTokens().addListener((ListChangeListener<String>) c -> {
            if (!vm.runningProperty().get()) return;
            List<String> texts = new ArrayList<>(vm.promptTokenTexts());
            texts.addAll(vm.streamedTokens());
            chips.setTokens(texts, RoutingData.empty());
        });
        main.lastRunProperty().addListener((o, a, run) -> showRun(run));
        showRun(main.lastRunProperty().get());
    }

    private void showRun(GenerationRun run) {
        RoutingData d = run == null ? RoutingData.empty() : RoutingData.from(run.trace());
        List<String> items = new ArrayList<>();
        items.add("all SAL layers (mean)");
        for (int r = 0; r < d.rowCount(); r++) items.add("SAL layer " + d.layer(r));
        layer.getItems().setAll(items);
        layer.getSelectionModel().select(0);
        chips.setTokens(run == null ? List.of() : run.tokenTexts(), d);
        chips.setRow(TokenChipsPane.ALL_LAYERS);
    }

    public TokenChipsPane chips() { return chips; }
}
