package ai.taipan.app.gui.models;

import ai.taipan.app.gui.MainViewModel;
import ai.taipan.app.gui.ModelSlot;
import ai.taipan.app.model.Bytes;
import ai.taipan.app.model.ModelCard;
import ai.taipan.visualizer.fx.LayerScheduleStrip;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.nio.file.Path;

/** Model manager: two model cards (A, B) with Open buttons and drag-and-drop, and the recent list. */
public class ModelManagerView extends VBox {
    private final ModelManagerViewModel vm;

    public ModelManagerView(MainViewModel main) {
        this.vm = main.models();
        setId("models-view");
        setPadding(new Insets(10));
        setSpacing(10);
        HBox cards = new HBox(12, card(main, "A"), card(main, "B"));
        cards.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
        ListView<String> recent = new ListView<>(vm.recent());
        recent.setId("recent");
        recent.setPrefHeight(160);
        Button openA = new Button("Open selected in A"), openB = new Button("Open selected in B");
        openA.setOnAction(e -> { String s = recent.getSelectionModel().getSelectedItem(); if (s != null) vm.open(Path.of(s), "A"); });
        openB.setOnAction(e -> { String s = recent.getSelectionModel().getSelectedItem(); if (s != null) vm.open(Path.of(s), "B"); });
        recent.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && recent.getSelectionModel().getSelectedItem() != null) {
                vm.open(Path.of(recent.getSelectionModel().getSelectedItem()), "A");
            }
        });
        Label hint = new Label("Drop a model folder (or a file in it) on a card to open it there: taipan, Hugging Face mamba2 (single or sharded safetensors), or mamba_ssm (pytorch_model.bin).");
        hint.setStyle("-fx-text-fill: #666;");
        getChildren().addAll(cards, hint, new Label("Recent models"), recent, new HBox(6, openA, openB));
    }

    private VBox card(MainViewModel main, String slot) {
        VBox box = new VBox(6);
        box.setId("card-" + slot);
        box.setPadding(new Insets(10));
        box.setStyle("-fx-border-color: #bbb; -fx-border-radius: 6; -fx-background-color: #fafafa; -fx-background-radius: 6;");
        Label title = new Label("Model " + slot);
        title.setStyle("-fx-font-size: 15px; -fx-font-weight: bold;");
        Label name = new Label("(none)");
        name.setId("card-" + slot + "-name");
        name.setStyle("-fx-font-size: 14px;");
        LayerScheduleStrip strip = new LayerScheduleStrip();
        strip.setId("card-" + slot + "-strip");
        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(3);
        Label[] values = new Label[8];
        String[] keys = {"source", "format", "preset", "parameters", "capacity C", "window", "state bytes (fresh session)", "state bytes at 1M tokens"};
        for (int i = 0; i < keys.length; i++) {
            values[i] = new Label("—");
            values[i].setId("card-" + slot + "-" + keys[i].replaceAll("[^a-z0-9]+", "-"));
            Label k = new Label(keys[i]);
            k.setStyle("-fx-text-fill: #555;");
            grid.addRow(i, k, values[i]);
        }
        Button open = new Button("Open folder…");
        open.setId("open-" + slot);
        open.setOnAction(e -> vm.chooseAndOpen(slot));
        Button random = new Button("Random taipan");
        random.setOnAction(e -> vm.openRandom(slot, "A".equals(slot) ? 42 : 7));
        HBox buttons = new HBox(6, open, random);
        if ("A".equals(slot)) {
            Button ablate = new Button("SAL off → B");
            ablate.setId("ablate-A");
            ablate.setTooltip(new javafx.scene.control.Tooltip("Load this model into B with every SAL's attention switched off "
                    + "(no token selected; the SwiGLU still runs): compare the model with its own ablation"));
            ablate.setOnAction(e -> vm.ablateIntoB("A"));
            ablate.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                    () -> main.slot("A").get() == null || !main.slot("A").get().model().hasSal(), main.slot("A")));
            buttons.getChildren().add(ablate);
        }
        if ("B".equals(slot)) {
            Button unload = new Button("Unload");
            unload.setOnAction(e -> vm.unload("B"));
            buttons.getChildren().add(unload);
        }
        box.getChildren().addAll(title, name, strip, grid, buttons);
        Runnable show = () -> {
            ModelSlot s = main.slot(slot).get();
            if (s == null) {
                name.setText("(none)");
                strip.setSchedule(java.util.List.of());
                for (Label v : values) v.setText("—");
                return;
            }
            ModelCard c = s.card();
            name.setText(c.name() + (s.model().isRandom() ? "  — RANDOM WEIGHTS" : ""));
            strip.setSchedule(c.schedule());
            values[0].setText(c.source());
            values[1].setText(c.format());
            values[2].setText(c.preset() + "  (" + c.schedule().size() + " layers: " + c.letters() + ")");
            values[3].setText(String.format("%,d", c.parameters()));
            values[4].setText(Double.isNaN(c.capacity()) ? "— (no SAL)" : String.valueOf(c.capacity()));
            values[5].setText(c.window() < 0 ? "— (no windowed layer)" : c.window() == Integer.MAX_VALUE ? "unlimited" : c.window() + " tokens");
            values[6].setText(Bytes.human(c.stateBytesEmpty()) + "  (" + String.format("%,d", c.stateBytesEmpty()) + " B)");
            values[7].setText(Bytes.human(c.stateBytesAt1M()) + " (predicted, SPEC §3)");
        };
        main.slot(slot).addListener((o, a, b) -> show.run());
        show.run();
        // the handlers only hand the dragboard's files to the view model, which decides and opens
        box.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles() && vm.acceptsDrop(e.getDragboard().getFiles())) {
                e.acceptTransferModes(TransferMode.COPY_OR_MOVE);
            }
            e.consume();
        });
        box.setOnDragDropped(e -> {
            e.setDropCompleted(e.getDragboard().hasFiles() && vm.drop(e.getDragboard().getFiles(), slot));
            e.consume();
        });
        return box;
    }
}
