package ai.taipan.engine.model;

/** Receives the logits of every token of a prefill, in order. */
@FunctionalInterface
public interface LogitsSink {
    /**
     * @param index  index of the token in the ids passed to prefill
     * @param logits [V]; the array is reused after this call returns — copy what you keep
     */
    void accept(int index, float[] logits);
}
