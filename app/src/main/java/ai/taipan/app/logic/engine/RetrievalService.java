package ai.taipan.app.logic.engine;

import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.MemoryModel;
import ai.taipan.engine.tasks.Example;
import ai.taipan.engine.tasks.Needle;
import ai.taipan.engine.tasks.SyntheticTask;

import java.util.SplittableRandom;

/**
 * Retrieval accuracy of a model at a context length on the tasks package's needle (passkey)
 * task: the fraction of answer spans whose every token is the model's argmax given the true
 * prefix (teacher forcing — equal to greedy decoding of the span for exact match, the same rule as
 * the tasks evaluator). Example i uses its own seed, so both models see the same examples.
 */
public final class RetrievalService {
    private RetrievalService() {}

    public static AccuracyPoint accuracy(LoadedModel m, int context, int samples) {
        return accuracy(m, new Needle(), context, samples, 2024);
    }

    public static AccuracyPoint accuracy(LoadedModel m, SyntheticTask task, int context, int samples, long seed) {
        task.checkLength(context);
        long need = MemoryModel.runBytes(m.config(), context), have = MemoryModel.heapBudget();
        if (need > have) throw new MemoryBudgetException(m.name(), context, need, have);
        int vocab = m.config().vocabSize;
        long answers = 0, exact = 0;
        for (int i = 0; i < samples; i++) {
            Example ex = task.generate(new SplittableRandom(seed * 1_000_003L + context * 31L + i), context);
            int[] ids = ex.ids();
            int[] argmax = new int[ids.length];                          // prediction for ids[t+1] after ids[..t]
            m.model().newSession().prefill(ids, (t, logits) -> {
                int best = 0;
                for (int v = 1; v < vocab; v++) if (logits[v] > logits[best]) best = v;
                argmax[t] = best;
            });
            for (Example.Answer a : ex.answers()) {
                boolean ok = true;
                for (int t = a.start(); t < a.end() && ok; t++) ok = argmax[t - 1] == ids[t];
                answers++;
                if (ok) exact++;
            }
        }
        return new AccuracyPoint(m.name(), context, answers == 0 ? Double.NaN : (double) exact / answers, (int) answers);
    }
}
