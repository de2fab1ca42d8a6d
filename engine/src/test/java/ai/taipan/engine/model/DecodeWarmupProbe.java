package ai.taipan.engine.model;

import ai.taipan.engine.layers.Mamba2Layer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * A measuring harness (a main, not a test) behind engine/BENCHMARKS.md §7: is decode slower at
 * depth, or only right after a long prefill? Prefills {@code n} tokens (bytes of a text file, or
 * random ids with a 4th argument), then three times: 2048 timed decode steps on that deep session,
 * and 2048 on a fresh session prefilled with 1K tokens. Finally counts subnormal values in every
 * Mamba-2 layer's SSM state (the other suspect: subnormal arithmetic is ~8× slower on this CPU).
 *
 * <pre>
 * javac --add-modules jdk.incubator.vector -d /tmp/probe -cp engine/target/taipan.jar \
 *     engine/src/test/java/ai/taipan/engine/model/DecodeWarmupProbe.java
 * java --add-modules jdk.incubator.vector -cp /tmp/probe:engine/target/taipan.jar \
 *     ai.taipan.engine.model.DecodeWarmupProbe sample-models/mamba2-small 262144 sample-models/data/kjv.txt [random]
 * </pre>
 */
public final class DecodeWarmupProbe {
    public static void main(String[] a) throws Exception {
        TaipanModel m = TaipanModel.load(Path.of(a[0]));
        int n = Integer.parseInt(a[1]);
        byte[] text = Files.readAllBytes(Path.of(a[2]));
        boolean random = a.length > 3;
        Random rnd = new Random(1);
        Session deep = m.newSession();
        int[] chunk = new int[4096];
        int off = 0;
        for (int done = 0; done < n; done += chunk.length) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = random ? rnd.nextInt(m.config().vocabSize) : (text[off] & 0x7f);
                off = (off + 1) % text.length;
            }
            deep.prefill(chunk);
        }
        float[] logits = new float[m.config().vocabSize];
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 2048; i++) deep.step(rnd.nextInt(128), logits);
            double deepMs = (System.nanoTime() - t0) / 2048e6;
            Session fresh = m.newSession();
            fresh.prefill(Arrays.copyOf(chunk, 1024));
            t0 = System.nanoTime();
            for (int i = 0; i < 2048; i++) fresh.step(rnd.nextInt(128), logits);
            double freshMs = (System.nanoTime() - t0) / 2048e6;
            System.out.printf("decode ms/token: deep session %.4f, fresh session (depth 1K) %.4f%n", deepMs, freshMs);
        }
        for (int l = 0; l < m.config().numLayers(); l++) {
            if (!(deep.state(l) instanceof Mamba2Layer.State st)) continue;
            long subnormal = 0, zero = 0;
            for (float v : st.ssm) {
                if (v == 0f) zero++;
                else if (Math.abs(v) < Float.MIN_NORMAL) subnormal++;
            }
            System.out.printf("layer %d: %d of %d SSM state values subnormal, %d zero%n", l, subnormal, st.ssm.length, zero);
        }
    }
}
