package ai.taipan.app.logic.engine;

import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.MemoryModel;
import ai.taipan.engine.eval.ScoringModel;
import ai.taipan.engine.eval.TaskEvaluator;
import ai.taipan.engine.eval.TaskScore;
import ai.taipan.engine.tasks.Needle;
import ai.taipan.engine.tasks.SyntheticTask;

/**
 * Retrieval accuracy of a model at a context length, through the engine's tasks evaluator
 * (exact match of every answer span under teacher forcing; example i seeded from (seed, task,
 * context, i), so both models of a comparison see the same examples). The default task is the
 * needle (passkey) task.
 */
public final class RetrievalService {
    public static final long SEED = 2024;

    private RetrievalService() {}

    public static AccuracyPoint accuracy(LoadedModel m, int context, int samples) {
        return accuracy(m, new Needle(), context, samples, SEED);
    }

    public static AccuracyPoint accuracy(LoadedModel m, SyntheticTask task, int context, int samples, long seed) {
        return accuracy(m, ScoringModel.of(m.model()), task, context, samples, seed);
    }

    /**
     * The accuracy of {@code scorer} standing for model {@code m} (its name and the memory budget
     * check come from {@code m}): the engine's {@link ScoringModel#of} of the model itself, or a
     * wrapper around it (an evaluation harness, an oracle in tests).
     */
    public static AccuracyPoint accuracy(LoadedModel m, ScoringModel scorer, SyntheticTask task, int context, int samples, long seed) {
        long need = MemoryModel.runBytes(m.config(), context), have = MemoryModel.heapBudget();
        if (need > have) throw new MemoryBudgetException(m.name(), context, need, have);
        TaskScore s = TaskEvaluator.evaluate(scorer, task, context, samples, seed);
        return new AccuracyPoint(m.name(), task.describe(), context, s.accuracy(), (int) s.answers());
    }
}
