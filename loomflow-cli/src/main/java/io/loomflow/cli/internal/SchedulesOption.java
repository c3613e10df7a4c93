package io.loomflow.cli.internal;

import io.loomflow.data.CatalogException;
import io.loomflow.data.Conf;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.Schedules;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --conf}: the configuration folder whose {@code schedules.yml} ({@code base/schedules.yml},
 * overlaid by the environment's, as the catalog is read) {@code loomflow server} hosts. Default:
 * {@code conf} in the working directory, where a flow's {@code Conf.load(Path.of("conf"))} reads its
 * catalog; the environment is {@code LOOMFLOW_ENV}'s, else {@code local}.
 */
final class SchedulesOption {

    static final String DEFAULT_FOLDER = "conf";

    @Option(names = "--conf", paramLabel = "DIR",
            description = "The configuration folder whose base/schedules.yml (overlaid by the environment's, chosen"
                    + " by $LOOMFLOW_ENV as for the catalog) declares the schedules to host (default: conf in the"
                    + " working directory, when it has a schedules.yml; none otherwise). Schedules need --db with a"
                    + " PostgreSQL URL or the embedded store's directory.")
    Path conf;

    /**
     * The schedules the folder declares: none when {@code --conf} is not given and neither
     * {@code conf/base} nor the environment's folder has a file {@code schedules*.yml} (as the
     * loader reads them), so that a project without schedules is served as before whatever its
     * {@code conf} holds.
     *
     * @throws CliException (bad input) for a mistake, with the file and line the loader names
     */
    List<Schedule> load(Map<String, String> environment) {
        Path folder = conf == null ? Path.of(DEFAULT_FOLDER) : conf;
        String chosen = environment.get(Conf.ENVIRONMENT_VARIABLE);
        String env = chosen == null || chosen.isBlank() ? Conf.DEFAULT_ENVIRONMENT : chosen.strip();
        if (conf == null && !hasSchedulesFile(folder.resolve("base")) && !hasSchedulesFile(folder.resolve(env))) {
            return List.of();
        }
        try {
            return Schedules.load(Conf.load(folder, env, environment));
        } catch (ScheduleException | CatalogException mistake) {
            throw CliException.badInput(mistake.getMessage());
        }
    }

    private static boolean hasSchedulesFile(Path layer) {
        if (!Files.isDirectory(layer)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layer, "schedules*.{yml,yaml}")) {
            return files.iterator().hasNext();
        } catch (IOException unreadable) {
            return true; // Conf.load reads the folder and says what is wrong with it
        }
    }

    /** The folder as messages name it. */
    String describe() {
        return (conf == null ? Path.of(DEFAULT_FOLDER) : conf).toString();
    }
}
