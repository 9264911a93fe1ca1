package org.grpowb.core.run;

/**
 * A run as the store lists it.
 *
 * @param id         run id
 * @param project    project name
 * @param variant    variant name
 * @param seed       seed
 * @param status     {@code running}, {@code done}, {@code failed} or {@code stopped}
 * @param createdAt  ISO-8601 instant
 * @param configJson full resolved config as JSON
 * @param lastStep   highest stored step (0 if none)
 */
public record RunInfo(long id, String project, String variant, long seed, String status, String createdAt,
                      String configJson, int lastStep) {
}
