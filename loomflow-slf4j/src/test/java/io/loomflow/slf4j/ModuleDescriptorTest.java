package io.loomflow.slf4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Pins the module's shape: it exports its API package only, and needs core, slf4j-api and the JDK's
 * java.logging at run time; Logback and Log4j only for their appenders. (The tests run on the class path, so the
 * descriptor is read from the compiled {@code module-info.class}.)
 */
class ModuleDescriptorTest {

    @Test
    void theModuleNeedsCoreAndSlf4jOnlyAndLogbackAndLog4jOnlyForTheirAppenders() throws Exception {
        URI classes = Slf4jRunLogs.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        ModuleDescriptor descriptor;
        try (InputStream in = classes.resolve("module-info.class").toURL().openStream()) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.loomflow.slf4j");
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.loomflow.slf4j");
        assertThat(descriptor.requires())
                .filteredOn(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                        && !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.MANDATED))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("io.loomflow", "org.slf4j", "java.logging");
        assertThat(descriptor.requires())
                .filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("ch.qos.logback.classic", "ch.qos.logback.core", "org.apache.logging.log4j.core",
                        "org.apache.logging.log4j", "org.jspecify");
    }
}
