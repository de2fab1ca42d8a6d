package ai.taipan.engine.tasks;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One sequence of byte tokens with the spans a model is graded on.
 *
 * <p>For a synthetic task, each {@link Answer} is a span of {@code ids} that can only be predicted
 * by recalling earlier context (a value, a phone number, the magic number); its {@code evidence} is
 * where that earlier copy starts, so {@code start − evidence} is how far back the model must reach.
 * Plain text has no answers. The trainer may use {@link #answerMask()} to weight answer tokens;
 * the evaluator scores exactly these spans.
 *
 * @param ids     byte token ids, each in [0, 256), of exactly the requested length
 * @param answers graded spans in increasing order of {@code start}, each fully inside {@code ids}
 */
public record Example(int[] ids, List<Answer> answers) {
    public Example {
        answers = List.copyOf(answers);
        for (Answer a : answers) {
            if (a.start() < 1 || a.start() + a.length() > ids.length || a.length() < 1) {
                throw new IllegalArgumentException("answer " + a + " is not inside a sequence of " + ids.length
                        + " tokens (an answer needs at least one token of context before it)");
            }
        }
    }

    /**
     * A graded span {@code ids[start, start + length)} whose correct content first appeared at
     * {@code ids[evidence, evidence + length)}.
     */
    public record Answer(int start, int length, int evidence) {
        /** Tokens between the evidence and the answer: how far back the model must recall. */
        public int distance() { return start - evidence; }

        public int end() { return start + length; }
    }

    /** A sequence without graded spans (text). */
    public static Example plain(int[] ids) { return new Example(ids, List.of()); }

    /** mask[t] = true where token t belongs to an answer span, [L]. */
    public boolean[] answerMask() {
        boolean[] m = new boolean[ids.length];
        for (Answer a : answers) for (int t = a.start(); t < a.end(); t++) m[t] = true;
        return m;
    }

    /** The bytes as text (ISO-8859-1, one char per token: exact, for tests and debugging). */
    public String text() {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) b[i] = (byte) ids[i];
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The text of one answer span. */
    public String answerText(Answer a) { return text().substring(a.start(), a.end()); }
}
