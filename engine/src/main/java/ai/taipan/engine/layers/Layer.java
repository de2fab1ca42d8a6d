package ai.taipan.engine.layers;

import ai.taipan.engine.trace.Tracer;

/**
 * One residual layer of SPEC §2. It reads and writes the residual stream of a chunk of tokens in
 * place ({@link Workspace#h}, [T, D]) and carries its {@link LayerState} from chunk to chunk, so
 * a prefill of any length streams through in chunks and decode is a chunk of one token.
 */
public interface Layer {
    /** Position of this layer in layer_types. */
    int index();

    /** A fresh, empty inference state for a new session. */
    LayerState newState();

    /**
     * Runs tokens [pos0, pos0 + tokens) — their residual rows are ws.h[0 .. tokens·D) — and
     * advances {@code state} past them.
     *
     * @param recurrent Mamba-2 only: the step-by-step recurrence instead of the chunked SSD form
     * @param tracer    null = no tracing (nothing computed, nothing allocated)
     * @param probe     null = no intermediates reported
     */
    void forward(LayerState state, Workspace ws, int tokens, int pos0, boolean recurrent, Tracer tracer, Probe probe);
}
