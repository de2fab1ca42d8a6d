package ai.taipan.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 100, 1001}) {
            for (int rep = 0; rep < 200; rep++) { // many back-to-back jobs: workers spin, park and wake
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, 1, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " index " + i);
            }
        }
    }

    @Test
    void nestedCallsRunInlineOnTheCaller() {
        AtomicInteger total = new AtomicInteger(), outerChunks = new AtomicInteger();
        Parallel.forRange(4, 1, (lo, hi) -> {
            outerChunks.incrementAndGet();
            Thread outer = Thread.currentThread();
            Parallel.forRange(10, 1, (a, b) -> {
                assertSame(outer, Thread.currentThread());
                total.addAndGet(b - a);
            });
        });
        assertEquals(10 * outerChunks.get(), total.get()); // each outer chunk ran the whole inner range itself
    }

    @Test
    void aFailureInAChunkReachesTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(8, 1, (lo, hi) -> {
            if (hi == 8) throw new IllegalStateException("last chunk failed");
        }));
        assertEquals("last chunk failed", e.getMessage());
        AtomicInteger after = new AtomicInteger(); // the pool still works afterwards
        Parallel.forRange(8, 1, (lo, hi) -> after.addAndGet(hi - lo));
        assertEquals(8, after.get());
    }
}
