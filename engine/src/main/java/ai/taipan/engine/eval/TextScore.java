package ai.taipan.engine.eval;

/**
 * Held-out text at one context length.
 *
 * @param context       window length in tokens (= bytes)
 * @param windows       windows evaluated
 * @param scoredTokens  tokens whose prediction was scored (the last part of each window)
 * @param bitsPerByte   mean cross-entropy of the scored tokens in bits (= bits per byte for byte tokens)
 * @param seconds       wall time
 */
public record TextScore(int context, int windows, long scoredTokens, double bitsPerByte, double seconds) { }
