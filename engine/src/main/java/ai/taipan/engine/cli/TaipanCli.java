package ai.taipan.engine.cli;

import ai.taipan.engine.format.ModelFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * {@code taipan}: the command-line tool (issue 2 "CLI"), the main class of engine/target/taipan.jar.
 *
 * <p>Every failure — a bad option, a broken model file, a bad argument, an I/O error — ends as ONE
 * line {@code taipan: <message>} on stderr and a non-zero exit status (2 for usage errors, 1 for
 * the rest), never a stack trace (set TAIPAN_DEBUG=1 to get one as well). That holds for
 * command lines made by {@link #newCommandLine()}; tests and embedders should use it (or
 * {@link #execute}) rather than {@code new CommandLine(new TaipanCli())}.
 *
 * <p>To add a command: write a {@link TaipanCommand} subclass annotated with {@code @Command(name = …)}
 * and add ONE line to the {@code subcommands} list below.
 */
@Command(name = "taipan",
        mixinStandardHelpOptions = true,
        versionProvider = TaipanCli.Version.class,
        description = "Taipan Workbench engine: run, inspect and create Taipan / Mamba-2 models.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'taipan COMMAND --help' for a command's options."},
        subcommands = {
                CommandLine.HelpCommand.class,
                InitCommand.class,
                LogitsCommand.class,
                GenerateCommand.class,
                TraceCommand.class,
                ai.taipan.engine.train.TrainCommand.class,
                ai.taipan.engine.eval.EvalCommand.class,
                ai.taipan.engine.interop.ConvertCommand.class, ai.taipan.engine.interop.ExportCommand.class,
                ai.taipan.engine.bench.BenchCommand.class,
                // train, eval, bench, convert, export: one line each here
        })
public final class TaipanCli implements Runnable {
    /** Exit status of a command that failed at run time (usage errors exit with 2, picocli's default). */
    public static final int EXIT_FAILURE = 1;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int code;
        try {
            code = newCommandLine().execute(args);
        } catch (Throwable t) { // an Error escaping a command (the handlers see Exceptions only)
            System.err.println("taipan: " + describe(t));
            debug(t);
            code = EXIT_FAILURE;
        }
        System.out.flush();
        System.exit(code);
    }

    /** No command given: show the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line with the one-line error handlers installed. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new TaipanCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("taipan: " + firstLine(ex.getMessage())
                    + " (see '" + c.getCommandSpec().qualifiedName(" ") + " --help')");
            c.getErr().flush();
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println("taipan: " + describe(ex));
            c.getErr().flush();
            debug(ex);
            return EXIT_FAILURE;
        });
        return cl;
    }

    /** Runs one command line with the given streams; returns the exit status (for tests and embedding). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = newCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The one-line message for a failure: what went wrong and where, without the exception's class when it says nothing. */
    public static String describe(Throwable t) {
        if (t instanceof UncheckedIOException u && u.getCause() != null && (u.getMessage() == null
                || u.getMessage().equals(u.getCause().toString()))) {
            t = u.getCause();
        }
        String m = t.getMessage();
        String text;
        if (t instanceof NoSuchFileException f) text = "no such file: " + f.getFile();
        else if (t instanceof AccessDeniedException f) text = "permission denied: " + f.getFile();
        else if (t instanceof FileAlreadyExistsException f) text = "already exists: " + f.getFile();
        else if (t instanceof NotDirectoryException f) text = "not a directory: " + f.getFile();
        else if (t instanceof FileSystemException f) text = f.getFile() + ": " + (f.getReason() != null ? f.getReason() : m);
        else if (t instanceof OutOfMemoryError) {
            text = "out of memory (" + m + "); the Java heap is " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB: try a smaller model or prompt, or more heap with -Xmx (TAIPAN_JAVA_OPTS for the wrapper)";
        } else if (t instanceof StackOverflowError) text = "stack overflow (try -Xss8m)";
        else if (m == null || m.isBlank()) text = t.getClass().getSimpleName();
        else if (t instanceof ModelFormatException || t instanceof IllegalArgumentException
                || t instanceof IllegalStateException || t instanceof UncheckedIOException || t instanceof IOException
                || t instanceof CliException) text = m;
        else text = t.getClass().getSimpleName() + ": " + m;
        return firstLine(text);
    }

    static String firstLine(String s) {
        if (s == null) return "";
        s = s.strip();
        int i = s.indexOf('\n');
        return (i < 0 ? s : s.substring(0, i)).strip();
    }

    private static void debug(Throwable t) {
        String d = System.getenv("TAIPAN_DEBUG");
        if (d != null && !d.isEmpty() && !d.equals("0")) t.printStackTrace();
    }

    /** The version from the jar manifest (Implementation-Version), else "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TaipanCli.class.getPackage().getImplementationVersion();
            return new String[]{"taipan " + (v != null ? v : "dev")};
        }
    }
}
