package ai.taipan.app.gui;

import ai.taipan.app.gui.compare.CompareViewModel;
import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.app.logic.io.RecentModelsStore;
import ai.taipan.app.logic.io.TableExport;
import ai.taipan.app.logic.task.CurrentThreadTaskExecutor;
import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.engine.eval.ScoringModel;
import ai.taipan.engine.model.Preset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Compare's retrieval accuracy on a path where it is not zero: model A is a real engine model
 * wrapped with a "retrieval head" that, at the question's answer positions, raises the logit of
 * the digit the needle sentence holds (found by reading the bytes fed so far, independently of
 * the task generator — the eval package's oracle approach). Everything else is the real path:
 * the engine runs every token of every example, the tasks evaluator grades exact spans, the view
 * model publishes points for the chart and the CSV export.
 */
class RetrievalAccuracyTest {
    @TempDir Path tmp;

    private static final Pattern QUESTION = Pattern.compile("What is the magic number\\? The magic number is ([0-9]{0,3})$");
    private static final Pattern NEEDLE = Pattern.compile("The magic number is ([0-9]{4})\\. ");

    /** The needle's next digit when {@code prefix} ends inside the answer, else −1. */
    static int needleDigit(String prefix) {
        Matcher q = QUESTION.matcher(prefix);
        if (!q.find()) return -1;
        Matcher n = NEEDLE.matcher(prefix);
        return n.find() ? n.group(1).charAt(q.group(1).length()) : -1;
    }

    /**
     * The engine model's own scores, plus +100 on the digit {@code digitOf} reads from the bytes fed so
     * far (−1: none); {@code engineLogits} counts the engine's logits rows handed over.
     */
    static ScoringModel withOracleHead(LoadedModel m, java.util.function.ToIntFunction<String> digitOf, AtomicInteger engineLogits) {
        ScoringModel engine = ScoringModel.of(m.model());
        return new ScoringModel() {
            @Override public int vocabSize() { return engine.vocabSize(); }

            @Override
            public void run(int[] ids, java.util.function.IntPredicate wanted, ai.taipan.engine.model.LogitsSink sink) {
                byte[] b = new byte[ids.length];
                for (int i = 0; i < ids.length; i++) b[i] = (byte) ids[i];
                engine.run(ids, wanted, (i, logits) -> {
                    engineLogits.incrementAndGet();
                    int d = digitOf.applyAsInt(new String(b, 0, i + 1, StandardCharsets.ISO_8859_1));
                    if (d >= 0) logits[d] += 100f;
                    sink.accept(i, logits);
                });
            }
        };
    }

    /**
     * A view model with A = a tiny random taipan (window 512) scored through {@link #withOracleHead}
     * and B = a tiny random mamba2 scored as it is.
     */
    private MainViewModel oracleBesideRandom(RecordingDialogs dialogs, String name, java.util.function.ToIntFunction<String> digitOf,
                                             AtomicInteger engineLogits) {
        MainViewModel vm = new MainViewModel(new CurrentThreadTaskExecutor(), dialogs, new RecentModelsStore(tmp.resolve("cfg")), Runnable::run);
        LoadedModel a = ModelLoader.random(name, ModelLoader.tinyConfig(Preset.TAIPAN, 7, 32), 1);
        LoadedModel b = ModelLoader.random("random", ModelLoader.tinyConfig(Preset.MAMBA2, 4, 32), 2);
        vm.slotAProperty().set(ModelSlot.of(a));
        vm.slotBProperty().set(ModelSlot.of(b));
        vm.compare().setScorer(m -> m == a ? withOracleHead(m, digitOf, engineLogits) : ScoringModel.of(m.model()));
        return vm;
    }

    @Test
    void aModelThatRetrievesScoresOneAndTheRandomModelBesideItDoesNot() {
        RecordingDialogs dialogs = new RecordingDialogs();
        AtomicInteger engineLogits = new AtomicInteger();
        MainViewModel vm = oracleBesideRandom(dialogs, "retriever", RetrievalAccuracyTest::needleDigit, engineLogits);
        vm.compare().taskProperty().set("needle");
        vm.compare().maxDistanceProperty().set(0);

        vm.compare().runAccuracy(new int[]{256, 512}, 3);

        assertEquals(List.of(), dialogs.errors);
        List<AccuracyPoint> pts = List.copyOf(vm.compare().accuracy());
        assertEquals(4, pts.size());
        for (AccuracyPoint p : pts.subList(0, 2)) {
            assertEquals("retriever", p.model());
            assertEquals(1.0, p.accuracy(), "every needle retrieved at " + p.contextLength());
            assertEquals(3, p.trials());
        }
        assertEquals(List.of(256, 512), pts.subList(0, 2).stream().map(AccuracyPoint::contextLength).toList());
        // the engine produced the logits the head adjusted: 4 answer digits per example, 3 examples, 2 lengths
        assertEquals(4 * 3 * 2, engineLogits.get());
        // the same examples for B (seeded by task, length, index): a random model gets no 4-digit span right
        for (AccuracyPoint p : pts.subList(2, 4)) {
            assertEquals("random", p.model());
            assertEquals(0.0, p.accuracy());
        }
        assertFalse(vm.compare().runningProperty().get());
        assertTrue(pts.get(0).task().startsWith("task needle"), pts.get(0).task());
        String csv = TableExport.accuracyCsv(pts);
        assertTrue(csv.startsWith("model,task,context_length,accuracy,trials\n"), csv);
        assertTrue(csv.lines().anyMatch(l -> l.startsWith("retriever,") && l.contains("needle") && l.matches(".*,256,1(\\.0*)?,3")), csv);
    }

    private static final Pattern MQAR_QUERY = Pattern.compile("(?:^| )([a-z]{3})\\?([0-9]?)$");

    /** MQAR's next answer digit when {@code prefix} ends inside a query's answer, read from the key's latest definition; else −1. */
    static int mqarDigit(String prefix) {
        Matcher q = MQAR_QUERY.matcher(prefix);
        if (!q.find()) return -1;
        int def = prefix.lastIndexOf(q.group(1) + "=");
        if (def < 0 || def + 6 > prefix.length()) return -1;
        return prefix.charAt(def + 4 + q.group(2).length());
    }

    @Test
    void mqarWithinTheSalWindowOfAByDefaultAndABadDistanceIsRefusedByName() {
        RecordingDialogs dialogs = new RecordingDialogs();
        MainViewModel vm = oracleBesideRandom(dialogs, "recaller", RetrievalAccuracyTest::mqarDigit, new AtomicInteger());
        LoadedModel a = vm.slotAProperty().get().model(), b = vm.slotBProperty().get().model();

        // the defaults: MQAR, the evidence within A's SAL window (tinyConfig's 512); a model without a SAL: anywhere
        assertEquals("mqar", vm.compare().taskProperty().get());
        assertEquals("mqar,max-distance=512", vm.compare().taskSpec(a));
        assertEquals("mqar", vm.compare().taskSpec(b));
        vm.compare().maxDistanceProperty().set(64);
        assertEquals("mqar,max-distance=64", vm.compare().taskSpec(b));
        vm.compare().maxDistanceProperty().set(CompareViewModel.WINDOW_OF_A);

        vm.compare().runAccuracy(new int[]{256, 1024}, 2);
        assertEquals(List.of(), dialogs.errors);
        List<AccuracyPoint> pts = List.copyOf(vm.compare().accuracy());
        assertEquals(4, pts.size());
        for (AccuracyPoint p : pts) assertTrue(p.task().contains("mqar") && p.task().contains("max distance 512"), p.task());
        for (AccuracyPoint p : pts.subList(0, 2)) {
            assertEquals("recaller", p.model());
            assertEquals(1.0, p.accuracy(), "every query answered from its definition at " + p.contextLength());
            assertTrue(p.trials() > 10, "MQAR grades many answers per sequence: " + p.trials());
        }
        // the same examples (same answer counts) for B, a random model: two digits right by chance only
        for (int i = 0; i < 2; i++) {
            assertEquals(pts.get(i).trials(), pts.get(i + 2).trials());
            assertTrue(pts.get(i + 2).accuracy() < 0.2, "random model: " + pts.get(i + 2));
        }

        // a context below the task's minimum (MQAR: two entries) is left out and the message says so;
        // when every context is too short, an error that names the minimum and no points
        vm.compare().runAccuracy(new int[]{4, 256}, 1);
        assertEquals(List.of(), dialogs.errors);
        assertEquals(2, vm.compare().accuracy().size());
        for (AccuracyPoint p : vm.compare().accuracy()) assertEquals(256, p.contextLength());
        assertTrue(vm.compare().messageProperty().get().contains("1 context below the task's minimum"), vm.compare().messageProperty().get());
        vm.compare().runAccuracy(new int[]{4}, 1);
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).contains("needs a context of at least"), dialogs.errors.get(0));
        assertTrue(vm.compare().accuracy().isEmpty());
        dialogs.errors.clear();

        // phonebook's evidence cannot lie within 16 tokens of its answer: the engine's message, no points
        vm.compare().taskProperty().set("phonebook");
        vm.compare().maxDistanceProperty().set(16);
        vm.compare().runAccuracy(new int[]{256}, 1);
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).contains("phonebook max distance"), dialogs.errors.get(0));
        assertTrue(vm.compare().accuracy().isEmpty());
        assertFalse(vm.compare().runningProperty().get());
    }

    @Test
    void theMqarOracleReadsTheLatestDefinition() {
        assertEquals('4', mqarDigit("abc=42 xyz=17 abc?"));
        assertEquals('2', mqarDigit("abc=42 xyz=17 abc?4"));
        assertEquals('9', mqarDigit("abc=42 abc=90 abc?"));
        assertEquals(-1, mqarDigit("abc=42 xyz?"));
        assertEquals(-1, mqarDigit("abc=42 abc?42"));
    }

    @Test
    void theHeadAloneIsNotEnoughWithoutTheNeedleInTheText() {
        // the oracle reads the needle from the text, it does not know the answer: no needle, no digit
        assertEquals(-1, needleDigit("filler\nWhat is the magic number? The magic number is 12"));
        assertEquals('3', needleDigit("x The magic number is 1234. y\nWhat is the magic number? The magic number is 12"));
        assertEquals('1', needleDigit("x The magic number is 1234. y\nWhat is the magic number? The magic number is "));
    }
}
