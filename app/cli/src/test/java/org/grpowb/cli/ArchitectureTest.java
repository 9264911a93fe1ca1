package org.grpowb.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering lines of the project, checked on every build: the engine, plugins and adapters know nothing of
 * JavaFX; plugins depend only on the plugin API; only the command line writes to the standard streams.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.grpowb");
    }

    @Test
    void engineAndPluginsKnowNothingOfJavaFx() {
        noClasses().that().resideInAnyPackage("org.grpowb.core..", "org.grpowb.api..", "org.grpowb.variants..",
                        "org.grpowb.rewards..", "org.grpowb.tinygpt..", "org.grpowb.hf..", "org.grpowb.decoding..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..")
                .check(classes);
    }

    @Test
    void pluginsDependOnlyOnThePluginApi() {
        noClasses().that().resideInAnyPackage("org.grpowb.variants..", "org.grpowb.rewards..", "org.grpowb.tinygpt..",
                        "org.grpowb.hf..", "org.grpowb.decoding..")
                .should().dependOnClassesThat().resideInAnyPackage("org.grpowb.core..", "org.grpowb.cli..")
                .check(classes);
        // model adapters share only the decoding toolkit, never each other
        noClasses().that().resideInAnyPackage("org.grpowb.hf..")
                .should().dependOnClassesThat().resideInAnyPackage("org.grpowb.tinygpt..", "org.grpowb.variants..",
                        "org.grpowb.rewards..")
                .check(classes);
        noClasses().that().resideInAnyPackage("org.grpowb.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.grpowb.core..", "org.grpowb.cli..",
                        "org.grpowb.variants..", "org.grpowb.rewards..", "org.grpowb.tinygpt..", "org.grpowb.hf..",
                        "org.grpowb.decoding..")
                .check(classes);
    }

    @Test
    void theEngineDoesNotReachIntoTheCommandLineOrConcretePlugins() {
        noClasses().that().resideInAnyPackage("org.grpowb.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.grpowb.cli..", "org.grpowb.variants..",
                        "org.grpowb.rewards..", "org.grpowb.tinygpt..", "org.grpowb.hf..", "org.grpowb.decoding..")
                .check(classes);
    }

    @Test
    void onlyTheCommandLineWritesToStandardStreams() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(classes.that(
                com.tngtech.archunit.base.DescribedPredicate.not(
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("org.grpowb.cli.."))));
    }
}
