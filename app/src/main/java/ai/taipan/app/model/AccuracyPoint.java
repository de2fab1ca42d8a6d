package ai.taipan.app.model;

/**
 * Retrieval accuracy of one model at one context length: exact answers over {@code trials} graded
 * answers of {@code task} (the engine's task description, e.g. "task mqar (query fraction 0.5, max
 * distance 128)").
 */
public record AccuracyPoint(String model, String task, int contextLength, double accuracy, int trials) { }
