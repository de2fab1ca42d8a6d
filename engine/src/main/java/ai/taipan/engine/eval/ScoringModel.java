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
     * through {@link Session#prefill} in runs: runs of unwanted positions through
     * {@code prefill(ids)}, which skips the LM head but the last token, runs of wanted ones
     * through {@code prefill(ids, sink)}. Memory: the inference state of SPEC §3 plus one chunk —
     * nothing of context length beyond the input ids themselves.
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
                int i = 0;
                while (i < ids.length) {
                    boolean want = wanted.test(i);
                    int j = i + 1;
                    while (j < ids.length && wanted.test(j) == want) j++;
                    int[] run = java.util.Arrays.copyOfRange(ids, i, j);
                    if (want) {
                        int base = i;
                        session.prefill(run, (k, logits) -> sink.accept(base + k, logits));
                    } else {
                        session.prefill(run);
                    }
                    i = j;
                }
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
