package ai.taipan.engine.generate;

import ai.taipan.engine.model.Session;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Autoregressive generation (issue 2 "Generation"): prefill the prompt, then repeatedly sample a
 * token from the last logits, stream its text, and feed it back with one decode step.
 *
 * <pre>
 *   logits ← session.prefill(prompt)                         (in pieces, cancellable between them)
 *   repeat: id ← sample(logits); emit; stop?; logits ← session.step(id)
 * </pre>
 *
 * Stops after {@code maxTokens}, when a stop string is complete (it is not emitted), or when
 * {@code cancelled} turns true: it is checked between prefill pieces, after each token is sampled
 * (that token is then the last) and after the listener returns (then no further decode step
 * runs). The pieces given to the listener always concatenate to the result's text. The
 * session continues from wherever it is: a fresh one starts at position 0, a used one continues
 * its context. The last sampled token is not fed back (HF generate does the same), so the session
 * ends at position prompt + generated − 1.
 */
public final class Generator {
    /** Prompt tokens per prefill call: cancellation is seen between pieces. */
    static final int PREFILL_PIECE = 1024;

    private Generator() {}

    /** Generates from a text prompt, encoded with the model's tokenizer. */
    public static GenerationResult generate(TaipanModel model, Session session, String prompt, SamplingParams params,
                                            TokenListener listener, BooleanSupplier cancelled) {
        return generate(model, session, model.tokenizer().encode(prompt), params, listener, cancelled);
    }

    /** Generates from prompt token ids. */
    public static GenerationResult generate(TaipanModel model, Session session, int[] promptIds, SamplingParams params,
                                            TokenListener listener, BooleanSupplier cancelled) {
        if (promptIds.length == 0) throw new IllegalArgumentException("the prompt is empty: generation needs at least one token");
        if (listener == null) listener = TokenListener.NONE;
        if (cancelled == null) cancelled = () -> false;
        Tokenizer tok = model.tokenizer();
        Sampler sampler = new Sampler(params, Math.min(model.config().vocabSize, tok.vocabSize()));
        StreamingText text = new StreamingText(tok, params.stop());

        // Prefill in pieces that are whole multiples of chunk_size, so that the SSD chunk
        // boundaries (and so the numbers) are those of one prefill call.
        long t0 = System.nanoTime();
        int chunk = model.config().chunkSize;
        int piece = Math.max(1, PREFILL_PIECE / chunk) * chunk;
        float[] logits = null;
        for (int from = 0; from < promptIds.length; from += piece) {
            if (cancelled.getAsBoolean()) {
                return new GenerationResult(promptIds.clone(), new int[0], "", StopReason.CANCELLED, null,
                        System.nanoTime() - t0, 0, 0);
            }
            logits = session.prefill(Arrays.copyOfRange(promptIds, from, Math.min(promptIds.length, from + piece)));
        }
        long t1 = System.nanoTime();

        int[] ids = new int[Math.min(params.maxTokens(), 1 << 16)];
        int n = 0, steps = 0;
        StopReason reason = params.maxTokens() == 0 ? StopReason.MAX_TOKENS
                : cancelled.getAsBoolean() ? StopReason.CANCELLED : null;
        while (reason == null) {
            int id = sampler.sample(logits);
            if (n == ids.length) ids = Arrays.copyOf(ids, Math.min(params.maxTokens(), 2 * ids.length));
            ids[n++] = id;
            String shown = text.add(id);
            if (text.stopped()) reason = StopReason.STOP_STRING;
            else if (n == params.maxTokens()) reason = StopReason.MAX_TOKENS;
            else if (cancelled.getAsBoolean()) reason = StopReason.CANCELLED;
            if (reason != null && reason != StopReason.STOP_STRING) shown += text.finish();
            listener.onToken(id, shown);
            if (reason == null && cancelled.getAsBoolean()) {
                // cancelled while the listener ran (a GUI's stop button): no further step. Text
                // still held back (a possible stop-string start, a partial character) is dropped,
                // so that the pieces shown still concatenate to the result's text.
                reason = StopReason.CANCELLED;
            }
            if (reason == null) {
                logits = session.step(id);
                steps++;
            }
        }
        long t2 = System.nanoTime();
        return new GenerationResult(promptIds.clone(), Arrays.copyOf(ids, n), text.text(), reason, text.matchedStop(),
                t1 - t0, t2 - t1, steps);
    }
}
