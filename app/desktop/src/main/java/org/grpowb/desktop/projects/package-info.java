/**
 * Finding, creating and opening projects: the bundled sample projects, the New Project dialog (a copy of a sample
 * under a new name), a new project made around a model folder (File → Open Model Folder…) and the welcome page shown
 * on first start.
 */
package org.grpowb.desktop.projects;
