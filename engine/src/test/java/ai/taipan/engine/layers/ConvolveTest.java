package ai.taipan.engine.layers;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fast depthwise conv of the Mamba-2 block (channels along contiguous transposed weight rows)
 * against the plain per-channel loop: random inputs and conv state, odd channel counts, chunks
 * shorter and longer than the kernel, with and without bias. The fast form adds the same terms in
 * the same order, so outputs and the new conv state must be bitwise equal.
 */
class ConvolveTest {
    @Test
    void fastConvEqualsPlainConv() {
        Random r = new Random(5);
        for (boolean bias : new boolean[]{true, false}) {
            for (int kernel : new int[]{1, 3, 4}) {
                ModelConfig.Builder b = ModelConfig.builder();
                b.vocabSize = 11;
                b.hiddenSize = 15;
                b.headDim = 5;
                b.stateSize = 7;
                b.nGroups = 1;
                b.convKernel = kernel;
                b.useConvBias = bias;
                b.layerTypes = List.of(LayerType.MAMBA2);
                ModelConfig c = b.build();
                Mamba2Layer layer = new Mamba2Layer(c, 0, Weights.random(c, 3));
                for (int T : new int[]{1, 2, 3, 9, 40}) {             // 40: split over the kernel threads
                    Workspace plain = new Workspace(c, T), fast = new Workspace(c, T);
                    for (int i = 0; i < T * c.dInProj; i++) plain.zxbcdt[i] = fast.zxbcdt[i] = (float) r.nextGaussian();
                    Mamba2Layer.State s1 = (Mamba2Layer.State) layer.newState(), s2 = (Mamba2Layer.State) layer.newState();
                    for (int i = 0; i < s1.conv.length; i++) s1.conv[i] = s2.conv[i] = (float) r.nextGaussian();
                    float[] before = s1.convSpecLayout();
                    layer.convolvePlain(plain, s1.conv, T);
                    layer.convolve(fast, s2.conv, T);
                    String what = "K " + kernel + ", bias " + bias + ", T " + T;
                    // the fast path's SiLU is the vector one (VectorOps.silu: exp by a polynomial, ~1e-7 relative)
                    assertArrayEquals(java.util.Arrays.copyOf(plain.xbc, T * c.convDim),
                            java.util.Arrays.copyOf(fast.xbc, T * c.convDim), 2e-6f, what + ": xBC");
                    assertArrayEquals(s1.conv, s2.conv, what + ": conv state");
                    // SPEC §3: the state holds the last K raw xBC inputs, [conv_dim, K], newest last —
                    // from the chunk where it reaches back that far, else from the old state
                    float[] after = s2.convSpecLayout();
                    for (int ch = 0; ch < c.convDim; ch++) {
                        for (int j = 0; j < kernel; j++) {
                            int tau = T - kernel + j;
                            float want = tau >= 0 ? fast.zxbcdt[tau * c.dInProj + c.dInner + ch] : before[ch * kernel + j + T];
                            assertEquals(want, after[ch * kernel + j], what + ": conv state [" + ch + ", " + j + "]");
                        }
                    }
                }
            }
        }
    }
}
