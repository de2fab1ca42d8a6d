package ai.taipan.engine.tasks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable sequence of byte tokens used by the generators (package-private plumbing). */
final class ByteSeq {
    private int[] a;
    private int n;

    ByteSeq(int capacity) { a = new int[Math.max(16, capacity)]; }

    int size() { return n; }

    ByteSeq add(int b) {
        if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
        a[n++] = b & 0xff;
        return this;
    }

    /** Appends ASCII / UTF-8 text. */
    ByteSeq add(String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) add(b);
        return this;
    }

    ByteSeq add(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) add(b[off + i]);
        return this;
    }

    int get(int i) { return a[i]; }

    int[] toArray() { return Arrays.copyOf(a, n); }

    /** Uniform random decimal digits (leading zeros allowed, so every string of that length is equally likely). */
    static String digits(java.util.SplittableRandom rng, int count) {
        char[] c = new char[count];
        for (int i = 0; i < count; i++) c[i] = (char) ('0' + rng.nextInt(10));
        return new String(c);
    }
}
