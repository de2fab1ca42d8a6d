package ai.taipan.visualizer.data;

import org.jfree.data.DomainOrder;
import org.jfree.data.general.AbstractDataset;

/**
 * {@link RoutingData} as one JFreeChart series for a layers × tokens heatmap: item
 * {@code i = row·T + token}, x = token column, y = SAL row, z = gate probability σ(s1 − s0).
 */
public final class RoutingDataset extends AbstractDataset implements SelectionXYZDataset {
    private RoutingData data;

    public RoutingDataset(RoutingData data) { this.data = data; }

    public RoutingData data() { return data; }

    /** Replaces the data and notifies listeners once. */
    public void setData(RoutingData data) {
        this.data = data;
        fireDatasetChanged();
    }

    @Override public int getSeriesCount() { return 1; }
    @Override public Comparable<String> getSeriesKey(int series) { return "gate"; }
    @SuppressWarnings({"rawtypes", "unchecked"})
    @Override public int indexOf(Comparable seriesKey) { return "gate".equals(seriesKey) ? 0 : -1; }
    @Override public DomainOrder getDomainOrder() { return DomainOrder.NONE; }
    @Override public int getItemCount(int series) { return data.rowCount() * data.tokenCount(); }

    public int row(int item) { return item / Math.max(1, data.tokenCount()); }
    public int token(int item) { return item % Math.max(1, data.tokenCount()); }

    @Override public Number getX(int series, int item) { return getXValue(series, item); }
    @Override public double getXValue(int series, int item) { return token(item); }
    @Override public Number getY(int series, int item) { return getYValue(series, item); }
    @Override public double getYValue(int series, int item) { return row(item); }
    @Override public Number getZ(int series, int item) { return getZValue(series, item); }
    @Override public double getZValue(int series, int item) { return data.gateProbability(row(item), token(item)); }

    @Override public boolean isSelected(int series, int item) { return data.selected(row(item), token(item)); }
}
