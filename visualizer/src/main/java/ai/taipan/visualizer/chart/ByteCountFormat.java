package ai.taipan.visualizer.chart;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

/**
 * Axis labels for byte counts in binary units: 1536 → "1.5 KiB", 1.13e9 → "1.052 GiB". A
 * resident-memory axis spans a few MiB around a GiB; in scientific notation with one or two
 * decimals every tick read "1.13E9", here ticks about 1 MiB apart stay distinct.
 */
public final class ByteCountFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    @Override
    public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
        double x = v;
        int u = 0;
        while (Math.abs(x) >= 1024 && u < UNITS.length - 1) { x /= 1024; u++; }
        // GiB and up get three decimals (≈1 MiB), so ticks of a resident-memory axis differ
        String pattern = u == 0 ? "%.0f %s" : u <= 2 ? "%.1f %s" : "%.3f %s";
        return to.append(String.format(Locale.ROOT, pattern, x, UNITS[u]));
    }

    @Override
    public StringBuffer format(long n, StringBuffer to, FieldPosition pos) { return format((double) n, to, pos); }

    @Override
    public Number parse(String source, ParsePosition pos) { return null; }
}
