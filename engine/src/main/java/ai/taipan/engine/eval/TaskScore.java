package ai.taipan.engine.eval;

/**
 * One synthetic task at one context length: exact-match accuracy of the answer spans, per-token
 * accuracy, and both split by how far back the evidence lay.
 *
 * @param task            task name
 * @param context         context length in tokens (= bytes)
 * @param samples         sequences evaluated
 * @param answers         answer spans graded (MQAR has many per sequence)
 * @param exact           spans whose every token was the model's argmax
 * @param answerTokens    tokens in graded spans
 * @param tokensCorrect   of those, argmax-correct
 * @param chance          exact-match rate of a uniform guess over the answer alphabet
 * @param bucketAnswers   graded spans per distance bucket ({@link #BUCKETS})
 * @param bucketExact     exact spans per distance bucket
 * @param tokensFed       tokens run through the model
 * @param seconds         wall time
 */
public record TaskScore(String task, int context, int samples, long answers, long exact, long answerTokens,
                        long tokensCorrect, double chance, long[] bucketAnswers, long[] bucketExact,
                        long tokensFed, double seconds) {
    /**
     * Upper edges of the distance buckets: [0,16), [16,64), [64,128), [128,256), [256,512), [512,1K),
     * [1K,4K), [4K,16K), [16K,64K), [64K,∞). Fine below 1K, where the sample models' SAL windows (128,
     * 512) and a small Mamba-2 state's reach lie, so a table shows where each model stops recalling.
     * (Before 2026-11-29 the first two buckets were [0,256) and [256,1K): the round-3 models' eval files.)
     */
    public static final int[] BUCKETS = {16, 64, 128, 256, 512, 1024, 4096, 16384, 65536};

    public static final String[] BUCKET_LABELS = {"<16", "16-64", "64-128", "128-256", "256-512", "512-1K",
            "1K-4K", "4K-16K", "16K-64K", ">=64K"};

    public static int bucket(int distance) {
        for (int b = 0; b < BUCKETS.length; b++) if (distance < BUCKETS[b]) return b;
        return BUCKETS.length;
    }

    /** Exact-match accuracy, NaN when nothing was graded. */
    public double accuracy() { return answers == 0 ? Double.NaN : (double) exact / answers; }

    public double tokenAccuracy() { return answerTokens == 0 ? Double.NaN : (double) tokensCorrect / answerTokens; }

    public double bucketAccuracy(int b) { return bucketAnswers[b] == 0 ? Double.NaN : (double) bucketExact[b] / bucketAnswers[b]; }
}
