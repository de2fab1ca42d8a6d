package ai.taipan.engine.model;

/** How {@link TaipanModel#logits} runs a sequence (SPEC §2 mamba2: both forms agree to rounding). */
public enum Mode {
    /** Prefill in chunks: projections as matmuls, Mamba-2 in the chunked SSD form. */
    PARALLEL,
    /** One token at a time, as decode runs: matvecs and the Mamba-2 recurrence. */
    STEP
}
