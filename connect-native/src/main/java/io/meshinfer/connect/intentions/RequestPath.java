package io.meshinfer.connect.intentions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The request path as intentions see it.
 *
 * <p>A path rule is only as good as the agreement between the string the policy matches and the resource the
 * router serves. Consul's sidecar compared the raw path, so {@code /embed/..%2Frerank} or {@code //rerank} slipped
 * past a rule about {@code /rerank} (CVE-2024-10005, CVE-2024-10006). Here the policy sees one canonical form: the
 * query is dropped, unreserved characters and encoded slashes and backslashes are decoded, backslashes become
 * slashes, repeated slashes merge, and dot segments are resolved (RFC 3986, 5.2.4), including those that appear
 * only after decoding. Other escapes stay escaped, with upper-case hex. Letter case is kept: paths are
 * case-sensitive. The router must serve the same normalized path for the rules to mean what they say.
 */
public final class RequestPath {

    static final String NOT_ABSOLUTE = "path must start with '/'";
    static final String BAD_ESCAPE = "path has a malformed percent-escape";
    static final String CONTROL = "path contains a control character";
    static final String ABOVE_ROOT = "path climbs above the root with '..'";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RequestPath() {
    }

    /**
     * Normalizes a raw request path (as sent on the request line, query allowed). Idempotent.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static String normalize(String rawPath) {
        Objects.requireNonNull(rawPath, "rawPath");
        String path = withoutQuery(rawPath);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(NOT_ABSOLUTE);
        }
        return removeDotSegments(decode(path));
    }

    private static String withoutQuery(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '?' || c == '#') {
                return raw.substring(0, i);
            }
        }
        return raw;
    }

    private static String decode(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                int value = escapedByte(path, i);
                i += 2;
                if (isUnreserved(value)) {
                    out.append((char) value);
                } else if (value == '/' || value == '\\') {
                    out.append('/');
                } else if (isControl(value)) {
                    throw new IllegalArgumentException(CONTROL);
                } else {
                    out.append('%').append(HEX[value >> 4]).append(HEX[value & 0xF]);
                }
            } else if (c == '\\') {
                out.append('/');
            } else if (isControl(c)) {
                throw new IllegalArgumentException(CONTROL);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int escapedByte(String path, int at) {
        if (at + 2 >= path.length()) {
            throw new IllegalArgumentException(BAD_ESCAPE);
        }
        return hexDigit(path.charAt(at + 1)) << 4 | hexDigit(path.charAt(at + 2));
    }

    // Not Character.digit: it also accepts non-ASCII digits (Arabic-Indic, full-width, ...).
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
            return (c | 0x20) - 'a' + 10;
        }
        throw new IllegalArgumentException(BAD_ESCAPE);
    }

    // RFC 3986, 2.3: decoding these never changes what a URI means.
    private static boolean isUnreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isControl(int c) {
        return c < 0x20 || c == 0x7F;
    }

    /** Input starts with '/' and has no backslashes; empty segments are dropped, so repeated slashes merge. */
    private static String removeDotSegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        List<String> kept = new ArrayList<>(segments.length);
        for (String segment : segments) {
            switch (segment) {
                case "", "." -> {
                }
                case ".." -> {
                    if (kept.isEmpty()) {
                        throw new IllegalArgumentException(ABOVE_ROOT);
                    }
                    kept.removeLast();
                }
                default -> kept.add(segment);
            }
        }
        // "/a/b/", "/a/b/." and "/a/b/c/.." all name the directory "/a/b/": the trailing slash stays.
        String last = segments[segments.length - 1];
        boolean directory = last.isEmpty() || last.equals(".") || last.equals("..");
        if (kept.isEmpty()) {
            return "/";
        }
        return "/" + String.join("/", kept) + (directory ? "/" : "");
    }
}
