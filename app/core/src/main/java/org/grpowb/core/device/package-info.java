/**
 * Which device a run trains on (CUDA GPU or CPU) and why, chosen once per process and said to the user by the CLI
 * and the window.
 */
package org.grpowb.core.device;
