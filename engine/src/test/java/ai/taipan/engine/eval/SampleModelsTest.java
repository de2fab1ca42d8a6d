package ai.taipan.engine.eval;

import ai.taipan.engine.format.Json;
import ai.taipan.engine.model.TaipanModel;
import ai.taipan.engine.tasks.DataSpec;
import ai.taipan.engine.tasks.SyntheticTask;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The models shipped in {@code sample-models/} against what their folders claim (issue 3): each
 * loads, has about taipan-small's parameter count (within 5%), weights of at most 40 MB and a card
 * with the command that made it; and the MQAR cell at 2K of each {@code eval.json} (and of
 * taipan-small's {@code eval-sal-off.json}) is recomputed here from the shipped weights with the
 * settings the JSON records — the same examples, so the same count of exact answers. The tables in
 * the cards and READMEs are therefore the weights' own, and the comparison they make (taipan-small
 * ahead of mamba2-small, the SAL doing the retrieval) is checked on the recomputed counts.
 */
class SampleModelsTest {
    /** Maven runs the engine's tests in engine/; the shipped models sit beside it. */
    private static final Path SAMPLES = Path.of("..", "sample-models");
    private static final int CONTEXT = 2048;

    private static JsonNode read(Path p) {
        try {
            return Json.mapper().readTree(p.toFile());
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Recomputes the MQAR cell at {@link #CONTEXT} of an eval JSON from {@code model}, with the task the
     * JSON's settings record (rebuilt by the engine's own {@link DataSpec} from {@code max_distance}, and
     * checked to describe itself as the recorded task does), its samples and seed; asserts the answers
     * graded and the exact answers equal the recorded ones, and returns the recomputed score.
     */
    private static TaskScore recomputedCell(TaipanModel model, Path json) {
        JsonNode eval = read(json), s = eval.get("settings");
        int maxDistance = s.get("max_distance").asInt();
        SyntheticTask task = DataSpec.task(maxDistance > 0 ? "mqar,max-distance=" + maxDistance : "mqar", null);
        boolean recorded = false;
        for (JsonNode t : s.get("tasks")) recorded |= t.asText().equals(task.describe());
        assertTrue(recorded, json + " records no '" + task.describe() + "' among " + s.get("tasks"));
        TaskScore score = TaskEvaluator.evaluate(ScoringModel.of(model), task, CONTEXT, s.get("samples").asInt(), s.get("seed").asLong());
        for (JsonNode t : eval.get("tasks")) {
            if (t.get("task").asText().equals("mqar") && t.get("context").asInt() == CONTEXT) {
                assertEquals(t.get("answers").asLong(), score.answers(), json + ": answers graded at " + CONTEXT);
                assertEquals(t.get("exact").asLong(), score.exact(), json + ": exact MQAR answers at " + CONTEXT
                        + " recomputed from the shipped weights differ from the recorded ones");
                return score;
            }
        }
        throw new AssertionError(json + " has no mqar cell at context " + CONTEXT);
    }

    private static TaipanModel checkedFolder(String name, long reference) throws Exception {
        Path dir = SAMPLES.resolve(name);
        assertTrue(Files.isDirectory(dir), "missing shipped model folder " + dir.toAbsolutePath());
        TaipanModel model = TaipanModel.load(dir);
        long params = model.parameterCount();
        if (reference > 0) {
            assertTrue(Math.abs(params - reference) <= 0.05 * reference,
                    name + " has " + params + " parameters, more than 5% from taipan-small's " + reference);
        }
        long bytes = Files.size(dir.resolve("model.safetensors"));
        assertTrue(bytes <= 40L * 1024 * 1024, name + "'s weights are " + bytes + " bytes, over 40 MB");
        String card = Files.readString(dir.resolve("MODEL_CARD.md"));
        assertTrue(card.contains("taipan train ") && card.contains("| tokens |") && card.contains("| wall time |"),
                name + "'s MODEL_CARD.md lacks the command, tokens or training time");
        return model;
    }

    @Test
    void shippedModelsReproduceTheirRecordedMqarAndTheComparisonHolds() throws Exception {
        TaipanModel taipan = checkedFolder("taipan-small", 0);
        long reference = taipan.parameterCount();
        TaipanModel mamba2 = checkedFolder("mamba2-small", reference);
        TaipanModel transformer = checkedFolder("transformer-small", reference);

        TaskScore[] scores = new TaskScore[3];
        TaipanModel[] models = {taipan, mamba2, transformer};
        String[] names = {"taipan-small", "mamba2-small", "transformer-small"};
        for (int i = 0; i < 3; i++) scores[i] = recomputedCell(models[i], SAMPLES.resolve(names[i]).resolve("eval.json"));
        // the ablation: the same examples with the SAL's attention switched off
        TaskScore off = recomputedCell(taipan.withSalAttentionOff(), SAMPLES.resolve("taipan-small/eval-sal-off.json"));

        // the comparison the READMEs make, on the recomputed counts: taipan-small recalls more than
        // mamba2-small and the Transformer past the training length, and its SAL does it
        assertTrue(scores[0].exact() > scores[1].exact(), "taipan-small " + scores[0].exact() + " vs mamba2-small " + scores[1].exact());
        assertTrue(scores[0].exact() > scores[2].exact(), "taipan-small " + scores[0].exact() + " vs transformer-small " + scores[2].exact());
        assertTrue(off.exact() < scores[0].exact(), "switching the SAL off should cost recall: " + off.exact() + " vs " + scores[0].exact());
    }
}
