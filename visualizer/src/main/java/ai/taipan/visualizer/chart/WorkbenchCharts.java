package ai.taipan.visualizer.chart;

import ai.taipan.visualizer.data.LossData;
import ai.taipan.visualizer.data.RoutingData;
import ai.taipan.visualizer.data.RoutingDataset;
import ai.taipan.visualizer.data.StateHeatmapDataset;
import ai.taipan.visualizer.data.StateLineDataset;
import ai.taipan.visualizer.render.SelectionBlockRenderer;
import ai.taipan.visualizer.render.ThreeColorPaintScale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;

/**
 * Assembles the workbench's charts from datasets, axes and renderers. A factory only: it holds no
 * state and computes nothing from the data beyond axis labels (STYLE.md, JFreeChart ChartFactory).
 */
public final class WorkbenchCharts {
    private WorkbenchCharts() {}

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    static final Color GRID = new Color(220, 220, 220);

    /** Layers × tokens heatmap of σ(s1 − s0), selected cells marked, with a colour legend. */
    public static JFreeChart routingHeatmap(RoutingDataset dataset) {
        NumberAxis x = new NumberAxis("token");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setLowerMargin(0);
        x.setUpperMargin(0);
        SymbolAxis y = new SymbolAxis("SAL layer", rowLabels(dataset.data()));
        SelectionBlockRenderer r = new SelectionBlockRenderer();
        ThreeColorPaintScale scale = ThreeColorPaintScale.gate();
        r.setPaintScale(scale);
        r.setDefaultToolTipGenerator((ds, s, i) -> {
            RoutingDataset rd = (RoutingDataset) ds;
            int row = rd.row(i), tok = rd.token(i);
            var e = rd.data().event(row, tok);
            return String.format("layer %d, token %d: s0=%.3f s1=%.3f p=%.3f %s", rd.data().layer(row),
                    e.position(), e.score0(), e.score1(), rd.data().gateProbability(row, tok),
                    e.selected() ? "selected" : "skipped");
        });
        return heatmap("Gate probability σ(s1 − s0) — dots: routed to attention",
                new XYPlot(dataset, x, y, r), scale, "p(attend)");
    }

    /** Keeps the row axis labels in step with the dataset after {@link RoutingDataset#setData}. */
    public static void refreshRoutingAxis(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        RoutingDataset ds = (RoutingDataset) plot.getDataset();
        SymbolAxis y = new SymbolAxis("SAL layer", rowLabels(ds.data()));
        plot.setRangeAxis(y);
    }

    private static String[] rowLabels(RoutingData d) {
        String[] labels = new String[d.rowCount()];
        for (int i = 0; i < labels.length; i++) labels[i] = "L" + d.layer(i);
        return labels;
    }

    /** Per SAL layer: the fraction of tokens selected, with the capacity C as a dashed line. */
    public static JFreeChart capacityChart(DefaultCategoryDataset fractions, double capacity) {
        NumberAxis y = new NumberAxis("selected fraction");
        y.setRange(0, 1);
        var x = new org.jfree.chart.axis.CategoryAxis("SAL layer");
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, new Color(214, 80, 32));
        CategoryPlot plot = new CategoryPlot(fractions, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        ValueMarker m = new ValueMarker(capacity, Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
        m.setLabel("capacity C = " + capacity);
        m.setLabelOffset(new RectangleInsets(2, 4, 2, 4));
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(m);
        JFreeChart chart = new JFreeChart("Selected fraction vs C", TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** State norm lines of one layer, one series per picked head. */
    public static JFreeChart stateLines(StateLineDataset dataset) {
        NumberAxis x = new NumberAxis("position");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new NumberAxis("‖S_h‖ (Frobenius)");
        y.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        palette(r);
        XYPlot plot = new XYPlot(dataset, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        JFreeChart chart = new JFreeChart("SSM state norm per head", TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Heads × tokens heatmap of state norms for one layer. */
    public static JFreeChart stateHeatmap(StateHeatmapDataset dataset) {
        NumberAxis x = new NumberAxis("token");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setLowerMargin(0);
        x.setUpperMargin(0);
        NumberAxis y = new NumberAxis("head");
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        y.setLowerMargin(0);
        y.setUpperMargin(0);
        y.setAutoRangeIncludesZero(false);
        XYBlockRenderer r = new XYBlockRenderer();
        ThreeColorPaintScale scale = ThreeColorPaintScale.sequential(dataset.maxNorm());
        r.setPaintScale(scale);
        return heatmap("SSM state norm (heads × tokens)", new XYPlot(dataset, x, y, r), scale, "‖S‖");
    }

    /** Re-scales the colour legend of a state heatmap after the data or row changed. */
    public static void rescaleStateHeatmap(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        StateHeatmapDataset ds = (StateHeatmapDataset) plot.getDataset();
        ThreeColorPaintScale scale = ThreeColorPaintScale.sequential(ds.maxNorm());
        ((XYBlockRenderer) plot.getRenderer()).setPaintScale(scale);
        chart.clearSubtitles();
        chart.addSubtitle(legend(scale, "‖S‖"));
    }

    /**
     * A log-log scaling chart (context length → a cost), one series per model. Points with
     * non-positive y are simply not drawn on a log axis, so a series holds only measured points.
     */
    public static JFreeChart scalingChart(String title, String yLabel, XYSeriesCollection dataset) {
        LogAxis x = contextAxis();
        LogAxis y = new SpanLogAxis(yLabel);
        y.setBase(10);
        y.setSmallestValue(1e-9);
        // byte axes in KiB/MiB with a decimal: resident memory spans a few MiB around a GiB, where
        // "0.#E0" printed every tick alike
        y.setNumberFormatOverride("bytes".equals(yLabel) ? new ByteCountFormat() : new java.text.DecimalFormat("0.#E0"));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        palette(r);
        XYPlot plot = new XYPlot(dataset, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Per-token loss of both models (top) and the difference B − A as bars (bottom). */
    public static JFreeChart lossStrips(LossData d) {
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeries a = new XYSeries(d.nameA() + " (A)"), b = new XYSeries(d.nameB() + " (B)");
        XYSeriesCollection diffs = new XYSeriesCollection();
        XYSeries diff = new XYSeries("B − A");
        for (int t = 0; t < d.length(); t++) {
            a.add(t + 1, d.lossA(t), false);
            b.add(t + 1, d.lossB(t), false);
            diff.add(t + 1, d.difference(t), false);
        }
        losses.addSeries(a);
        losses.addSeries(b);
        diffs.addSeries(diff);
        NumberAxis x = new NumberAxis("predicted token position");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, true);
        lr.setSeriesPaint(0, new Color(49, 104, 176));
        lr.setSeriesPaint(1, new Color(214, 80, 32));
        XYPlot top = new XYPlot(losses, null, new NumberAxis("loss (nats)"), lr);
        top.setBackgroundPaint(Color.WHITE);
        top.setRangeGridlinePaint(GRID);
        XYBarRenderer br = new XYBarRenderer() {
            @Override
            public java.awt.Paint getItemPaint(int series, int item) {
                double v = diffs.getYValue(series, item);
                return v > 0 ? new Color(180, 30, 60) : new Color(33, 120, 60);
            }
        };
        br.setBarPainter(new StandardXYBarPainter());
        br.setShadowVisible(false);
        XYPlot bottom = new XYPlot(diffs, null, new NumberAxis("B − A"), br);
        bottom.setBackgroundPaint(Color.WHITE);
        bottom.setRangeGridlinePaint(GRID);
        plot.add(top, 2);
        plot.add(bottom, 1);
        JFreeChart chart = new JFreeChart(String.format("Per-token loss: mean A %.3f, B %.3f", d.meanA(), d.meanB()),
                TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Accuracy vs context length (log x, linear y in [0, 1]), one series per model. */
    public static JFreeChart accuracyChart(XYSeriesCollection dataset) {
        LogAxis x = contextAxis();
        NumberAxis y = new NumberAxis("retrieval accuracy");
        y.setRange(-0.03, 1.05);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        palette(r);
        XYPlot plot = new XYPlot(dataset, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        JFreeChart chart = new JFreeChart("Retrieval accuracy vs context", TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Context length on a base-2 log axis, one tick per doubling, labelled 1K, 2K, … 1M. */
    static LogAxis contextAxis() {
        LogAxis x = new SpanLogAxis("context length (tokens)");
        x.setBase(2);
        x.setSmallestValue(1);
        x.setAutoTickUnitSelection(false);
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        x.setNumberFormatOverride(new TokenCountFormat());
        x.setLowerMargin(0.04);
        x.setUpperMargin(0.04);
        return x;
    }

    /** Distinct line colours (ColorBrewer Dark2), readable on white. */
    static final Color[] PALETTE = {new Color(27, 158, 119), new Color(217, 95, 2), new Color(117, 112, 179),
            new Color(231, 41, 138), new Color(102, 166, 30), new Color(166, 118, 29), new Color(102, 102, 102),
            new Color(230, 171, 2)};

    static void palette(org.jfree.chart.renderer.xy.AbstractXYItemRenderer r) {
        for (int i = 0; i < 64; i++) r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }

    /** The common dress of the two heatmaps: grey background, no grid lines, colour legend on the right. */
    private static JFreeChart heatmap(String title, XYPlot plot, ThreeColorPaintScale scale, String legendLabel) {
        plot.setBackgroundPaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        chart.addSubtitle(legend(scale, legendLabel));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static PaintScaleLegend legend(ThreeColorPaintScale scale, String label) {
        NumberAxis a = new NumberAxis(label);
        a.setRange(scale.getLowerBound(), scale.getUpperBound());
        PaintScaleLegend l = new PaintScaleLegend(scale, a);
        l.setPosition(RectangleEdge.RIGHT);
        l.setMargin(new RectangleInsets(5, 5, 5, 5));
        l.setStripWidth(12);
        return l;
    }
}
