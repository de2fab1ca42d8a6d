package ai.taipan.engine.kernel;

import jdk.incubator.vector.FloatVector;

/** Loaded by name from {@link Kernels} only when the incubator module is in the boot layer. */
final class VectorSupportProbe {
    private VectorSupportProbe() {}

    public static int lanes() { return FloatVector.SPECIES_PREFERRED.length(); }
}
