package dev.stsfleet.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request line and headers of one HTTP/1.x request, read from a socket within a deadline and size caps
 * and nothing more: the body, if any, is never read here. Immutable once read.
 */
final class RequestHead {
    /** Why a head could not be read; {@link #status} is the answer to give (0: just close). */
    static final class Refused extends IOException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    final String method;
    final String target;
    final String version;
    private final Map<String, String> headers;
    private final boolean trailingBytes;

    private RequestHead(String method, String target, String version, Map<String, String> headers,
                        boolean trailingBytes) {
        this.method = method;
        this.target = target;
        this.version = version;
        this.headers = headers;
        this.trailingBytes = trailingBytes;
    }

    /** The first value of a header (name case-insensitive), or {@code null}. */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether a body follows the head (a length above zero, or any transfer coding). */
    boolean hasBody() {
        String length = header("content-length");
        return header("transfer-encoding") != null || length != null && !length.trim().equals("0");
    }

    /** Whether the connection may carry another request after this one. */
    boolean keepAlive() {
        String connection = header("connection");
        boolean close = connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
        return version.equals("HTTP/1.1") && !close && !hasBody() && !trailingBytes;
    }

    /**
     * Reads one head. The whole head must arrive within {@code timeout} from the call (a client sending a
     * byte at a time cannot hold the connection longer), in at most {@code maxBytes} bytes and
     * {@code maxHeaders} header lines.
     *
     * @return the head, or {@code null} if the client closed the connection before sending anything
     * @throws Refused for a head too large (431), malformed (400) or too slow (408)
     */
    static RequestHead read(Socket socket, InputStream in, Duration timeout, int maxBytes, int maxHeaders)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[maxBytes];
        int length = 0;
        int end;
        while ((end = endOfHead(buffer, length)) < 0) {
            if (length == maxBytes) {
                throw new Refused(431, "the request line and headers are over " + maxBytes + " bytes");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Refused(length == 0 ? 0 : 408, "the request head did not arrive within " + timeout);
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(buffer, length, maxBytes - length);
            } catch (SocketTimeoutException e) {
                throw new Refused(length == 0 ? 0 : 408, "the request head did not arrive within " + timeout);
            }
            if (n < 0) {
                if (length == 0) {
                    return null;
                }
                throw new Refused(0, "the client closed the connection in the middle of a request head");
            }
            length += n;
        }
        // Bytes past the head (a body, or pipelining) are left unread; the connection then ends after the answer.
        return parse(new String(buffer, 0, end, StandardCharsets.ISO_8859_1), maxHeaders, end < length);
    }

    /** The index just past the blank line ending the head, or -1. */
    private static int endOfHead(byte[] b, int length) {
        for (int i = 3; i < length; i++) {
            if (b[i] == '\n' && (b[i - 1] == '\n' || b[i - 1] == '\r' && b[i - 2] == '\n')) {
                return i + 1;
            }
        }
        return length >= 2 && b[0] == '\r' && b[1] == '\n' ? 2 : -1;
    }

    private static RequestHead parse(String text, int maxHeaders, boolean trailingBytes) throws Refused {
        String[] lines = text.split("\r?\n");
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()
                || !(requestLine[2].equals("HTTP/1.1") || requestLine[2].equals("HTTP/1.0"))) {
            throw new Refused(400, "malformed request line");
        }
        for (int i = 0; i < requestLine[0].length(); i++) {
            char c = requestLine[0].charAt(i);
            if (c < 'A' || c > 'Z') {
                throw new Refused(400, "malformed method");
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int count = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (++count > maxHeaders) {
                throw new Refused(431, "more than " + maxHeaders + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.substring(0, colon).contains(" ")) {
                throw new Refused(400, "malformed header line");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if ((name.equals("host") || name.equals("authorization") || name.equals("content-length"))
                    && headers.containsKey(name)) {
                throw new Refused(400, "a repeated " + name + " header");
            }
            headers.putIfAbsent(name, value);
        }
        return new RequestHead(requestLine[0], requestLine[1], requestLine[2], headers, trailingBytes);
    }
}
