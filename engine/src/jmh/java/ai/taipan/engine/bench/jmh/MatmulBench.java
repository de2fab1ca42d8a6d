package ai.taipan.engine.bench.jmh;

import ai.taipan.engine.kernel.Matrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A prefill chunk through one weight matrix: out[T, rows] = X[T, cols]·Wᵀ, T = 64 or 256 tokens
 * (256 = the default chunk_size). GFLOP/s = 2·rows·cols·T ÷ time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MatmulBench {
    @Param({"64x64", "768x1536", "1536x768"})
    public String shape;

    @Param({"vector-F32", "vector-F16", "vector-BF16", "nd4j-F32"})
    public String kernel;

    @Param({"64", "256"})
    public int tokens;

    private Matrix m;
    private float[] x, out;

    @Setup
    public void setup() {
        m = BenchData.matrix(shape, kernel, 1);
        x = BenchData.random(m.cols() * tokens, 2);
        out = new float[m.rows() * tokens];
    }

    @Benchmark
    public float[] matmul() {
        m.matmul(out, 0, x, 0, tokens);
        return out;
    }
}
