package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The core module exports its API package and nothing else. */
class ModuleExportsTest {

    @Test
    void onlyTheApiPackageIsExported() {
        ModuleDescriptor descriptor = Engine.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();
        assertThat(descriptor.name()).isEqualTo("io.loomflow");
        Set<String> exported = descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).containsExactly("io.loomflow");
        assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name).containsOnly("java.base");
    }
}
