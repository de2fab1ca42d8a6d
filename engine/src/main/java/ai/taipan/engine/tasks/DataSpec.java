package ai.taipan.engine.tasks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the data arguments of {@code taipan train} (and of tests) into one {@link TrainingData}.
 *
 * <p>Each item is {@code SOURCE[@WEIGHT]} (weight default 1):
 * <ul>
 *   <li>{@code PATH} or {@code text:PATH} — a text file (its training split: all but the last 5%);</li>
 *   <li>{@code task:NAME[,key=value...]} — a synthetic task: {@code mqar} (keys {@code max-distance},
 *       {@code query-fraction}), {@code phonebook} ({@code max-distance}, {@code queries},
 *       {@code digits}), {@code needle} ({@code max-distance}; its filler is the first text item,
 *       else the passkey filler).</li>
 * </ul>
 * Example: {@code sample-models/data/kjv.txt@0.7 task:mqar@0.1 task:phonebook@0.1 task:needle@0.1}.
 * One item gives that source itself; several give a {@link Mixture}.
 */
public final class DataSpec {
    private DataSpec() {}

    /** Task names understood by {@link #task}. */
    public static final List<String> TASKS = List.of("mqar", "phonebook", "needle");

    public static TrainingData parse(List<String> items) { return parse(items, TextCorpus.Split.TRAIN); }

    /** As {@link #parse(List)}, taking text from the given split. */
    public static TrainingData parse(List<String> items, TextCorpus.Split split) {
        if (items.isEmpty()) throw new IllegalArgumentException("no data given");
        List<String> sources = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        TextCorpus firstText = null;
        for (String item : items) {
            int at = item.lastIndexOf('@');
            String src = item;
            double w = 1;
            if (at >= 0) {
                src = item.substring(0, at);
                try {
                    w = Double.parseDouble(item.substring(at + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("data item '" + item + "': weight after '@' is not a number");
                }
            }
            sources.add(src);
            weights.add(w);
        }
        // text first, so that a needle anywhere in the list finds its filler
        TrainingData[] data = new TrainingData[sources.size()];
        for (int i = 0; i < sources.size(); i++) {
            String src = sources.get(i);
            if (!src.startsWith("task:")) {
                String p = src.startsWith("text:") ? src.substring(5) : src;
                TextCorpus c = TextCorpus.open(List.of(Path.of(p)), split);
                data[i] = c;
                if (firstText == null) firstText = c;
            }
        }
        for (int i = 0; i < sources.size(); i++) {
            if (data[i] == null) data[i] = task(sources.get(i).substring(5), firstText);
        }
        if (data.length == 1) {
            if (!(weights.get(0) > 0)) throw new IllegalArgumentException("data weight must be positive, got " + weights.get(0));
            return data[0];
        }
        List<Mixture.Component> comps = new ArrayList<>();
        for (int i = 0; i < data.length; i++) comps.add(new Mixture.Component(data[i], weights.get(i)));
        return new Mixture(comps);
    }

    /**
     * A task from {@code NAME[,key=value...]}.
     *
     * @param filler text for the needle's haystack, or null for the passkey filler
     */
    public static SyntheticTask task(String spec, TextCorpus filler) {
        String[] parts = spec.split(",");
        String name = parts[0].trim().toLowerCase(Locale.ROOT);
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("task option '" + parts[i] + "' in '" + spec + "' is not key=value");
            opts.put(parts[i].substring(0, eq).trim(), parts[i].substring(eq + 1).trim());
        }
        int maxDistance = intOpt(opts, "max-distance", 0, spec);
        SyntheticTask t = switch (name) {
            case "mqar" -> new Mqar(dblOpt(opts, "query-fraction", Mqar.DEFAULT_QUERY_FRACTION, spec), maxDistance);
            case "phonebook" -> new Phonebook(intOpt(opts, "queries", Phonebook.DEFAULT_QUERIES, spec),
                    intOpt(opts, "digits", Phonebook.DEFAULT_DIGITS, spec), maxDistance);
            case "needle" -> new Needle(filler, maxDistance);
            default -> throw new IllegalArgumentException("unknown task '" + name + "' (known: " + String.join(", ", TASKS) + ")");
        };
        if (!opts.isEmpty()) throw new IllegalArgumentException("task " + name + ": unknown option(s) " + opts.keySet());
        return t;
    }

    private static int intOpt(Map<String, String> o, String k, int dflt, String spec) {
        String v = o.remove(k);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task '" + spec + "': " + k + " must be an integer, got '" + v + "'");
        }
    }

    private static double dblOpt(Map<String, String> o, String k, double dflt, String spec) {
        String v = o.remove(k);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("task '" + spec + "': " + k + " must be a number, got '" + v + "'");
        }
    }
}
