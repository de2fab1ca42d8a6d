package ai.taipan.engine.cli;

/** A failure whose message is already the one line the user should see (after "taipan: "). */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
