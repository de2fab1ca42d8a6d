package ai.taipan.visualizer.chart;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;

/** Axis labels for context lengths: 256, 1K, 64K, 1M (binary prefixes, as the sweeps step by 2×). */
public final class TokenCountFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
        return format(Math.round(v), to, pos);
    }

    @Override
    public StringBuffer format(long n, StringBuffer to, FieldPosition pos) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) return to.append(n >> 20).append('M');
        if (n >= 1024 && n % 1024 == 0) return to.append(n >> 10).append('K');
        return to.append(n);
    }

    @Override
    public Number parse(String source, ParsePosition pos) { return null; }
}
