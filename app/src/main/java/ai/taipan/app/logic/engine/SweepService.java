package ai.taipan.app.logic.engine;

import ai.taipan.app.model.LoadedModel;
import ai.taipan.app.model.MemoryModel;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.engine.model.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Memory and latency versus context length for one model (Scaling lab). For each N: predict the
 * run's memory (SPEC §3 via {@link MemoryModel}); if it does not fit, record "out of memory at N"
 * without running; else prefill N random token ids in slices (the session streams them in chunks;
 * slices give cancel points and progress and keep the id buffer small), time it, then time
 * {@code decodeSteps} decode steps at depth N, and read the session's state bytes and the
 * process's resident memory.
 */
public final class SweepService {
    /** 1K, 2K, … 1M. */
    public static long[] defaultLengths() {
        long[] n = new long[11];
        for (int i = 0; i < n.length; i++) n[i] = 1024L << i;
        return n;
    }

    /** Progress in tokens processed of tokens planned. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total, String message);
    }

    private final LongSupplier budget;
    private final int decodeSteps;

    public SweepService(LongSupplier budgetBytes, int decodeSteps) {
        this.budget = budgetBytes;
        this.decodeSteps = decodeSteps;
    }

    public SweepService() { this(MemoryModel::heapBudget, 8); }

    public List<SweepPoint> run(LoadedModel m, long[] lengths, Consumer<SweepPoint> onPoint, Progress progress,
                                BooleanSupplier cancelled) {
        List<SweepPoint> out = new ArrayList<>();
        long total = 0;
        for (long n : lengths) total += n + decodeSteps;
        long done = 0;
        int vocab = m.model().tokenizer().vocabSize();
        int slice = Math.max(m.config().chunkSize, (4096 / m.config().chunkSize) * m.config().chunkSize);
        SplittableRandom rnd = new SplittableRandom(1234);
        for (long n : lengths) {
            if (cancelled.getAsBoolean()) break;
            long need = MemoryModel.runBytes(m.config(), n), have = budget.getAsLong();
            if (need > have || n > Integer.MAX_VALUE) {
                SweepPoint p = SweepPoint.oomPredicted(m.name(), n, need, have);
                out.add(p);
                onPoint.accept(p);
                done += n + decodeSteps;
                progress.update(done, total, p.note());
                continue;
            }
            Session s = m.model().newSession();
            int[] ids = new int[slice];                                  // (slice,)
            long t0 = System.nanoTime();
            long fed = 0;
            while (fed < n && !cancelled.getAsBoolean()) {
                int len = (int) Math.min(slice, n - fed);
                int[] chunk = len == slice ? ids : new int[len];
                for (int i = 0; i < len; i++) chunk[i] = rnd.nextInt(vocab);
                s.prefill(chunk);
                fed += len;
                progress.update(done + fed, total, m.name() + ": prefill " + fed + " / " + n);
            }
            if (fed < n) break;
            double prefill = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            for (int i = 0; i < decodeSteps; i++) s.step(rnd.nextInt(vocab));
            double decode = decodeSteps == 0 ? Double.NaN : (System.nanoTime() - t1) / 1e9 / decodeSteps;
            done += n + decodeSteps;
            SweepPoint p = new SweepPoint(m.name(), n, SweepPoint.Status.MEASURED, prefill, decode, s.stateBytes(),
                    residentBytes(), "");
            out.add(p);
            onPoint.accept(p);
            progress.update(done, total, String.format("%s: N=%d prefill %.3f s, decode %.2f ms/token", m.name(), n,
                    prefill, decode * 1e3));
        }
        return out;
    }

    /** VmRSS from /proc/self/status on Linux, else the JVM's used heap. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: fall through
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
