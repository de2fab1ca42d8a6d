package ai.taipan.engine.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A measuring harness (not a unit test; surefire skips it by name): wall time per phase of the
 * forward pass, taken between the layer probe's named intermediates (layers.Probe: mixer_in,
 * zxbcdt, xBC_act, dt, y_ssm, y_normed, mixer_out, ...), summed over all layers. The time charged to
 * a name is the time since the previous intermediate, so "zxbcdt" is in_proj, "xBC_act" the conv and
 * its SiLU, "y_ssm" the SSD, "y_normed" the gated norm, "mixer_out" out_proj; the LM head is the
 * total less their sum (engine/BENCHMARKS.md §19).
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -Dtaipan.threads=1 -Dtaipan.kernels=vector \
 *        -cp engine/target/taipan.jar:engine/target/test-classes ai.taipan.engine.model.PhaseTimes MODEL_DIR 512 4 [decode]
 * </pre>
 * prefill: REPS prefills of L tokens after 3 untimed ones, per prefill; decode: REPS steps after a
 * 16-token prompt and 32 untimed steps, per token. Add -Dtaipan.weights=bf16 for half weights.
 */
public final class PhaseTimes {
    private PhaseTimes() {}

    public static void main(String[] a) throws Exception {
        TaipanModel m = TaipanModel.load(Path.of(a[0]));
        int n = Integer.parseInt(a[1]), reps = Integer.parseInt(a[2]);
        boolean decode = a.length > 3 && a[3].equals("decode");
        Session s = m.newSession();
        Random r = new Random(7);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(m.config().vocabSize);
        Map<String, Long> acc = new TreeMap<>();
        long[] last = {0};
        s.setProbe((layer, name, pos0, data, off, rows, cols) -> {
            long now = System.nanoTime();
            acc.merge(name, now - last[0], Long::sum);
            last[0] = now;
        });
        if (decode) {
            s.prefill(Arrays.copyOf(ids, Math.min(16, n)));
            for (int i = 0; i < 32; i++) { last[0] = System.nanoTime(); s.step(ids[i % n]); }
        } else {
            for (int i = 0; i < 3; i++) { s.reset(); last[0] = System.nanoTime(); s.prefill(ids); }
        }
        acc.clear();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            if (!decode) s.reset();
            last[0] = System.nanoTime();
            if (decode) s.step(ids[i % n]);
            else s.prefill(ids);
        }
        double total = (System.nanoTime() - t0) / 1e6 / reps;
        System.out.printf("%s total %.2f ms/%s%n", decode ? "decode" : "prefill " + n, total, decode ? "token" : "prefill");
        acc.forEach((k, v) -> System.out.printf("  %-14s %8.2f ms%n", k, v / 1e6 / reps));
    }
}
