/**
 * Loading a project: its {@code project.yaml}, its JSONL data and the settings of its model, variant and rewards.
 * Every problem is reported as a {@link org.grpowb.core.project.ProjectException} naming the file, line and field.
 */
package org.grpowb.core.project;
