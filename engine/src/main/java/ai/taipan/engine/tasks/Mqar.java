package ai.taipan.engine.tasks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Multi-query associative recall (MQAR, Arora et al. 2023 "Zoology", §3), in bytes.
 *
 * <p>The context is a stream of space-separated entries. A definition {@code abc=42} binds a key
 * (three lowercase letters) to a value (two digits); a query {@code abc?42} asks for the value of
 * the key's most recent definition, and those two digits are the graded answer:
 * <pre>
 *   qzk=07 fma=93 qzk?07 tre=55 fma?93 kkd=20 tre?55 ...
 * </pre>
 * Each entry after the first is a query with probability {@code queryFraction} (default ½) when
 * some earlier definition is in range (any definition if {@code maxDistance} = 0, else one whose
 * value lies within maxDistance tokens of the answer), the queried key chosen uniformly among
 * them; otherwise it defines a fresh key with a uniform random value. Definitions are never
 * predictable, queries always are: the model must know which keys it has seen and copy their
 * value. The number of live bindings grows with the context, so at 16K tokens there are ~1100 of
 * them — far more than a small Mamba-2 state can hold exactly. Keys are drawn fresh until half
 * the 26³ key space is bound (~120K tokens), then uniformly: a bound key drawn again is rebound
 * and its queries want the latest value.
 *
 * <p>The sequence is cut at exactly the context length; a query cut by the end is not graded.
 * Difference from Zoology: definitions and queries interleave instead of forming two blocks, so
 * that the recall distance can be bounded while the context grows.
 */
public final class Mqar implements SyntheticTask {
    public static final int KEY_LENGTH = 3;
    public static final int VALUE_DIGITS = 2;
    public static final double DEFAULT_QUERY_FRACTION = 0.5;
    /** Bytes of one entry: key, '=' or '?', value, space. */
    public static final int ENTRY_LENGTH = KEY_LENGTH + 1 + VALUE_DIGITS + 1;

    private static final int KEY_SPACE = 26 * 26 * 26;

    private final double queryFraction;
    private final int maxDistance;

    public Mqar() { this(DEFAULT_QUERY_FRACTION, 0); }

    /**
     * @param queryFraction probability that an entry is a query when one is possible, in (0, 1)
     * @param maxDistance   0 = evidence anywhere; else the largest answer − evidence distance,
     *                      at least one entry ({@value #ENTRY_LENGTH})
     */
    public Mqar(double queryFraction, int maxDistance) {
        if (!(queryFraction > 0 && queryFraction < 1)) {
            throw new IllegalArgumentException("mqar query fraction must be in (0, 1), got " + queryFraction);
        }
        if (maxDistance < 0 || (maxDistance > 0 && maxDistance < ENTRY_LENGTH)) {
            throw new IllegalArgumentException("mqar max distance must be 0 (anywhere) or at least " + ENTRY_LENGTH
                    + ", got " + maxDistance);
        }
        this.queryFraction = queryFraction;
        this.maxDistance = maxDistance;
    }

    @Override public String name() { return "mqar"; }
    @Override public int minContextLength() { return 2 * ENTRY_LENGTH; }
    @Override public String answerAlphabet() { return "0123456789"; }
    @Override public int answerLength() { return VALUE_DIGITS; }
    public int maxDistance() { return maxDistance; }

    /** A live definition: its key, value and where the value starts. */
    private record Def(int key, String value, int valuePos) { }

    @Override
    public Example generate(SplittableRandom rng, int contextLength) {
        checkLength(contextLength);
        ByteSeq s = new ByteSeq(contextLength + ENTRY_LENGTH);
        List<Example.Answer> answers = new ArrayList<>();
        List<Def> defs = new ArrayList<>();              // in order of position
        Map<Integer, Def> live = new HashMap<>();        // key -> its latest definition
        int lo = 0;                                      // first def that may still be in range
        while (s.size() < contextLength) {
            int start = s.size();
            int answerPos = start + KEY_LENGTH + 1;
            if (maxDistance > 0) {
                while (lo < defs.size() && answerPos - defs.get(lo).valuePos() > maxDistance) lo++;
            }
            Def target = null;
            if (lo < defs.size() && rng.nextDouble() < queryFraction) {
                // uniform over in-range definitions; a stale one (its key rebound since) is redrawn
                for (int tries = 0; tries < 8 && target == null; tries++) {
                    Def d = defs.get(lo + rng.nextInt(defs.size() - lo));
                    if (live.get(d.key()) == d) target = d;
                }
            }
            if (target != null) {
                appendKey(s, target.key());
                s.add('?').add(target.value()).add(' ');
                if (answerPos + VALUE_DIGITS <= contextLength) {
                    answers.add(new Example.Answer(answerPos, VALUE_DIGITS, target.valuePos()));
                }
            } else {
                int key = freshKey(rng, live);
                String value = ByteSeq.digits(rng, VALUE_DIGITS);
                appendKey(s, key);
                s.add('=').add(value).add(' ');
                Def d = new Def(key, value, answerPos);
                defs.add(d);
                live.put(key, d);
            }
        }
        int[] all = s.toArray();
        return new Example(java.util.Arrays.copyOf(all, contextLength), answers);
    }

    /** A key not bound yet; once half the key space is bound, any key (a bound one is rebound). */
    private static int freshKey(SplittableRandom rng, Map<Integer, Def> live) {
        if (live.size() >= KEY_SPACE / 2) return rng.nextInt(KEY_SPACE);
        int k;
        do { k = rng.nextInt(KEY_SPACE); } while (live.containsKey(k));   // ≤ 2 draws expected
        return k;
    }

    private static void appendKey(ByteSeq s, int key) {
        s.add('a' + key / (26 * 26)).add('a' + key / 26 % 26).add('a' + key % 26);
    }

    @Override
    public String describe() {
        return "task mqar (query fraction " + queryFraction + (maxDistance > 0 ? ", max distance " + maxDistance : "") + ")";
    }
}
