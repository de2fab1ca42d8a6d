package ai.taipan.engine.bench;

import ai.taipan.engine.kernel.Parallel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        System.out.println(l);
    }
}
