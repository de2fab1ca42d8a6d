package ai.taipan.engine.cli;

import ai.taipan.engine.generate.GenerationResult;
import ai.taipan.engine.generate.Generator;
import ai.taipan.engine.generate.SamplingParams;
import ai.taipan.engine.model.TaipanModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code taipan generate}: sample a continuation of a prompt, streamed to stdout as it is produced. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Continue a prompt, streaming the generated text to stdout; a summary line "
                + "(tokens, prefill time, decode tokens/s, why it stopped, the seed) goes to stderr.",
                "Temperature 0 is greedy decoding. Ctrl-C stops between tokens and still prints the summary."})
public final class GenerateCommand extends TaipanCommand {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder")
    Path model;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    TraceCommand.Input input;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "128", description = "tokens to generate at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0", description = "softmax temperature; 0 = greedy (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "keep the K most probable tokens; 0 = off (default)")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0", description = "nucleus sampling mass in (0, 1]; 1 = off (default)")
    double topP;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: a fresh one, printed in the summary)")
    Long seed;

    @Option(names = "--stop", paramLabel = "STR", description = "stop when this string appears (not printed); repeatable; \\n and \\t are understood")
    List<String> stop = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "no summary line on stderr")
    boolean quiet;

    @Override
    protected int execute() {
        List<String> stops = new ArrayList<>();
        for (String s : stop) stops.add(unescape(s));
        long s = seed != null ? seed : new SplittableRandom().nextLong() >>> 1;
        SamplingParams params = new SamplingParams(temperature, topK, topP, s, maxTokens, stops); // validates
        TaipanModel m = loadModel(model);
        int[] promptIds = input.tokens(m);
        PrintWriter o = out();
        // Ctrl-C stops generation between tokens: the text so far and the summary are still printed
        // before the JVM exits (the hook waits for the generator to return, at most 5 s).
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "taipan-generate-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            GenerationResult r = Generator.generate(m, m.newSession(), promptIds, params, (id, piece) -> {
                if (!piece.isEmpty()) {
                    o.print(piece);
                    o.flush();
                }
            }, interrupted::get);
            o.println();
            o.flush();
            if (!quiet) err().println("[" + r.summary() + "; seed " + s + "]");
            err().flush();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running (Ctrl-C): it returns now that we are finished
            }
        }
        return 0;
    }

    /** Backslash escapes a shell makes awkward: \n, \t, \\. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                switch (n) {
                    case 'n' -> { b.append('\n'); i++; continue; }
                    case 't' -> { b.append('\t'); i++; continue; }
                    case '\\' -> { b.append('\\'); i++; continue; }
                    default -> { }
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
