package org.grpowb.desktop.projects;

import java.nio.file.Path;

/** A project shipped with the workbench, as the welcome page and the New Project dialog list it. */
public record SampleProject(Path dir, String name, String description) {
    @Override
    public String toString() {
        return name;
    }
}
