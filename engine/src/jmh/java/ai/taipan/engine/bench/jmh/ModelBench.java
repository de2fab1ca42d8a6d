package ai.taipan.engine.bench.jmh;

import ai.taipan.engine.layers.LayerState;
import ai.taipan.engine.layers.Mamba2Layer;
import ai.taipan.engine.layers.SelectiveAttentionLayer;
import ai.taipan.engine.layers.Ssd;
import ai.taipan.engine.layers.Workspace;
import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Weights;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The model's own hot ops at the mamba2-130m shape (D = 768, d_inner = 1536, H = 24 heads of
 * P = 64, N = 128, G = 1, chunk 256) and a SAL of 12 heads × 64 with a full 2048-token window:
 * <ul>
 *   <li>{@code ssdChunk}: {@link Ssd#chunked} over one 256-token chunk (the SSD kernel alone);</li>
 *   <li>{@code ssdStep}: {@link Ssd#scan} for one token (the recurrent state update alone);</li>
 *   <li>{@code mambaLayerStep}: one whole Mamba-2 layer for one decode token (projections included);</li>
 *   <li>{@code mambaLayerChunk}: one whole Mamba-2 layer over a 256-token prefill chunk;</li>
 *   <li>{@code salStep}: one SAL layer (+ SwiGLU) for one decode token that the gate selects,
 *       attending over a full window of 2048 selected keys.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ModelBench {
    static final int D = 768, CHUNK = 256, WINDOW = 2048;

    private Ssd ssd;
    private float[] y, xbc, dt, A, Dskip, S, cb, w;
    private double[] cum;

    private Mamba2Layer mamba;
    private LayerState mambaState;
    private Workspace mambaWs;

    private SelectiveAttentionLayer sal;
    private LayerState salState;
    private Workspace salWs;
    private int salPos;

    @Setup(Level.Trial)
    public void setup() {
        ModelConfig mc = BenchData.config(D, List.of(LayerType.MAMBA2));
        int H = mc.numHeads, P = mc.headDim, N = mc.stateSize;
        ssd = new Ssd(H, P, N, mc.nGroups, CHUNK);
        xbc = BenchData.random(CHUNK * mc.convDim, 3);                // (T, convDim)
        dt = new float[CHUNK * H];                                     // (T, H)
        java.util.Arrays.fill(dt, 0.05f);
        A = new float[H];
        java.util.Arrays.fill(A, -1f);
        Dskip = BenchData.random(H, 4);
        S = new float[H * P * N];                                      // (H, P, N)
        y = new float[CHUNK * mc.dInner];                              // (T, dInner)
        cb = new float[CHUNK * CHUNK];
        cum = new double[CHUNK];
        w = new float[CHUNK];

        Weights mw = Weights.random(mc, 1);
        mamba = new Mamba2Layer(mc, 0, mw);
        mambaState = mamba.newState();
        mambaWs = new Workspace(mc, CHUNK);

        ModelConfig sc = BenchData.config(D, List.of(LayerType.SELECTIVE_ATTENTION));
        java.util.Map<String, float[]> t = new java.util.HashMap<>(Weights.random(sc, 2).tensors());
        t.put("backbone.layers.0.mixer.gate.weight", new float[2 * D]);
        t.put("backbone.layers.0.mixer.gate.bias", new float[] {0f, 1f});   // s1 > s0: every token selected
        sal = new SelectiveAttentionLayer(sc, 0, Weights.of(sc, t));
        salState = sal.newState();
        salWs = new Workspace(sc, CHUNK);
        for (salPos = 0; salPos < WINDOW; salPos += CHUNK) {               // fill the window
            fill(salWs.h, CHUNK * D, salPos);
            sal.forward(salState, salWs, CHUNK, salPos, false, null, null);
        }
    }

    private final float[] input = BenchData.random(CHUNK * D, 5); // (CHUNK, D) residual rows fed to the layers

    private void fill(float[] h, int n, long shift) {
        int off = (int) (shift % D);
        System.arraycopy(input, off, h, 0, Math.min(n, input.length - off));
    }

    @Benchmark
    public float[] ssdChunk() {
        ssd.chunked(y, xbc, dt, A, Dskip, S, CHUNK, mambaWs.ssd);
        return y;
    }

    @Benchmark
    public float[] ssdStep() {
        ssd.scan(y, xbc, dt, A, Dskip, S, 1, null, mambaWs.ssd);
        return y;
    }

    @Benchmark
    public float[] mambaLayerStep() {
        fill(mambaWs.h, D, 5);
        mamba.forward(mambaState, mambaWs, 1, 0, true, null, null);
        return mambaWs.h;
    }

    @Benchmark
    public float[] mambaLayerChunk() {
        fill(mambaWs.h, CHUNK * D, 6);
        mamba.forward(mambaState, mambaWs, CHUNK, 0, false, null, null);
        return mambaWs.h;
    }

    @Benchmark
    public float[] salStep() {
        fill(salWs.h, D, salPos);
        sal.forward(salState, salWs, 1, salPos++, true, null, null);
        return salWs.h;
    }
}
