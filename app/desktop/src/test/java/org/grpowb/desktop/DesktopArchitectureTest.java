package org.grpowb.desktop;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The window knows the engine through its public API and events, never a concrete plugin or the command line. */
class DesktopArchitectureTest {

    @Test
    void theDesktopUsesNoConcretePluginOrTheCommandLine() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.grpowb.desktop");
        noClasses().that().resideInAPackage("org.grpowb.desktop..")
                .should().dependOnClassesThat().resideInAnyPackage("org.grpowb.variants..", "org.grpowb.rewards..",
                        "org.grpowb.tinygpt..", "org.grpowb.cli..")
                .check(classes);
    }
}
