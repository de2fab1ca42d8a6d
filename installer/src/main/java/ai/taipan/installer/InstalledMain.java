package ai.taipan.installer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Entry point of the packaged (jpackage) launchers: points every cache and settings directory at the
 * user's own folders, then hands over to the real main class.
 *
 * <p>Why a shim: a jpackage launcher on JDK 17 expands only {@code $APPDIR}, {@code $BINDIR} and
 * {@code $ROOTDIR} in its {@code --java-options} (not {@code $HOME} or {@code $XDG_CACHE_HOME}), and it
 * ignores {@code JDK_JAVA_OPTIONS}. So "put JavaCPP's native unpack dir under ~/.cache" cannot be said in the
 * launcher's configuration; it must be said in Java before the first ND4J class loads. Left alone, JavaCPP
 * would unpack into ~/.javacpp, JavaFX into ~/.openjfx and DJL into ~/.djl.ai; nothing may ever be written into the install
 * folder, which is read-only for users after {@code dpkg -i}.
 *
 * <p>The launcher's configuration names the real main class in {@code -Dtaipan.main=...}: the workbench
 * launcher uses {@code ai.taipan.app.Launcher}, the {@code taipan} launcher
 * {@code ai.taipan.engine.cli.TaipanCli}. Properties already set (for example by a developer passing -D to
 * {@code java}) are never overridden.
 *
 * <p>Properties it sets (see installer/README.md):
 * <ul>
 *   <li>{@code taipan.config.dir} — settings: {@code $XDG_CONFIG_HOME/taipan-workbench}, else
 *       {@code ~/.config/taipan-workbench};</li>
 *   <li>{@code taipan.cache.dir} — caches: {@code $XDG_CACHE_HOME/taipan-workbench}, else
 *       {@code ~/.cache/taipan-workbench};</li>
 *   <li>{@code org.bytedeco.javacpp.cachedir} — ND4J/JavaCPP native unpack dir: {@code <cache>/javacpp};</li>
 *   <li>{@code javafx.cachedir} — JavaFX native unpack dir, if JavaFX ever needs one: {@code <cache>/openjfx};</li>
 *   <li>{@code DJL_CACHE_DIR}, {@code ENGINE_CACHE_DIR} — DJL's cache (HF tokenizers native): {@code <cache>/djl};</li>
 *   <li>{@code java.util.prefs.userRoot} — java.util.prefs storage: {@code <config>/prefs}.</li>
 * </ul>
 * {@code taipan.home} and {@code taipan.models.dir} are set by the launcher configuration itself, because
 * they are relative to the install folder ({@code $APPDIR}).
 */
public final class InstalledMain {

    /** Directory name under the XDG base dirs; matches the Debian package name. */
    static final String APP_DIR_NAME = "taipan-workbench";
    static final String MAIN_PROPERTY = "taipan.main";

    private InstalledMain() {
    }

    public static void main(String[] args) throws Throwable {
        String mainClass = System.getProperty(MAIN_PROPERTY);
        if (mainClass == null || mainClass.isBlank()) {
            System.err.println("taipan: launcher misconfigured: no -D" + MAIN_PROPERTY
                    + "=<main class> in its java-options");
            System.exit(2);
        }
        Properties defaults = userDirectories(System.getenv(), System.getProperty("user.home"));
        for (String key : defaults.stringPropertyNames()) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, defaults.getProperty(key));
            }
        }
        run(mainClass, args);
    }

    /**
     * The user-directory properties for a given environment (XDG base-directory rules: a variable that is
     * unset, empty or not absolute is ignored).
     */
    static Properties userDirectories(Map<String, String> env, String userHome) {
        Path home = Path.of(userHome);
        Path config = xdg(env, "XDG_CONFIG_HOME", home.resolve(".config")).resolve(APP_DIR_NAME);
        Path cache = xdg(env, "XDG_CACHE_HOME", home.resolve(".cache")).resolve(APP_DIR_NAME);
        Properties p = new Properties();
        p.setProperty("taipan.config.dir", config.toString());
        p.setProperty("taipan.cache.dir", cache.toString());
        p.setProperty("org.bytedeco.javacpp.cachedir", cache.resolve("javacpp").toString());
        p.setProperty("javafx.cachedir", cache.resolve("openjfx").toString());
        // DJL (tokenizer.HfTokenizer's HF tokenizers native) reads both as system properties; default ~/.djl.ai
        p.setProperty("DJL_CACHE_DIR", cache.resolve("djl").toString());
        p.setProperty("ENGINE_CACHE_DIR", cache.resolve("djl").toString());
        p.setProperty("java.util.prefs.userRoot", config.resolve("prefs").toString());
        return p;
    }

    private static Path xdg(Map<String, String> env, String variable, Path fallback) {
        String value = env.get(variable);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        Path path = Path.of(value);
        return path.isAbsolute() ? path : fallback;
    }

    /** Invokes {@code mainClass.main(args)}, rethrowing what it throws (not a reflection wrapper). */
    static void run(String mainClass, String[] args) throws Throwable {
        Method main;
        try {
            main = Class.forName(mainClass).getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("taipan: launcher misconfigured: cannot find " + mainClass + ".main(String[]): " + e);
            System.exit(2);
            return;
        }
        if (!Modifier.isStatic(main.getModifiers())) {
            System.err.println("taipan: launcher misconfigured: " + mainClass + ".main is not static");
            System.exit(2);
        }
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
