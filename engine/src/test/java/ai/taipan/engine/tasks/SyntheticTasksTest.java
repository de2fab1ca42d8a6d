package ai.taipan.engine.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The generators' examples, parsed back with independent regular expressions: every answer span
 * is where the format says, holds what the evidence says, and lies within the distance bound.
 */
class SyntheticTasksTest {
    private static final int[] LENGTHS = {64, 100, 257, 1000, 4096};

    // ------------------------------------------------------------------ MQAR

    @Test
    void mqarParsesBack() {
        for (int maxDistance : new int[]{0, 50}) {
            Mqar task = new Mqar(0.5, maxDistance);
            for (int len : LENGTHS) {
                for (long seed = 0; seed < 5; seed++) {
                    Example ex = task.generate(new SplittableRandom(seed), len);
                    checkMqar(ex, len, maxDistance);
                }
            }
        }
    }

    /** Replays the stream: definitions bind, queries must carry the latest binding. */
    private static void checkMqar(Example ex, int len, int maxDistance) {
        String text = ex.text();
        assertEquals(len, text.length());
        assertTrue(text.matches("[a-z=?0-9 ]*"), "only keys, digits, '=', '?' and spaces");
        Pattern entry = Pattern.compile("([a-z]{3})([=?])([0-9]{2}) ");
        Map<String, Integer> valuePos = new HashMap<>();
        List<Example.Answer> expected = new ArrayList<>();
        int pos = 0;
        Matcher m = entry.matcher(text);
        while (pos + Mqar.ENTRY_LENGTH <= len) {
            assertTrue(m.find(pos) && m.start() == pos, "entry at " + pos + ": " + text.substring(pos, pos + 7));
            String key = m.group(1);
            int vp = pos + 4;
            if (m.group(2).equals("=")) {
                assertFalse(valuePos.containsKey(key), "a key is defined once at these lengths: " + key);
                valuePos.put(key, vp);
            } else {
                Integer def = valuePos.get(key);
                assertNotNull(def, "query for an undefined key " + key + " at " + pos);
                assertEquals(text.substring(def, def + 2), m.group(3), "query value = defined value");
                if (maxDistance > 0) assertTrue(vp - def <= maxDistance, "distance " + (vp - def));
                expected.add(new Example.Answer(vp, 2, def));
            }
            pos += Mqar.ENTRY_LENGTH;
        }
        // a query whose value is complete but whose trailing space was cut is still graded
        String rest = text.substring(pos);
        if (rest.length() >= 6 && rest.charAt(3) == '?') {
            Integer def = valuePos.get(rest.substring(0, 3));
            assertNotNull(def);
            assertEquals(text.substring(def, def + 2), rest.substring(4, 6));
            expected.add(new Example.Answer(pos + 4, 2, def));
        }
        assertEquals(expected, ex.answers());
    }

    @Test
    void mqarQueryFractionAndDistancesSpreadOverTheContext() {
        Mqar task = new Mqar();
        int queries = 0, entries = 0, far = 0;
        for (long seed = 0; seed < 20; seed++) {
            Example ex = task.generate(new SplittableRandom(seed), 4096);
            entries += 4096 / Mqar.ENTRY_LENGTH;
            queries += ex.answers().size();
            for (Example.Answer a : ex.answers()) if (a.distance() > 1024) far++;
        }
        double frac = (double) queries / entries;
        assertTrue(frac > 0.45 && frac < 0.55, "query fraction " + frac);
        assertTrue(far > queries / 4, "with no bound, many queries reach far back: " + far + " of " + queries);
    }

    @Test
    void mqarRebindsOnlyWhenKeysRunOutAndThenAnswersTheLatestValue() {
        // 150K tokens = ~10700 definitions > half of 26^3: some keys are rebound
        Example ex = new Mqar().generate(new SplittableRandom(3), 150_000);
        String text = ex.text();
        Map<String, Integer> latest = new HashMap<>();
        int rebinds = 0;
        for (int pos = 0; pos + 7 <= text.length(); pos += 7) {
            String key = text.substring(pos, pos + 3);
            if (text.charAt(pos + 3) == '=') {
                if (latest.put(key, pos + 4) != null) rebinds++;
            }
        }
        assertTrue(rebinds > 0, "expected rebinding at 150K tokens");
        latest.clear();
        int ai = 0;
        for (int pos = 0; pos + 7 <= text.length(); pos += 7) {
            String key = text.substring(pos, pos + 3);
            if (text.charAt(pos + 3) == '=') latest.put(key, pos + 4);
            else {
                Example.Answer a = ex.answers().get(ai++);
                assertEquals(pos + 4, a.start());
                assertEquals(latest.get(key), a.evidence());
                assertEquals(text.substring(a.evidence(), a.evidence() + 2), text.substring(a.start(), a.end()));
            }
        }
    }

    // ------------------------------------------------------------------ phonebook

    @Test
    void phonebookParsesBack() {
        for (int maxDistance : new int[]{0, 200}) {
            Phonebook task = new Phonebook(4, 4, maxDistance);
            for (int len : new int[]{task.minContextLength(), 200, 1000, 4096}) {
                for (long seed = 0; seed < 5; seed++) {
                    checkPhonebook(task.generate(new SplittableRandom(seed), len), len, 4, 4, maxDistance);
                }
            }
        }
        Phonebook one = new Phonebook(1, 7, 0);
        checkPhonebook(one.generate(new SplittableRandom(9), 333), 333, 1, 7, 0);
    }

    private static void checkPhonebook(Example ex, int len, int queries, int digits, int maxDistance) {
        String text = ex.text();
        assertEquals(len, text.length());
        int sep = text.indexOf("\n\n");
        assertTrue(sep >= 0, "blank line between book and queries");
        assertEquals(sep, text.lastIndexOf("\n\n"), "one blank line");
        String book = text.substring(0, sep + 1);
        String tail = text.substring(sep + 2);
        String lineRe = "[A-Z][a-z]{3} [A-Z][a-z]{5}: [0-9]{" + digits + "}";
        // the first line may be cut (then it is shorter than a line); all others are complete
        String[] lines = book.split("\n", -1);
        Map<String, Integer> numberPos = new HashMap<>();
        boolean firstCut = !lines[0].matches(lineRe);
        int off = firstCut ? lines[0].length() + 1 : 0;
        for (int i = firstCut ? 1 : 0; i < lines.length - 1; i++) {
            assertTrue(lines[i].matches(lineRe), "book line '" + lines[i] + "'");
            String name = lines[i].substring(0, 11);
            assertNull(numberPos.put(name, off + 13), "names are distinct: " + name);
            off += lines[i].length() + 1;
        }
        if (firstCut) assertTrue(lines[0].length() < 11 + 2 + digits, "a cut line is shorter: '" + lines[0] + "'");
        String[] q = tail.split("\n", -1);
        assertEquals(queries, q.length);
        Set<String> asked = new HashSet<>();
        int qpos = sep + 2;
        for (int j = 0; j < queries; j++) {
            assertTrue(q[j].matches(lineRe), "query line '" + q[j] + "'");
            String name = q[j].substring(0, 11);
            assertTrue(asked.add(name), "queries are distinct");
            Integer np = numberPos.get(name);
            assertNotNull(np, "queried name is a complete book line: " + name);
            Example.Answer a = ex.answers().get(j);
            assertEquals(qpos + 13, a.start());
            assertEquals(digits, a.length());
            assertEquals(np, a.evidence());
            assertEquals(text.substring(np, np + digits), q[j].substring(13), "number copied from the book");
            if (maxDistance > 0) assertTrue(a.distance() <= maxDistance, "distance " + a.distance());
            qpos += q[j].length() + 1;
        }
        assertEquals(queries, ex.answers().size());
        assertEquals(len, ex.answers().get(queries - 1).end(), "the sequence ends with the last answer");
    }

    @Test
    void phonebookRejectsImpossibleSettings() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Phonebook().generate(new SplittableRandom(0), 100));
        assertTrue(e.getMessage().contains("at least 144"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Phonebook(4, 4, 50));
        new Phonebook(4, 4, 4 * 18 + 1).generate(new SplittableRandom(0), 2000);   // the tightest bound works
    }

    // ------------------------------------------------------------------ needle

    @Test
    void needleWithPasskeyFillerParsesBack() {
        for (int maxDistance : new int[]{0, 100}) {
            Needle task = new Needle(null, maxDistance);
            for (int len : new int[]{task.minContextLength(), 200, 1000, 4096}) {
                for (long seed = 0; seed < 5; seed++) {
                    Example ex = task.generate(new SplittableRandom(seed), len);
                    String hay = checkNeedle(ex, len, maxDistance);
                    String rep = Needle.PASSKEY_FILLER.repeat(len / Needle.PASSKEY_FILLER.length() + 3);
                    assertTrue(rep.contains(hay), "filler is a window of the passkey text");
                }
            }
        }
    }

    @Test
    void needleWithCorpusFillerUsesTheCorpusAndAvoidsAmbiguousWindows(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        SplittableRandom r = new SplittableRandom(1);
        String[] words = {"and", "the", "lord", "said", "unto", "moses", "go", "forth", "land", "of", "water"};
        while (sb.length() < 20_000) sb.append(words[r.nextInt(words.length)]).append(r.nextInt(12) == 0 ? ".\n" : " ");
        sb.append("the magic number is 7777. ");   // in the validation split (last 5%): never a filler
        Path f = dir.resolve("corpus.txt");
        Files.writeString(f, sb.toString());
        TextCorpus train = TextCorpus.open(List.of(f), TextCorpus.Split.TRAIN);
        String trainText = sb.substring(0, (int) train.size());
        Needle task = new Needle(train, 0);
        for (long seed = 0; seed < 10; seed++) {
            Example ex = task.generate(new SplittableRandom(seed), 1500);
            String hay = checkNeedle(ex, 1500, 0);
            assertTrue(trainText.contains(hay), "filler is a window of the training split");
        }
        // a corpus that always contains the phrase cannot hide a needle
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "The Magic Number is 1. ".repeat(200));
        Needle badTask = new Needle(TextCorpus.open(List.of(bad), TextCorpus.Split.ALL), 0);
        var e = assertThrows(DataFileException.class, () -> badTask.generate(new SplittableRandom(0), 500));
        assertTrue(e.getMessage().contains("bad.txt"), e.getMessage());
    }

    /** Checks the layout and returns the filler with the needle removed. */
    private static String checkNeedle(Example ex, int len, int maxDistance) {
        String text = ex.text();
        assertEquals(len, text.length());
        Matcher q = Pattern.compile("\nWhat is the magic number\\? The magic number is ([0-9]{4})$").matcher(text);
        assertTrue(q.find(), "question at the end");
        Matcher n = Pattern.compile("The magic number is ([0-9]{4})\\. ").matcher(text);
        assertTrue(n.find(), "needle present");
        int needleAt = n.start(), needleEnd = n.end();
        String number = n.group(1);
        assertTrue(needleAt < q.start());
        assertFalse(n.find() && n.start() < q.start(), "exactly one needle");
        assertEquals(number, q.group(1), "answer = the needle's number");
        assertTrue(needleAt == 0 || text.charAt(needleAt - 1) == ' ' || text.charAt(needleAt - 1) == '\n',
                "needle starts a word");
        Example.Answer a = ex.answers().get(0);
        assertEquals(1, ex.answers().size());
        assertEquals(len - 4, a.start());
        assertEquals(needleAt + Needle.NEEDLE_PREFIX.length(), a.evidence());
        if (maxDistance > 0) assertTrue(a.distance() <= maxDistance, "distance " + a.distance());
        return text.substring(0, needleAt) + text.substring(needleEnd, q.start());
    }

    @Test
    void needleDepthIsSpreadOverTheContext() {
        Needle task = new Needle();
        int early = 0, late = 0;
        for (long seed = 0; seed < 200; seed++) {
            double depth = (double) task.generate(new SplittableRandom(seed), 2000).answers().get(0).evidence() / 2000;
            if (depth < 0.3) early++;
            if (depth > 0.7) late++;
        }
        assertTrue(early > 30 && late > 30, "early " + early + ", late " + late);
    }

    // ------------------------------------------------------------------ shared

    @Test
    void generatorsAreDeterministicInTheRngAndHaveExactLength() {
        for (SyntheticTask t : List.of(new Mqar(), new Phonebook(), new Needle())) {
            for (int len : new int[]{t.minContextLength(), 513, 3000}) {
                Example a = t.generate(new SplittableRandom(42), len);
                Example b = t.generate(new SplittableRandom(42), len);
                Example c = t.generate(new SplittableRandom(43), len);
                assertArrayEquals(a.ids(), b.ids(), t.name());
                assertEquals(a.answers(), b.answers());
                assertFalse(java.util.Arrays.equals(a.ids(), c.ids()), t.name() + ": another seed, another example");
                assertEquals(len, a.ids().length);
                assertArrayEquals(a.ids(), t.nextSequence(new SplittableRandom(42), len), "nextSequence = generate");
                for (int id : a.ids()) assertTrue(id >= 0 && id < 128, "ASCII bytes");
                assertFalse(a.answers().isEmpty(), t.name() + " at " + len + " has something to grade");
            }
            var e = assertThrows(IllegalArgumentException.class, () -> t.generate(new SplittableRandom(0), t.minContextLength() - 1));
            assertTrue(e.getMessage().contains(t.name()));
        }
    }

    @Test
    void answerMaskMarksExactlyTheAnswerTokens() {
        Example ex = new Phonebook().generate(new SplittableRandom(5), 400);
        boolean[] m = ex.answerMask();
        int n = 0;
        for (boolean b : m) if (b) n++;
        assertEquals(4 * 4, n);
        for (Example.Answer a : ex.answers()) for (int t = a.start(); t < a.end(); t++) assertTrue(m[t]);
        assertEquals(new String(new byte[0], StandardCharsets.US_ASCII), "");
    }

    @Test
    void chanceIsAUniformGuessOverTheAnswerAlphabet() {
        assertEquals(0.01, new Mqar().chance(), 1e-15);
        assertEquals(1e-4, new Phonebook().chance(), 1e-15);
        assertEquals(1e-4, new Needle().chance(), 1e-15);
    }
}
