/**
 * The {@code grpowb} command line: train, evaluate, warm-start, list and inspect runs. The only module that writes
 * to the standard streams.
 */
package org.grpowb.cli;
