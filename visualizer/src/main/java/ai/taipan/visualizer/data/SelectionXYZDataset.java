package ai.taipan.visualizer.data;

import org.jfree.data.xy.XYZDataset;

/** An XYZ dataset whose items can be marked "selected" (a SAL routed the token to attention). */
public interface SelectionXYZDataset extends XYZDataset {
    boolean isSelected(int series, int item);
}
