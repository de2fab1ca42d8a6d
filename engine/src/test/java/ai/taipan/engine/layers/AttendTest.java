package ai.taipan.engine.layers;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The vectorised attention of one query over a KV ring against the plain loops: random keys,
 * values and queries, head dims that are and are not a multiple of the vector width, rings that
 * wrapped around, softmax weights included. Tolerance grows with |ref|.
 */
class AttendTest {
    @Test
    void fastAttendEqualsPlainAttend() {
        Random r = new Random(11);
        for (int[] shape : new int[][]{{1, 1}, {3, 5}, {2, 16}, {4, 19}, {2, 48}}) {
            int heads = shape[0], hd = shape[1], dim = heads * hd;
            ModelConfig.Builder b = ModelConfig.builder();
            b.vocabSize = 7;
            b.hiddenSize = 8;
            b.numAttentionHeads = heads;
            b.attentionHeadDim = hd;
            b.intermediateSize = 8;
            b.layerTypes = List.of(LayerType.SELECTIVE_ATTENTION);   // no RoPE: odd head dims allowed
            Workspace ws = new Workspace(b.build(), 1);
            // bounded rings; and an unbounded one (full attention) that grows past its first 256 slots
            for (int window : new int[]{1, 7, 40, ModelConfig.UNLIMITED}) {
                KvRing ring = new KvRing(window, heads, hd);
                int pushes = window == ModelConfig.UNLIMITED ? 300 : 2 * window + 3;
                float[] kv = new float[dim];
                for (int pos = 0; pos < pushes; pos++) {              // fills, then wraps around (or grows)
                    for (int i = 0; i < dim; i++) kv[i] = (float) r.nextGaussian();
                    float[] vv = kv.clone();
                    for (int i = 0; i < dim; i++) vv[i] = (float) r.nextGaussian();
                    ring.push(pos, kv, 0, vv, 0);
                }
                // full (wrapped), then with the oldest third evicted (a ring that is not full and
                // whose entries may still wrap: the SAL's case)
                for (int evict = 0; evict < 2; evict++) {
                    if (evict == 1) ring.evictBefore(window == ModelConfig.UNLIMITED ? 100 : 2 * window + 3 - window + window / 3 + 1);
                    float[] q = new float[dim + 2];
                    for (int i = 0; i < q.length; i++) q[i] = (float) (2 * r.nextGaussian());
                    float[] ref = new float[dim + 3], got = new float[dim + 3];
                    float[][] wRef = new float[heads][ring.size()], wGot = new float[heads][ring.size()];
                    Attention.attendPlain(ring, q, 2, ref, 3, heads, hd, ws, wRef);
                    Attention.attend(ring, q, 2, got, 3, heads, hd, ws, wGot);
                    String what = "heads " + heads + ", hd " + hd + ", window " + window + ", " + ring.size() + " entries";
                    check(what + " output", ref, got);
                    for (int h = 0; h < heads; h++) check(what + " weights of head " + h, wRef[h], wGot[h]);
                }
            }
        }
    }

    @Test
    void ringKeepsEachKeyAndValueInItsSlot() {
        // a bounded ring that wrapped (window 21, not a whole number of key blocks) and an unbounded one
        // that grew twice: every entry's key, read through the blocked layout, and value are the pushed ones
        for (int window : new int[]{21, ModelConfig.UNLIMITED}) {
            int heads = 2, hd = 3, dim = heads * hd, pushes = window == ModelConfig.UNLIMITED ? 700 : 50;
            KvRing ring = new KvRing(window, heads, hd);
            float[] k = new float[dim], v = new float[dim];
            for (int p = 0; p < pushes; p++) {
                for (int i = 0; i < dim; i++) { k[i] = p * 100 + i; v[i] = -(p * 100 + i); }
                ring.push(p, k, 0, v, 0);
            }
            int first = pushes - ring.size();
            for (int j = 0; j < ring.size(); j++) {
                int s = ring.slot(j), p = ring.position(j);
                if (p != first + j) fail("window " + window + ": entry " + j + " holds position " + p + ", want " + (first + j));
                for (int i = 0; i < dim; i++) {
                    float key = ring.keys()[KvRing.keyIndex(s, i, dim)], value = ring.values()[ring.valueIndex(s, i)];
                    if (key != p * 100 + i || value != -(p * 100 + i)) {
                        fail("window " + window + ", position " + p + ", element " + i + ": key " + key + ", value " + value);
                    }
                }
            }
        }
    }

    static void check(String what, float[] ref, float[] got) {
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(ref[i] - got[i]) <= 1e-5 + 1e-4 * Math.abs(ref[i]))) {
                fail(what + ": |diff| " + Math.abs(ref[i] - got[i]) + " at " + i + " (ref " + ref[i] + ", got " + got[i] + ")");
            }
        }
    }
}
