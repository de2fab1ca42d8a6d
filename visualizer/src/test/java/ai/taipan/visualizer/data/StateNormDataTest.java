package ai.taipan.visualizer.data;

import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.MambaEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class StateNormDataTest {
    static Trace trace() {
        Trace t = new Trace();
        for (int p = 0; p < 4; p++) {
            t.mamba(new MambaEvent(0, p, new float[]{p, 10 + p}));
            t.mamba(new MambaEvent(2, p, new float[]{100 + p, 200 + p}));
        }
        return t;
    }

    @Test
    void linesAndHeatmapReadTheTrace() {
        StateNormData d = StateNormData.from(trace());
        assertEquals(2, d.rowCount());
        assertEquals(4, d.tokenCount());
        assertEquals(2, d.headCount());
        assertEquals(1, d.rowOfLayer(2));
        StateLineDataset lines = new StateLineDataset(d);
        assertEquals(2, lines.getSeriesCount());
        lines.pick(1, new int[]{1});
        assertEquals(1, lines.getSeriesCount());
        assertEquals(203.0, lines.getYValue(0, 3));
        assertEquals(3.0, lines.getXValue(0, 3));
        assertThrows(IllegalArgumentException.class, () -> lines.pick(0, new int[]{2}));

        StateHeatmapDataset hm = new StateHeatmapDataset(d);
        assertEquals(8, hm.getItemCount(0));
        assertEquals(13.0, hm.getZValue(0, 7));   // token 3, head 1, row 0
        assertEquals(13.0, hm.maxNorm());
        hm.setRow(1);
        assertEquals(203.0, hm.maxNorm());
    }
}
