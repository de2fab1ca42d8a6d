package ai.taipan.app.model;

import ai.taipan.engine.trace.Trace;

import java.util.List;

/**
 * The outcome of one Generate: every token fed to the model (prompt then output) with its text,
 * the generated text, and the engine's trace of all of them. Immutable once built.
 *
 * @param promptTokens how many of {@code ids} came from the prompt
 * @param stopReason   "max tokens", "stop string", "cancelled"
 */
public record GenerationRun(String modelName, String prompt, int[] ids, List<String> tokenTexts, int promptTokens,
                            String generatedText, Trace trace, String stopReason) {
    public GenerationRun {
        ids = ids.clone();
        tokenTexts = List.copyOf(tokenTexts);
    }
}
