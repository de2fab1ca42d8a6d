package ai.taipan.engine.tasks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Needle in a haystack / passkey retrieval (Mohtashami & Jaggi 2023, "Landmark Attention", §4.2),
 * in bytes.
 *
 * <p>Filler text with one sentence {@code The magic number is NNNN. } inserted at the start of a
 * word at a uniformly random depth, then the question, whose last four bytes are the graded
 * answer:
 * <pre>
 *   ...and the evening and the The magic number is 4821. morning were the first day. ...
 *   What is the magic number? The magic number is 4821
 * </pre>
 * The filler is a random window of an English corpus when one is given (its validation split
 * for evaluation, its training split for training), else the classic passkey filler "The grass
 * is green. The sky is blue. ..." from a random phase. A corpus window that already says "magic
 * number" is redrawn, so the answer is never ambiguous.
 */
public final class Needle implements SyntheticTask {
    public static final int DIGITS = 4;
    public static final String NEEDLE_PREFIX = "The magic number is ";
    public static final String QUESTION = "\nWhat is the magic number? The magic number is ";
    /** Mohtashami & Jaggi's filler. */
    public static final String PASSKEY_FILLER =
            "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. ";

    private static final int NEEDLE_LENGTH = NEEDLE_PREFIX.length() + DIGITS + 2;   // "...NNNN. "
    private static final int TAIL_LENGTH = QUESTION.length() + DIGITS;

    private final TextCorpus filler;
    private final int maxDistance;

    /** With the built-in passkey filler, the needle anywhere. */
    public Needle() { this(null, 0); }

    /**
     * @param filler      corpus for the haystack, or null for the passkey filler
     * @param maxDistance 0 = anywhere; else the largest answer − needle distance
     */
    public Needle(TextCorpus filler, int maxDistance) {
        if (maxDistance < 0 || (maxDistance > 0 && maxDistance < minDistance())) {
            throw new IllegalArgumentException("needle max distance must be 0 (anywhere) or at least " + minDistance()
                    + ", got " + maxDistance);
        }
        this.filler = filler;
        this.maxDistance = maxDistance;
    }

    /** Distance from the needle's digits to the answer when the needle sits right before the question. */
    private static int minDistance() { return DIGITS + 2 + TAIL_LENGTH - DIGITS; }

    @Override public String name() { return "needle"; }
    /** The needle, the question and 16 bytes of filler. */
    @Override public int minContextLength() { return NEEDLE_LENGTH + TAIL_LENGTH + 16; }
    @Override public String answerAlphabet() { return "0123456789"; }
    @Override public int answerLength() { return DIGITS; }
    public TextCorpus filler() { return filler; }

    @Override
    public Example generate(SplittableRandom rng, int contextLength) {
        checkLength(contextLength);
        int f = contextLength - NEEDLE_LENGTH - TAIL_LENGTH;   // filler bytes
        byte[] hay = haystack(rng, f);
        String number = ByteSeq.digits(rng, DIGITS);
        int answerPos = contextLength - DIGITS;
        int digitsOffset = NEEDLE_PREFIX.length();
        // needle at p: its digits at p + digitsOffset; answer − digits ≤ maxDistance
        int lo = maxDistance > 0 ? Math.max(0, answerPos - maxDistance - digitsOffset) : 0;
        int p = lo + rng.nextInt(f - lo + 1);
        p = wordStart(hay, p, lo);

        ByteSeq s = new ByteSeq(contextLength);
        s.add(hay, 0, p);
        int evidence = s.size() + digitsOffset;
        s.add(NEEDLE_PREFIX).add(number).add(". ");
        s.add(hay, p, f - p);
        s.add(QUESTION).add(number);
        if (s.size() != contextLength) throw new IllegalStateException("needle layout is " + s.size() + " != " + contextLength);
        return new Example(s.toArray(), List.of(new Example.Answer(answerPos, DIGITS, evidence)));
    }

    /** The nearest position at or after p (else before it, not below lo) that starts a word; p itself if none. */
    private static int wordStart(byte[] hay, int p, int lo) {
        for (int q = p; q <= hay.length; q++) if (q == 0 || isSpace(hay[q - 1])) return q;
        for (int q = p - 1; q >= lo; q--) if (q == 0 || isSpace(hay[q - 1])) return q;
        return p;
    }

    private static boolean isSpace(byte b) { return b == ' ' || b == '\n'; }

    private byte[] haystack(SplittableRandom rng, int length) {
        if (filler == null) {
            byte[] pattern = PASSKEY_FILLER.getBytes(StandardCharsets.US_ASCII);
            int phase = rng.nextInt(pattern.length);
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) b[i] = pattern[(phase + i) % pattern.length];
            return b;
        }
        for (int tries = 0; tries < 16; tries++) {
            byte[] b = filler.randomBytes(rng, length);
            if (!containsIgnoreCase(b, "magic number")) return b;
        }
        throw new DataFileException(filler.files().size() == 1 ? filler.files().get(0) : null,
                "every filler window drawn says \"magic number\": this text cannot hide a needle");
    }

    static boolean containsIgnoreCase(byte[] b, String needle) {
        byte[] n = needle.toLowerCase().getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= b.length; i++) {
            for (int j = 0; j < n.length; j++) {
                int c = b[i + j];
                if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
                if (c != n[j]) continue outer;
            }
            return true;
        }
        return false;
    }

    @Override
    public String describe() {
        return "task needle (" + (filler == null ? "passkey filler" : "filler " + filler.describe())
                + (maxDistance > 0 ? ", max distance " + maxDistance : "") + ")";
    }
}
