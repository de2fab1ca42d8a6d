package ai.taipan.app.gui;

import ai.taipan.app.logic.engine.ModelLoader;
import ai.taipan.engine.format.DType;
import ai.taipan.engine.model.ModelConfig;
import ai.taipan.engine.model.Preset;
import ai.taipan.engine.model.Weights;

import java.nio.file.Path;

/** Tiny models written to a folder, made in the test with Weights.random. */
public final class TinyModels {
    private TinyModels() {}

    /** A 7-layer taipan (6 mamba2 + 1 SAL), D = 32, saved as config.json + model.safetensors. */
    public static Path taipanFolder(Path dir, long seed) {
        return folder(dir, ModelLoader.tinyConfig(Preset.TAIPAN, 7, 32), seed);
    }

    public static Path folder(Path dir, ModelConfig c, long seed) {
        c.write(dir.resolve("config.json"));
        Weights.random(c, seed).save(dir.resolve("model.safetensors"), DType.F32);
        return dir;
    }
}
