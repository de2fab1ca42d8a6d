package ai.taipan.engine.tasks;

import java.util.SplittableRandom;

/**
 * A source of training sequences: the one coupling between the trainer ({@code ai.taipan.engine.train})
 * and the data (byte-level text files, synthetic tasks and their mixes).
 *
 * <p>Contract, so that training is reproducible and resumable bit for bit: a sequence depends only on
 * the generator's fixed content and on the random numbers drawn from {@code rng} — no hidden mutable
 * state. The trainer derives {@code rng} from (seed, step, sequence index), so resuming at step s
 * replays exactly the data an uninterrupted run would have seen. Implementations must be safe to call
 * from several threads at once (each call gets its own rng).
 */
public interface TrainingData {
    /**
     * The next training sequence of exactly {@code length} token ids (the trainer predicts token
     * t+1 from tokens 0..t, so it asks for its sequence length + 1).
     */
    int[] nextSequence(SplittableRandom rng, int length);

    /**
     * The same sequence as {@link #nextSequence} would give for this rng, with the spans a synthetic
     * task grades (empty for text) — for a trainer that wants to weight or report answer tokens.
     */
    default Example nextExample(SplittableRandom rng, int length) {
        return Example.plain(nextSequence(rng, length));
    }

    /** A short human-readable description for logs and model cards, e.g. "text kjv.txt (4.3 MB)". */
    default String describe() { return getClass().getSimpleName(); }
}
