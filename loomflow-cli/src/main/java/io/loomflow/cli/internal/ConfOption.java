package io.loomflow.cli.internal;

import io.loomflow.data.Catalog;
import io.loomflow.data.CatalogException;
import io.loomflow.data.Conf;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.Schedules;
import io.loomflow.schedules.Trigger;
import io.loomflow.schedules.TriggerException;
import io.loomflow.schedules.Triggers;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --conf}: the configuration folder whose {@code schedules.yml} and {@code triggers.yml}
 * ({@code base/...}, overlaid by the environment's, as the catalog is read) {@code loomflow server}
 * and {@code loomflow worker} host. Default: {@code conf} in the working directory, where a flow's
 * {@code Conf.load(Path.of("conf"))} reads its catalog; the environment is {@code LOOMFLOW_ENV}'s,
 * else {@code local}.
 */
final class ConfOption {

    static final String DEFAULT_FOLDER = "conf";

    @Option(names = "--conf", paramLabel = "DIR",
            description = "The configuration folder whose base/schedules.yml and base/triggers.yml (overlaid by the"
                    + " environment's, chosen by $LOOMFLOW_ENV as for the catalog) declare the schedules and triggers"
                    + " to host (default: conf in the working directory, when it has a schedules.yml or triggers.yml;"
                    + " none otherwise). Dataset triggers name datasets of its catalog.")
    Path conf;

    /**
     * What a folder declares to host.
     *
     * @param schedules its schedules, in file order
     * @param triggers its triggers, in file order
     * @param catalog its catalog, whose datasets dataset triggers name; null when nothing was read
     */
    record Declared(List<Schedule> schedules, List<Trigger> triggers, @Nullable Catalog catalog) {

        static final Declared NONE = new Declared(List.of(), List.of(), null);

        boolean isEmpty() {
            return schedules.isEmpty() && triggers.isEmpty();
        }
    }

    /**
     * The schedules and triggers the folder declares: none when {@code --conf} is not given and
     * neither {@code conf/base} nor the environment's folder has a file {@code schedules*.yml} or
     * {@code triggers*.yml} (as the loaders read them), so that a project without them is served as
     * before whatever its {@code conf} holds.
     *
     * @throws CliException (bad input) for a mistake, with the file and line the loader names
     */
    Declared load(Map<String, String> environment) {
        Path folder = folder();
        String chosen = environment.get(Conf.ENVIRONMENT_VARIABLE);
        String env = chosen == null || chosen.isBlank() ? Conf.DEFAULT_ENVIRONMENT : chosen.strip();
        if (conf == null && !hasHostedFile(folder.resolve("base")) && !hasHostedFile(folder.resolve(env))) {
            return Declared.NONE;
        }
        try {
            Conf loaded = Conf.load(folder, env, environment);
            return new Declared(Schedules.load(loaded), Triggers.load(loaded), loaded.catalog());
        } catch (ScheduleException | TriggerException | CatalogException mistake) {
            throw CliException.badInput(mistake.getMessage());
        }
    }

    private static boolean hasHostedFile(Path layer) {
        if (!Files.isDirectory(layer)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layer, "{schedules,triggers}*.{yml,yaml}")) {
            return files.iterator().hasNext();
        } catch (IOException unreadable) {
            return true; // Conf.load reads the folder and says what is wrong with it
        }
    }

    private Path folder() {
        return conf == null ? Path.of(DEFAULT_FOLDER) : conf;
    }

    /** The folder as messages name it. */
    String describe() {
        return folder().toString();
    }
}
