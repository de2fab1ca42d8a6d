package ai.taipan.engine.tasks;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A weighted mixture of data sources: each sequence comes whole from one component, chosen with
 * probability weight / Σ weights by the first number drawn from the rng (the rest of the rng then
 * drives that component), so a mixture is as deterministic as its components.
 */
public final class Mixture implements TrainingData {
    /** One source and its (unnormalised, positive) weight. */
    public record Component(TrainingData data, double weight) {
        public Component {
            if (data == null) throw new IllegalArgumentException("mixture component is null");
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("mixture weight of " + data.describe() + " must be positive and finite, got " + weight);
            }
        }
    }

    private final List<Component> components;
    private final double[] cumulative;    // cumulative normalised weights, last = 1

    public Mixture(List<Component> components) {
        if (components.isEmpty()) throw new IllegalArgumentException("a mixture needs at least one component");
        this.components = List.copyOf(components);
        double total = 0;
        for (Component c : components) total += c.weight();
        cumulative = new double[components.size()];
        double acc = 0;
        for (int i = 0; i < components.size(); i++) {
            acc += components.get(i).weight();
            cumulative[i] = acc / total;
        }
        cumulative[cumulative.length - 1] = 1.0;
    }

    public List<Component> components() { return components; }

    /** The normalised weight of component i. */
    public double probability(int i) { return cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]); }

    /** Index of the component the next draw selects (consumes one double from rng). */
    public int pick(SplittableRandom rng) {
        double u = rng.nextDouble();
        for (int i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return i;
        return cumulative.length - 1;
    }

    @Override
    public int[] nextSequence(SplittableRandom rng, int length) {
        return components.get(pick(rng)).data().nextSequence(rng, length);
    }

    @Override
    public Example nextExample(SplittableRandom rng, int length) {
        return components.get(pick(rng)).data().nextExample(rng, length);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("mixture of ");
        for (int i = 0; i < components.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(components.get(i).data().describe())
                    .append(String.format(" %.0f%%", 100 * probability(i)));
        }
        return sb.toString();
    }
}
