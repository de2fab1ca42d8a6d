package ai.taipan.engine.eval;

import ai.taipan.engine.tasks.Example;
import ai.taipan.engine.tasks.SyntheticTask;

import java.util.SplittableRandom;

/**
 * Scores a model on a synthetic task: exact match of each answer span under teacher forcing.
 *
 * <p>Choice: the sequence (answers included) is run once; at each answer token the model's argmax
 * given the true prefix is compared with the token. A span counts as correct iff every one of its
 * tokens is the argmax. For an exact-match score this equals greedy decoding of the span: greedy
 * decoding feeds back its own tokens, which are the true ones for as long as it is right, so both
 * fail at the same first wrong token, and both succeed together. Teacher forcing grades all of
 * MQAR's many queries in one pass and needs no decoding loop. Ties go to the lowest token id,
 * as in greedy decoding.
 *
 * <p>Sample i of (task, context) uses its own rng seeded from (seed, task, context, i), so a
 * score does not depend on which other tasks or lengths were run, and every model sees the same
 * examples.
 */
public final class TaskEvaluator {
    private TaskEvaluator() {}

    public static TaskScore evaluate(ScoringModel model, SyntheticTask task, int context, int samples, long seed) {
        task.checkLength(context);
        long t0 = System.nanoTime();
        long answers = 0, exact = 0, answerTokens = 0, tokensCorrect = 0, fed = 0;
        long[] bAnswers = new long[TaskScore.BUCKETS.length + 1];
        long[] bExact = new long[TaskScore.BUCKETS.length + 1];
        for (int i = 0; i < samples; i++) {
            Example ex = task.generate(new SplittableRandom(sampleSeed(seed, task.name(), context, i)), context);
            int[] ids = ex.ids();
            for (int id : ids) {
                if (id >= model.vocabSize()) {
                    throw new IllegalArgumentException("task " + task.name() + " uses byte " + id
                            + ", past the model's vocab_size " + model.vocabSize());
                }
            }
            // the logits at position p−1 predict token p: mark p−1 for every answer token p
            boolean[] want = new boolean[ids.length];
            boolean[] right = new boolean[ids.length];
            for (Example.Answer a : ex.answers()) for (int p = a.start(); p < a.end(); p++) want[p - 1] = true;
            model.run(ids, k -> want[k], (k, logits) -> right[k + 1] = ScoringModel.argmax(logits) == ids[k + 1]);
            fed += ids.length;
            for (Example.Answer a : ex.answers()) {
                boolean all = true;
                for (int p = a.start(); p < a.end(); p++) {
                    answerTokens++;
                    if (right[p]) tokensCorrect++; else all = false;
                }
                int b = TaskScore.bucket(a.distance());
                answers++;
                bAnswers[b]++;
                if (all) { exact++; bExact[b]++; }
            }
        }
        return new TaskScore(task.name(), context, samples, answers, exact, answerTokens, tokensCorrect,
                task.chance(), bAnswers, bExact, fed, (System.nanoTime() - t0) / 1e9);
    }

    static long sampleSeed(long seed, String task, int context, int sample) {
        long h = seed;
        h = h * 0x9E3779B97F4A7C15L + task.hashCode();
        h = h * 0x9E3779B97F4A7C15L + context;
        h = h * 0x9E3779B97F4A7C15L + sample;
        return h;
    }
}
