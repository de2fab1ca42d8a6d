package ai.taipan.visualizer.data;

import org.jfree.data.DomainOrder;
import org.jfree.data.general.DatasetChangeEvent;
import org.jfree.data.xy.AbstractXYDataset;

/**
 * One mamba2 layer's state norms as line series, one series per picked head:
 * x = token position, y = ‖S_h‖_F.
 */
public final class StateLineDataset extends AbstractXYDataset {
    private StateNormData data;
    private int row;
    private int[] heads;

    public StateLineDataset(StateNormData data) {
        this.data = data;
        this.heads = allHeads(data);
    }

    private static int[] allHeads(StateNormData d) {
        int[] h = new int[d.headCount()];
        for (int i = 0; i < h.length; i++) h[i] = i;
        return h;
    }

    public StateNormData data() { return data; }
    public int row() { return row; }
    public int[] heads() { return heads.clone(); }

    /** New data: picks row 0 and every head; one change event. */
    public void setData(StateNormData d) {
        this.data = d;
        this.row = 0;
        this.heads = allHeads(d);
        notifyListeners(new DatasetChangeEvent(this, this));
    }

    /** Picks a row (mamba2 layer) and a set of heads; one change event. */
    public void pick(int row, int[] heads) {
        if (data.rowCount() > 0 && (row < 0 || row >= data.rowCount())) throw new IllegalArgumentException("row " + row);
        for (int h : heads) if (h < 0 || h >= data.headCount()) throw new IllegalArgumentException("head " + h);
        this.row = row;
        this.heads = heads.clone();
        notifyListeners(new DatasetChangeEvent(this, this));
    }

    @Override public int getSeriesCount() { return data.rowCount() == 0 ? 0 : heads.length; }
    @Override public Comparable<String> getSeriesKey(int series) { return "head " + heads[series]; }
    @Override public DomainOrder getDomainOrder() { return DomainOrder.ASCENDING; }
    @Override public int getItemCount(int series) { return data.tokenCount(); }
    @Override public Number getX(int series, int item) { return data.position(item); }
    @Override public Number getY(int series, int item) { return data.norm(row, item, heads[series]); }
}
