package io.loomflow.store.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.function.Function;

/**
 * The {@code java.time} values as their ISO-8601 text, both ways. Jackson refuses them without a
 * module; these few lines spare the store a dependency on jackson-datatype-jsr310 (whose richer
 * options results do not need).
 */
final class JavaTimeModule {

    private JavaTimeModule() {
    }

    static SimpleModule create() {
        SimpleModule module = new SimpleModule("loomflow-java-time");
        add(module, Instant.class, Instant::parse);
        add(module, LocalDate.class, LocalDate::parse);
        add(module, LocalDateTime.class, LocalDateTime::parse);
        add(module, LocalTime.class, LocalTime::parse);
        add(module, OffsetDateTime.class, OffsetDateTime::parse);
        add(module, OffsetTime.class, OffsetTime::parse);
        add(module, ZonedDateTime.class, ZonedDateTime::parse);
        add(module, Duration.class, Duration::parse);
        add(module, Period.class, Period::parse);
        add(module, Year.class, Year::parse);
        add(module, YearMonth.class, YearMonth::parse);
        add(module, MonthDay.class, MonthDay::parse);
        return module;
    }

    private static <T> void add(SimpleModule module, Class<T> type, Function<String, T> parse) {
        module.addSerializer(type, ToStringSerializer.instance);
        module.addDeserializer(type, new FromText<>(type, parse));
    }

    private static final class FromText<T> extends StdScalarDeserializer<T> {
        private static final long serialVersionUID = 1L;
        private final transient Function<String, T> parse;

        FromText(Class<T> type, Function<String, T> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                return (T) context.handleUnexpectedToken(handledType(), parser);
            }
            try {
                return parse.apply(text);
            } catch (RuntimeException notIso) {
                return (T) context.handleWeirdStringValue(handledType(), text, "not ISO-8601: %s", notIso.getMessage());
            }
        }
    }
}
