package ai.taipan.app.model;

/** Retrieval accuracy of one model at one context length over {@code trials} examples. */
public record AccuracyPoint(String model, int contextLength, double accuracy, int trials) { }
