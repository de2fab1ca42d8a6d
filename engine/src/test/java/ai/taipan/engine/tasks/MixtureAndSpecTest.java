package ai.taipan.engine.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class MixtureAndSpecTest {
    /** A source that fills its sequence with one constant token, so a draw reveals its component. */
    private record Constant(int token) implements TrainingData {
        @Override public int[] nextSequence(SplittableRandom rng, int length) {
            int[] a = new int[length];
            java.util.Arrays.fill(a, token);
            return a;
        }
    }

    @Test
    void mixtureWeightsAreRespected() {
        Mixture m = new Mixture(List.of(new Mixture.Component(new Constant(0), 6),
                new Mixture.Component(new Constant(1), 3), new Mixture.Component(new Constant(2), 1)));
        assertEquals(0.6, m.probability(0), 1e-12);
        assertEquals(0.1, m.probability(2), 1e-12);
        int n = 20_000;
        int[] counts = new int[3];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < n; i++) counts[m.nextSequence(rng, 4)[0]]++;
        double[] p = {0.6, 0.3, 0.1};
        for (int k = 0; k < 3; k++) {
            double sd = Math.sqrt(n * p[k] * (1 - p[k]));
            assertEquals(n * p[k], counts[k], 4 * sd, "component " + k + ": " + counts[k]);
        }
    }

    @Test
    void mixtureIsDeterministicAndRejectsBadWeights() {
        Mixture m = new Mixture(List.of(new Mixture.Component(new Mqar(), 1), new Mixture.Component(new Needle(), 1)));
        for (long s = 0; s < 10; s++) {
            assertArrayEquals(m.nextSequence(new SplittableRandom(s), 256), m.nextSequence(new SplittableRandom(s), 256));
            Example ex = m.nextExample(new SplittableRandom(s), 256);
            assertArrayEquals(m.nextSequence(new SplittableRandom(s), 256), ex.ids(), "nextExample draws the same sequence");
            assertFalse(ex.answers().isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> new Mixture.Component(new Mqar(), 0));
        assertThrows(IllegalArgumentException.class, () -> new Mixture.Component(new Mqar(), Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Mixture(List.of()));
    }

    @Test
    void specParsesTextTasksOptionsAndWeights(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "In the beginning was the word. ".repeat(200));
        TrainingData d = DataSpec.parse(List.of(text + "@0.5", "task:mqar,max-distance=100@0.25",
                "task:phonebook,queries=2,digits=3", "task:needle@0.25"));
        Mixture m = assertInstanceOf(Mixture.class, d);
        assertEquals(4, m.components().size());
        assertEquals(0.5 / 2.0, m.probability(0), 1e-12);
        assertEquals(1 / 2.0, m.probability(2), 1e-12);
        assertInstanceOf(TextCorpus.class, m.components().get(0).data());
        assertEquals(TextCorpus.Split.TRAIN, ((TextCorpus) m.components().get(0).data()).split());
        Phonebook pb = assertInstanceOf(Phonebook.class, m.components().get(2).data());
        assertEquals(2, pb.queries());
        assertEquals(3, pb.answerLength());
        assertEquals(100, assertInstanceOf(Mqar.class, m.components().get(1).data()).maxDistance());
        Needle needle = assertInstanceOf(Needle.class, m.components().get(3).data());
        assertSame(m.components().get(0).data(), needle.filler(), "the needle hides in the text item");
        // one item: the source itself
        assertInstanceOf(Mqar.class, DataSpec.parse(List.of("task:mqar")));

        var e1 = assertThrows(DataFileException.class, () -> DataSpec.parse(List.of(dir.resolve("nope.txt").toString())));
        assertTrue(e1.getMessage().contains("nope.txt"));
        var e2 = assertThrows(IllegalArgumentException.class, () -> DataSpec.parse(List.of("task:sudoku")));
        assertTrue(e2.getMessage().contains("sudoku") && e2.getMessage().contains("mqar"));
        var e3 = assertThrows(IllegalArgumentException.class, () -> DataSpec.parse(List.of("task:mqar,depth=3")));
        assertTrue(e3.getMessage().contains("depth"));
        var e4 = assertThrows(IllegalArgumentException.class, () -> DataSpec.parse(List.of("task:mqar@x")));
        assertTrue(e4.getMessage().contains("weight"));
    }
}
