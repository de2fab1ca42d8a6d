package ai.taipan.app.model;

/**
 * The Prompt screen's sampling knobs (the engine's SamplingParams without the stop list).
 * temperature 0 means greedy; topK 0 and topP 1 mean "off".
 */
public record SamplingSettings(double temperature, int topK, double topP, long seed, int maxTokens) {
    public static final SamplingSettings DEFAULT = new SamplingSettings(0.8, 40, 0.95, 42, 64);

    public SamplingSettings {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (maxTokens < 0) throw new IllegalArgumentException("max tokens must be >= 0, got " + maxTokens);
    }
}
