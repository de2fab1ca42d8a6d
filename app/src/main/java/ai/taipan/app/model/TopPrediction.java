package ai.taipan.app.model;

/** One of the k most probable next tokens at a position: id, its text, probability. */
public record TopPrediction(int id, String text, double probability) { }
