package org.grpowb.core.plugin.python;

import java.util.ArrayList;
import java.util.List;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.RewardResult;
import org.grpowb.api.ScoreRange;
import org.grpowb.api.Verdict;

/**
 * One Python function of a reward file, as a batched {@link RewardFunction}: each batch is one request to the file's
 * worker. Its scores are {@link Verdict#UNVERIFIED}, since a Python function returns a number and not a judgement.
 */
final class PythonReward implements RewardFunction {

    private final PythonRewardFile file;
    private final DeclaredFunction declared;

    PythonReward(PythonRewardFile file, DeclaredFunction declared) {
        this.file = file;
        this.declared = declared;
    }

    @Override
    public String name() {
        return declared.name();
    }

    @Override
    public String description() {
        return declared.doc().isBlank() ? "Python reward " + declared.name() + " in " + file.file().getFileName()
                : declared.doc();
    }

    /**
     * The declared range, else [0, 1]: TRL's usual verifier gives 1 or 0, and a score outside the range fails that
     * rollout's reward, as for any reward function, so a function with other scores must declare its range.
     */
    @Override
    public ScoreRange scoreRange() {
        return declared.range() != null ? declared.range() : ScoreRange.UNIT;
    }

    @Override
    public boolean batched() {
        return true;
    }

    /** A batch of one; a {@code None} or non-finite score throws, as there is no other rollout to keep. */
    @Override
    public RewardResult score(String completion, Example example) {
        RewardResult r = scoreBatch(List.of(completion), List.of(example)).get(0);
        if (r == null) {
            throw new PythonWorkerException(file.file(), declared.name()
                    + " returned None or a non-finite score for this completion");
        }
        return r;
    }

    @Override
    public List<RewardResult> scoreBatch(List<String> completions, List<Example> examples) {
        if (completions.size() != examples.size()) {
            throw new IllegalArgumentException(completions.size() + " completions but " + examples.size()
                    + " examples");
        }
        List<Double> scores = file.score(declared.name(), completions, examples);
        List<RewardResult> out = new ArrayList<>(scores.size());
        for (Double s : scores) {
            out.add(s == null ? null : RewardResult.of(declared.name(), s, Verdict.UNVERIFIED));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return "PythonReward[" + declared.name() + " in " + file.file() + "]";
    }
}
