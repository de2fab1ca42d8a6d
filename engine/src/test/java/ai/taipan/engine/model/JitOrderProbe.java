package ai.taipan.engine.model;

import ai.taipan.engine.bench.HardwareProbe;

import java.nio.file.Path;
import java.util.Random;

/**
 * A measuring harness (not a unit test; surefire skips it by name): prefill tokens/s, prefill after
 * prefill for a fixed time, in a process where the hardware probe ({@link HardwareProbe}) ran
 * before the model was loaded ({@code first}), after two warm-up prefills ({@code after}) or not
 * at all ({@code none}). Run it as many times as you want processes: the figure of interest is how
 * many processes run slow, because C2's compilation of the Vector API kernels differs from process
 * to process (engine/BENCHMARKS.md §21 — the reason taipan bench probes after its warm-up).
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -Xmx8g -Dtaipan.kernels=vector \
 *        -cp engine/target/taipan.jar:engine/target/test-classes ai.taipan.engine.model.JitOrderProbe MODEL_DIR 512 8 first|after|none
 * </pre>
 * Prints one line: the mode, then tokens/s of every prefill (the first ones include compilation).
 */
public final class JitOrderProbe {
    private JitOrderProbe() {}

    public static void main(String[] a) throws Exception {
        String mode = a[3];
        if (!mode.equals("first") && !mode.equals("after") && !mode.equals("none")) {
            throw new IllegalArgumentException("mode must be first, after or none, not " + mode);
        }
        if (mode.equals("first")) HardwareProbe.measure();
        TaipanModel m = TaipanModel.load(Path.of(a[0]));
        Session s = m.newSession();
        int n = Integer.parseInt(a[1]);
        int[] ids = new int[n];
        Random r = new Random(3);
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(m.config().vocabSize);
        if (mode.equals("after")) {
            for (int w = 0; w < 2; w++) { s.reset(); s.prefill(ids); }
            HardwareProbe.measure();
        }
        long end = System.nanoTime() + Long.parseLong(a[2]) * 1_000_000_000L;
        StringBuilder line = new StringBuilder(mode);
        while (System.nanoTime() < end) {
            s.reset();
            long t0 = System.nanoTime();
            s.prefill(ids);
            line.append(String.format(" %.0f", n / ((System.nanoTime() - t0) / 1e9)));
        }
        System.out.println(line);
    }
}
