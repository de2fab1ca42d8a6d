package ai.taipan.engine.format;

import java.nio.file.Path;

/**
 * A model, config or tensor file that cannot be used as it is. The message always names the
 * file and, where there is one, the tensor or config field at fault, so that the CLI and the
 * workbench can show it as one line.
 */
public class ModelFormatException extends RuntimeException {
    private final transient Path file;
    private final String item;

    public ModelFormatException(Path file, String item, String message) {
        this(file, item, message, null);
    }

    public ModelFormatException(Path file, String item, String message, Throwable cause) {
        super(compose(file, item, message), cause);
        this.file = file;
        this.item = item;
    }

    private static String compose(Path file, String item, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file);
        if (item != null) sb.append(sb.length() > 0 ? ": " : "").append('\'').append(item).append('\'');
        if (sb.length() > 0) sb.append(": ");
        return sb.append(message).toString();
    }

    /** The file at fault, or null. */
    public Path file() { return file; }

    /** The tensor name or config field at fault, or null. */
    public String item() { return item; }
}
