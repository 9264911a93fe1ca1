/**
 * The run configuration editor: the project's variant, its settings, the reward weights and the trainer's settings,
 * each edited against the {@link org.grpowb.api.SettingSpec} that declares it and checked on every keystroke.
 * {@link org.grpowb.desktop.config.RunConfigModel} turns the edits into the dotted-path overrides the project loader
 * applies; {@link org.grpowb.desktop.config.RunConfigView} only shows and marks them.
 */
package org.grpowb.desktop.config;
