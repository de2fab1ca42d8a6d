package ai.taipan.engine.tasks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Phonebook lookup (Jelassi et al. 2024, "Repeat After Me", §4), in bytes.
 *
 * <p>A book of "name: number" lines, a blank line, then query lines that repeat a name from the
 * book; the number after each queried name is the graded answer:
 * <pre>
 *   ...a Pusa: 0318            (the first line is cut: the context is a window of a longer book)
 *   Kobe Riluma: 4821
 *   Tesa Gonuvi: 0977
 *   ...
 *
 *   Tesa Gonuvi: 0977
 *   Kobe Riluma: 4821          (the sequence ends with the last answer digit)
 * </pre>
 * Names are two capitalised syllables, a space and three more (75 consonant-vowel syllables: 2.4·10⁹
 * names, distinct within a sequence), numbers {@code digits} uniform digits, so every line has the
 * same length. The book fills whatever the queries leave of the context, so a 16K context holds
 * ~900 entries. The queried entries are distinct, drawn uniformly from the complete lines (or from
 * those within {@code maxDistance} tokens of the answer).
 */
public final class Phonebook implements SyntheticTask {
    public static final int DEFAULT_QUERIES = 4;
    public static final int DEFAULT_DIGITS = 4;

    private static final String CONSONANTS = "bdfghklmnprstvz";
    private static final String VOWELS = "aeiou";
    /** "Xxxx Xxxxxx": 2 + 3 syllables of 2 letters and a space. */
    public static final int NAME_LENGTH = 11;

    private final int queries;
    private final int digits;
    private final int maxDistance;
    private final int lineLength;

    public Phonebook() { this(DEFAULT_QUERIES, DEFAULT_DIGITS, 0); }

    /**
     * @param queries     query lines at the end, ≥ 1
     * @param digits      digits per number, 1..9
     * @param maxDistance 0 = anywhere; else the largest answer − evidence distance
     */
    public Phonebook(int queries, int digits, int maxDistance) {
        if (queries < 1) throw new IllegalArgumentException("phonebook needs at least one query, got " + queries);
        if (digits < 1 || digits > 9) throw new IllegalArgumentException("phonebook digits must be 1..9, got " + digits);
        this.queries = queries;
        this.digits = digits;
        this.lineLength = NAME_LENGTH + 2 + digits + 1;
        // the last query's answer is queries lines and the blank line after the nearest entry's number
        int minDistance = queries * lineLength + 1;
        if (maxDistance < 0 || (maxDistance > 0 && maxDistance < minDistance)) {
            throw new IllegalArgumentException("phonebook max distance must be 0 (anywhere) or at least " + minDistance
                    + " for " + queries + " queries, got " + maxDistance);
        }
        this.maxDistance = maxDistance;
    }

    @Override public String name() { return "phonebook"; }
    /** The queries' lines and as many complete book lines. */
    @Override public int minContextLength() { return 2 * queries * lineLength; }
    @Override public String answerAlphabet() { return "0123456789"; }
    @Override public int answerLength() { return digits; }
    public int queries() { return queries; }
    public int lineLength() { return lineLength; }

    @Override
    public Example generate(SplittableRandom rng, int contextLength) {
        checkLength(contextLength);
        // layout: [partial line][full lines ...]["\n"][query lines, the last without its "\n"]
        int tail = queries * lineLength;                 // "\n" + q lines − the final "\n"
        int book = contextLength - tail;
        int full = book / lineLength;
        int partial = book % lineLength;

        Set<String> used = new HashSet<>();
        String[] names = new String[full + 1];           // [0] is the cut line's
        String[] numbers = new String[full + 1];
        for (int i = 0; i <= full; i++) {
            String n;
            do { n = name(rng); } while (!used.add(n));
            names[i] = n;
            numbers[i] = ByteSeq.digits(rng, digits);
        }

        // choose the queried lines (1..full), distinct, each within range of its own answer; the
        // last query has the fewest lines in range, and each earlier one has one more, so choosing
        // from the last backwards always leaves one
        int[] chosen = new int[queries];
        boolean[] taken = new boolean[full + 1];
        for (int j = queries - 1; j >= 0; j--) {
            int answerPos = book + 1 + j * lineLength + NAME_LENGTH + 2;
            int first = 1;
            if (maxDistance > 0) {
                // line i's number starts at partial + (i−1)·lineLength + NAME_LENGTH + 2
                int minNumberPos = answerPos - maxDistance;
                first = Math.max(1, ceilDiv(minNumberPos - partial - NAME_LENGTH - 2, lineLength) + 1);
            }
            int free = 0;
            for (int i = first; i <= full; i++) if (!taken[i]) free++;
            if (free == 0) throw new IllegalStateException("no phonebook line in range (cannot happen: checked in constructor)");
            int pick = rng.nextInt(free);
            for (int i = first; i <= full; i++) {
                if (!taken[i] && pick-- == 0) { chosen[j] = i; taken[i] = true; break; }
            }
        }

        ByteSeq s = new ByteSeq(contextLength);
        String cut = line(names[0], numbers[0]);
        s.add(cut.substring(cut.length() - partial));
        for (int i = 1; i <= full; i++) s.add(line(names[i], numbers[i]));
        s.add('\n');
        List<Example.Answer> answers = new ArrayList<>();
        for (int j = 0; j < queries; j++) {
            int i = chosen[j];
            s.add(names[i]).add(": ");
            answers.add(new Example.Answer(s.size(), digits, partial + (i - 1) * lineLength + NAME_LENGTH + 2));
            s.add(numbers[i]);
            if (j < queries - 1) s.add('\n');
        }
        if (s.size() != contextLength) throw new IllegalStateException("phonebook layout is " + s.size() + " != " + contextLength);
        return new Example(s.toArray(), answers);
    }

    private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }

    private static String line(String name, String number) { return name + ": " + number + "\n"; }

    private static String name(SplittableRandom rng) {
        return syllables(rng, 2) + " " + syllables(rng, 3);
    }

    private static String syllables(SplittableRandom rng, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char c = CONSONANTS.charAt(rng.nextInt(CONSONANTS.length()));
            sb.append(i == 0 ? Character.toUpperCase(c) : c).append(VOWELS.charAt(rng.nextInt(VOWELS.length())));
        }
        return sb.toString();
    }

    @Override
    public String describe() {
        return "task phonebook (" + queries + " queries, " + digits + " digits" + (maxDistance > 0 ? ", max distance " + maxDistance : "") + ")";
    }
}
