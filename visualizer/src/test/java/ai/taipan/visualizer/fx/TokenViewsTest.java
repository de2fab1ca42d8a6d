package ai.taipan.visualizer.fx;

import ai.taipan.engine.model.LayerType;
import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.SalEvent;
import ai.taipan.visualizer.data.RoutingData;
import ai.taipan.visualizer.data.RoutingDataTest;
import javafx.scene.Scene;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@ExtendWith(ApplicationExtension.class)
class TokenViewsTest {
    TokenChipsPane chips;
    AttentionOverlayPane overlay;
    LayerScheduleStrip strip;

    @Start
    void start(Stage stage) {
        chips = new TokenChipsPane();
        overlay = new AttentionOverlayPane();
        strip = new LayerScheduleStrip();
        stage.setScene(new Scene(new VBox(chips, overlay, strip), 400, 300));
        stage.show();
    }

    @Test
    void chipsFollowTheGate() {
        RoutingData d = RoutingData.from(RoutingDataTest.trace());
        WaitForAsyncUtils.asyncFx(() -> chips.setTokens(List.of("a", " b", "c\n"), d));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(3, chips.chips().size());
        assertEquals("·b", chips.chips().get(1).getText());
        assertTrue(chips.chips().get(0).getStyleClass().contains("selected"));   // layer 6 selected token 0
        assertFalse(chips.chips().get(2).getStyleClass().contains("selected"));  // tie: not selected
        String tip = chips.tooltip(0);
        assertTrue(tip.contains("L6  s0=0.000  s1=1.000  m=1"), tip);
        assertTrue(tip.contains("L13  s0=1.000  s1=0.000  m=0"), tip);
        WaitForAsyncUtils.asyncFx(() -> chips.setRow(1));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(chips.chips().get(0).getStyleClass().contains("selected"));  // layer 13 selects nothing
    }

    @Test
    void overlayPlacesWeightsOnKeyTokens() {
        Trace t = new Trace();
        t.sal(new SalEvent(6, 0, 0f, 1f, true, 0.7f, new int[]{0}, new float[][]{{1f}}));
        t.sal(new SalEvent(6, 1, 1f, 0f, false, 0.3f, new int[0], new float[0][]));
        t.sal(new SalEvent(6, 2, 0f, 1f, true, 0.7f, new int[]{0, 2}, new float[][]{{0.3f, 0.7f}}));
        RoutingData d = RoutingData.from(t);
        WaitForAsyncUtils.asyncFx(() -> {
            overlay.setTokens(List.of("x", "y", "z"), d);
            overlay.show(0, 2);
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertArrayEquals(new double[]{0.3, 0, 0.7}, overlay.weights(), 1e-6);
    }

    @Test
    void stripLettersFollowSchedule() {
        WaitForAsyncUtils.asyncFx(() -> strip.setSchedule(List.of(LayerType.MAMBA2, LayerType.MAMBA2,
                LayerType.SELECTIVE_ATTENTION, LayerType.ATTENTION, LayerType.SLIDING_ATTENTION)));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("MMSAW", strip.letters());
    }
}
