package ai.taipan.engine.eval;

import ai.taipan.engine.model.LogitsSink;
import ai.taipan.engine.model.Session;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.tokenizer.ByteTokenizer;

import java.util.function.IntPredicate;

/**
 * What the evaluators need of a model: run one sequence from an empty state and hand over the
 * logits at the positions asked for. {@link #of(TaipanModel)} adapts a real model through its
 * streaming {@link Session}; tests plug in oracle and random models.
 */
public interface ScoringModel {
    /** V: the logits' length. Token ids fed are below it. */
    int vocabSize();

    /**
     * Runs {@code ids} from an empty state. For every index i with {@code wanted.test(i)}, in
     * increasing order, {@code sink.accept(i, logits)} receives the logits after ids[0..i] — the
     * prediction of ids[i+1]. The array may be reused after accept returns.
     */
    void run(int[] ids, IntPredicate wanted, LogitsSink sink);

    /**
     * A real model through one reused {@link Session} (not thread-safe). The sequence streams
     * through {@link Session#prefill} in at most two calls: the tokens before the first wanted
     * position through {@code prefill(ids)}, which skips the LM head, the rest through
     * {@code prefill(ids, sink)}, keeping the wanted positions. (Splitting at every wanted run
     * measured ~30% slower on MQAR, whose answers are scattered: many short chunks; the head's
     * V·D per token is ~1% of a small model's work.) Memory: the inference state of SPEC §3 plus
     * one chunk — nothing of context length beyond the input ids themselves.
     *
     * @throws IllegalArgumentException if the model does not take byte tokens
     */
    static ScoringModel of(TaipanModel model) {
        if (!(model.tokenizer() instanceof ByteTokenizer)) {
            throw new IllegalArgumentException("evaluation needs a byte-level model (tokenizer {\"type\":\"bytes\"}), this one has "
                    + model.tokenizer().getClass().getSimpleName());
        }
        int vocab = model.config().vocabSize;
        Session session = model.newSession();
        return new ScoringModel() {
            @Override
            public int vocabSize() { return vocab; }

            @Override
            public void run(int[] ids, IntPredicate wanted, LogitsSink sink) {
                session.reset();
                int first = 0;
                while (first < ids.length && !wanted.test(first)) first++;
                if (first > 0) session.prefill(java.util.Arrays.copyOfRange(ids, 0, first));
                if (first == ids.length) return;
                int base = first;
                session.prefill(java.util.Arrays.copyOfRange(ids, first, ids.length), (k, logits) -> {
                    if (wanted.test(base + k)) sink.accept(base + k, logits);
                });
            }
        };
    }

    /** Index of the largest logit; the lowest index on ties (what greedy decoding picks). */
    static int argmax(float[] logits) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
        return best;
    }

    /** −log softmax(logits)[target] in nats, computed in double. */
    static double crossEntropy(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        return Math.log(sum) + max - logits[target];
    }
}
