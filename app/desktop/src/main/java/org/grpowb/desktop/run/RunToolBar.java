package org.grpowb.desktop.run;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.grpowb.desktop.shell.Icons;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/**
 * Run, Pause, Resume and Stop, each enabled only when it applies to the {@link RunSession}'s state, with F5, F6
 * (pause or resume) and Shift+F5 on the scene. Node ids: {@code #run}, {@code #pause}, {@code #resume}, {@code #stop}.
 * Each button shows an icon beside its name and its shortcut in a tooltip.
 */
public final class RunToolBar extends ToolBar {

    /**
     * @param run  what Run does (the window checks the configuration and prepares the run)
     * @param busy true while Run must wait (a project is opening or a run is being prepared)
     */
    public RunToolBar(RunSession session, Runnable run, ObservableBooleanValue busy) {
        Button runButton = button("Run", "run", Feather.PLAY, "Start a run (F5)", run);
        Button pause = button("Pause", "pause", Feather.PAUSE, "Pause at the next step boundary (F6)", session::pause);
        Button resume = button("Resume", "resume", Feather.SKIP_FORWARD, "Resume the paused run (F6)", session::resume);
        Button stop = button("Stop", "stop", Feather.SQUARE, "Stop the run; it can be continued later (Shift+F5)",
                session::stop);
        var state = session.stateProperty();
        runButton.disableProperty().bind(state.isEqualTo(RunSession.State.RUNNING)
                .or(state.isEqualTo(RunSession.State.PAUSED)).or(state.isEqualTo(RunSession.State.STOPPING)).or(busy));
        pause.disableProperty().bind(state.isNotEqualTo(RunSession.State.RUNNING));
        resume.disableProperty().bind(state.isNotEqualTo(RunSession.State.PAUSED));
        stop.disableProperty().bind(state.isNotEqualTo(RunSession.State.RUNNING)
                .and(state.isNotEqualTo(RunSession.State.PAUSED)));
        getItems().setAll(runButton, pause, resume, stop);
        sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                keys(scene, runButton, pause, resume, stop);
            }
        });
    }

    private static void keys(Scene scene, Button run, Button pause, Button resume, Button stop) {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), run::fire);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F6), () -> {
            if (!pause.isDisabled()) {
                pause.fire();
            } else if (!resume.isDisabled()) {
                resume.fire();
            }
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), stop::fire);
    }

    private static Button button(String text, String id, Ikon icon, String tip, Runnable action) {
        Button b = new Button(text, Icons.of(icon, Icons.TOOLBAR));
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }
}
