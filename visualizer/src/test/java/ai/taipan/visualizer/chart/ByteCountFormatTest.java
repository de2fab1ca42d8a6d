package ai.taipan.visualizer.chart;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ByteCountFormatTest {
    final ByteCountFormat f = new ByteCountFormat();

    @Test
    void binaryUnitsWithOneDecimal() {
        assertEquals("512 B", f.format(512));
        assertEquals("1.5 KiB", f.format(1536));
        assertEquals("1.0 MiB", f.format(1 << 20));
        assertEquals("9.5 MiB", f.format(10_000_000));          // 1e7 / 2^20 = 9.54
        assertEquals("1.052 GiB", f.format(1_130_000_000L));    // 1.13e9 / 2^30 = 1.05238…
    }

    @Test
    void resident_memory_ticks_a_mebibyte_apart_read_differently() {
        // the process-memory axis: ticks within a few MiB of 1.13e9, which "0.#E0" printed all as 1.1E9
        assertNotEquals(f.format(1_130_000_000L), f.format(1_130_000_000L + (1 << 20)));
        assertEquals("1.053 GiB", f.format(1_130_000_000L + (1 << 20)));
    }
}
