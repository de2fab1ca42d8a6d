package ai.taipan.app.gui;

import ai.taipan.app.logic.engine.GenerationService;
import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.app.logic.engine.SweepService;
import ai.taipan.app.logic.io.RecentModelsStore;
import ai.taipan.app.logic.task.CurrentThreadTaskExecutor;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.trace.Tracer.SalEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** View models with a same-thread executor: no toolkit, no threads. */
class ViewModelsTest {
    @TempDir Path tmp;
    RecordingDialogs dialogs;
    MainViewModel vm;

    @BeforeEach
    void setUp() {
        dialogs = new RecordingDialogs();
        vm = new MainViewModel(new CurrentThreadTaskExecutor(), dialogs, new RecentModelsStore(tmp.resolve("cfg")), Runnable::run);
    }

    @Test
    void defaultModelIsRandomWithBannerWhenNoSampleExists() {
        vm.startDefaultModel(List.of(tmp.resolve("nowhere")));
        assertNotNull(vm.slotAProperty().get());
        assertTrue(vm.slotAProperty().get().model().isRandom());
        assertTrue(vm.bannerProperty().get().contains("RANDOM weights"), vm.bannerProperty().get());
    }

    @Test
    void defaultModelIsTheSampleFolderWhenPresent() throws Exception {
        Path sample = TinyModels.taipanFolder(Files.createDirectories(tmp.resolve("taipan-small")), 3);
        vm.startDefaultModel(List.of(tmp.resolve("nowhere"), sample));
        assertEquals(sample, vm.slotAProperty().get().model().folder());
        assertEquals("", vm.bannerProperty().get());
    }

    @Test
    void openingAModelFillsTheCardAndTheRecentList() throws Exception {
        Path folder = TinyModels.taipanFolder(Files.createDirectories(tmp.resolve("m1")), 5);
        vm.models().open(folder, "B");
        var card = vm.slotBProperty().get().card();
        assertEquals("taipan", card.preset());
        assertEquals("MMMMMMS", card.letters());
        assertEquals(0.15, card.capacity());
        assertEquals(512, card.window());
        assertEquals(vm.slotBProperty().get().model().model().parameterCount(), card.parameters());
        assertEquals(List.of(folder.toAbsolutePath().toString()), vm.models().recent());
        // persisted: a new store reads it back
        assertEquals(List.of(folder.toAbsolutePath().toString()), new RecentModelsStore(tmp.resolve("cfg")).load().items());
    }

    @Test
    void badFoldersGiveADialogAndChangeNothing() throws Exception {
        Path notModel = Files.createDirectories(tmp.resolve("empty"));
        vm.models().open(notModel, "A");
        assertNull(vm.slotAProperty().get());
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).contains("config.json"), dialogs.errors.get(0));
        Path corrupt = TinyModels.taipanFolder(Files.createDirectories(tmp.resolve("corrupt")), 1);
        byte[] b = Files.readAllBytes(corrupt.resolve("model.safetensors"));
        Files.write(corrupt.resolve("model.safetensors"), java.util.Arrays.copyOf(b, b.length / 2));
        vm.models().open(corrupt, "A");
        assertNull(vm.slotAProperty().get());
        assertEquals(2, dialogs.errors.size());
        assertTrue(dialogs.errors.get(1).contains("model.safetensors"), dialogs.errors.get(1));
    }

    @Test
    void generateStreamsAndPublishesTheRun() {
        vm.slotAProperty().set(ModelSlot.of(ModelLoader.random("t", ModelLoader.tinyConfig(Preset.TAIPAN, 7, 32), 11)));
        vm.prompt().promptProperty().set("abc");
        vm.prompt().maxTokensProperty().set(5);
        vm.prompt().generate();
        GenerationRun r = vm.lastRunProperty().get();
        assertNotNull(r);
        assertEquals(8, r.ids().length);
        assertEquals(5, vm.prompt().streamedTokens().size());
        assertFalse(vm.prompt().runningProperty().get());
        // the routing and state screens follow the run
        assertEquals(1, vm.routing().routingProperty().get().rowCount());
        assertEquals(8, vm.routing().routingProperty().get().tokenCount());
        assertEquals(6, vm.state().dataProperty().get().rowCount());
        for (int t = 0; t < 8; t++) {
            SalEvent e = r.trace().salLayers().get(6).get(t);
            assertEquals(e.selected(), vm.routing().routingProperty().get().selected(0, t));
        }
    }

    @Test
    void promptBeyondTheMemoryBudgetGivesADialog() {
        vm.slotAProperty().set(ModelSlot.of(ModelLoader.random("t", ModelLoader.tinyConfig(Preset.TAIPAN, 7, 32), 11)));
        vm.prompt().setService(new GenerationService(() -> 10_000));
        vm.prompt().generate();
        assertNull(vm.lastRunProperty().get());
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).contains("memory"), dialogs.errors.get(0));
        vm.prompt().topPProperty().set(0);
        vm.prompt().generate();
        assertTrue(dialogs.errors.get(1).contains("top-p"), dialogs.errors.get(1));
    }

    @Test
    void sweepMarksPredictedOutOfMemory() {
        var tf = ModelLoader.random("tf", ModelLoader.tinyConfig(Preset.TRANSFORMER, 2, 32), 3);
        vm.slotAProperty().set(ModelSlot.of(tf));
        long budget = ai.taipan.app.model.MemoryModel.runBytes(tf.config(), 300);   // 64, 128, 256 fit
        vm.scaling().setService(() -> new SweepService(() -> budget, 1));
        vm.scaling().minLengthProperty().set(64);
        vm.scaling().maxLengthProperty().set(1 << 20);
        vm.scaling().run();
        List<SweepPoint> pts = List.copyOf(vm.scaling().points());
        assertEquals(15, pts.size());           // 64 … 1M
        assertEquals(3, pts.stream().filter(SweepPoint::measured).count());
        assertEquals(SweepPoint.Status.OUT_OF_MEMORY_PREDICTED, pts.get(3).status());
        SweepPoint last = pts.get(pts.size() - 1);
        assertEquals(SweepPoint.Status.OUT_OF_MEMORY_PREDICTED, last.status());
        assertEquals("out of memory at 1048576", last.note().substring(0, "out of memory at 1048576".length()));
        assertEquals(1.0, vm.scaling().progressProperty().get(), 1e-9);
    }

    @Test
    void compareNeedsTwoModelsAndThenGivesLosses() {
        vm.slotAProperty().set(ModelSlot.of(ModelLoader.random("a", ModelLoader.tinyConfig(Preset.TAIPAN, 7, 32), 1)));
        vm.compare().compare();
        assertEquals(1, dialogs.errors.size());
        vm.slotBProperty().set(ModelSlot.of(ModelLoader.random("b", ModelLoader.tinyConfig(Preset.MAMBA2, 4, 32), 2)));
        vm.compare().textProperty().set("hello world");
        vm.compare().compare();
        assertEquals(10, vm.compare().lossesProperty().get().length());
        vm.compare().pickPosition(3);
        assertEquals(3, vm.compare().positionProperty().get());
        assertEquals(8, vm.compare().topA().size());
        assertEquals(8, vm.compare().topB().size());
        vm.compare().runAccuracy(new int[]{128}, 1);
        assertEquals(2, vm.compare().accuracy().size());
        assertEquals(1, dialogs.errors.size());
    }
}
