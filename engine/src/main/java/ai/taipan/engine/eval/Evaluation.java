package ai.taipan.engine.eval;

import ai.taipan.engine.tasks.DataFileException;
import ai.taipan.engine.tasks.SyntheticTask;
import ai.taipan.engine.tasks.TextCorpus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The whole of {@code taipan eval} minus the command line: bits/byte at each text context, then
 * each task at each task context. Sizes a task or the text cannot fill are skipped with a note,
 * never an error, so one table covers models and corpora of any size.
 */
public final class Evaluation {
    private Evaluation() {}

    /**
     * @param textContexts   window lengths for bits/byte
     * @param textWindows    windows per length
     * @param scoredFraction last part of each window that is scored
     * @param tasks          tasks to run
     * @param taskContexts   context lengths for the tasks
     * @param samples        sequences per (task, context)
     * @param seed           seed of every task example
     */
    public record Settings(List<Integer> textContexts, int textWindows, double scoredFraction,
                           List<SyntheticTask> tasks, List<Integer> taskContexts, int samples, long seed) {
        public Settings {
            textContexts = List.copyOf(textContexts);
            tasks = List.copyOf(tasks);
            taskContexts = List.copyOf(taskContexts);
            if (samples < 1) throw new IllegalArgumentException("--samples must be at least 1, got " + samples);
            if (textWindows < 1) throw new IllegalArgumentException("--text-windows must be at least 1, got " + textWindows);
            for (int c : textContexts) if (c < 2) throw new IllegalArgumentException("text context " + c + " is below 2");
            for (int c : taskContexts) if (c < 1) throw new IllegalArgumentException("task context " + c + " is not positive");
        }

        /** Tokens the run will feed at most (skipped sizes feed none). */
        public long plannedTokens(boolean withText) {
            long n = 0;
            if (withText) for (int c : textContexts) n += (long) c * textWindows;
            for (int c : taskContexts) n += (long) c * samples * tasks.size();
            return n;
        }
    }

    /** The results, in run order. */
    public record Report(List<TextScore> text, List<TaskScore> tasks, List<String> skipped, long tokens, double seconds) { }

    /**
     * @param text     held-out text for bits/byte, or null to skip it
     * @param progress one line per finished measurement (may be a no-op)
     */
    public static Report run(ScoringModel model, TextCorpus text, Settings s, Consumer<String> progress) {
        long t0 = System.nanoTime();
        List<TextScore> textScores = new ArrayList<>();
        List<TaskScore> taskScores = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        long tokens = 0;
        if (text != null) {
            for (int c : s.textContexts()) {
                if (text.windowCount(c) == 0) {
                    skipped.add("text at context " + c + ": the " + text.split().name().toLowerCase() + " split has only "
                            + text.size() + " bytes");
                    continue;
                }
                TextScore ts;
                try {
                    ts = TextEvaluator.bitsPerByte(model, text, c, s.textWindows(), s.scoredFraction());
                } catch (DataFileException e) {
                    skipped.add("text at context " + c + ": " + e.getMessage());
                    continue;
                }
                textScores.add(ts);
                tokens += (long) c * s.textWindows();
                progress.accept(String.format("text    context %6d: %.4f bits/byte (%d scored tokens, %.1f s)",
                        c, ts.bitsPerByte(), ts.scoredTokens(), ts.seconds()));
            }
        }
        for (SyntheticTask task : s.tasks()) {
            for (int c : s.taskContexts()) {
                if (c < task.minContextLength()) {
                    skipped.add(task.name() + " at context " + c + ": below its minimum of " + task.minContextLength());
                    continue;
                }
                TaskScore ts = TaskEvaluator.evaluate(model, task, c, s.samples(), s.seed());
                taskScores.add(ts);
                tokens += ts.tokensFed();
                progress.accept(String.format("%-9s context %6d: exact match %.3f (%d/%d), token accuracy %.3f (%.1f s)",
                        task.name(), c, ts.accuracy(), ts.exact(), ts.answers(), ts.tokenAccuracy(), ts.seconds()));
            }
        }
        return new Report(textScores, taskScores, skipped, tokens, (System.nanoTime() - t0) / 1e9);
    }
}
