package ai.taipan.engine.bench.jmh;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.kernel.Kernels;
import ai.taipan.engine.kernel.Matrices;
import ai.taipan.engine.kernel.Matrix;

import java.util.Locale;
import java.util.SplittableRandom;

/** Random inputs for the benchmarks, and the "path-DTYPE" / "ROWSxCOLS" parameter parsing. */
final class BenchData {
    private BenchData() {}

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1) * 0.05f;
        return v;
    }

    /** The mamba2-130m layer shape (vocab shrunk to 256: no benchmark here touches the embedding). */
    static ai.taipan.engine.model.ModelConfig config(int hidden, java.util.List<ai.taipan.engine.model.LayerType> layers) {
        ai.taipan.engine.model.ModelConfig.Builder b = ai.taipan.engine.model.ModelConfig.builder();
        b.vocabSize = 256;
        b.hiddenSize = hidden;
        b.layerTypes = new java.util.ArrayList<>(layers);
        b.stateSize = 128;
        b.expand = 2;
        b.headDim = 64;
        b.chunkSize = 256;
        b.numAttentionHeads = 12;
        b.attentionHeadDim = 64;
        b.intermediateSize = 2048;
        b.slidingWindow = 2048;
        return b.build();
    }

    /** shape "ROWSxCOLS", kernel "vector-F32" | "nd4j-F32" | "scalar-BF16" … */
    static Matrix matrix(String shape, String kernel, long seed) {
        String[] s = shape.split("x");
        int rows = Integer.parseInt(s[0]), cols = Integer.parseInt(s[1]);
        String[] k = kernel.split("-");
        Kernels.Path path = Kernels.Path.valueOf(k[0].toUpperCase(Locale.ROOT));
        DType dtype = DType.valueOf(k[1]);
        return Matrices.of(random(rows * cols, seed), rows, cols, dtype, path);
    }
}
