package ai.taipan.app.gui;

import ai.taipan.app.gui.util.FxTaskExecutor;
import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.app.logic.engine.SweepService;
import ai.taipan.app.logic.io.RecentModelsStore;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.engine.eval.ScoringModel;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.Session;
import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.SalEvent;
import ai.taipan.visualizer.data.RoutingDataset;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole window, headless (Monocle), with real worker threads: load a model, generate, check
 * the routing view against an independent engine run, sweep to the end and cancel a sweep,
 * compare two models, export a chart, save and reopen a session.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchGuiTest {
    @TempDir static Path tmp;
    FxTaskExecutor executor;
    RecordingDialogs dialogs;
    MainViewModel vm;
    MainView view;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor();
        dialogs = new RecordingDialogs();
        vm = new MainViewModel(executor, dialogs, new RecentModelsStore(tmp.resolve("cfg")), FxTaskExecutor::onFx);
        view = new MainView(vm);
        stage.setScene(new Scene(view, 1200, 800));
        stage.show();
    }

    @AfterEach
    void tearDown() { executor.shutdown(); }

    static void waitFor(Callable<Boolean> c) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, c);
        WaitForAsyncUtils.waitForFxEvents();
    }

    <T> T fx(Callable<T> c) throws Exception { return WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS); }

    void loadTaipan(String slot, long seed) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model-" + slot + seed));
        TinyModels.taipanFolder(dir, seed);
        fx(() -> { vm.models().open(dir, slot); return null; });
        waitFor(() -> vm.slot(slot).get() != null && !vm.models().loadingProperty().get());
    }

    @Test
    void loadGenerateAndRoutingShowsExactlyTheEngineSelections(FxRobot robot) throws Exception {
        loadTaipan("A", 21);
        assertEquals("MMMMMMS", robot.lookup("#card-A-strip").queryAs(ai.taipan.visualizer.fx.LayerScheduleStrip.class).letters());
        fx(() -> {
            vm.prompt().promptProperty().set("Taipan routes tokens.");
            vm.prompt().maxTokensProperty().set(12);
            view.select("Prompt");
            return null;
        });
        robot.clickOn("#generate");
        waitFor(() -> vm.lastRunProperty().get() != null && !vm.prompt().runningProperty().get());
        GenerationRun run = vm.lastRunProperty().get();
        assertEquals(21 + 12, run.ids().length);

        // independent engine run over the same ids, the same way (prefill prompt, step the rest)
        Trace expected = new Trace();
        Session s = vm.slotAProperty().get().model().model().newSession();
        s.setTracer(expected);
        s.prefill(Arrays.copyOf(run.ids(), run.promptTokens()));
        for (int i = run.promptTokens(); i < run.ids().length; i++) s.step(run.ids()[i]);
        List<SalEvent> ev = expected.salLayers().get(6);

        fx(() -> { view.select("Routing map"); return null; });
        RoutingDataset ds = view.routingView().dataset();
        assertSame(ds, view.routingView().heatmapBox().chart().getXYPlot().getDataset(), "the heatmap draws this dataset");
        assertEquals(run.ids().length, ds.getItemCount(0));
        int selected = 0;
        for (int item = 0; item < ds.getItemCount(0); item++) {
            int t = ds.token(item);
            assertEquals(ev.get(t).selected(), ds.isSelected(0, item), "token " + t);
            double p = 1 / (1 + Math.exp(-((double) ev.get(t).score1() - ev.get(t).score0())));
            assertEquals(p, ds.getZValue(0, item), 1e-6);
            if (ev.get(t).selected()) selected++;
        }
        // chips on the Prompt tab: one per token, bold exactly where the engine selected
        List<Label> chips = view.promptView().chips().chips();
        assertEquals(run.ids().length, chips.size());
        long bold = chips.stream().filter(c -> c.getStyleClass().contains("selected")).count();
        assertEquals(selected, bold);
        // attention overlay for a selected token puts weight only on its keys
        int q = -1;
        for (int t = ev.size() - 1; t >= 0; t--) if (ev.get(t).selected()) { q = t; break; }
        if (q >= 0) {
            final int qq = q;
            fx(() -> { vm.routing().pick(0, qq); return null; });
            double[] w = view.routingView().overlay().weights();
            double sum = 0;
            for (double x : w) sum += x;
            assertEquals(1.0, sum, 1e-4);
            for (int t = 0; t < w.length; t++) if (w[t] > 0) assertTrue(ev.get(t).selected(), "key " + t + " was selected");
        }
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void sweepRunsToItsEndAndAnotherCanBeCancelled(FxRobot robot) throws Exception {
        loadTaipan("A", 22);
        fx(() -> {
            vm.scaling().setService(() -> new SweepService(() -> Long.MAX_VALUE, 2));
            vm.scaling().minLengthProperty().set(64);
            vm.scaling().maxLengthProperty().set(256);
            view.select("Scaling lab");
            return null;
        });
        robot.clickOn("#run-sweep");
        waitFor(() -> !vm.scaling().runningProperty().get() && vm.scaling().points().size() == 3);
        assertEquals(1.0, vm.scaling().progressProperty().get(), 1e-9);
        assertTrue(vm.scaling().points().stream().allMatch(SweepPoint::measured));
        assertEquals(3, view.scalingView().prefillSeries().getSeries(0).getItemCount(), "live curve has every point");

        fx(() -> { vm.scaling().maxLengthProperty().set(1 << 20); return null; });
        robot.clickOn("#run-sweep");
        waitFor(() -> vm.scaling().runningProperty().get());
        // the Cancel button itself, fired on the FX thread: a pointer click raced the sweep on a slow CI machine
        // (the whole 1M sweep finished first), and what is under test is the button's wiring, not the pointer
        fx(() -> { robot.lookup("#cancel-sweep").queryButton().fire(); return null; });
        waitFor(() -> !vm.scaling().runningProperty().get());
        assertTrue(vm.scaling().messageProperty().get().startsWith("Cancelled"), vm.scaling().messageProperty().get());
        assertTrue(vm.scaling().points().size() < 15);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void compareTwoModelsExportAChartAndRoundTripASession(FxRobot robot) throws Exception {
        loadTaipan("A", 23);
        fx(() -> {
            vm.slotBProperty().set(ModelSlot.of(ModelLoader.random("mamba-b", ModelLoader.tinyConfig(Preset.MAMBA2, 3, 32), 5)));
            vm.compare().textProperty().set("abcabcabc");
            view.select("Compare");
            return null;
        });
        robot.clickOn("#compare");
        waitFor(() -> vm.compare().lossesProperty().get().length() == 8);
        fx(() -> { vm.compare().pickPosition(4); return null; });
        waitFor(() -> vm.compare().topB().size() == 8);

        // retrieval accuracy: MQAR within A's SAL window by default, chosen in the bar; Stop cancels the run
        // (each scored sequence made slow, so that the click lands while the task runs)
        fx(() -> {
            vm.compare().setScorer(m -> {
                ScoringModel engine = ScoringModel.of(m.model());
                return new ScoringModel() {
                    @Override public int vocabSize() { return engine.vocabSize(); }
                    @Override public void run(int[] ids, java.util.function.IntPredicate wanted, ai.taipan.engine.model.LogitsSink sink) {
                        try { Thread.sleep(150); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                        engine.run(ids, wanted, sink);
                    }
                };
            });
            return null;
        });
        assertEquals("mqar", robot.lookup("#accuracy-task").queryAs(javafx.scene.control.ChoiceBox.class).getValue());
        robot.clickOn("#accuracy");
        waitFor(() -> vm.compare().accuracy().size() >= 1);
        robot.clickOn("#accuracy-stop");
        waitFor(() -> !vm.compare().runningProperty().get());
        assertTrue(vm.compare().accuracy().size() < 8, "stopped before the 2 models x 4 contexts: " + vm.compare().accuracy().size());
        assertTrue(vm.compare().accuracy().get(0).task().contains("mqar"), vm.compare().accuracy().get(0).task());
        fx(() -> { vm.compare().setScorer(m -> ScoringModel.of(m.model())); return null; });

        // export the loss chart
        Path png = tmp.resolve("loss.png"), svg = tmp.resolve("loss.svg");
        fx(() -> { view.compareView().lossBox().export(png, "png"); view.compareView().lossBox().export(svg, "svg"); return null; });
        assertEquals(1000, ImageIO.read(png.toFile()).getWidth());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getNodeName());

        // generate, save, change everything, reopen
        fx(() -> { vm.prompt().promptProperty().set("xyz"); vm.prompt().maxTokensProperty().set(3); vm.prompt().generate(); return null; });
        waitFor(() -> vm.lastRunProperty().get() != null && !vm.prompt().runningProperty().get());
        int[] ids = vm.lastRunProperty().get().ids();
        Path session = tmp.resolve("s.json");
        fx(() -> { vm.saveSession(session); return null; });
        waitFor(() -> Files.exists(session));
        fx(() -> {
            vm.prompt().promptProperty().set("changed");
            vm.lastRunProperty().set(null);
            vm.slotBProperty().set(null);
            return null;
        });
        fx(() -> { vm.openSession(session); return null; });
        waitFor(() -> !dialogs.errors.isEmpty() || (vm.lastRunProperty().get() != null && vm.slotBProperty().get() != null));
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertEquals("xyz", vm.prompt().promptProperty().get());
        assertArrayEquals(ids, vm.lastRunProperty().get().ids());
        assertEquals("mamba-b", vm.slotBProperty().get().model().name());
        assertEquals(ids.length, view.routingView().dataset().getItemCount(0));
        assertEquals(vm.slotAProperty().get().model().folder(), tmp.resolve("model-A23"));

        // a corrupt session gives a dialog, the window keeps working
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"format\":\"taipan-workbench-session\",\"version\":1,\"models\":[]}");
        fx(() -> { vm.openSession(bad); return null; });
        waitFor(() -> !dialogs.errors.isEmpty());
        assertTrue(dialogs.errors.get(0).contains("sampling"), dialogs.errors.get(0));
        assertEquals("xyz", vm.prompt().promptProperty().get());
    }

    @Test
    void salOffIntoBComparesAModelWithItsAblationAndSurvivesASession(FxRobot robot) throws Exception {
        loadTaipan("A", 25);
        fx(() -> { view.select("Models"); return null; });
        robot.clickOn("#ablate-A");
        waitFor(() -> vm.slotBProperty().get() != null);
        var a = vm.slotAProperty().get().model();
        var b = vm.slotBProperty().get().model();
        assertTrue(b.salAttentionOff() && !a.salAttentionOff());
        assertEquals(a.name() + " [SAL attention off]", b.name());
        assertTrue(robot.lookup("#card-B-name").queryAs(javafx.scene.control.Label.class).getText().contains("[SAL attention off]"));
        // the compare view scores the same text with both: the ablation changes the model's losses
        fx(() -> { vm.compare().textProperty().set("the lord said unto moses"); view.select("Compare"); return null; });
        robot.clickOn("#compare");
        waitFor(() -> vm.compare().lossesProperty().get().length() == 23);
        var l = vm.compare().lossesProperty().get();
        boolean differ = false;
        for (int i = 0; i < l.length(); i++) differ |= l.lossA(i) != l.lossB(i);
        assertTrue(differ, "a random taipan's SAL selects tokens, so switching it off must change some loss");
        // a session restores B as the ablation, not as the model itself
        Path session = tmp.resolve("ablation.json");
        fx(() -> { vm.saveSession(session); return null; });
        waitFor(() -> Files.exists(session));
        fx(() -> { vm.slotBProperty().set(null); return null; });
        fx(() -> { vm.openSession(session); return null; });
        waitFor(() -> !dialogs.errors.isEmpty() || vm.slotBProperty().get() != null);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertTrue(vm.slotBProperty().get().model().salAttentionOff());
        // a model without a SAL cannot be ablated: the button is disabled
        fx(() -> {
            vm.slotAProperty().set(ModelSlot.of(ModelLoader.random("mamba-a", ModelLoader.tinyConfig(Preset.MAMBA2, 3, 32), 5)));
            view.select("Models");
            return null;
        });
        assertTrue(robot.lookup("#ablate-A").queryButton().isDisabled());
    }
}
