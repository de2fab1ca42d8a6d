package ai.taipan.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Dependencies point inward: gui → logic → model (after JabRef's CommonArchitectureTest).
 * model and logic know nothing of the toolkit's scene graph or of the gui package.
 */
class ArchitectureTest {
    static final JavaClasses APP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ai.taipan.app");

    @Test
    void modelDependsOnNeitherLogicNorGui() {
        noClasses().that().resideInAPackage("ai.taipan.app.model..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.taipan.app.logic..", "ai.taipan.app.gui..",
                        "ai.taipan.visualizer..", "javafx..")
                .check(APP);
    }

    @Test
    void logicDoesNotDependOnGui() {
        noClasses().that().resideInAPackage("ai.taipan.app.logic..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.taipan.app.gui..", "javafx.scene..",
                        "javafx.stage..", "javafx.application..", "ai.taipan.visualizer.fx..")
                .check(APP);
    }

    @Test
    void viewModelsHoldNoControls() {
        noClasses().that().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..",
                        "ai.taipan.visualizer.fx..", "org.jfree.chart.fx..")
                .check(APP);
    }
}
