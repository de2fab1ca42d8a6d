package ai.taipan.engine.layers;

/** One layer's inference state in a session (SPEC §3). */
public interface LayerState {
    /** Bytes this state holds (allocated arrays, not just the used part). */
    long bytes();

    /** Back to the empty state of a new session (keeps allocations). */
    void reset();
}
