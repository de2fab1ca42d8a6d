package ai.taipan.engine.eval;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.LogitsSink;
import ai.taipan.engine.model.Mode;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.model.Weights;
import ai.taipan.engine.tasks.Mqar;
import ai.taipan.engine.tasks.Needle;
import ai.taipan.engine.tasks.Phonebook;
import ai.taipan.engine.tasks.SyntheticTask;
import ai.taipan.engine.tasks.TextCorpus;
import ai.taipan.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class EvaluatorTest {
    /**
     * A model that predicts the next byte from the prefix alone (causal by construction: it is
     * handed ids[0..i] only) with a one-hot logit.
     */
    record PrefixModel(Function<String, Integer> next) implements ScoringModel {
        @Override public int vocabSize() { return 256; }

        @Override
        public void run(int[] ids, IntPredicate wanted, LogitsSink sink) {
            float[] logits = new float[256];
            byte[] b = new byte[ids.length];
            for (int i = 0; i < ids.length; i++) b[i] = (byte) ids[i];
            int last = -1;
            for (int i = 0; i < ids.length; i++) {
                if (!wanted.test(i)) continue;
                assertTrue(i > last, "increasing order");
                last = i;
                String prefix = new String(b, 0, i + 1, StandardCharsets.ISO_8859_1);
                java.util.Arrays.fill(logits, 0f);
                logits[next.apply(prefix)] = 1f;
                sink.accept(i, logits);
            }
        }
    }

    private static final Pattern MQAR_QUERY = Pattern.compile("([a-z]{3})\\?([0-9]?)$");
    private static final Pattern PB_QUERY = Pattern.compile("\n([A-Z][a-z]{3} [A-Z][a-z]{5}): ([0-9]*)$");
    private static final Pattern NEEDLE_Q = Pattern.compile("What is the magic number\\? The magic number is ([0-9]*)$");

    /** Solves all three tasks by reading the prefix, independently of the generators' code. */
    static int solve(String prefix) {
        Matcher m = MQAR_QUERY.matcher(prefix);
        if (m.find()) {
            int def = prefix.lastIndexOf(m.group(1) + "=");
            if (def >= 0) return prefix.charAt(def + 4 + m.group(2).length());
        }
        m = PB_QUERY.matcher(prefix);
        int blank = prefix.indexOf("\n\n");
        if (m.find() && blank >= 0 && m.start() > blank) {
            int entry = prefix.indexOf("\n" + m.group(1) + ": ");
            if (entry >= 0 && entry < blank) return prefix.charAt(entry + 1 + 13 + m.group(2).length());
        }
        m = NEEDLE_Q.matcher(prefix);
        if (m.find()) {
            Matcher n = Pattern.compile("The magic number is ([0-9]{4})\\. ").matcher(prefix);
            if (n.find()) return n.group(1).charAt(m.group(1).length());
        }
        return ' ';
    }

    static final List<SyntheticTask> TASKS = List.of(new Mqar(), new Phonebook(), new Needle(), new Mqar(0.5, 60),
            new Phonebook(4, 4, 100), new Needle(null, 120));

    @Test
    void oracleScoresOneHundredPercent() {
        ScoringModel oracle = new PrefixModel(EvaluatorTest::solve);
        for (SyntheticTask t : TASKS) {
            for (int context : new int[]{256, 1000, 3000}) {
                TaskScore s = TaskEvaluator.evaluate(oracle, t, context, 5, 1);
                assertTrue(s.answers() >= 5, t.describe());
                assertEquals(1.0, s.accuracy(), t.describe() + " at " + context);
                assertEquals(1.0, s.tokenAccuracy());
                assertEquals((long) context * 5, s.tokensFed());
                long pooled = 0;
                for (long b : s.bucketAnswers()) pooled += b;
                assertEquals(s.answers(), pooled, "every answer lands in one distance bucket");
            }
        }
    }

    @Test
    void oneWrongDigitMakesTheSpanWrong() {
        // right on every answer token but the last one of each span
        ScoringModel almost = new PrefixModel(p -> {
            int r = solve(p);
            boolean lastDigit = p.matches("(?s).*(\\?[0-9]|: [0-9]{3}|is [0-9]{3})$");
            return lastDigit ? (r == '9' ? '0' : r + 1) : r;
        });
        TaskScore mq = TaskEvaluator.evaluate(almost, new Mqar(), 500, 4, 2);
        assertEquals(0.0, mq.accuracy());
        assertEquals(0.5, mq.tokenAccuracy(), 1e-12);
        TaskScore pb = TaskEvaluator.evaluate(almost, new Phonebook(), 500, 4, 2);
        assertEquals(0.0, pb.accuracy());
        assertEquals(0.75, pb.tokenAccuracy(), 1e-12);
    }

    @Test
    void randomModelsScoreChance() {
        // random logits over 256 bytes: a token is right 1/256 of the time
        ScoringModel noise = new ScoringModel() {
            final SplittableRandom r = new SplittableRandom(3);
            @Override public int vocabSize() { return 256; }
            @Override public void run(int[] ids, IntPredicate wanted, LogitsSink sink) {
                float[] l = new float[256];
                for (int i = 0; i < ids.length; i++) {
                    if (!wanted.test(i)) continue;
                    for (int v = 0; v < 256; v++) l[v] = (float) r.nextGaussian();
                    sink.accept(i, l);
                }
            }
        };
        TaskScore s = TaskEvaluator.evaluate(noise, new Mqar(), 2048, 8, 0);
        double p = 1 / 256.0, n = s.answerTokens();
        assertEquals(p, s.tokenAccuracy(), 4 * Math.sqrt(p * (1 - p) / n), "token accuracy " + s.tokenAccuracy() + " of " + n);
        assertTrue(s.exact() <= 1, "2-digit spans at (1/256)^2: " + s.exact());

        // a uniform guess among the ten digits: exact match = the task's chance
        SplittableRandom g = new SplittableRandom(4);
        ScoringModel guesser = new PrefixModel(prefix -> '0' + g.nextInt(10));
        TaskScore q = TaskEvaluator.evaluate(guesser, new Mqar(), 2048, 8, 0);
        double c = new Mqar().chance();
        assertEquals(c, q.accuracy(), 4 * Math.sqrt(c * (1 - c) / q.answers()), "exact " + q.exact() + " of " + q.answers());
        assertEquals(0.1, q.tokenAccuracy(), 4 * Math.sqrt(0.09 / q.answerTokens()));
    }

    @Test
    void evaluationIsDeterministicAndIndependentOfOtherRuns() {
        ScoringModel half = new PrefixModel(p -> p.hashCode() % 2 == 0 ? solve(p) : 'x');   // a deterministic, partly right model
        TaskScore a = TaskEvaluator.evaluate(half, new Phonebook(), 700, 6, 9);
        TaskEvaluator.evaluate(half, new Mqar(), 300, 3, 9);
        TaskScore b = TaskEvaluator.evaluate(half, new Phonebook(), 700, 6, 9);
        assertEquals(a.exact(), b.exact());
        assertEquals(a.tokensCorrect(), b.tokensCorrect());
        assertTrue(a.tokenAccuracy() > 0.2 && a.tokenAccuracy() < 0.8, "partly right: " + a.tokenAccuracy());
    }

    // ------------------------------------------------------------------ bits per byte

    /**
     * Logit 1 on the byte just seen, 0 elsewhere (exact in float): p(repeat) = e/(255 + e),
     * p(any other byte) = 1/(255 + e).
     */
    static final ScoringModel REPEATER = new ScoringModel() {
        @Override public int vocabSize() { return 256; }
        @Override public void run(int[] ids, IntPredicate wanted, LogitsSink sink) {
            float[] l = new float[256];
            for (int i = 0; i < ids.length; i++) {
                if (!wanted.test(i)) continue;
                java.util.Arrays.fill(l, 0f);
                l[ids[i]] = 1f;
                sink.accept(i, l);
            }
        }
    };

    @Test
    void bitsPerByteMatchesHandCalculations(@TempDir Path dir) throws Exception {
        Path abab = dir.resolve("abab.txt");
        Files.writeString(abab, "ab".repeat(5000));
        Path aaaa = dir.resolve("aaaa.txt");
        Files.writeString(aaaa, "a".repeat(10000));
        ScoringModel uniform = new ScoringModel() {
            @Override public int vocabSize() { return 256; }
            @Override public void run(int[] ids, IntPredicate wanted, LogitsSink sink) {
                float[] l = new float[256];
                java.util.Arrays.fill(l, 0.25f);
                for (int i = 0; i < ids.length; i++) if (wanted.test(i)) sink.accept(i, l);
            }
        };
        TextCorpus ab = TextCorpus.open(List.of(abab), TextCorpus.Split.VALIDATION);
        TextScore u = TextEvaluator.bitsPerByte(uniform, ab, 256, 2, 0.25);
        assertEquals(8.0, u.bitsPerByte(), 1e-12, "uniform over 256 bytes = 8 bits");
        assertEquals(2 * 64, u.scoredTokens());
        // never a repeat: every byte has p = 1/(255 + e)
        double z = 255 + Math.E;
        assertEquals(Math.log(z) / Math.log(2), TextEvaluator.bitsPerByte(REPEATER, ab, 200, 2, 0.5).bitsPerByte(), 1e-12);
        // always a repeat: p = e/(255 + e)
        TextCorpus a = TextCorpus.open(List.of(aaaa), TextCorpus.Split.ALL);
        assertEquals((Math.log(z) - 1) / Math.log(2), TextEvaluator.bitsPerByte(REPEATER, a, 1000, 3, 0.1).bitsPerByte(), 1e-12);
    }

    @Test
    void onlyTheLastPartOfEachWindowIsScored(@TempDir Path dir) throws Exception {
        // the first 3/4 of every window repeats, the last quarter alternates: only log2(258) must show
        Path f = dir.resolve("mixed.txt");
        Files.writeString(f, "a".repeat(300) + "ab".repeat(50));
        TextCorpus c = TextCorpus.open(List.of(f), TextCorpus.Split.ALL);
        TextScore s = TextEvaluator.bitsPerByte(REPEATER, c, 400, 1, 0.25);
        assertEquals(100, s.scoredTokens());
        // token 300 is 'a' after 'a' (a repeat), tokens 301..399 alternate
        double z = 255 + Math.E;
        double expected = ((Math.log(z) - 1) + 99 * Math.log(z)) / 100 / Math.log(2);
        assertEquals(expected, s.bitsPerByte(), 1e-12);
    }

    // ------------------------------------------------------------------ the real model adapter

    static TaipanModel tinyModel(long seed) {
        ModelConfig.Builder b = ModelConfig.builder();
        b.hiddenSize = 32;
        b.stateSize = 8;
        b.headDim = 16;
        b.chunkSize = 16;
        b.numAttentionHeads = 2;
        b.intermediateSize = 64;
        b.slidingWindow = 24;
        b.layerTypes = List.of(LayerType.MAMBA2, LayerType.SELECTIVE_ATTENTION);
        ModelConfig c = b.build();
        return new TaipanModel(c, Weights.random(c, seed), new ByteTokenizer(c.vocabSize));
    }

    @Test
    void sessionAdapterHandsOverExactlyTheWantedLogits() {
        TaipanModel m = tinyModel(1);
        ScoringModel s = ScoringModel.of(m);
        int[] ids = new SplittableRandom(2).ints(100, 0, 256).toArray();
        float[] all = m.logits(ids, Mode.PARALLEL);                      // (L, V)
        List<IntPredicate> cases = List.of(i -> i == 0 || (i >= 17 && i < 20) || i == 50 || i == 99,
                i -> i == 33 || i == 34 || i == 80, i -> false, i -> true);
        int[] seen = new int[ids.length];
        for (IntPredicate wanted : cases) {
            for (int round = 0; round < 2; round++) {                     // a second run starts from an empty state
                java.util.Arrays.fill(seen, 0);
                s.run(ids, wanted, (i, logits) -> {
                    seen[i]++;
                    for (int v = 0; v < 256; v++) assertEquals(all[i * 256 + v], logits[v], 1e-4, "logit " + v + " at " + i);
                });
                for (int i = 0; i < ids.length; i++) assertEquals(wanted.test(i) ? 1 : 0, seen[i], "position " + i);
            }
        }
    }

    @Test
    void realModelEvaluatesEndToEnd() {
        ScoringModel s = ScoringModel.of(tinyModel(3));
        TaskScore t = TaskEvaluator.evaluate(s, new Phonebook(), 300, 2, 0);
        assertEquals(8, t.answers());
        assertTrue(t.accuracy() >= 0 && t.accuracy() <= 1);
        var e = assertThrows(IllegalArgumentException.class, () -> TaskEvaluator.evaluate(s, new Needle(), 10, 1, 0));
        assertTrue(e.getMessage().contains("needle"));
    }
}
