package ai.taipan.app.model;

import ai.taipan.engine.model.LayerType;

import java.util.List;

/**
 * What the Model manager shows about a model: checkpoint format, preset, schedule, parameter count, capacity C (NaN
 * without SAL layers), window (−1 without windowed layers), the state bytes of a fresh session as
 * the engine reports them, and the predicted state bytes after 1M tokens (SPEC §3 bound).
 */
public record ModelCard(String name, String source, String format, String preset, List<LayerType> schedule, long parameters,
                        double capacity, int window, long stateBytesEmpty, long stateBytesAt1M) {

    /** "MMMMMMS" */
    public String letters() {
        StringBuilder sb = new StringBuilder();
        for (LayerType t : schedule) sb.append(t.letter());
        return sb.toString();
    }
}
