package ai.taipan.engine.layers;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The chunked SSD form against the sequential scan on random inputs (mamba.py compare_seq_pscan):
 * same outputs and final state, tolerance growing with |ref|, for chunk sizes that do and do not
 * divide T, a non-zero initial state, several groups, and strong decay (large Δ·|A|).
 */
class SsdTest {
    static final int H = 6, P = 5, N = 7, G = 3;

    static void check(String what, float[] ref, float[] got) {
        double worst = 1;
        int at = -1;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(ref[i] - got[i]) / (1e-5 + 1e-4 * Math.abs(ref[i]));
            if (!(d <= worst)) { worst = d; at = i; }
        }
        if (at >= 0) {
            fail(what + ": |diff| " + Math.abs(ref[at] - got[at]) + " at " + at + " (ref " + ref[at] + ", got " + got[at] + ")");
        }
    }

    @Test
    void chunkedEqualsSequentialScan() {
        Random r = new Random(1);
        for (double dtScale : new double[]{0.05, 0.5, 4.0}) {
            for (int chunk : new int[]{1, 3, 8, 16, 40}) {
                int T = 37;
                Ssd ssd = new Ssd(H, P, N, G, chunk);
                float[] xbc = new float[T * ssd.convDim], dt = new float[T * H], A = new float[H], D = new float[H];
                for (int i = 0; i < xbc.length; i++) xbc[i] = (float) r.nextGaussian();
                for (int i = 0; i < dt.length; i++) dt[i] = (float) (dtScale * r.nextDouble());
                for (int h = 0; h < H; h++) { A[h] = (float) -(1 + 15 * r.nextDouble()); D[h] = (float) r.nextGaussian(); }
                float[] s0 = new float[H * P * N];
                for (int i = 0; i < s0.length; i++) s0[i] = (float) r.nextGaussian();

                float[] sSeq = s0.clone(), ySeq = new float[T * ssd.dInner], norms = new float[T * H];
                ssd.scan(ySeq, xbc, dt, A, D, sSeq, T, norms);
                float[] sChunk = s0.clone(), yChunk = new float[T * ssd.dInner];
                int Q = Math.min(chunk, T);
                float[] replayed = new float[T * H];
                ssd.replayNorms(replayed, xbc, dt, A, sChunk, T, new float[P * N]);
                ssd.chunked(yChunk, xbc, dt, A, D, sChunk, T, new float[Q * Q], new double[Q], new float[Q]);
                String what = "dt scale " + dtScale + ", chunk " + chunk;
                check(what + " y", ySeq, yChunk);
                check(what + " final state", sSeq, sChunk);
                check(what + " state norms", norms, replayed);
            }
        }
    }
}
