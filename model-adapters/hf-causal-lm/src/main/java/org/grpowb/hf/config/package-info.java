/** A model folder's {@code config.json}: the architecture, read and checked against the weights before anything runs. */
package org.grpowb.hf.config;
