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
 * One token through one weight matrix (decode): out = W·x. Shapes of the mamba2-130m layers
 * (in_proj 3352×768 is close to 768×1536 transposed in bytes; out_proj 768×1536) and its
 * tied LM head 50288×768. Time per call; GB/s = weight bytes ÷ time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MatvecBench {
    @Param({"64x64", "768x1536", "1536x768", "50288x768"})
    public String shape;

    @Param({"vector-F32", "vector-F16", "vector-BF16", "nd4j-F32"})
    public String kernel;

    private Matrix m;
    private float[] x, out;

    @Setup
    public void setup() {
        m = BenchData.matrix(shape, kernel, 1);
        x = BenchData.random(m.cols(), 2);
        out = new float[m.rows()];
    }

    @Benchmark
    public float[] matvec() {
        m.matvec(out, 0, x, 0);
        return out;
    }
}
