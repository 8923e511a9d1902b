package dev.stsfleet.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * moto's server ({@code moto_server} on the PATH, else {@code python3 -m moto.server}) on a free port of
 * 127.0.0.1, for interoperability tests. Use it as a JUnit 5 extension
 * ({@code @RegisterExtension static final MotoServer MOTO = new MotoServer();}) or directly with
 * {@link #start()} and {@link #close()}. When moto is unavailable it FAILS: a skipped interop test
 * proves nothing. Closing kills the whole process tree (the PATH entry may be a wrapper script).
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private Process process;
    private Path log;
    private int port;

    /** Starts the server and waits until it answers. */
    public synchronized MotoServer start() {
        if (process != null) {
            return this;
        }
        try {
            port = freePort();
            log = Files.createTempFile("moto-server-", ".log");
            List<String> command = new ArrayList<>();
            Path motoServer = onPath("moto_server");
            if (motoServer != null) {
                command.add(motoServer.toString());
            } else {
                command.addAll(List.of("python3", "-m", "moto.server"));
            }
            command.addAll(List.of("-H", "127.0.0.1", "-p", String.valueOf(port)));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            awaitReady();
            return this;
        } catch (IOException e) {
            close();
            throw new IllegalStateException("cannot start moto's server (moto_server or python3 -m moto.server): "
                    + e.getMessage(), e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        if (process == null) {
            throw new IllegalStateException("moto is not started");
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Forgets every resource moto holds (its {@code /moto-api/reset}). */
    public void reset() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint().resolve("/moto-api/reset").toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.getOutputStream().close();
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException("moto reset answered HTTP " + c.getResponseCode());
            }
            c.disconnect();
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        ProcessHandle handle = process.toHandle();
        List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        handle.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : tree) {
                if (h.isAlive()) {
                    h.destroyForcibly();
                    h.onExit().get(10, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        process = null;
        try {
            if (log != null) {
                Files.deleteIfExists(log);
            }
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        URI probe = URI.create("http://127.0.0.1:" + port + "/moto-api/");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto's server exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) probe.toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto");
            }
        }
        throw new IllegalStateException("moto's server did not answer within " + STARTUP + ":\n" + output());
    }

    private String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
