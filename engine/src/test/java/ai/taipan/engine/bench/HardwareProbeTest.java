package ai.taipan.engine.bench;

import ai.taipan.engine.kernel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sanity only (the figures depend on the machine and its load): positive, within physical bounds. */
class HardwareProbeTest {
    @Test
    void smallProbeGivesPlausibleLimits() {
        HardwareProbe.Limits l = HardwareProbe.measure(64L << 20, 2, 20);
        assertEquals(64L << 20, l.bufferBytes());
        assertEquals(Parallel.threads(), l.threads());
        assertTrue(l.vectorApi() && l.vectorLanes() >= 4, l.toString());
        // a 64 MiB read: positive (a loaded 2-core machine measured 0.18 GB/s here, so no tighter floor),
        // less than any DRAM or cache could give
        assertTrue(l.readGBps() > 0.01 && l.readGBps() < 5000, l.toString());
        // FMA: positive (0.27 GFLOP/s seen under a load average of 13), below 1 TFLOP/s per core (16 lanes × 2 ports × 2 flops × 8 GHz)
        assertTrue(l.fmaGflops() > 0.01 && l.fmaGflops() < 1000.0 * l.threads(), l.toString());
        assertEquals(3, l.readGBpsByStreams().length);
        double best = java.util.Arrays.stream(l.readGBpsByStreams()).max().orElseThrow();
        assertEquals(best, l.readGBps(), 0.0);
        System.out.println(l);
    }

    /**
     * The streaming sums read every element exactly once whatever the stream count, on lengths that
     * are not multiples of the vector width or of the stream count (integers, so the float sums are exact).
     */
    @Test
    void everyStreamPatternSumsTheWholeRange() throws Exception {
        HardwareProbe.Probe vector = (HardwareProbe.Probe) Class.forName("ai.taipan.engine.bench.VectorProbe")
                .getDeclaredConstructor().newInstance();
        for (HardwareProbe.Probe p : List.of(vector, new HardwareProbe.ScalarProbe())) {
            float[] buf = new float[5000];
            for (int i = 0; i < buf.length; i++) buf[i] = (i * 7) % 13;
            for (int[] r : new int[][]{{0, 5000}, {3, 4999}, {17, 18}, {5, 5}, {1, 4098}, {100, 357}}) {
                double expected = 0;
                for (int i = r[0]; i < r[1]; i++) expected += buf[i];
                for (int streams : HardwareProbe.Limits.STREAMS) {
                    assertEquals(expected, p.sum(buf, r[0], r[1], streams), 0.0,
                            p.getClass().getSimpleName() + " " + streams + " streams over [" + r[0] + ", " + r[1] + ")");
                }
            }
            assertThrows(IllegalArgumentException.class, () -> p.sum(buf, 0, 10, 3));
        }
    }
}
