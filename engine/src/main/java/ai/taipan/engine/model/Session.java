package ai.taipan.engine.model;

import ai.taipan.engine.layers.Layer;
import ai.taipan.engine.layers.LayerState;
import ai.taipan.engine.layers.Ops;
import ai.taipan.engine.layers.Probe;
import ai.taipan.engine.layers.Workspace;
import ai.taipan.engine.trace.Tracer;

/**
 * One sequence being run through a model: exactly the inference state of SPEC §3 plus a
 * workspace for one chunk. Prefill of any length streams through in chunks of chunk_size tokens
 * and carries the state, so its memory is the state plus one chunk, never the whole context;
 * decode ({@link #step}) is a chunk of one token through the recurrent forms. Prefill then decode
 * equals one full pass. Not thread-safe.
 *
 * <p>State per layer kind: mamba2 conv [conv_dim, K] + SSM [H, P, N]; selective_attention a ring
 * of ≤ sliding_window selected (pos, k, v); sliding_attention the last sliding_window (k, v);
 * attention all (k, v) — the only state that grows with the context.
 *
 * <p>Glossary: T tokens in the current chunk (≤ chunk_size), D hidden_size, V vocab_size;
 * position = tokens fed so far (0-based absolute position of the next token). Several sessions
 * may run on one model at once (the model holds no per-sequence state); one session is used by
 * one thread at a time.
 */
public final class Session {
    private final TaipanModel model;
    private final ModelConfig c;
    private final Layer[] layers;
    private final LayerState[] states;  // one per layer, SPEC §3
    private final Workspace ws;         // activations of one chunk (chunk_size tokens)
    private final int block;            // tokens per prefill chunk
    private final int[] one = new int[1]; // (1,) the decode token, so step() allocates only its result
    private int position;               // tokens seen so far = absolute position of the next one
    private Tracer tracer;
    private Probe probe;

    Session(TaipanModel model) {
        this.model = model;
        this.c = model.config();
        this.layers = model.layers;
        this.states = new LayerState[layers.length];
        for (int i = 0; i < layers.length; i++) states[i] = layers[i].newState();
        this.block = c.chunkSize;
        this.ws = new Workspace(c, block);
    }

    public TaipanModel model() { return model; }

    /** Feeds {@code ids} (any length ≥ 1) and returns the last token's logits [V] (a new array). */
    public float[] prefill(int[] ids) {
        if (ids.length == 0) throw new IllegalArgumentException("prefill needs at least one token");
        checkIds(ids);
        for (int from = 0; from < ids.length; from += block) {
            int T = Math.min(block, ids.length - from);
            runChunk(ids, from, T, false);
        }
        int T = (ids.length - 1) % block + 1;                       // tokens in the last chunk
        // only the last token's row is normed and goes through the LM head (as llama-bench's pp)
        if (probe != null) finalNorm(T);                            // probes see every row, as before
        else lastRowNorm(T);
        model.head.matvec(ws.logits, 0, ws.u, (T - 1) * c.hiddenSize);
        return ws.logits.clone();
    }

    /** Feeds {@code ids}, handing every token's logits to {@code sink} in order. */
    public void prefill(int[] ids, LogitsSink sink) {
        checkIds(ids);
        int V = c.vocabSize, D = c.hiddenSize, B = Workspace.LOGITS_BLOCK;
        float[] blockLogits = ws.logitsBlock(V);                     // (B, V)
        for (int from = 0; from < ids.length; from += block) {
            int T = Math.min(block, ids.length - from);
            runChunk(ids, from, T, false);
            finalNorm(T);
            for (int t0 = 0; t0 < T; t0 += B) {
                int n = Math.min(B, T - t0);
                if (n == 1) model.head.matvec(blockLogits, 0, ws.u, t0 * D);
                else model.head.matmul(blockLogits, 0, ws.u, t0 * D, n);
                for (int t = 0; t < n; t++) {
                    System.arraycopy(blockLogits, t * V, ws.logits, 0, V);
                    sink.accept(from + t0 + t, ws.logits);
                }
            }
        }
    }

    /** Feeds one token (decode) and returns its logits [V] (a new array). */
    public float[] step(int id) {
        return stepShared(id).clone();
    }

    /**
     * Feeds one token (decode) and copies its logits [V] into {@code logits} (length ≥ V): the
     * decode loop without a 4·V-byte allocation per token.
     */
    public void step(int id, float[] logits) {
        if (logits.length < c.vocabSize) {
            throw new IllegalArgumentException("logits buffer holds " + logits.length + " values, vocab_size is " + c.vocabSize);
        }
        System.arraycopy(stepShared(id), 0, logits, 0, c.vocabSize);
    }

    /**
     * Feeds one token (decode) and returns its logits [V] in the session's own buffer: valid until
     * the next call on this session, which overwrites it. No copy, no allocation.
     */
    public float[] stepShared(int id) {
        checkId(id, 0);
        one[0] = id;
        runChunk(one, 0, 1, true);
        finalNorm(1);
        model.head.matvec(ws.logits, 0, ws.u, 0);
        return ws.logits;
    }

    /** Embeds ids[from .. from+T), runs every layer over the chunk, advances the position. */
    private void runChunk(int[] ids, int from, int T, boolean recurrent) {
        int D = c.hiddenSize;
        for (int t = 0; t < T; t++) System.arraycopy(model.embeddings, ids[from + t] * D, ws.h, t * D, D);
        for (int i = 0; i < layers.length; i++) {
            layers[i].forward(states[i], ws, T, position, recurrent, tracer, probe);
            if (probe != null) probe.tensor(i, "residual_out", position, ws.h, 0, T, D);
        }
        position += T;
    }

    /** ws.u row T−1 = RMSNorm(h row T−1) ⊙ norm_f: the last token only (the other rows are stale). */
    private void lastRowNorm(int T) {
        int o = (T - 1) * c.hiddenSize;
        Ops.rmsNorm(ws.u, o, ws.h, o, model.normF, 0, c.hiddenSize, (float) c.layerNormEpsilon);
    }

    /** ws.u[0 .. T·D) = RMSNorm(h) ⊙ norm_f. */
    private void finalNorm(int T) {
        Ops.rmsNormRows(ws.u, ws.h, model.normF, T, c.hiddenSize, (float) c.layerNormEpsilon);
        if (probe != null) probe.tensor(-1, "final_normed", position - T, ws.u, 0, T, c.hiddenSize);
    }

    void checkIds(int[] ids) {
        for (int i = 0; i < ids.length; i++) checkId(ids[i], i);
    }

    private void checkId(int id, int index) {
        if (id < 0 || id >= c.vocabSize) {
            throw new IllegalArgumentException("token id " + id + " at index " + index
                    + " is out of range: vocab_size is " + c.vocabSize);
        }
    }

    /** Tokens fed so far: the absolute position the next token will have. */
    public int position() { return position; }

    /** Bytes held by the inference state of SPEC §3 (all layers; not the chunk workspace). */
    public long stateBytes() {
        long n = 0;
        for (LayerState s : states) n += s.bytes();
        return n;
    }

    /** Trace events from now on go to {@code t}; null turns tracing off (then it costs nothing). */
    public void setTracer(Tracer t) { this.tracer = t; }

    /** Back to position 0 with an empty state (allocations kept). */
    public void reset() {
        for (LayerState s : states) s.reset();
        position = 0;
    }

    // ---- for tests and debugging (package-private)

    void setProbe(Probe p) { this.probe = p; }

    LayerState state(int layer) { return states[layer]; }
}
