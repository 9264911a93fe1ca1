package org.grpowb.desktop.dashboard;

/**
 * An applied steering edit as the dashboard marks it: a vertical line at the step it took effect from, labelled with
 * the run's edit version after it ({@code v1}, {@code v2}, ...).
 *
 * @param step    the step the edit took effect from
 * @param version the run's edit version after applying it
 */
public record EditMarker(int step, int version) {

    public String label() {
        return "v" + version;
    }
}
