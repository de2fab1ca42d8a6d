package ai.taipan.engine.train;

import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.model.ModelConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * MODEL_CARD.md of a trained model: what it is, the exact command that made it (reproducible:
 * same command, same seed → same weights), data, steps, tokens, wall time, and final losses. The
 * evaluation tables ({@code taipan eval}) are appended by whoever runs them.
 */
final class ModelCard {
    private ModelCard() {}

    static String render(Trainer tr, List<String> data, String dataDescription, ObjectNode run, double trainSeconds,
                         double finalTrainCe, double heldOutCe, int evalSequences, double[] selected, double[] evalSelected,
                         DType dtype) {
        ModelConfig c = tr.config();
        Trainer.Options o = tr.options();
        long tokens = tr.step() * o.batch() * (long) o.seqLen();
        StringBuilder s = new StringBuilder();
        s.append("# Model card\n\n");
        s.append(String.format(Locale.ROOT, "A %s model (%s, %d layers, D %d, %,d parameters), trained with `taipan train`.%n%n",
                c.modelType, c.scheduleString(), c.numLayers(), c.hiddenSize, tr.layout().size()));
        s.append("## Command\n\n```\n").append(TrainCommand.commandLine(run)).append("\n```\n\n");
        if (run.has("branch")) {
            JsonNode b = run.get("branch");
            s.append(String.format(Locale.ROOT, "then, from its checkpoint at step %d (`%s`), a branch with SAL capacity %s → %s:%n%n",
                    b.path("step").asLong(), b.path("from").asText(), b.path("capacity_before").asText(), b.path("capacity_after").asText()));
            s.append("```\n").append(TrainCommand.commandLineOf(b.path("command"))).append("\n```\n\n");
        }
        if (run.has("working_directory")) s.append("run in `").append(run.get("working_directory").asText()).append("`. ");
        s.append("The run is deterministic: the same command (same seed, same data files) gives the same weights bit for bit, "
                + "whatever the thread count, and `--resume` after an interruption continues exactly.\n\n");
        s.append("## Training\n\n| | |\n|---|---|\n");
        row(s, "steps", String.valueOf(tr.step()));
        row(s, "batch × seq-len", o.batch() + " × " + o.seqLen());
        row(s, "tokens", String.format(Locale.ROOT, "%,d", tokens));
        row(s, "wall time", TrainCommand.duration(trainSeconds) + String.format(Locale.ROOT, " (%.0f s, %,.0f tokens/s)",
                trainSeconds, tokens / Math.max(trainSeconds, 1e-9)));
        row(s, "optimizer", String.format(Locale.ROOT, "AdamW β (%.2f, %.2f), weight decay %.3g on matrices, clip %.2g",
                o.beta1(), o.beta2(), o.weightDecay(), o.clip()));
        row(s, "schedule", String.format(Locale.ROOT, "lr %.3g, linear warm-up %d steps, cosine to %.3g", o.lr(), o.warmup(),
                o.lr() * o.minLrRatio()));
        row(s, "seed", String.valueOf(o.seed()));
        if (o.gumbelNoiseScale() != 1.0) {
            row(s, "SAL selection in training", String.format(Locale.ROOT, "Gumbel noise × %.3g (SPEC: × 1)%s", o.gumbelNoiseScale(),
                    o.gumbelNoiseScale() == 0 ? " — noise-free straight-through: training selects as inference does" : ""));
        }
        if (o.annealsCapacity()) {
            row(s, "SAL capacity anneal", String.format(Locale.ROOT, "budget target %.3g at step %s → %.3g (config) at step %d, "
                    + "linear (`--capacity-anneal`; a recipe choice, not SPEC's)", o.capacityStart(),
                    o.capacityAnnealFrom() > 0 ? "0 … " + o.capacityAnnealFrom() : "0", c.capacity, o.capacityAnnealSteps()));
        }
        if (o.salKeyGradient()) {
            row(s, "SAL key gradient", "on (`--sal-key-gradient`): the mask also weights the keys, so a token's gate learns from "
                    + "its use as a key by later queries, not only from its own output mixing");
        }
        row(s, "data", dataDescription + " (`" + String.join(" ", data) + "`)");
        row(s, "final training cross-entropy", String.format(Locale.ROOT, "%.4f nats/token = %.3f bits/byte", finalTrainCe,
                finalTrainCe / Math.log(2)));
        if (Double.isFinite(heldOutCe)) {
            row(s, "held-out cross-entropy", String.format(Locale.ROOT, "%.4f nats/token = %.3f bits/byte (%d sequences of %d, "
                    + "eval mode; text from the held-out split)", heldOutCe, heldOutCe / Math.log(2), evalSequences, o.seqLen()));
        }
        if (selected.length > 0) {
            StringBuilder f = new StringBuilder();
            for (double v : selected) f.append(f.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v));
            row(s, "SAL selected fraction (last step, training)", f + String.format(Locale.ROOT, " (capacity C = %.3g, λ = %.3g, τ = %.3g)",
                    c.capacity, c.budgetLossWeight, c.gumbelTau));
        }
        if (evalSelected != null && evalSelected.length > 0) {
            StringBuilder f = new StringBuilder();
            for (double v : evalSelected) f.append(f.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v));
            row(s, "SAL selected fraction (held-out, eval mode: m = s1 > s0, what inference routes)", f.toString()
                    + " — under Gumbel noise a token is selected with probability σ(s1 − s0), so the budget loss can be met "
                    + "by a uniformly low score that selects ~C in training and almost nothing at inference; the two "
                    + "agree only once the gate's scores have become bimodal");
        }
        row(s, "stored weights", dtype.name());
        s.append("\n## Config\n\n```json\n");
        try {
            JsonNode cfg = c.toJson();
            s.append(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
        } catch (Exception e) {
            s.append(c);
        }
        s.append("\n```\n");
        return s.toString();
    }

    private static void row(StringBuilder s, String k, String v) {
        s.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
    }
}
