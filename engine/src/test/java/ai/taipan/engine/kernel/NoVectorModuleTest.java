package ai.taipan.engine.kernel;

import ai.taipan.engine.format.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (as a user's plain {@code java -jar}
 * would be) must fall back to the scalar kernels, not die with NoClassDefFoundError.
 */
class NoVectorModuleTest {
    /** Run in the child JVM: asks for every vector thing and prints what it got. */
    public static void main(String[] args) {
        Matrix f32 = Matrices.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, DType.F32, Kernels.Path.VECTOR);
        Matrix bf16 = Matrices.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, DType.BF16, Kernels.Path.AUTO);
        float[] out = new float[2];
        f32.matvec(out, 0, new float[] {1, 1, 1}, 0);
        System.out.println(Kernels.vectorAvailable() + " " + f32.getClass().getSimpleName() + " "
                + bf16.getClass().getSimpleName() + " " + VectorOps.vectorized() + " "
                + out[0] + " " + out[1] + " " + VectorOps.dot(new float[] {1, 2}, 0, new float[] {3, 4}, 0, 2));
    }

    @Test
    void scalarFallbackWithoutTheIncubatorModule() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                NoVectorModuleTest.class.getName())).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), output);
        assertEquals("false ScalarMatrix ScalarHalfMatrix false 6.0 15.0 11.0", output);
    }
}
