package org.grpowb.core.run;

/**
 * A steering edit submitted to a running run (a settings change, new hints, a curriculum move), as the store keeps it.
 * Edits are submitted from any process and picked up by the training loop at the next step boundary, which applies or
 * refuses each; so a store lists what was asked, when, and what became of it.
 *
 * @param id          the edit's id; ids follow submission order within the store
 * @param runId       the run it steers
 * @param createdAt   when it was submitted, a UTC instant {@code yyyy-MM-ddTHH:mm:ss.SSSZ}
 * @param kind        what it changes: {@code set}, {@code hints}, {@code curriculum}, ...
 * @param payloadJson the change itself, as JSON the kind defines
 * @param source      who submitted it: {@code cli}, {@code window}, ...; null when unknown
 * @param status      {@code pending}, {@code applied} or {@code refused}
 * @param step        the step boundary it was applied or refused at: it takes effect from step {@code step} on; null
 *                    while pending
 * @param version     the run's edit version after applying it (1, 2, 3, ... per run); null unless applied
 * @param reason      why it was refused; null unless refused
 */
public record EditRecord(long id, long runId, String createdAt, String kind, String payloadJson, String source,
                         String status, Integer step, Integer version, String reason) {

    /** Submitted, not yet seen by the training loop. */
    public static final String PENDING = "pending";
    /** Applied at a step boundary. */
    public static final String APPLIED = "applied";
    /** Refused at a step boundary, with a reason. */
    public static final String REFUSED = "refused";
}
