package ai.taipan.visualizer.data;

import org.jfree.data.DomainOrder;
import org.jfree.data.general.AbstractDataset;
import org.jfree.data.xy.XYZDataset;

/** One mamba2 layer's state norms as a heads × tokens grid: x = token column, y = head, z = norm. */
public final class StateHeatmapDataset extends AbstractDataset implements XYZDataset {
    private StateNormData data;
    private int row;

    public StateHeatmapDataset(StateNormData data) { this.data = data; }

    public void setData(StateNormData d) {
        this.data = d;
        this.row = 0;
        fireDatasetChanged();
    }

    public void setRow(int row) {
        this.row = row;
        fireDatasetChanged();
    }

    public int row() { return row; }

    /** Largest norm in the picked row (for the colour scale). */
    public double maxNorm() {
        double m = 0;
        if (data.rowCount() == 0) return 0;
        for (int t = 0; t < data.tokenCount(); t++)
            for (int h = 0; h < data.headCount(); h++) m = Math.max(m, data.norm(row, t, h));
        return m;
    }

    @Override public int getSeriesCount() { return 1; }
    @Override public Comparable<String> getSeriesKey(int series) { return "state norm"; }
    @SuppressWarnings("rawtypes")
    @Override public int indexOf(Comparable seriesKey) { return "state norm".equals(seriesKey) ? 0 : -1; }
    @Override public DomainOrder getDomainOrder() { return DomainOrder.NONE; }
    @Override public int getItemCount(int series) { return data.rowCount() == 0 ? 0 : data.tokenCount() * data.headCount(); }
    private int token(int item) { return item / Math.max(1, data.headCount()); }
    private int head(int item) { return item % Math.max(1, data.headCount()); }
    @Override public Number getX(int series, int item) { return getXValue(series, item); }
    @Override public double getXValue(int series, int item) { return token(item); }
    @Override public Number getY(int series, int item) { return getYValue(series, item); }
    @Override public double getYValue(int series, int item) { return head(item); }
    @Override public Number getZ(int series, int item) { return getZValue(series, item); }
    @Override public double getZValue(int series, int item) { return data.norm(row, token(item), head(item)); }
}
