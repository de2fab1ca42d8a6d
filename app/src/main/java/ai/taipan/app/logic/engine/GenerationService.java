package ai.taipan.app.logic.engine;

import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.MemoryModel;
import ai.taipan.app.model.SamplingSettings;
import ai.taipan.engine.generate.Sampler;
import ai.taipan.engine.generate.SamplingParams;
import ai.taipan.engine.generate.StreamingText;
import ai.taipan.engine.model.Session;
import ai.taipan.engine.trace.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Generate with tracing on: prefill the prompt, then sample and step token by token with the
 * engine's Sampler and StreamingText. Every token, the last generated one included, is fed to the
 * session, so the trace holds gate and state events for every token the Prompt screen shows.
 */
public final class GenerationService {
    /** Receives each generated token as it is sampled (on the worker thread). */
    @FunctionalInterface
    public interface TokenSink {
        void token(int id, String tokenText, String visibleTextPiece);
    }

    private final LongSupplier budget;

    public GenerationService() { this(MemoryModel::heapBudget); }

    /** With a fixed memory budget (tests). */
    public GenerationService(LongSupplier budgetBytes) { this.budget = budgetBytes; }

    public GenerationRun generate(LoadedModel m, String prompt, SamplingSettings s, TokenSink sink, BooleanSupplier cancelled) {
        if (prompt == null || prompt.isEmpty()) throw new IllegalArgumentException("The prompt is empty: type some text first.");
        int[] promptIds = m.model().tokenizer().encode(prompt);
        long total = (long) promptIds.length + s.maxTokens();
        long need = MemoryModel.runBytes(m.config(), total), have = budget.getAsLong();
        if (need > have) throw new MemoryBudgetException(m.name(), total, need, have);

        SamplingParams params = new SamplingParams(s.temperature(), s.topK(), s.topP(), s.seed(), s.maxTokens(), List.of());
        Sampler sampler = new Sampler(params, m.config().vocabSize);
        StreamingText stream = new StreamingText(m.model().tokenizer(), List.of());
        Session session = m.model().newSession();
        Trace trace = new Trace();
        session.setTracer(trace);
        trace.addIds(promptIds);
        List<Integer> ids = new ArrayList<>();
        for (int id : promptIds) ids.add(id);
        float[] logits = session.prefill(promptIds);
        String reason = "max tokens";
        for (int i = 0; i < s.maxTokens(); i++) {
            if (cancelled.getAsBoolean()) { reason = "cancelled"; break; }
            int id = sampler.sample(logits);
            trace.addIds(id);
            ids.add(id);
            logits = session.step(id);
            sink.token(id, TokenTexts.of(m.model().tokenizer(), id), stream.add(id));
        }
        String tail = stream.finish();
        if (!tail.isEmpty()) sink.token(-1, "", tail);
        int[] all = ids.stream().mapToInt(Integer::intValue).toArray();
        return new GenerationRun(m.name(), prompt, all, TokenTexts.of(m.model().tokenizer(), all), promptIds.length,
                stream.text(), trace, reason);
    }
}
