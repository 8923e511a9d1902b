package dev.stsfleet.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * The JSON writers the renderers share: maps, lists, text, numbers, booleans and null, written with Jackson's
 * streaming generator (the renderers build plain documents; the object mapper would cost every command that prints
 * JSON its start-up, about a tenth of a second here, for nothing they need). Stateless and thread-safe.
 */
final class Json {
    // The caller owns the Writer: Jackson must not close it (stdout in the CLI).
    private static final JsonFactory FACTORY = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** Pretty, two-space indent, {@code "key": value} as Python's json.dumps(indent=2) prints it. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private Json() {
    }

    static void pretty(Object value, Writer out) {
        write(true, value, out);
    }

    static void compact(Object value, Writer out) {
        write(false, value, out);
    }

    private static void write(boolean pretty, Object value, Writer out) {
        try {
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                if (pretty) {
                    g.setPrettyPrinter(PRETTY.createInstance());
                }
                value(g, value);
            }
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // Writer failures (closed pipe) carry no content.
            throw new UncheckedIOException("cannot write the output", e);
        }
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof CharSequence s) {
            g.writeString(s.toString());
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                value(g, item);
            }
            g.writeEndArray();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof Double || v instanceof Float) {
            g.writeNumber(((Number) v).doubleValue());
        } else {
            // Never the value itself: it could be a secret.
            throw new IllegalArgumentException("no JSON form for a " + v.getClass().getName());
        }
    }
}
