package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.VectorOps;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * A measuring harness for the SSD's chunked form (not a unit test; surefire skips it by name):
 * the calling thread's CPU time, so run it with -Dtaipan.threads=1 on a loaded machine.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -Dtaipan.threads=1 -cp engine/target/taipan.jar:CLASSES \
 *        ai.taipan.engine.layers.SsdProbe [T] [seconds]
 * </pre>
 * On the mamba2-130m shape (24 heads, head_dim 64, state 128, 1 group, SSD chunk 64), for T tokens
 * (default 256, the prefill block): the whole {@link Ssd#chunked} per call, then its three
 * products alone ({@link SsdKernels#mulAdd} with the operands, strides and shapes chunkHeadFast
 * passes: inter C·S_0ᵀ 64×128×64, intra M·X 64×64×64 causal, state Xwᵀ·B 64×64×128), each as CPU
 * µs per call and GFLOP/s per core (2·rows·inner·cols, half of the inner for the causal one).
 * Inputs: x, B, C ~ N(0, 1); Δ uniform in [0.001, 0.1]; A = −uniform[1, 16] (Mamba-2's init ranges).
 */
public final class SsdProbe {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int T = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        int H = 24, P = 64, N = 128, G = 1, Q = Math.min(Ssd.chunkFor(256), T);
        Ssd ssd = new Ssd(H, P, N, G, Q);
        SplittableRandom r = new SplittableRandom(11);
        float[] xbc = new float[T * ssd.convDim], dt = new float[T * H], A = new float[H], D = new float[H];
        for (int i = 0; i < xbc.length; i++) xbc[i] = (float) gauss(r);
        for (int i = 0; i < dt.length; i++) dt[i] = (float) (0.001 + 0.099 * r.nextDouble());
        for (int h = 0; h < H; h++) { A[h] = (float) -(1 + 15 * r.nextDouble()); D[h] = 1f; }
        float[] y = new float[T * ssd.dInner], S = new float[H * P * N];
        Ssd.Scratch scratch = new Ssd.Scratch(Q, P, N);
        System.out.printf("vectorized %b, T %d, Q %d%n", SsdKernels.vectorized(), T, Q);

        double flopsChunk = (double) H * (T / Q) * (2.0 * Q * N * P + (double) Q * Q * P + 2.0 * P * Q * N);
        report("chunked T=" + T, seconds, flopsChunk, () -> {
            java.util.Arrays.fill(S, 0f);
            ssd.chunked(y, xbc, dt, A, D, S, T, scratch);
        });

        // the three products as chunkHeadFast calls them, over the 24 heads of one chunk
        Ssd.Scratch.Slot sl = scratch.slots[0];
        float[] St = new float[N * P], M = new float[Q * Q], Xw = new float[P * Q];
        for (int i = 0; i < St.length; i++) St[i] = (float) gauss(r) * 0.1f;
        for (int t = 0; t < Q; t++) for (int s = 0; s <= t; s++) M[t * Q + s] = (float) gauss(r) * 0.01f;
        for (int i = 0; i < Xw.length; i++) Xw[i] = (float) gauss(r) * 0.01f;
        int dInner = ssd.dInner, convDim = ssd.convDim, bOff = dInner, cOff = dInner + G * N;
        report("inter C·S0ᵀ 64x128x64", seconds, 2.0 * H * Q * N * P, () -> {
            for (int h = 0; h < H; h++) {
                SsdKernels.mulAdd(y, h * P, dInner, xbc, cOff, convDim, St, 0, P, Q, N, P, false, sl.pack);
            }
        });
        report("intra M·X 64x64x64 causal", seconds, (double) H * Q * Q * P, () -> {
            for (int h = 0; h < H; h++) {
                SsdKernels.mulAdd(y, h * P, dInner, M, 0, Q, xbc, h * P, convDim, Q, Q, P, true, sl.pack);
            }
        });
        report("state Xwᵀ·B 64x64x128", seconds, 2.0 * H * P * Q * N, () -> {
            for (int h = 0; h < H; h++) {
                SsdKernels.mulAdd(S, h * P * N, N, Xw, 0, Q, xbc, bOff, convDim, P, Q, N, false, sl.pack);
            }
            java.util.Arrays.fill(S, 0f);
        });
        // the same two products as chunkHeadFast now runs them: B and Cᵀ packed once per chunk
        // (included: one pack each per 24 heads), Yᵀ = S_0·Cᵀ from the state as it lies
        float[] packC = new float[SsdKernels.packedFloats(N, Q)], packB = new float[SsdKernels.packedFloats(Q, N)];
        float[] Yt = new float[P * Q];
        report("inter packed S0·Cᵀ 64x128x64", seconds, 2.0 * H * Q * N * P, () -> {
            SsdKernels.pack(packC, xbc, cOff, 1, convDim, N, Q);
            for (int h = 0; h < H; h++) SsdKernels.mulAddPacked(Yt, 0, Q, S, h * P * N, N, packC, P, N, Q, false);
        });
        report("state packed Xwᵀ·B 64x64x128", seconds, 2.0 * H * P * Q * N, () -> {
            SsdKernels.pack(packB, xbc, bOff, convDim, 1, Q, N);
            for (int h = 0; h < H; h++) SsdKernels.mulAddPacked(S, h * P * N, N, Xw, 0, Q, packB, P, Q, N, false);
            java.util.Arrays.fill(S, 0f);
        });
        if (VectorOps.vectorized() != SsdKernels.vectorized()) System.out.println("(kernels disagree on the Vector API)");
    }

    private static void report(String what, double seconds, double flops, Runnable call) {
        long warm = System.nanoTime() + (long) (seconds * 0.5e9);
        while (System.nanoTime() < warm) call.run();
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long end = System.nanoTime() + (long) (seconds * 0.1e9);
            long c0 = MX.getCurrentThreadCpuTime();
            int n = 0;
            while (System.nanoTime() < end || n == 0) { call.run(); n++; }
            best = Math.min(best, (MX.getCurrentThreadCpuTime() - c0) / 1e3 / n);
        }
        System.out.printf("%-28s %10.1f µs CPU per call (best of 5)  %6.1f GFLOP/s per core%n", what, best, flops / best / 1e3);
    }

    private static double gauss(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
