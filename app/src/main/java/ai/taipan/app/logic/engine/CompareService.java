package ai.taipan.app.logic.engine;

import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.MemoryModel;
import ai.taipan.app.model.TopPrediction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Per-token losses and next-token predictions of a model on a text (Compare screen). */
public final class CompareService {
    private CompareService() {}

    /** The ids both models read: each must tokenise the text the same way, or the comparison is meaningless. */
    public static int[] sharedIds(LoadedModel a, LoadedModel b, String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("The comparison text is empty.");
        int[] ia = a.model().tokenizer().encode(text), ib = b.model().tokenizer().encode(text);
        if (!Arrays.equals(ia, ib)) {
            throw new IllegalArgumentException(a.name() + " and " + b.name() + " tokenise this text differently; "
                    + "per-token comparison needs the same tokenizer");
        }
        if (ia.length < 2) throw new IllegalArgumentException("The comparison text needs at least two tokens.");
        return ia;
    }

    /**
     * loss[t] = −log softmax(logits_t)[ids[t+1]] in nats for t = 0 … L−2, streaming every token's
     * logits through a sink (no [L, V] array).
     */
    public static double[] perTokenLoss(LoadedModel m, int[] ids) {
        long need = MemoryModel.runBytes(m.config(), ids.length), have = MemoryModel.heapBudget();
        if (need > have) throw new MemoryBudgetException(m.name(), ids.length, need, have);
        double[] loss = new double[ids.length - 1];                       // [L-1]
        m.model().newSession().prefill(ids, (i, logits) -> {
            if (i < ids.length - 1) loss[i] = -logSoftmax(logits, m.config().vocabSize, ids[i + 1]);
        });
        return loss;
    }

    /** The k most probable next tokens after ids[0..position] (inclusive). */
    public static List<TopPrediction> topK(LoadedModel m, int[] ids, int position, int k) {
        float[] logits = m.model().newSession().prefill(Arrays.copyOf(ids, position + 1));
        int v = m.config().vocabSize;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) max = Math.max(max, logits[i]);
        double z = 0;
        for (int i = 0; i < v; i++) z += Math.exp(logits[i] - max);
        List<TopPrediction> all = new ArrayList<>();
        for (int i = 0; i < v; i++) all.add(new TopPrediction(i, TokenTexts.of(m.model().tokenizer(), i), Math.exp(logits[i] - max) / z));
        all.sort(Comparator.comparingDouble(TopPrediction::probability).reversed());
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    /** log softmax(x)[j] over the first v entries, computed stably. */
    static double logSoftmax(float[] x, int v, int j) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) max = Math.max(max, x[i]);
        double z = 0;
        for (int i = 0; i < v; i++) z += Math.exp(x[i] - max);
        return x[j] - max - Math.log(z);
    }
}
