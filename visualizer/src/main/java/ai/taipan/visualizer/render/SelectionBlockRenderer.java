package ai.taipan.visualizer.render;

import ai.taipan.visualizer.data.SelectionXYZDataset;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.util.SerialUtils;
import org.jfree.data.xy.XYDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Objects;

/**
 * Draws one heatmap cell like {@link XYBlockRenderer} (fill from the paint scale) and, where the
 * dataset says the item is selected ({@link SelectionXYZDataset#isSelected}), a dot in its centre
 * and an outline — so "routed to attention" (m_t = 1) stays visible whatever the gate colour.
 */
public class SelectionBlockRenderer extends XYBlockRenderer {
    private static final long serialVersionUID = 1L;

    private transient Paint selectionPaint = Color.BLACK;
    private transient Stroke selectionStroke = new BasicStroke(1.2f);
    /** Dot diameter as a fraction of the smaller cell side. */
    private double markerScale = 0.35;

    public Paint getSelectionPaint() { return selectionPaint; }

    public void setSelectionPaint(Paint p) {
        this.selectionPaint = Objects.requireNonNull(p);
        fireChangeEvent();
    }

    public Stroke getSelectionStroke() { return selectionStroke; }

    public void setSelectionStroke(Stroke s) {
        this.selectionStroke = Objects.requireNonNull(s);
        fireChangeEvent();
    }

    public double getMarkerScale() { return markerScale; }

    public void setMarkerScale(double f) {
        if (!(f > 0 && f <= 1)) throw new IllegalArgumentException("marker scale in (0, 1], got " + f);
        this.markerScale = f;
        fireChangeEvent();
    }

    @Override
    public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea, PlotRenderingInfo info,
                         XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis, XYDataset dataset, int series,
                         int item, CrosshairState crosshairState, int pass) {
        super.drawItem(g2, state, dataArea, info, plot, domainAxis, rangeAxis, dataset, series, item, crosshairState, pass);
        if (!(dataset instanceof SelectionXYZDataset sel) || !sel.isSelected(series, item)) return;
        double x = dataset.getXValue(series, item), y = dataset.getYValue(series, item);
        RectangleEdge xe = plot.getDomainAxisEdge(), ye = plot.getRangeAxisEdge();
        double x0 = domainAxis.valueToJava2D(x - getBlockWidth() / 2, dataArea, xe);
        double x1 = domainAxis.valueToJava2D(x + getBlockWidth() / 2, dataArea, xe);
        double y0 = rangeAxis.valueToJava2D(y - getBlockHeight() / 2, dataArea, ye);
        double y1 = rangeAxis.valueToJava2D(y + getBlockHeight() / 2, dataArea, ye);
        Rectangle2D cell = new Rectangle2D.Double(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
        double d = Math.max(2, Math.min(cell.getWidth(), cell.getHeight()) * markerScale);
        g2.setPaint(selectionPaint);
        g2.fill(new Ellipse2D.Double(cell.getCenterX() - d / 2, cell.getCenterY() - d / 2, d, d));
        if (cell.getWidth() >= 8 && cell.getHeight() >= 8) {      // outlines of narrow cells would merge into bars
            g2.setStroke(selectionStroke);
            g2.draw(cell);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) return true;
        if (!(o instanceof SelectionBlockRenderer r)) return false;
        return Double.compare(markerScale, r.markerScale) == 0
                && Objects.equals(selectionPaint, r.selectionPaint)
                && Objects.equals(selectionStroke, r.selectionStroke)
                && super.equals(o);
    }

    @Override
    public int hashCode() { return Objects.hash(super.hashCode(), markerScale, selectionPaint, selectionStroke); }

    @Override
    public Object clone() throws CloneNotSupportedException { return super.clone(); }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        SerialUtils.writePaint(selectionPaint, out);
        SerialUtils.writeStroke(selectionStroke, out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        selectionPaint = SerialUtils.readPaint(in);
        selectionStroke = SerialUtils.readStroke(in);
    }
}
