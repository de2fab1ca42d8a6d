package ai.taipan.visualizer.chart;

import ai.taipan.engine.format.AtomicFiles;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import java.awt.geom.Rectangle2D;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a chart to PNG (JFreeChart's own Java2D rendering into an image) or SVG (the same
 * drawing into JFreeSVG's SVGGraphics2D), atomically. Works headless: no window is needed.
 */
public final class ChartExport {
    private ChartExport() {}

    public static void png(JFreeChart chart, Path file, int width, int height) {
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    public static void svg(JFreeChart chart, Path file, int width, int height) {
        String svg = svgText(chart, width, height);
        AtomicFiles.write(file, out -> out.write(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** A standalone SVG document of the chart. */
    public static String svgText(JFreeChart chart, int width, int height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        return g2.getSVGDocument();   // JFreeSVG writes the XML declaration itself
    }
}
