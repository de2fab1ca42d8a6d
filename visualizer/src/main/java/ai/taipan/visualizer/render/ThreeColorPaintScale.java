package ai.taipan.visualizer.render;

import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.util.PublicCloneable;

import java.awt.Color;
import java.awt.Paint;
import java.io.Serializable;
import java.util.Objects;

/**
 * A paint scale that interpolates low → mid → high colour in RGB over [lower, upper]; values
 * outside are clamped. The gate scale maps p = σ(s1 − s0) ∈ [0, 1]: blue for "skip", white at
 * the decision boundary p = ½, orange-red for "attend".
 */
public final class ThreeColorPaintScale implements PaintScale, PublicCloneable, Serializable {
    private static final long serialVersionUID = 1L;

    private final double lower, upper;
    private final Color low, mid, high;

    public ThreeColorPaintScale(double lower, double upper, Color low, Color mid, Color high) {
        if (!(upper > lower)) throw new IllegalArgumentException("upper must exceed lower: " + lower + " .. " + upper);
        this.lower = lower;
        this.upper = upper;
        this.low = Objects.requireNonNull(low);
        this.mid = Objects.requireNonNull(mid);
        this.high = Objects.requireNonNull(high);
    }

    /** Gate probability scale on [0, 1]. */
    public static ThreeColorPaintScale gate() {
        return new ThreeColorPaintScale(0, 1, new Color(49, 104, 176), Color.WHITE, new Color(214, 80, 32));
    }

    /** Sequential scale white → dark teal on [0, max] (state norms). */
    public static ThreeColorPaintScale sequential(double max) {
        return new ThreeColorPaintScale(0, max > 0 ? max : 1, Color.WHITE, new Color(102, 178, 170), new Color(8, 64, 80));
    }

    /** Diverging scale for signed differences on [−m, m]. */
    public static ThreeColorPaintScale diverging(double m) {
        double b = m > 0 ? m : 1;
        return new ThreeColorPaintScale(-b, b, new Color(33, 120, 60), Color.WHITE, new Color(180, 30, 60));
    }

    @Override public double getLowerBound() { return lower; }
    @Override public double getUpperBound() { return upper; }

    @Override
    public Paint getPaint(double value) { return colorOf(value); }

    /** The colour of a value (clamped into range; NaN gives the mid colour). */
    public Color colorOf(double value) {
        if (Double.isNaN(value)) return mid;
        double f = (Math.max(lower, Math.min(upper, value)) - lower) / (upper - lower);   // [0, 1]
        return f < 0.5 ? mix(low, mid, f * 2) : mix(mid, high, (f - 0.5) * 2);
    }

    private static Color mix(Color a, Color b, double f) {
        return new Color(
                (int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * f),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * f),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * f));
    }

    @Override
    public Object clone() throws CloneNotSupportedException { return super.clone(); }

    @Override
    public boolean equals(Object o) {
        if (o == this) return true;
        if (!(o instanceof ThreeColorPaintScale s)) return false;
        return Double.compare(lower, s.lower) == 0 && Double.compare(upper, s.upper) == 0
                && low.equals(s.low) && mid.equals(s.mid) && high.equals(s.high);
    }

    @Override
    public int hashCode() { return Objects.hash(lower, upper, low, mid, high); }
}
