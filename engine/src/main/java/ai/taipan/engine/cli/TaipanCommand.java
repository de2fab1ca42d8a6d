package ai.taipan.engine.cli;

import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.model.TaipanModel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Base of every taipan subcommand: output goes through picocli's streams (so tests capture it),
 * and Errors (out of memory) become one-line failures like every exception.
 */
public abstract class TaipanCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    /** The command's work; return the exit status (0 = success). Throw for failures. */
    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } catch (OutOfMemoryError | StackOverflowError e) {
            throw new CliException(TaipanCli.describe(e));
        }
    }

    protected PrintWriter out() { return spec.commandLine().getOut(); }

    protected PrintWriter err() { return spec.commandLine().getErr(); }

    /** Loads a model folder; a missing folder or broken file fails naming it. */
    protected static TaipanModel loadModel(Path dir) {
        if (!Files.exists(dir)) throw new ModelFormatException(dir, null, "no such model folder");
        return TaipanModel.load(dir);
    }

    /** Parses "3,1,4" (spaces allowed) into token ids. */
    protected static int[] parseIds(String s) {
        String[] parts = s.trim().split("\\s*,\\s*|\\s+");
        if (s.isBlank()) throw new IllegalArgumentException("--ids is empty: give token ids like 3,1,4");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--ids: '" + parts[i] + "' (item " + (i + 1) + ") is not a token id");
            }
            if (ids[i] < 0) throw new IllegalArgumentException("--ids: token id " + ids[i] + " is negative");
        }
        return ids;
    }
}
