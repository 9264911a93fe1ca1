package org.grpowb.desktop;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.Test;

/**
 * The window knows the engine through its public API and events, never a concrete plugin, model adapter or the command
 * line: a model folder is described by its factory's {@code inspect}, found by name through core's plugin registry.
 */
class DesktopArchitectureTest {

    @Test
    void theDesktopUsesNoConcretePluginOrTheCommandLine() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.grpowb.desktop");
        noClasses().that().resideInAPackage("org.grpowb.desktop..")
                .should().dependOnClassesThat().resideInAnyPackage("org.grpowb.variants..", "org.grpowb.rewards..",
                        "org.grpowb.tinygpt..", "org.grpowb.hf..", "org.grpowb.decoding..", "org.grpowb.cli..")
                .check(classes);
    }

    /**
     * Only the command line writes to standard streams: the window reports through its problems list, notifications
     * and the log, and the frame benchmark writes a file. The one exception is the benchmark's {@code PulseLog},
     * which stands in for {@code System.err} to read JavaFX's pulse logger and passes other lines through.
     */
    @Test
    void theDesktopWritesToNoStandardStream() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.grpowb.desktop");
        noClasses().that().resideInAPackage("org.grpowb.desktop..").and().doNotHaveSimpleName("PulseLog")
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .check(classes);
    }
}
