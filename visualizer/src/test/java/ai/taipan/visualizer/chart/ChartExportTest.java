package ai.taipan.visualizer.chart;

import ai.taipan.visualizer.data.LossData;
import ai.taipan.visualizer.data.RoutingData;
import ai.taipan.visualizer.data.RoutingDataTest;
import ai.taipan.visualizer.data.RoutingDataset;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ChartExportTest {
    @TempDir Path dir;

    @Test
    void routingHeatmapToPngAndSvg() throws Exception {
        JFreeChart chart = WorkbenchCharts.routingHeatmap(new RoutingDataset(RoutingData.from(RoutingDataTest.trace())));
        Path png = dir.resolve("routing.png"), svg = dir.resolve("routing.svg");
        ChartExport.png(chart, png, 400, 240);
        ChartExport.svg(chart, svg, 400, 240);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(400, img.getWidth());
        assertEquals(240, img.getHeight());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);   // no network
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertTrue(doc.getElementsByTagName("rect").getLength() > 6, "cells are drawn as rects");
        try (var files = Files.list(dir)) { assertEquals(2, files.count(), "no temp files left behind"); }
    }

    @Test
    void scalingAndLossChartsRender() throws Exception {
        XYSeriesCollection c = new XYSeriesCollection();
        XYSeries s = new XYSeries("taipan");
        s.add(1024, 0.01);
        s.add(1 << 20, 3.0);
        c.addSeries(s);
        BufferedImage a = WorkbenchCharts.scalingChart("prefill", "seconds", c).createBufferedImage(300, 200);
        BufferedImage b = WorkbenchCharts.lossStrips(new LossData("A", new double[]{1, 2}, "B", new double[]{2, 1}))
                .createBufferedImage(300, 200);
        assertNotNull(a);
        assertNotNull(b);
        assertThrows(IllegalArgumentException.class, () -> new LossData("A", new double[1], "B", new double[2]));
    }

    @Test
    void contextLengthsUseBinaryPrefixes() {
        TokenCountFormat f = new TokenCountFormat();
        assertEquals("256", f.format(256));
        assertEquals("1K", f.format(1024));
        assertEquals("64K", f.format(65536.0));
        assertEquals("1M", f.format(1 << 20));
        assertEquals("1536", f.format(1536));
    }

    @Test
    void constantDataOnALogAxisGetsADecade() {
        XYSeriesCollection c = new XYSeriesCollection();
        XYSeries s = new XYSeries("taipan");
        s.add(1024, 6.5e5);
        s.add(4096, 6.5e5);
        c.addSeries(s);
        JFreeChart chart = WorkbenchCharts.scalingChart("state", "bytes", c);
        chart.createBufferedImage(300, 200);              // LogAxis alone fails here: zero-length range
        var r = chart.getXYPlot().getRangeAxis().getRange();
        assertEquals(10.0, r.getUpperBound() / r.getLowerBound(), 1e-9);
    }
}
