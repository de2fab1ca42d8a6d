package ai.taipan.engine.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place kernels go parallel (llama3.java's Parallel, one level only): a range [0, n) is cut
 * into equal static chunks, chunk 0 runs on the calling thread and chunk k on worker k.
 *
 * <p>Why not a ForkJoinPool: a decode step calls ~50 matvecs of 0.05–0.5 ms each, and waking a parked
 * pool thread costs tens of µs per call. These workers spin ({@link Thread#onSpinWait()}) for
 * {@code taipan.spin.us} µs (default 100) after each job before they park, as llama.cpp's threads
 * do, so back-to-back kernels find them awake. Spinning costs CPU only while a model is running.
 *
 * <p>No nesting: a call made while a job runs (from a worker, from a body, or from another
 * application thread) runs its whole range inline on the caller. Threads: {@code taipan.threads}
 * (default: available processors).
 */
public final class Parallel {
    private Parallel() {}

    /** The work for one chunk [lo, hi). */
    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    private static final int THREADS = Math.max(1, Integer.getInteger("taipan.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final long SPIN_NANOS = Long.getLong("taipan.spin.us", 100L) * 1000L;

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    /** The job being run; one volatile reference, so a worker always reads a consistent job. */
    private static volatile Job current;

    /** Jobs started so far: a job's number, which workers remember instead of the job itself. */
    private static long jobsStarted; // written only while BUSY is held; read through `current`

    private static final class Job {
        final long seq;
        final Range body;
        final int n, chunks;
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(Range body, int n, int chunks) {
            this.seq = ++jobsStarted;
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.pending = new AtomicInteger(chunks - 1);
        }

        void runChunk(int k) {
            try {
                body.run((int) ((long) n * k / chunks), (int) ((long) n * (k + 1) / chunks));
            } catch (Throwable t) {
                if (failure == null) failure = t;
            }
        }
    }

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker(i + 1);
            WORKERS[i].start();
        }
    }

    /** Threads a parallel call uses (the caller included). */
    public static int threads() { return THREADS; }

    /**
     * Runs body over [0, n) in up to {@link #threads()} chunks of at least minChunk items each;
     * returns when all are done, rethrowing the first failure.
     */
    public static void forRange(int n, int minChunk, Range body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks == 1 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Job j = new Job(body, n, chunks);
            current = j;
            for (int i = 0; i < chunks - 1; i++) {
                Worker w = WORKERS[i];
                if (w.parked) LockSupport.unpark(w);
            }
            j.runChunk(0);
            int spins = 0;
            while (j.pending.get() > 0) {
                if (++spins < 1 << 10) Thread.onSpinWait();
                else Thread.yield(); // a worker was descheduled (shared machine): give it the core
            }
            current = null;
            Throwable f = j.failure;
            if (f != null) {
                if (f instanceof RuntimeException) throw (RuntimeException) f;
                if (f instanceof Error) throw (Error) f;
                throw new IllegalStateException(f);
            }
        } finally {
            BUSY.set(false);
        }
    }

    private static final class Worker extends Thread {
        private final int index; // the chunk this worker runs
        volatile boolean parked;

        Worker(int index) {
            super("taipan-kernel-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            // the last job is remembered by its number, not by reference: a finished job's body (and
            // whatever its lambda captured, e.g. the bench's 1 GiB probe buffer) must not stay reachable
            // from an idle worker until the next job — System.gc() after the probe freed only 34 MB of it
            long seen = 0;
            while (true) {
                long start = System.nanoTime();
                Job j;
                while ((j = current) == null || j.seq == seen) {
                    if (System.nanoTime() - start < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        j = current;
                        if (j == null || j.seq == seen) LockSupport.park(this);
                        parked = false;
                        start = System.nanoTime();
                    }
                }
                seen = j.seq;
                if (index >= j.chunks) continue;
                j.runChunk(index);
                j.pending.decrementAndGet();
            }
        }
    }
}
