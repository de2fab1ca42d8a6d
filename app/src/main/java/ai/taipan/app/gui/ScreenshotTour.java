package ai.taipan.app.gui;

import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.engine.model.Preset;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Drives the real window through every screen and writes a PNG of each (docs/screenshots): run the
 * app with {@code -Dtaipan.workbench.screenshots=DIR}. Loads sample-models/mamba2-small (or a random
 * mamba2 baseline when it is missing) into B,
 * generates, picks a routed token, sweeps 1K…64K, compares A with B. Runs on its own thread and
 * touches the UI only through Platform.runLater.
 */
final class ScreenshotTour {
    private final MainView view;
    private final Stage stage;
    private final Path dir;

    ScreenshotTour(MainView view, Stage stage, Path dir) {
        this.view = view;
        this.stage = stage;
        this.dir = dir;
    }

    void start() {
        Thread t = new Thread(this::run, "screenshot-tour");
        t.setDaemon(true);
        t.start();
    }

    private void run() {
        MainViewModel vm = view.viewModel();
        try {
            Files.createDirectories(dir);
            await(() -> vm.slotAProperty().get() != null);
            // B: the trained Mamba-2 baseline beside the shipped taipan model when it is there
            // (both trained on the same mixture), else a random baseline
            Path folderA = vm.slotAProperty().get().model().folder();
            Path baseline = folderA == null ? null : folderA.resolveSibling("mamba2-small");
            ModelSlot b = baseline != null && Files.isRegularFile(baseline.resolve("config.json"))
                    ? ModelSlot.of(ModelLoader.load(baseline))
                    : ModelSlot.of(ModelLoader.random("mamba2-random-7", ModelLoader.tinyConfig(Preset.MAMBA2, 14, 64), 7));
            fx(() -> vm.slotBProperty().set(b));
            shot("Models", "models.png");
            fx(() -> {
                // the sample models learned King James English (sample-models/*/MODEL_CARD.md)
                vm.prompt().promptProperty().set("And God said, Let there be light: and there was light. And God saw the light, that it was good:");
                vm.compare().textProperty().set("In the beginning God created the heaven and the earth. And the earth was without form, and void; "
                        + "and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters.");
                vm.prompt().maxTokensProperty().set(40);
                view.select("Prompt");
                vm.prompt().generate();
            });
            await(() -> vm.lastRunProperty().get() != null && !vm.prompt().runningProperty().get());
            shot("Prompt", "prompt.png");
            fx(() -> {
                var d = vm.routing().routingProperty().get();
                int row = d.rowCount() - 1, pick = -1;
                for (int t = d.tokenCount() - 1; t >= 0 && pick < 0; t--) if (d.selected(row, t) && t > 20) pick = t;
                vm.routing().pick(row, Math.max(pick, 0));
            });
            shot("Routing map", "routing.png");
            fx(() -> vm.state().pickHeads(java.util.List.of(0, 1, 2, 3)));
            shot("State", "state.png");
            fx(() -> {
                view.select("Compare");
                vm.compare().compare();
            });
            await(() -> vm.compare().lossesProperty().get().length() > 0);
            fx(() -> vm.compare().pickPosition(30));
            await(() -> !vm.compare().topB().isEmpty());
            // MQAR with the evidence within A's SAL window (the default), the context growing to 16K
            fx(() -> vm.compare().runAccuracy(new int[]{256, 1024, 4096, 16384}, 2));
            await(() -> vm.compare().accuracy().size() == 8 && !vm.compare().runningProperty().get());
            shot("Compare", "compare.png");
            fx(() -> vm.slotBProperty().set(ModelSlot.of(ModelLoader.random("transformer-random-7",
                    ModelLoader.tinyConfig(Preset.TRANSFORMER, 2, 64), 7))));
            fx(() -> {
                vm.scaling().minLengthProperty().set(1024);
                vm.scaling().maxLengthProperty().set(1 << 18);
                vm.scaling().budgetProperty().set(16L << 20);
                view.select("Scaling lab");
                vm.scaling().run();
            });
            await(() -> !vm.scaling().runningProperty().get() && !vm.scaling().points().isEmpty());
            shot("Scaling lab", "scaling.png");
            System.out.println("screenshots written to " + dir);
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            if (Boolean.getBoolean("taipan.workbench.screenshots.exit")) Platform.exit();
        }
    }

    private void shot(String tab, String file) throws Exception {
        fx(() -> view.select(tab));
        Thread.sleep(1500);                                 // let charts lay out and repaint
        fx(() -> {
            WritableImage img = stage.getScene().snapshot(null);
            try {
                ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", dir.resolve(file).toFile());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void fx(Runnable r) throws Exception {
        var done = new java.util.concurrent.CompletableFuture<Void>();
        Platform.runLater(() -> {
            try { r.run(); done.complete(null); } catch (Throwable e) { done.completeExceptionally(e); }
        });
        done.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void await(BooleanSupplier c) throws Exception {
        long end = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < end) {
            var ok = new java.util.concurrent.CompletableFuture<Boolean>();
            Platform.runLater(() -> ok.complete(c.getAsBoolean()));
            if (ok.get(60, java.util.concurrent.TimeUnit.SECONDS)) return;
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out");
    }
}
