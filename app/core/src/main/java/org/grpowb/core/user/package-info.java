/**
 * Where a user's own data lives — trusted plugin hashes, the plugin and DJL caches, new projects — in the platform's
 * per-user folders, never inside an installation; and how the installed app treats its bundled, read-only samples.
 */
package org.grpowb.core.user;
