package ai.taipan.engine.generate;

import ai.taipan.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingTextTest {
    private static final ByteTokenizer BYTES = new ByteTokenizer(256);

    private static List<String> pieces(StreamingText t, int... ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(t.add(id));
        return out;
    }

    @Test
    void multiByteCharactersAreEmittedWhole() {
        StreamingText t = new StreamingText(BYTES, List.of());
        // "é" = C3 A9, "€" = E2 82 AC, "🐍" = F0 9F 90 8D (a surrogate pair in Java)
        assertEquals(List.of("a", "", "é", "", "", "€", "", "", "", "🐍"),
                pieces(t, 'a', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x90, 0x8D));
        assertEquals("", t.finish());
        assertEquals("aé€🐍", t.text());
    }

    @Test
    void invalidBytesBecomeReplacementCharactersAtOnce() {
        StreamingText t = new StreamingText(BYTES, List.of());
        assertEquals(List.of("\uFFFD", "", "\uFFFDa"), pieces(t, 0xFF, 0xC3, 'a'));
        assertEquals(List.of("", ""), pieces(t, 0xE2, 0x82));
        assertEquals("\uFFFD", t.finish()); // the cut-off € at the end
        assertEquals("\uFFFD\uFFFDa\uFFFD", t.text());
    }

    @Test
    void stopStringIsNotEmittedAndEndsTheText() {
        StreamingText t = new StreamingText(BYTES, List.of("\n\n", "END"));
        assertEquals(List.of("a", "b", "", "\nc", "", ""), pieces(t, 'a', 'b', '\n', 'c', '\n', '\n'));
        assertTrue(t.stopped());
        assertEquals("\n\n", t.matchedStop());
        assertEquals("ab\nc", t.text());
        assertEquals("", t.add('z'));
        assertEquals("", t.finish());
    }

    @Test
    void aFalseStartIsReleasedOnceItCannotBeAStop() {
        StreamingText t = new StreamingText(BYTES, List.of("ENDX"));
        assertEquals(List.of("", "", "", "END", "", "", ""), pieces(t, 'E', 'N', 'D', 'E', 'N', 'D', 'X'));
        assertEquals("END", t.text());
        StreamingText u = new StreamingText(BYTES, List.of("ENDX"));
        assertEquals(List.of("", "", "EN."), pieces(u, 'E', 'N', '.'));
        assertEquals(List.of("", ""), pieces(u, 'E', 'N'));
        assertEquals("EN", u.finish()); // the stream ended: held-back text is released
        assertFalse(u.stopped());
        assertNull(u.matchedStop());
        assertEquals("EN.EN", u.text());
    }

    @Test
    void multiByteStopString() {
        StreamingText t = new StreamingText(BYTES, List.of("é!"));
        assertEquals(List.of("x", "", "", "", "é\uFFFDy"), pieces(t, 'x', 0xC3, 0xA9, 0xC3, 'y'));
        // "é" was held (it may begin "é!"), then "\uFFFDy" made that impossible
        assertEquals("xé\uFFFDy", t.text());
        assertEquals(List.of("", "", ""), pieces(t, 0xC3, 0xA9, '!'));
        assertEquals("xé\uFFFDy", t.text());
    }

    /** Property: pieces concatenate to the whole decoded text cut at the first completed stop string. */
    @Test
    void piecesAlwaysConcatenateToTheReferenceText() {
        int[] alphabet = {'a', 'b', 'c', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xFF};
        String[] stopPool = {"ab", "ba", "é", "aé", "bc€", "cc", "\uFFFDa", "€€", "abc"};
        SplittableRandom rnd = new SplittableRandom(1);
        for (int trial = 0; trial < 3000; trial++) {
            int n = 1 + rnd.nextInt(20);
            int[] ids = new int[n];
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                ids[i] = alphabet[rnd.nextInt(alphabet.length)];
                all.write(ids[i]);
            }
            List<String> stops = new ArrayList<>();
            for (int i = rnd.nextInt(3); i > 0; i--) stops.add(stopPool[rnd.nextInt(stopPool.length)]);

            StreamingText t = new StreamingText(BYTES, stops);
            StringBuilder got = new StringBuilder();
            for (int id : ids) got.append(t.add(id));
            got.append(t.finish());

            String full = new String(all.toByteArray(), StandardCharsets.UTF_8);
            int cut = full.length(), cutEnd = Integer.MAX_VALUE;
            for (String s : stops) {
                int i = full.indexOf(s);
                if (i >= 0 && (i + s.length() < cutEnd || (i + s.length() == cutEnd && i < cut))) {
                    cut = i;
                    cutEnd = i + s.length();
                }
            }
            String expected = full.substring(0, cut);
            assertEquals(expected, got.toString(), "bytes " + all + " stops " + stops);
            assertEquals(expected, t.text());
            assertEquals(cutEnd != Integer.MAX_VALUE, t.stopped());
        }
    }
}
