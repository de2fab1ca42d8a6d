package ai.taipan.app.model;

import java.util.List;

/**
 * Everything a saved workbench session holds: the models (folders, or seed + config for random
 * ones), the prompt and sampling settings, and the results — the last generation with its trace,
 * sweep points, comparison text and retrieval accuracies. {@code generation} may be null.
 */
public record SessionDocument(List<ModelRef> models, String prompt, SamplingSettings sampling, String compareText,
                              GenerationRun generation, List<SweepPoint> sweep, List<AccuracyPoint> accuracy) {
    public SessionDocument {
        models = List.copyOf(models);
        sweep = List.copyOf(sweep);
        accuracy = List.copyOf(accuracy);
    }

    /**
     * A model slot ("A" or "B"): a folder, or for a random model its seed and config.json text.
     */
    public record ModelRef(String slot, String name, String folder, Long randomSeed, String configJson, boolean salAttentionOff) {
        public ModelRef(String slot, String name, String folder, Long randomSeed, String configJson) {
            this(slot, name, folder, randomSeed, configJson, false);
        }
    }
}
