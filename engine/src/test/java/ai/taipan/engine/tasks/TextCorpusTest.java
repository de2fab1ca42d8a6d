package ai.taipan.engine.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TextCorpusTest {
    @TempDir
    Path dir;

    /** n bytes, byte i = (7i + salt) mod 251. */
    private Path file(String name, int n, int salt) throws Exception {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ((i * 7 + salt) % 251);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void splitsAtTheLastFivePercentOfEachFile() throws Exception {
        Path f = file("a.txt", 1000, 0);
        TextCorpus train = TextCorpus.open(List.of(f), TextCorpus.Split.TRAIN);
        TextCorpus valid = TextCorpus.open(List.of(f), TextCorpus.Split.VALIDATION);
        TextCorpus all = TextCorpus.open(List.of(f), TextCorpus.Split.ALL);
        assertEquals(950, train.size());
        assertEquals(50, valid.size());
        assertEquals(1000, all.size());
        // the validation split's only window of 50 bytes is bytes [950, 1000)
        int[] w = valid.nextSequence(new SplittableRandom(0), 50);
        byte[] raw = Files.readAllBytes(f);
        for (int i = 0; i < 50; i++) assertEquals(raw[950 + i] & 0xff, w[i]);
        // training windows never reach the validation bytes: the last possible one ends at 950
        assertEquals(950 - 100 + 1, train.windowCount(100));
        var e = assertThrows(DataFileException.class, () -> valid.nextSequence(new SplittableRandom(0), 51));
        assertTrue(e.getMessage().contains("a.txt") && e.getMessage().contains("validation"), e.getMessage());
    }

    @Test
    void randomWindowsAreUniformOverFilesByTheirWindowCounts() throws Exception {
        Path big = dir.resolve("big.txt");
        Path small = dir.resolve("small.txt");
        Files.writeString(big, "abcdefghij".repeat(300));     // 3000 bytes of letters
        Files.writeString(small, "0123456789".repeat(100));   // 1000 bytes of digits
        TextCorpus c = TextCorpus.open(List.of(big, small), TextCorpus.Split.ALL);
        assertEquals(4000, c.size());
        // windows of 40: 2961 in big, 961 in small
        double p = 961.0 / (2961 + 961);
        SplittableRandom rng = new SplittableRandom(7);
        int n = 4000, fromSmall = 0;
        for (int i = 0; i < n; i++) {
            String s = new String(toBytes(c.nextSequence(rng, 40)), StandardCharsets.US_ASCII);
            boolean digits = s.matches("[0-9]{40}"), letters = s.matches("[a-j]{40}");
            assertTrue(digits || letters, "a window never crosses files: " + s);
            if (digits) fromSmall++;
        }
        double sd = Math.sqrt(n * p * (1 - p));
        assertEquals(n * p, fromSmall, 4 * sd, "windows per file follow the files' window counts");
    }

    private static byte[] toBytes(int[] w) {
        byte[] b = new byte[w.length];
        for (int i = 0; i < w.length; i++) b[i] = (byte) w[i];
        return b;
    }

    @Test
    void evenWindowsAreDeterministicAndSpread() throws Exception {
        Path f = file("a.txt", 10_000, 3);
        TextCorpus c = TextCorpus.open(List.of(f), TextCorpus.Split.ALL);
        List<int[]> w1 = c.evenWindows(1000, 4);
        List<int[]> w2 = c.evenWindows(1000, 4);
        assertEquals(4, w1.size());
        byte[] raw = Files.readAllBytes(f);
        long total = 10_000 - 1000 + 1;
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(w1.get(k), w2.get(k));
            int start = (int) Math.floor((k + 0.5) * total / 4);
            for (int i = 0; i < 1000; i++) assertEquals(raw[start + i] & 0xff, w1.get(k)[i]);
        }
    }

    @Test
    void badFilesGiveErrorsNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.txt");
        var e1 = assertThrows(DataFileException.class, () -> TextCorpus.open(List.of(missing), TextCorpus.Split.TRAIN));
        assertTrue(e1.getMessage().contains("missing.txt") && e1.getMessage().contains("no such file"), e1.getMessage());
        assertEquals(missing, e1.file());
        Path empty = dir.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        var e2 = assertThrows(DataFileException.class, () -> TextCorpus.open(List.of(file("ok.txt", 10, 0), empty), TextCorpus.Split.TRAIN));
        assertTrue(e2.getMessage().contains("empty.txt") && e2.getMessage().contains("empty"), e2.getMessage());
        var e3 = assertThrows(DataFileException.class, () -> TextCorpus.open(List.of(dir), TextCorpus.Split.TRAIN));
        assertTrue(e3.getMessage().contains("folder"), e3.getMessage());
        var e4 = assertThrows(DataFileException.class, () -> TextCorpus.open(List.of(), TextCorpus.Split.TRAIN));
        assertTrue(e4.getMessage().contains("no text files"));
        // a file too short for the window
        TextCorpus tiny = TextCorpus.open(List.of(file("tiny.txt", 30, 0)), TextCorpus.Split.TRAIN);
        var e5 = assertThrows(DataFileException.class, () -> tiny.nextSequence(new SplittableRandom(0), 64));
        assertTrue(e5.getMessage().contains("tiny.txt") && e5.getMessage().contains("64"), e5.getMessage());
    }

    @Test
    void sameRngSameWindow() throws Exception {
        Path f = file("a.txt", 5000, 1);
        TextCorpus c = TextCorpus.open(List.of(f), TextCorpus.Split.TRAIN);
        assertArrayEquals(c.nextSequence(new SplittableRandom(11), 300), c.nextSequence(new SplittableRandom(11), 300));
        assertEquals(300, c.nextSequence(new SplittableRandom(12), 300).length);
    }
}
