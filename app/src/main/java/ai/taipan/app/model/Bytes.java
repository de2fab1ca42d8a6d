package ai.taipan.app.model;

/** Byte counts for people: 1536 → "1.5 KiB". */
public final class Bytes {
    private Bytes() {}

    public static String human(long b) {
        if (b < 1024) return b + " B";
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, u[i]);
    }

    /** 1024 → "1K", 1048576 → "1M", else the number. */
    public static String tokens(long n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) return (n >> 20) + "M";
        if (n >= 1024 && n % 1024 == 0) return (n >> 10) + "K";
        return Long.toString(n);
    }
}
