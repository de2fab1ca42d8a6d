package ai.taipan.engine.tasks;

import java.util.SplittableRandom;

/**
 * A synthetic long-context retrieval task in byte tokens (vocab 256): a generator of examples of
 * any context length, whose {@link Example#answers() answers} can only be produced by recalling
 * an earlier part of the context. The format of a line, an entry, a question is the same at every
 * length; only how much context surrounds it changes, so a model trained on short contexts has
 * learnt the skill that long contexts test.
 *
 * <p>Every task takes a {@code maxDistance}: 0 places the evidence anywhere in the context (the
 * classic setting); a positive value keeps it within that many tokens before the answer, which
 * separates "recall across the whole context" from "stay accurate however long the context
 * grows" (e.g. set it to a SAL's sliding window).
 *
 * <p>As training data a task yields its examples' ids; generation depends only on the rng.
 */
public interface SyntheticTask extends TrainingData {
    /** Short name used on the command line and in reports: "mqar", "phonebook", "needle". */
    String name();

    /**
     * An example of exactly {@code contextLength} tokens (the answers included).
     *
     * @throws IllegalArgumentException if the length is below {@link #minContextLength()}
     */
    Example generate(SplittableRandom rng, int contextLength);

    /** The shortest context this task (with its parameters) can fill. */
    int minContextLength();

    /** The characters an answer is made of (e.g. the ten digits). */
    String answerAlphabet();

    /** Tokens per answer. */
    int answerLength();

    /** Exact-match rate of a uniform random guess over the answer alphabet. */
    default double chance() { return Math.pow(answerAlphabet().length(), -answerLength()); }

    @Override
    default int[] nextSequence(SplittableRandom rng, int length) { return generate(rng, length).ids(); }

    @Override
    default Example nextExample(SplittableRandom rng, int length) { return generate(rng, length); }

    @Override
    default String describe() { return "task " + name(); }

    /** Fails with a clear message when the context is too short for this task. */
    default void checkLength(int contextLength) {
        if (contextLength < minContextLength()) {
            throw new IllegalArgumentException("task " + name() + " needs a context of at least " + minContextLength()
                    + " tokens, got " + contextLength);
        }
    }
}
