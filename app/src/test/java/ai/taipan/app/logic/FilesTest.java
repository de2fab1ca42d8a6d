package ai.taipan.app.logic;

import ai.taipan.app.logic.io.SessionStore;
import ai.taipan.app.logic.io.TableExport;
import ai.taipan.app.logic.io.TraceJson;
import ai.taipan.app.model.AccuracyPoint;
import ai.taipan.app.model.GenerationRun;
import ai.taipan.app.model.SamplingSettings;
import ai.taipan.app.model.SessionDocument;
import ai.taipan.app.model.SweepPoint;
import ai.taipan.engine.trace.Trace;
import ai.taipan.engine.trace.Tracer.MambaEvent;
import ai.taipan.engine.trace.Tracer.SalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FilesTest {
    @TempDir Path tmp;

    static Trace trace() {
        Trace t = new Trace();
        t.addIds(7, 8);
        t.sal(new SalEvent(6, 0, 0.25f, 1.5f, true, 0.777f, new int[]{0}, new float[][]{{1f}, {1f}}));
        t.sal(new SalEvent(6, 1, 2f, -1f, false, 0.047f, new int[0], new float[0][]));
        t.mamba(new MambaEvent(0, 0, new float[]{0.5f, 1.5f}));
        t.mamba(new MambaEvent(0, 1, new float[]{0.75f, 2.5f}));
        return t;
    }

    @Test
    void traceJsonRoundTrips() {
        Trace t = trace();
        Trace back = TraceJson.read(t.toJson());
        assertEquals(t.toJson(), back.toJson());
        assertEquals(List.of(7, 8), back.ids());
        assertTrue(back.salLayers().get(6).get(0).selected());
        assertThrows(IllegalArgumentException.class, () -> TraceJson.read(ai.taipan.engine.format.Json.mapper().createObjectNode()));
    }

    @Test
    void sessionRoundTripsAndBadFilesNameTheField() throws Exception {
        GenerationRun run = new GenerationRun("m", "ab", new int[]{7, 8}, List.of("a", "b"), 1, "b", trace(), "max tokens");
        SessionDocument d = new SessionDocument(List.of(new SessionDocument.ModelRef("A", "m", "/x/m", null, null),
                new SessionDocument.ModelRef("B", "m [SAL attention off]", "/x/m", null, null, true)), "ab",
                new SamplingSettings(0.5, 3, 0.9, 11, 2), "text",
                run, List.of(new SweepPoint("m", 1024, SweepPoint.Status.MEASURED, 0.5, 0.001, 100, 200, ""),
                SweepPoint.oomPredicted("m", 1 << 20, 5L << 30, 1L << 30)), List.of(new AccuracyPoint("m", "task mqar (query fraction 0.5, max distance 128)", 256, 0.5, 4)));
        Path f = tmp.resolve("s.json");
        SessionStore.save(f, d);
        SessionDocument back = SessionStore.load(f);
        assertEquals(d.models(), back.models());
        assertEquals(d.sampling(), back.sampling());
        assertEquals(d.sweep().get(0), back.sweep().get(0));
        assertEquals(d.sweep().get(1).status(), back.sweep().get(1).status());
        assertEquals(d.accuracy(), back.accuracy());
        assertArrayEquals(run.ids(), back.generation().ids());
        assertEquals(run.trace().toJson(), back.generation().trace().toJson());
        try (var s = Files.list(tmp)) { assertEquals(1, s.count(), "no temp file left"); }

        Files.writeString(f, "{not json");
        var e = assertThrows(IllegalArgumentException.class, () -> SessionStore.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        Files.writeString(f, "{\"format\":\"taipan-workbench-session\",\"version\":1,\"models\":[],\"sampling\":{\"temperature\":1}}");
        e = assertThrows(IllegalArgumentException.class, () -> SessionStore.load(f));
        assertTrue(e.getMessage().contains("'top_k'"), e.getMessage());
    }

    @Test
    void csvQuotesWhatNeedsQuoting() {
        String csv = TableExport.sweepCsv(List.of(new SweepPoint("a,b", 1024, SweepPoint.Status.MEASURED, 0.5, 0.25, 10, 20, "say \"hi\"")));
        assertEquals("model,context_length,status,prefill_seconds,decode_seconds_per_token,state_bytes,process_bytes,note\n"
                + "\"a,b\",1024,MEASURED,0.500000,0.250000,10,20,\"say \"\"hi\"\"\"\n", csv);
        String loss = TableExport.lossCsv(List.of("x", " ", "\n"), new double[]{1, 2}, new double[]{1.5, 1});
        assertEquals("position,next_token,loss_a,loss_b,difference_b_minus_a\n1,\" \",1.00000,1.50000,0.500000\n"
                + "2,\"\n\",2.00000,1.00000,-1.00000\n", loss);
    }
}
