package org.grpowb.core.run;

import java.util.List;

/** Everything one step produced: its metrics and its groups. Stored in one transaction, so a step is whole or absent. */
public record StepRecord(long runId, StepMetrics metrics, List<GroupRecord> groups) {
    public StepRecord {
        groups = List.copyOf(groups);
    }

    public int step() {
        return metrics.step();
    }
}
