package ai.taipan.installer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class InstalledMainTest {

    @Test
    void defaultsFollowXdgFallbacksUnderHome() {
        Properties p = InstalledMain.userDirectories(Map.of(), "/home/ada");
        assertEquals("/home/ada/.config/taipan-workbench", p.getProperty("taipan.config.dir"));
        assertEquals("/home/ada/.cache/taipan-workbench", p.getProperty("taipan.cache.dir"));
        assertEquals("/home/ada/.cache/taipan-workbench/javacpp", p.getProperty("org.bytedeco.javacpp.cachedir"));
        assertEquals("/home/ada/.cache/taipan-workbench/openjfx", p.getProperty("javafx.cachedir"));
        assertEquals("/home/ada/.config/taipan-workbench/prefs", p.getProperty("java.util.prefs.userRoot"));
        assertEquals("/home/ada/.cache/taipan-workbench/djl", p.getProperty("DJL_CACHE_DIR"));
        assertEquals("/home/ada/.cache/taipan-workbench/djl", p.getProperty("ENGINE_CACHE_DIR"));
    }

    @Test
    void absoluteXdgVariablesWin() {
        Properties p = InstalledMain.userDirectories(
                Map.of("XDG_CONFIG_HOME", "/cfg", "XDG_CACHE_HOME", "/var/tmp/c"), "/home/ada");
        assertEquals("/cfg/taipan-workbench", p.getProperty("taipan.config.dir"));
        assertEquals("/var/tmp/c/taipan-workbench/javacpp", p.getProperty("org.bytedeco.javacpp.cachedir"));
    }

    @Test
    void emptyOrRelativeXdgVariablesAreIgnoredAsTheSpecSays() {
        Properties p = InstalledMain.userDirectories(
                Map.of("XDG_CONFIG_HOME", "", "XDG_CACHE_HOME", "relative/cache"), "/home/ada");
        assertEquals("/home/ada/.config/taipan-workbench", p.getProperty("taipan.config.dir"));
        assertEquals("/home/ada/.cache/taipan-workbench", p.getProperty("taipan.cache.dir"));
    }

    /** Target for {@link #runPassesArgumentsAndRethrowsTheRealException()}. */
    public static final class Target {
        static String[] seen;

        public static void main(String[] args) {
            seen = args;
            if (args.length > 0 && args[0].equals("fail")) {
                throw new IllegalStateException("boom");
            }
        }
    }

    @Test
    void runPassesArgumentsAndRethrowsTheRealException() throws Throwable {
        InstalledMain.run(Target.class.getName(), new String[] {"generate", "--max-tokens", "8"});
        assertEquals(3, Target.seen.length);
        assertEquals("--max-tokens", Target.seen[1]);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> InstalledMain.run(Target.class.getName(), new String[] {"fail"}));
        assertEquals("boom", e.getMessage());
    }
}
