package ai.taipan.engine.tasks;

import java.nio.file.Path;

/** A data file that cannot be used (missing, empty, a folder, too short for the request); the message names it. */
public class DataFileException extends IllegalArgumentException {
    private final transient Path file;

    public DataFileException(Path file, String message) {
        super((file == null ? "" : file + ": ") + message);
        this.file = file;
    }

    public DataFileException(Path file, String message, Throwable cause) {
        super((file == null ? "" : file + ": ") + message, cause);
        this.file = file;
    }

    /** The file at fault, or null when the problem spans several files. */
    public Path file() { return file; }
}
