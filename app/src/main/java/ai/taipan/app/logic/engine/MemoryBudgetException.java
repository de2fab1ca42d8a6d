package ai.taipan.app.logic.engine;

import ai.taipan.app.model.Bytes;

/** A run that is predicted not to fit in memory; refused before anything is allocated. */
public final class MemoryBudgetException extends RuntimeException {
    public MemoryBudgetException(String model, long tokens, long needed, long budget) {
        super(String.format("%s: %d tokens need about %s of memory, but only %s is available "
                + "(shorten the prompt, lower max tokens, or start with a larger -Xmx)", model, tokens,
                Bytes.human(needed), Bytes.human(budget)));
    }
}
