package ai.taipan.app.logic.io;

import java.nio.file.Path;

/**
 * Where the workbench keeps its settings: $XDG_CONFIG_HOME/taipan-workbench, else
 * ~/.config/taipan-workbench. The system property {@code taipan.workbench.config} overrides both
 * (tests point it at a temp folder).
 */
public final class ConfigDir {
    private ConfigDir() {}

    public static Path get() {
        String override = System.getProperty("taipan.workbench.config");
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("taipan-workbench");
    }
}
