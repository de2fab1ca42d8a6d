package ai.taipan.engine.layers;

import ai.taipan.engine.kernel.VectorOps;

/**
 * The key/value cache of one attention-kind layer (SPEC §3): a ring of (position, k, v), oldest
 * first, holding at most {@code maxEntries}. The SAL keeps only selected tokens inside the window,
 * sliding_attention the last window tokens, attention everything (maxEntries unlimited; the ring
 * then only grows — that is the Transformer's cache).
 *
 * <p>Rings of at most 65,536 entries are allocated in full up front, so a session's memory is
 * fixed from its first token (and stateBytes() constant); longer ones grow by doubling.
 *
 * <p>Keys are stored in blocks of 16 slots, each block element-major ({@link #keyIndex}):
 * the keys of 16 consecutive slots for one element are one vector, so a query's scores over a run
 * of slots take one vector fused multiply-add per element and block (VectorOps.dotBlocked) instead
 * of a dot product per key. Values are head-major ({@link #valueIndex}): one head's values of
 * consecutive slots are consecutive rows of d_h, so the weighted sum Σ a_j v_j streams through memory.
 * The key array is rounded up to whole blocks (at most 15 slots of keys more than the ring holds).
 */
public final class KvRing implements LayerState {
    static final int PREALLOCATE_LIMIT = 1 << 16;
    private static final int BLOCK = VectorOps.KEY_BLOCK;

    private final int maxEntries, hd, dim;
    private int[] pos;      // (cap,) absolute positions
    private float[] k, v;   // keys blocked ({@link #keyIndex}; after RoPE where it applies), values head-major
    private int head, size; // index of the oldest entry; number of entries

    /** A ring of at most maxEntries (pos, k, v), k and v of {@code heads} heads of {@code hd}. */
    public KvRing(int maxEntries, int heads, int hd) {
        this.maxEntries = maxEntries;
        this.hd = hd;
        this.dim = heads * hd;
        int cap = maxEntries <= PREALLOCATE_LIMIT ? maxEntries : 256;
        pos = new int[cap];
        k = new float[keyFloats(cap, dim)];
        v = new float[cap * dim];
    }

    /** Index in {@link #keys()} of element i of the key in slot s (VectorOps' blocked key layout). */
    public static int keyIndex(int slot, int i, int dim) {
        return VectorOps.blockedKeyIndex(slot, i, dim);
    }

    /** Index in {@link #values()} of element i (head i / d_h) of the value in slot s. */
    public int valueIndex(int slot, int i) {
        return valueIndex(slot, i, hd, pos.length);
    }

    private static int valueIndex(int slot, int i, int hd, int cap) {
        return ((i / hd) * cap + slot) * hd + i % hd;
    }

    private static int keyFloats(int cap, int dim) {
        return (cap + BLOCK - 1) / BLOCK * BLOCK * dim;
    }

    /** Slots the arrays hold (entries wrap around at this index). */
    public int capacity() { return pos.length; }

    public int size() { return size; }

    /** Physical slot of entry i (0 = oldest). */
    public int slot(int i) {
        int s = head + i;
        return s >= pos.length ? s - pos.length : s;
    }

    public int position(int i) { return pos[slot(i)]; }

    /** The keys, blocked: element i of slot s at {@link #keyIndex}(s, i, dim). */
    public float[] keys() { return k; }

    /** The values, head-major: element i of slot s at {@link #valueIndex}(s, i). */
    public float[] values() { return v; }

    /** Positions held, oldest first (for tests and the workbench). */
    public int[] positions() {
        int[] r = new int[size];
        for (int i = 0; i < size; i++) r[i] = position(i);
        return r;
    }

    /** Drops the oldest entries while their position is below {@code minPos}. */
    public void evictBefore(int minPos) {
        while (size > 0 && pos[head] < minPos) {
            head = head + 1 == pos.length ? 0 : head + 1;
            size--;
        }
    }

    /** Appends (p, k, v); when full, the oldest entry makes room. */
    public void push(int p, float[] kSrc, int kOff, float[] vSrc, int vOff) {
        if (size == maxEntries) {
            head = head + 1 == pos.length ? 0 : head + 1;
            size--;
        }
        if (size == pos.length) grow();
        int s = slot(size);
        pos[s] = p;
        int kb = keyIndex(s, 0, dim);
        for (int i = 0; i < dim; i++) k[kb + i * BLOCK] = kSrc[kOff + i];
        for (int h = 0; h < dim; h += hd) System.arraycopy(vSrc, vOff + h, v, valueIndex(s, h), hd);
        size++;
    }

    private void grow() {
        int cap = (int) Math.min((long) maxEntries, 2L * pos.length);
        int[] np = new int[cap];
        float[] nk = new float[keyFloats(cap, dim)], nv = new float[cap * dim];
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            np[i] = pos[s];
            for (int e = 0; e < dim; e++) nk[keyIndex(i, e, dim)] = k[keyIndex(s, e, dim)];
            for (int h = 0; h < dim; h += hd) System.arraycopy(v, valueIndex(s, h, hd, pos.length), nv, valueIndex(i, h, hd, cap), hd);
        }
        pos = np;
        k = nk;
        v = nv;
        head = 0;
    }

    /**
     * A bounded ring (preallocated) reports its full allocation, which never changes; a growing
     * one (full attention) reports the entries it holds — its arrays may be up to twice that
     * while they grow by doubling.
     */
    @Override
    public long bytes() {
        long entries = pos.length == maxEntries ? maxEntries : size;
        return entries * (4L + 8L * dim);
    }

    @Override
    public void reset() {
        head = 0;
        size = 0;
    }
}
