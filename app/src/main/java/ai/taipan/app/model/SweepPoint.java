package ai.taipan.app.model;

/**
 * One measured (or predicted-not-run) point of a scaling sweep for one model at one context
 * length N: prefill wall time for N tokens, mean per-token decode latency at depth N, the
 * session's state bytes after N tokens, and the process's used heap after the point.
 */
public record SweepPoint(String model, long contextLength, Status status, double prefillSeconds,
                         double decodeSecondsPerToken, long stateBytes, long processBytes, String note) {
    public enum Status { MEASURED, OUT_OF_MEMORY_PREDICTED, FAILED }

    public static SweepPoint oomPredicted(String model, long n, long predictedBytes, long budget) {
        return new SweepPoint(model, n, Status.OUT_OF_MEMORY_PREDICTED, Double.NaN, Double.NaN, predictedBytes, 0,
                "out of memory at " + n + ": needs ~" + Bytes.human(predictedBytes) + " of " + Bytes.human(budget));
    }

    public boolean measured() { return status == Status.MEASURED; }
}
