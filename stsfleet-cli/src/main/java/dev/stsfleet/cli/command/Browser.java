package dev.stsfleet.cli.command;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens a URL in the user's browser: the {@code BROWSER} variable's command (the URL appended as its last
 * argument), else {@code xdg-open} when there is a display, else the JDK's desktop. The URL is never put in a
 * message here. Stateless.
 */
final class Browser {
    private final Map<String, String> env;

    Browser(Map<String, String> env) {
        this.env = env;
    }

    /** Whether a browser can probably be opened here. */
    boolean available() {
        return command() != null || desktop();
    }

    /** Opens {@code url}; false when no browser could be started. */
    boolean open(URI url) {
        List<String> command = command();
        if (command != null) {
            command.add(url.toString());
            try {
                new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        if (desktop()) {
            try {
                java.awt.Desktop.getDesktop().browse(url);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    private List<String> command() {
        String browser = env.get("BROWSER");
        if (browser != null && !browser.isBlank()) {
            return new ArrayList<>(List.of(browser.trim().split("\\s+")));
        }
        boolean display = nonBlank(env.get("DISPLAY")) || nonBlank(env.get("WAYLAND_DISPLAY"));
        Path xdg = onPath(env.get("PATH"), "xdg-open");
        return display && xdg != null ? new ArrayList<>(List.of(xdg.toString())) : null;
    }

    private static boolean desktop() {
        try {
            return !java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
                    && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The executable {@code name} in the directories of {@code path} (a PATH value), or null. */
    static Path onPath(String path, String name) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }
}
