package io.loomflow.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.data.Catalog;
import io.loomflow.data.CatalogException;
import io.loomflow.data.Conf;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog's type sql, with user and password from credentials.yml, on H2. */
class SqlCatalogTest {

    @TempDir
    Path conf;

    private final String url = "jdbc:h2:mem:" + UUID.randomUUID(); // open while the admin connection is

    private void write(String file, String text) throws IOException {
        Files.createDirectories(conf.resolve(file).getParent());
        Files.writeString(conf.resolve(file), text);
    }

    @Test
    void loadsWithTheUserAndPasswordOfCredentialsYml() throws Exception {
        try (Connection admin = DriverManager.getConnection(url, "sa", "");
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, full_name VARCHAR(50), age INTEGER)");
            statement.execute("INSERT INTO people VALUES (1, 'Ada', 36)");
            statement.execute("CREATE USER app PASSWORD 's3cret'");
            statement.execute("GRANT ALL ON people TO app");
            loadAs(admin);
        }
    }

    @SuppressWarnings("unchecked")
    private void loadAs(Connection keptOpen) throws IOException {
        write("base/catalog.yml", "datasets:\n  people: { type: sql, uri: \"" + url + "\", credentials: db,"
                + " options: { table: people, key: id } }\n");
        write("local/credentials.yml", "db: { user: app, password: s3cret }\n");
        List<Object> rows = (List<Object>) Conf.load(conf).catalog().dataset("people").load();
        assertThat(rows).containsExactly((Object) Map.of("ID", 1, "FULL_NAME", "Ada", "AGE", 36));

        write("local/credentials.yml", "db: { user: app, password: wrong }\n");
        assertThatThrownBy(() -> Conf.load(conf).catalog().dataset("people").load())
                .hasMessageContaining("dataset 'people'").hasMessageContaining("could not connect")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aMissingCredentialsEntryIsNamed() throws IOException {
        write("base/catalog.yml", "datasets:\n  people: { type: sql, uri: \"" + url + "\", credentials: db,"
                + " options: { table: people } }\n");
        assertThatThrownBy(() -> Conf.load(conf)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("dataset 'people' uses the credentials 'db'")
                .hasMessageContaining("credentials.yml");
    }

    @Test
    void aPasswordInTheCatalogFileIsRefused() throws IOException {
        write("base/catalog.yml", "storage:\n  jdbc: { user: app, password: s3cret }\ndatasets:\n"
                + "  people: { type: sql, uri: \"" + url + "\", options: { table: people } }\n");
        assertThatThrownBy(() -> Conf.load(conf)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("never holds a password").hasMessageContaining("credentials.yml")
                .hasMessageNotContaining("s3cret");
        write("base/catalog.yml", "datasets:\n  people: { type: sql, uri: \"" + url + "\", options: { table: people,"
                + " password: s3cret } }\n");
        assertThatThrownBy(() -> Conf.load(conf)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("option 'password' does not belong in the catalog");
        write("base/catalog.yml", "datasets:\n  people: { type: sql, uri: \"" + url + ";PASSWORD=s3cret\","
                + " options: { table: people } }\n");
        assertThatThrownBy(() -> Conf.load(conf).catalog().dataset("people").load())
                .hasMessageContaining("the JDBC URL holds a password");
    }

    @Test
    void aSqlDatasetCannotBeVersionedAndTheCatalogSaysWhyAtTheLine() throws IOException {
        write("base/catalog.yml", "datasets:\n  people: { type: sql, uri: \"" + url + "\", versioned: true,"
                + " options: { table: people } }\n");
        assertThatThrownBy(() -> Conf.load(conf)).isInstanceOf(CatalogException.class)
                .hasMessage(conf.resolve("base/catalog.yml") + ":2:" + (url.length() + 33) + ": dataset 'people' is of"
                        + " type sql, which its format reads and writes itself (rows in a database, not an object at"
                        + " its uri), so there is no object to keep versions of; remove versioned, and keep the"
                        + " history in the database itself (a table per run, or a column saying when a row was"
                        + " written)");
    }

    @Test
    void eachLoadAndSaveOfATableIsRecordedInTheRunsLineageWithoutVersion() throws Exception {
        List<Event.DatasetAccess> accesses = new CopyOnWriteArrayList<>();
        try (Connection admin = DriverManager.getConnection(url, "sa", "");
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, full_name VARCHAR(50), age INTEGER)");
            statement.execute("CREATE TABLE adults (id INTEGER PRIMARY KEY, full_name VARCHAR(50), age INTEGER)");
            statement.execute("INSERT INTO people VALUES (1, 'Ada', 36), (2, 'Bob', 12)");
            statement.execute("CREATE USER app PASSWORD 's3cret'");
            statement.execute("GRANT ALL ON people TO app");
            statement.execute("GRANT ALL ON adults TO app");
            write("base/catalog.yml", "datasets:\n"
                    + "  people: { type: sql, uri: \"" + url + "\", credentials: db, options: { table: people } }\n"
                    + "  adults: { type: sql, uri: \"" + url + "\", credentials: db, options: { table: adults } }\n");
            write("local/credentials.yml", "db: { user: app, password: s3cret }\n");
            Catalog catalog = Conf.load(conf).catalog();
            Pipeline pipeline = Pipeline.of(Node.of("adults", "people", "adults", (List<Map<String, Object>> people) ->
                    people.stream().filter(person -> ((Number) person.get("AGE")).intValue() >= 18).toList()));
            try (Engine engine = Engine.builder().listener(event -> {
                if (event instanceof Event.DatasetAccess access) {
                    accesses.add(access);
                }
            }).build()) {
                engine.run(pipeline.toFlow("sql lineage", catalog), PipelineRun.all());
            }
        }
        assertThat(accesses).extracting(access -> access.run().name() + ": " + access.access() + " " + access.dataset()
                        + " " + access.version() + " " + access.location())
                .containsExactlyInAnyOrder("load people: READ people null " + url,
                        "save adults: WRITE adults null " + url);
    }

    @Test
    void tablesAreNotThePartitionsOfAPartitionedDataset() throws IOException {
        write("base/catalog.yml", "datasets:\n  days: { type: partitioned, uri: \"" + url + "\",\n"
                + "    dataset: { type: sql, options: { table: days } } }\n");
        assertThatThrownBy(() -> Conf.load(conf)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("dataset 'days': the partitions of a partitioned dataset are objects under a prefix,"
                        + " and a sql dataset is not an object");
    }
}
