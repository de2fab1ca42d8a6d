package ai.taipan.engine.model;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The session's allocation-free and last-token-only paths against the plain ones: prefill(ids)
 * (only the last row normed and through the LM head) equals the last logits a sink sees; the
 * non-allocating step variants equal step(id) over many tokens of a hybrid model.
 */
class SessionFastPathsTest {
    @Test
    void lastTokenPrefillEqualsTheSinksLastLogits() {
        for (Preset p : new Preset[]{Preset.TAIPAN, Preset.MAMBA2}) {
            for (int n : new int[]{1, 5, 8, 13}) {                     // chunk 8: shorter, equal, longer
                TaipanModel m = SessionTest.small(p, 8, 4);
                int[] ids = SessionTest.randomIds(n, m.config().vocabSize, n);
                float[][] last = new float[1][];
                m.newSession().prefill(ids, (i, l) -> { if (i == ids.length - 1) last[0] = l.clone(); });
                assertArrayEquals(last[0], m.newSession().prefill(ids), p + " n " + n);
            }
        }
    }

    @Test
    void nonAllocatingStepsEqualStep() {
        TaipanModel m = SessionTest.small(Preset.TAIPAN, 8, 6);
        int V = m.config().vocabSize;
        int[] ids = SessionTest.randomIds(30, V, 9);
        Session a = m.newSession(), b = m.newSession(), c = m.newSession();
        float[] into = new float[V + 3];
        float[] shared = null;
        for (int id : ids) {
            float[] ref = a.step(id);
            b.step(id, into);
            assertArrayEquals(ref, java.util.Arrays.copyOf(into, V));
            float[] s = c.stepShared(id);
            if (shared != null) assertSame(shared, s, "stepShared reuses one buffer");
            shared = s;
            assertArrayEquals(ref, s);
        }
        assertThrows(IllegalArgumentException.class, () -> b.step(1, new float[V - 1]));
    }
}
