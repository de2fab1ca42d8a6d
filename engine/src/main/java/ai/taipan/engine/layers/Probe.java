package ai.taipan.engine.layers;

/**
 * A debugging hook that sees the named intermediates of the forward pass (the tensors of the
 * reference fixtures: mixer_in, zxbcdt, xBC_act, dt, y_ssm, y_normed, mixer_out,
 * residual_out, final_normed). Tests use it to compare layer by layer; null means off and
 * costs one branch per layer and chunk. Not a public tracing API — that is {@code Tracer}.
 */
@FunctionalInterface
public interface Probe {
    /**
     * Rows [pos0, pos0 + rows) of intermediate {@code name} of layer {@code layer} (-1 for the
     * model-level tensors), row-major {@code data[off .. off + rows·cols)}. The array is reused
     * after the call returns: copy what you keep.
     */
    void tensor(int layer, String name, int pos0, float[] data, int off, int rows, int cols);
}
