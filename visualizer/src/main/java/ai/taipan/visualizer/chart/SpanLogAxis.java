package ai.taipan.visualizer.chart;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.ValueAxisPlot;
import org.jfree.data.Range;

/**
 * A log axis that survives data of a single value: LogAxis widens a zero-length range by its
 * absolute minimum size, which vanishes in rounding at 10^8 (a constant state size across N), and
 * then fails with "A positive range length is required". Here a one-value range becomes one decade
 * around it, in ratio rather than in absolute terms.
 */
public class SpanLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;

    public SpanLogAxis(String label) { super(label); }

    @Override
    protected void autoAdjustRange() {
        if (getPlot() instanceof ValueAxisPlot vap) {
            Range r = vap.getDataRange(this);
            if (r != null && r.getLowerBound() > 0 && r.getUpperBound() <= r.getLowerBound() * (1 + 1e-9)) {
                double v = r.getLowerBound();
                setRange(new Range(v / Math.sqrt(10), v * Math.sqrt(10)), false, false);
                return;
            }
        }
        super.autoAdjustRange();
    }
}
