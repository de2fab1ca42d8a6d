package ai.taipan.visualizer.fx;

/** AWT colour → JavaFX colour and CSS, for views that reuse the chart paint scales. */
public final class FxColors {
    private FxColors() {}

    public static javafx.scene.paint.Color fx(java.awt.Color c) {
        return javafx.scene.paint.Color.rgb(c.getRed(), c.getGreen(), c.getBlue(), c.getAlpha() / 255.0);
    }

    public static String css(java.awt.Color c) {
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    /** Black or white text, whichever reads better on the background. */
    public static String textOn(java.awt.Color bg) {
        double lum = 0.299 * bg.getRed() + 0.587 * bg.getGreen() + 0.114 * bg.getBlue();
        return lum > 140 ? "#111111" : "#ffffff";
    }
}
