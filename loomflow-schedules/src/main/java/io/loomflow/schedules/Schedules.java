package io.loomflow.schedules;

import io.loomflow.data.Conf;
import io.loomflow.data.ConfValue;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schedules from {@code schedules.yml} next to the catalog ({@code conf/base/schedules.yml},
 * overlaid by the environment's, as {@link Conf#entries} reads them): a mapping of schedule names
 * to their settings.
 * <pre>
 * nightly:
 *   flow: report                  # required
 *   cron: "30 2 * * *"            # one of cron, every (with an optional anchor) or at
 *   zone: Europe/Berlin           # UTC unless given
 *   parameters: { region: emea }
 *   catchUp: skip                 # skip, once (the default) or { each: 3 }
 *   maxActive: 1
 *   jitter: 30s                   # durations: 30s, 5m, 1h, 1h30m, 1d, or ISO-8601 such as PT5M
 *   grace: 1m
 * quarterly-sync:
 *   flow: sync
 *   every: 15m
 *   anchor: 2026-01-01T00:00:00Z  # the first slot; 1970-01-01T00:00:00Z unless given
 * launch-day:
 *   flow: announce
 *   at: 2026-09-01T09:00          # with an offset or Z, or a local time read in the zone
 * </pre>
 * Every mistake is a {@link ScheduleException} starting {@code file:line:column:}, naming the value
 * and showing one that is valid; the flow a schedule names is checked by the scheduler that runs it.
 */
public final class Schedules {

    /** The keys a schedule may have, in the order they are documented. */
    public static final List<String> KEYS = List.of("flow", "cron", "every", "anchor", "at", "zone", "parameters",
            "catchUp", "maxActive", "jitter", "grace");

    private Schedules() {
    }

    /**
     * The schedules of a configuration folder, in file order; none when it has no
     * {@code schedules.yml}.
     *
     * @param conf the configuration, as {@link Conf#load} reads it
     * @return the schedules
     * @throws ScheduleException at the line of a mistake, naming the value and showing a valid one
     */
    public static List<Schedule> load(Conf conf) {
        return ConfSettings.load(conf, "schedules", ScheduleException::new, Schedules::schedule);
    }

    private static Schedule schedule(String name, ConfValue entry) {
        ConfSettings<ScheduleException> read = new ConfSettings<>("schedule " + name, ScheduleException::new);
        Map<String, ConfValue> settings = read.settings(entry, KEYS, "{ flow: report, cron: \"30 2 * * *\" }");
        ConfValue flowValue = settings.get("flow");
        if (flowValue == null) {
            throw read.error(entry, "schedule " + name + " has no flow; add flow: followed by the name of the flow it"
                    + " starts, such as flow: report");
        }
        String flow = read.text("flow", flowValue, "report");
        List<String> timings = settings.keySet().stream().filter(Set.of("cron", "every", "at")::contains).toList();
        if (timings.size() != 1) {
            throw read.error(timings.isEmpty() ? entry : settings.get(timings.get(1)), "schedule " + name + " must have"
                    + " one of cron, every or at" + (timings.isEmpty() ? "" : ", not " + String.join(" and ", timings))
                    + ", such as cron: \"30 2 * * *\", every: 15m or at: 2026-09-01T09:00:00Z");
        }
        ConfValue anchor = settings.get("anchor");
        if (anchor != null && !timings.getFirst().equals("every")) {
            throw read.error(anchor, "schedule " + name + ": anchor is the first slot of an every: schedule; remove it,"
                    + " or use every: 15m with it");
        }
        ZoneId zone = ZoneOffset.UTC;
        ConfValue zoneValue = settings.get("zone");
        if (zoneValue != null) {
            String zoneText = read.text("zone", zoneValue, "Europe/Berlin");
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException unknown) {
                throw read.error(zoneValue, "schedule " + name + ": unknown time zone '" + zoneText + "'; use a region"
                        + " id such as Europe/Berlin or America/New_York, or UTC");
            }
        }
        ConfValue timingValue = settings.get(timings.getFirst());
        Schedule schedule;
        String kind = timings.getFirst();
        String cron = kind.equals("cron") ? read.text("cron", timingValue, "\"30 2 * * *\"") : null;
        Duration interval = kind.equals("every") ? read.positiveDuration("every", timingValue, "15m") : null;
        Instant at = kind.equals("at") ? instant(read, name, "at", timingValue, zone)
                : anchor == null ? Instant.EPOCH : instant(read, name, "anchor", anchor, zone);
        try {
            schedule = cron != null ? Schedule.cron(name, flow, cron)
                    : interval != null ? Schedule.every(name, flow, interval, at) : Schedule.once(name, flow, at);
        } catch (ScheduleException invalid) {
            if (invalid.getMessage().startsWith("invalid schedule name")) {
                throw read.error(entry, invalid.getMessage());
            }
            throw read.error(invalid.getMessage().startsWith("invalid flow name") ? flowValue : timingValue,
                    invalid.getMessage());
        }
        schedule = schedule.withZone(zone);
        ConfValue parameters = settings.get("parameters");
        if (parameters != null) {
            Map<String, ?> values = read.parameters(parameters);
            try {
                schedule = schedule.withParameters(values);
            } catch (ScheduleException notJson) {
                throw read.error(parameters, notJson.getMessage());
            }
        }
        ConfValue catchUp = settings.get("catchUp");
        if (catchUp != null) {
            schedule = schedule.withCatchUp(catchUp(read, name, catchUp));
        }
        ConfValue maxActive = settings.get("maxActive");
        if (maxActive != null) {
            schedule = schedule.withMaxActive(read.positive("maxActive", maxActive, "maxActive: 1"));
        }
        ConfValue jitter = settings.get("jitter");
        if (jitter != null) {
            schedule = schedule.withJitter(read.duration("jitter", jitter, "30s"));
        }
        ConfValue grace = settings.get("grace");
        if (grace != null) {
            schedule = schedule.withGrace(read.positiveDuration("grace", grace, "1m"));
        }
        return schedule;
    }

    private static CatchUp catchUp(ConfSettings<ScheduleException> read, String name, ConfValue value) {
        String example = "catchUp: skip, catchUp: once or catchUp: { each: 3 }";
        if (value.isMapping()) {
            Map<String, ConfValue> each = value.entries();
            if (each.size() != 1 || !each.containsKey("each")) {
                throw read.error(value, "schedule " + name + ": catchUp as a mapping has one key, each (the most"
                        + " missed slots that fire), such as " + example);
            }
            return CatchUp.each(read.positive("catchUp each", each.get("each"), "catchUp: { each: 3 }"));
        }
        String text = value.text();
        if ("skip".equals(text)) {
            return CatchUp.skip();
        }
        if ("once".equals(text)) {
            return CatchUp.once();
        }
        throw read.error(value, "schedule " + name + ": catchUp '" + text + "' is not a policy; write " + example);
    }

    private static Instant instant(ConfSettings<ScheduleException> read, String name, String key, ConfValue value,
                                   ZoneId zone) {
        String text = read.text(key, value, "2026-09-01T09:00:00Z");
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException notATime) {
                throw read.error(value, "schedule " + name + ": " + key + " '" + text + "' is not a time; write"
                        + " 2026-09-01T09:00:00Z (UTC), 2026-09-01T09:00:00+02:00, or 2026-09-01T09:00 (read in the"
                        + " schedule's zone, " + zone + ")");
            }
        }
    }
}
