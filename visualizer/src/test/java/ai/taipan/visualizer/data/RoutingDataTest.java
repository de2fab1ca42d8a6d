package ai.taipan.visualizer.data;

import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.SalEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

public class RoutingDataTest {
    /** Two SAL layers (6 and 13), three tokens at positions 5..7, hand-chosen scores. */
    public static Trace trace() {
        Trace t = new Trace();
        t.addIds(1, 2, 3);
        float[][] s = {{0f, 1f}, {2f, -1f}, {0.5f, 0.5f}};
        for (int i = 0; i < 3; i++) {
            boolean sel = s[i][1] > s[i][0];
            int[] keys = sel ? (i == 0 ? new int[]{5} : new int[]{5, 5 + i}) : new int[0];
            float[][] w = sel ? (i == 0 ? new float[][]{{1f}, {1f}} : new float[][]{{0.25f, 0.75f}, {0.75f, 0.25f}}) : new float[0][];
            t.sal(new SalEvent(6, 5 + i, s[i][0], s[i][1], sel, (float) (1 / (1 + Math.exp(-(s[i][1] - s[i][0])))), keys, w));
            t.sal(new SalEvent(13, 5 + i, 1f, 0f, false, 0.2689f, new int[0], new float[0][]));
        }
        return t;
    }

    @Test
    void rowsColumnsAndProbabilities() {
        RoutingData d = RoutingData.from(trace());
        assertEquals(2, d.rowCount());
        assertEquals(3, d.tokenCount());
        assertEquals(6, d.layer(0));
        assertEquals(13, d.layer(1));
        assertEquals(5, d.position(0));
        assertEquals(2, d.tokenAt(7));
        assertEquals(-1, d.tokenAt(8));
        // σ(1) = 0.7310585786, σ(−3) = 0.0474258732, σ(0) = 0.5 (tie: not selected)
        assertEquals(0.7310585786, d.gateProbability(0, 0), 1e-9);
        assertEquals(0.0474258732, d.gateProbability(0, 1), 1e-9);
        assertEquals(0.5, d.gateProbability(0, 2), 1e-12);
        assertTrue(d.selected(0, 0));
        assertFalse(d.selected(0, 2));
        assertEquals(1.0 / 3, d.selectedFraction(0), 1e-12);
        assertEquals(0.0, d.selectedFraction(1), 1e-12);
        assertEquals((0.7310585786 + 0.2689414214) / 2, d.meanGateProbability(0), 1e-9);
        assertEquals(1, d.selectedCount(0));
    }

    @Test
    void meanAttentionAveragesHeads() {
        Trace t = new Trace();
        t.sal(new SalEvent(6, 0, 0f, 1f, true, 0.73f, new int[]{0}, new float[][]{{1f}}));
        t.sal(new SalEvent(6, 1, 0f, 1f, true, 0.73f, new int[]{0, 1}, new float[][]{{0.2f, 0.8f}, {0.6f, 0.4f}}));
        RoutingData d = RoutingData.from(t);
        assertArrayEquals(new double[]{0.4, 0.6}, d.meanAttention(0, 1), 1e-7);
        assertArrayEquals(new double[]{1.0}, d.meanAttention(0, 0), 1e-7);
    }

    @Test
    void datasetMapsItemsToCells() {
        RoutingDataset ds = new RoutingDataset(RoutingData.from(trace()));
        assertEquals(6, ds.getItemCount(0));
        // item 4 = row 1, token 1
        assertEquals(1.0, ds.getXValue(0, 4));
        assertEquals(1.0, ds.getYValue(0, 4));
        assertEquals(0.2689414214, ds.getZValue(0, 4), 1e-9);
        assertTrue(ds.isSelected(0, 0));
        assertFalse(ds.isSelected(0, 3));
        int[] fired = {0};
        ds.addChangeListener(e -> fired[0]++);
        ds.setData(RoutingData.empty());
        assertEquals(1, fired[0]);
        assertEquals(0, ds.getItemCount(0));
    }
}
