/** An example plugin jar: a reward for staying within a length budget, built with Maven against the plugin API. */
package org.grpowb.examples.length;
