package io.meshinfer.connect.intentions;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestPathTest {

    record Row(String why, String raw, String normalized) {
        @Override
        public String toString() {
            return why + ": " + raw;
        }
    }

    static Stream<Row> canonicalForms() {
        return Stream.of(
                new Row("already canonical", "/rerank", "/rerank"),
                new Row("the root", "/", "/"),
                new Row("query dropped", "/rerank?model=a&x=/../embed", "/rerank"),
                new Row("fragment dropped", "/rerank#top", "/rerank"),
                new Row("dot-dot climbs back", "/embed/../rerank", "/rerank"),
                new Row("encoded dot-dot", "/embed/%2e%2e/rerank", "/rerank"),
                new Row("upper-case encoded dot-dot", "/embed/%2E%2E/rerank", "/rerank"),
                new Row("half-encoded dot-dot", "/embed/.%2e/rerank", "/rerank"),
                new Row("encoded slash around dot-dot", "/embed%2F..%2Frerank", "/rerank"),
                new Row("lower-case encoded slash", "/embed%2f..%2frerank", "/rerank"),
                new Row("encoded backslash", "/embed%5C..%5Crerank", "/rerank"),
                new Row("raw backslash", "/embed\\..\\rerank", "/rerank"),
                new Row("encoded unreserved letter", "/%72erank", "/rerank"),
                new Row("every unreserved kind decoded", "/%41%7a%30%2D%5F%7E", "/Az0-_~"),
                new Row("leading double slash", "//rerank", "/rerank"),
                new Row("slashes merged everywhere", "/a///b//c", "/a/b/c"),
                new Row("encoded slash merged with a raw one", "/%2F/rerank", "/rerank"),
                new Row("trailing encoded slash", "/rerank%2F", "/rerank/"),
                new Row("single dot", "/./rerank", "/rerank"),
                new Row("trailing single dot keeps the directory", "/rerank/.", "/rerank/"),
                new Row("trailing dot-dot keeps the directory", "/a/b/..", "/a/"),
                new Row("dot-dot to the root", "/rerank/..", "/"),
                new Row("trailing slash is kept", "/rerank/", "/rerank/"),
                new Row("case is significant", "/EMBED", "/EMBED"),
                new Row("encoded upper-case letter stays upper-case", "/%45MBED", "/EMBED"),
                new Row("reserved escape kept, hex upper-cased", "/a%3bb%3f", "/a%3Bb%3F"),
                new Row("encoded percent is not decoded twice", "/%252e%252e/rerank", "/%252e%252e/rerank"),
                new Row("space escape kept", "/a%20b", "/a%20b"),
                new Row("UTF-8 escapes kept", "/caf%c3%a9", "/caf%C3%A9"),
                new Row("dots inside a name are not segments", "/a/..b/c..d/...", "/a/..b/c..d/..."),
                new Row("matrix parameter is not a dot segment", "/embed/..;/rerank", "/embed/..;/rerank"),
                new Row("dot-dot then encoded dot", "/a/b/../%2e/c", "/a/c"));
    }

    @ParameterizedTest
    @MethodSource("canonicalForms")
    void policiesSeeOneCanonicalPath(Row row) {
        assertEquals(row.normalized(), RequestPath.normalize(row.raw()));
    }

    @ParameterizedTest
    @MethodSource("canonicalForms")
    void normalizingTwiceChangesNothing(Row row) {
        String once = RequestPath.normalize(row.raw());
        assertEquals(once, RequestPath.normalize(once));
    }

    record Bad(String why, String raw, String message) {
        @Override
        public String toString() {
            return why + ": " + raw;
        }
    }

    static Stream<Bad> refused() {
        return Stream.of(
                new Bad("empty", "", RequestPath.NOT_ABSOLUTE),
                new Bad("relative", "rerank", RequestPath.NOT_ABSOLUTE),
                new Bad("asterisk form", "*", RequestPath.NOT_ABSOLUTE),
                new Bad("only a query", "?a=b", RequestPath.NOT_ABSOLUTE),
                new Bad("backslash first", "\\rerank", RequestPath.NOT_ABSOLUTE),
                new Bad("encoded slash first", "%2Frerank", RequestPath.NOT_ABSOLUTE),
                new Bad("absolute URI", "http://host/rerank", RequestPath.NOT_ABSOLUTE),
                new Bad("truncated escape", "/rerank%2", RequestPath.BAD_ESCAPE),
                new Bad("lone percent", "/a%", RequestPath.BAD_ESCAPE),
                new Bad("non-hex escape", "/%zz", RequestPath.BAD_ESCAPE),
                new Bad("IIS-style escape", "/%u002e%u002e/rerank", RequestPath.BAD_ESCAPE),
                new Bad("non-ASCII digit in escape", "/%\u0663\u0663", RequestPath.BAD_ESCAPE),
                new Bad("encoded NUL", "/rerank%00.json", RequestPath.CONTROL),
                new Bad("raw NUL", "/rerank\u0000", RequestPath.CONTROL),
                new Bad("encoded newline", "/a%0Ab", RequestPath.CONTROL),
                new Bad("raw tab", "/a\tb", RequestPath.CONTROL),
                new Bad("encoded DEL", "/a%7f", RequestPath.CONTROL),
                new Bad("dot-dot at the root", "/..", RequestPath.ABOVE_ROOT),
                new Bad("dot-dot past the root", "/embed/../../rerank", RequestPath.ABOVE_ROOT),
                new Bad("encoded dot-dot past the root", "/%2e%2e/rerank", RequestPath.ABOVE_ROOT));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void malformedPathsAreRefusedWithAReason(Bad row) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RequestPath.normalize(row.raw()));
        assertEquals(row.message(), e.getMessage());
    }
}
