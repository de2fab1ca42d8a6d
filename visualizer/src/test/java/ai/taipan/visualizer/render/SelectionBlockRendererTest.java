package ai.taipan.visualizer.render;

import ai.taipan.visualizer.data.RoutingData;
import ai.taipan.visualizer.data.RoutingDataTest;
import ai.taipan.visualizer.data.RoutingDataset;
import org.jfree.data.Range;
import org.junit.jupiter.api.Test;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** equals / clone / serialization / bounds, as JFreeChart tests its renderers. */
class SelectionBlockRendererTest {
    @Test
    void equalsDistinguishesEveryField() {
        SelectionBlockRenderer a = new SelectionBlockRenderer(), b = new SelectionBlockRenderer();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        a.setSelectionPaint(Color.RED);
        assertNotEquals(a, b);
        b.setSelectionPaint(Color.RED);
        assertEquals(a, b);
        a.setSelectionStroke(new BasicStroke(3f));
        assertNotEquals(a, b);
        b.setSelectionStroke(new BasicStroke(3f));
        assertEquals(a, b);
        a.setMarkerScale(0.5);
        assertNotEquals(a, b);
        b.setMarkerScale(0.5);
        assertEquals(a, b);
        a.setBlockWidth(2);                   // a superclass field counts too
        assertNotEquals(a, b);
    }

    @Test
    void cloneIsIndependent() throws Exception {
        SelectionBlockRenderer a = new SelectionBlockRenderer();
        a.setPaintScale(ThreeColorPaintScale.gate());
        SelectionBlockRenderer c = (SelectionBlockRenderer) a.clone();
        assertNotSame(a, c);
        assertEquals(a, c);
        c.setMarkerScale(0.9);
        assertNotEquals(a, c);
    }

    @Test
    void serializationRoundTrips() throws Exception {
        SelectionBlockRenderer a = new SelectionBlockRenderer();
        a.setSelectionPaint(new Color(1, 2, 3));
        a.setSelectionStroke(new BasicStroke(2.5f));
        a.setPaintScale(ThreeColorPaintScale.gate());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) { out.writeObject(a); }
        SelectionBlockRenderer b;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            b = (SelectionBlockRenderer) in.readObject();
        }
        assertEquals(a, b);
    }

    @Test
    void boundsCoverWholeCells() {
        RoutingDataset ds = new RoutingDataset(RoutingData.from(RoutingDataTest.trace()));   // 2 rows × 3 tokens
        SelectionBlockRenderer r = new SelectionBlockRenderer();
        assertEquals(new Range(-0.5, 2.5), r.findDomainBounds(ds));
        assertEquals(new Range(-0.5, 1.5), r.findRangeBounds(ds));
        assertNull(r.findDomainBounds(null));
    }

    @Test
    void paintScaleInterpolatesAndClamps() throws Exception {
        ThreeColorPaintScale s = ThreeColorPaintScale.gate();
        assertEquals(new Color(49, 104, 176), s.colorOf(0));
        assertEquals(Color.WHITE, s.colorOf(0.5));
        assertEquals(new Color(214, 80, 32), s.colorOf(1));
        assertEquals(s.colorOf(1), s.colorOf(7));
        // quarter way: halfway from low to white
        assertEquals(new Color(152, 180, 216), s.colorOf(0.25));
        assertEquals(s, s.clone());
        assertNotEquals(s, ThreeColorPaintScale.sequential(1));
        assertThrows(IllegalArgumentException.class, () -> new ThreeColorPaintScale(1, 1, Color.BLACK, Color.BLACK, Color.BLACK));
    }
}
