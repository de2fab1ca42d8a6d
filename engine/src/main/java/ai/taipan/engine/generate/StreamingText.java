package ai.taipan.engine.generate;

import ai.taipan.engine.tokenizer.Tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns generated tokens into text pieces that are safe to show as they arrive:
 * <ul>
 *   <li>UTF-8 safe: a character whose bytes span several tokens (a byte tokenizer splits "é" into
 *       0xC3 0xA9) is held until its last byte arrives and then emitted whole; bytes that can never
 *       form a character become U+FFFD at once, a sequence cut off at the end becomes U+FFFD in
 *       {@link #finish()};</li>
 *   <li>stop-string safe: text that could be the start of a stop string is held back until it
 *       either completes the stop string (then it and everything after it is dropped) or cannot.</li>
 * </ul>
 * So the concatenation of all pieces is exactly {@link #text()}: the decoded text up to, not
 * including, the first stop string to be completed (of two completed by the same character, the
 * one that starts first).
 */
public final class StreamingText {
    private final Tokenizer tokenizer;
    private final List<String> stops;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pendingBytes = ByteBuffer.allocate(16); // bytes of an unfinished character
    private final StringBuilder text = new StringBuilder();     // decoded text, emitted + held back
    private int emitted;                                         // chars of text already handed out
    private String matchedStop;

    public StreamingText(Tokenizer tokenizer, List<String> stops) {
        this.tokenizer = tokenizer;
        this.stops = List.copyOf(stops);
    }

    /** Adds one token; returns the text that may be shown now (often "", never part of a stop string). */
    public String add(int id) {
        if (matchedStop != null) return "";
        byte[] b = tokenizer.tokenBytes(id);
        if (pendingBytes.remaining() < b.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * pendingBytes.capacity(), pendingBytes.position() + b.length));
            pendingBytes.flip();
            bigger.put(pendingBytes);
            pendingBytes = bigger;
        }
        pendingBytes.put(b);
        decode(false);
        return release(false);
    }

    /** Ends the stream: a cut-off character becomes U+FFFD; held-back text is released. */
    public String finish() {
        if (matchedStop != null) return "";
        decode(true);
        return release(true);
    }

    /** True once a stop string has appeared; nothing more is emitted. */
    public boolean stopped() { return matchedStop != null; }

    /** The stop string that ended the text, or null. */
    public String matchedStop() { return matchedStop; }

    /** The text emitted so far (after a stop: the whole text before the stop string). */
    public String text() { return text.substring(0, emitted); }

    private void decode(boolean endOfInput) {
        pendingBytes.flip();
        CharBuffer out = CharBuffer.allocate(pendingBytes.remaining() + 2);
        utf8.decode(pendingBytes, out, endOfInput); // leaves an incomplete trailing sequence unread
        if (endOfInput) utf8.flush(out);
        pendingBytes.compact();
        out.flip();
        text.append(out);
        if (endOfInput) utf8.reset();
    }

    private String release(boolean all) {
        // a stop string can only start in text not yet emitted (anything that might begin one is
        // held back). The stop that ends first wins; of two ending together, the longer.
        int first = -1, firstEnd = -1;
        String which = null;
        for (String s : stops) {
            int i = text.indexOf(s, emitted);
            if (i < 0) continue;
            int end = i + s.length();
            if (which == null || end < firstEnd || (end == firstEnd && i < first)) {
                first = i;
                firstEnd = end;
                which = s;
            }
        }
        int upTo;
        if (which != null) {
            matchedStop = which;
            upTo = first;
            text.setLength(first);
        } else {
            upTo = all ? text.length() : text.length() - heldBack();
        }
        String piece = text.substring(emitted, upTo);
        emitted = upTo;
        return piece;
    }

    /** Length of the longest tail of the unemitted text that is a proper prefix of a stop string. */
    private int heldBack() {
        int best = 0;
        int n = text.length();
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, n - emitted); len > best; len--) {
                if (endsWithPrefix(s, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    /** True if text ends with the first len chars of s (StringBuilder has no regionMatches). */
    private boolean endsWithPrefix(String s, int len) {
        int off = text.length() - len;
        for (int i = 0; i < len; i++) if (text.charAt(off + i) != s.charAt(i)) return false;
        return true;
    }
}
