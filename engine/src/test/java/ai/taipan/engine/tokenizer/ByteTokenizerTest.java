package ai.taipan.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteTokenizerTest {
    @Test
    void idsAreUtf8Bytes() {
        ByteTokenizer t = new ByteTokenizer(256);
        assertArrayEquals(new int[]{'h', 'i', 0xc3, 0xa9}, t.encode("hié"));
        assertEquals("hié", t.decode(new int[]{'h', 'i', 0xc3, 0xa9}));
        assertArrayEquals(new byte[]{(byte) 0xc3}, t.tokenBytes(0xc3));
        assertEquals(0, t.tokenBytes(300).length);
        assertEquals(256, t.vocabSize());
        // a cut multi-byte character decodes to U+FFFD, as the interface promises
        assertEquals("hi\uFFFD", t.decode(new int[]{'h', 'i', 0xc3}));
    }

    @Test
    void byteAtOrPastTheModelVocabIsAnUnknownTokenError() {
        ByteTokenizer t = new ByteTokenizer(96);
        assertEquals(96, t.vocabSize());
        assertArrayEquals(new int[]{'A', '_'}, t.encode("A_")); // 0x41, 0x5f < 96
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.encode("Ab"));
        assertTrue(e.getMessage().contains("0x62") && e.getMessage().contains("byte offset 1")
                && e.getMessage().contains("unknown token") && e.getMessage().contains("96"), e.getMessage());
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ByteTokenizer(128).encode("é"));
        assertTrue(e.getMessage().contains("0xc3") && e.getMessage().contains("byte offset 0")
                && e.getMessage().contains("'é'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ByteTokenizer(128).encode("a€"));
        assertTrue(e.getMessage().contains("0xe2") && e.getMessage().contains("byte offset 1")
                && e.getMessage().contains("'€'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ByteTokenizer(128).encode("ab\uD83D\uDC0D"));
        assertTrue(e.getMessage().contains("byte offset 2") && e.getMessage().contains("'\uD83D\uDC0D'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ByteTokenizer(16).encode("\u001f"));
        assertTrue(e.getMessage().contains("U+001F"), e.getMessage());
        assertArrayEquals(new int[]{'p', 'l', 'a', 'i', 'n'}, new ByteTokenizer(128).encode("plain"));
    }
}
