package dev.stsfleet.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** The JSON writers the renderers share. Thread-safe (Jackson writers are immutable). */
final class Json {
    // The caller owns the Writer: Jackson must not close it (stdout in the CLI).
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    /** Pretty, two-space indent, {@code "key": value} as Python's json.dumps(indent=2) prints it. */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private static final ObjectWriter COMPACT = MAPPER.writer();

    private Json() {
    }

    static void pretty(Object value, Writer out) {
        write(PRETTY, value, out);
    }

    static void compact(Object value, Writer out) {
        write(COMPACT, value, out);
    }

    private static void write(ObjectWriter writer, Object value, Writer out) {
        try {
            writer.writeValue(out, value);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // Never e.getMessage() of a serializer failure alone: it could quote a value. Writer
            // failures (closed pipe) carry no content.
            throw new UncheckedIOException("cannot write the output", e);
        }
    }
}
