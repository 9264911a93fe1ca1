package org.grpowb.decoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.grpowb.api.SampledCompletion;

/**
 * What every row of a sampling batch has produced so far: its tokens with their log-probs and entropies, and whether
 * it has stopped. A row stops at any of the model's stop ids (kept as its last token), at {@code maxNewTokens}, or when
 * prompt + completion fill the context (both {@code truncated}).
 */
public final class DecodedRows {
    public final int promptWidth;
    private final Set<Integer> stopIds;
    private final int[] promptLength;
    private final int maxNewTokens;
    private final int context;
    /** Unfilled slots stay 0, which is what finished rows feed the batch until it stops (masked, never read back). */
    private final int[][] tokens;
    private final float[][] logProbs;
    private final float[][] entropies;
    private final int[] length;
    private final boolean[] done;
    private final boolean[] truncated;
    private int active;

    public DecodedRows(List<int[]> rowPrompts, int maxNewTokens, int context, Set<Integer> stopIds) {
        this.stopIds = Set.copyOf(stopIds);
        int rows = rowPrompts.size();
        this.promptLength = new int[rows];
        int widest = 0;
        for (int r = 0; r < rows; r++) {
            promptLength[r] = rowPrompts.get(r).length;
            widest = Math.max(widest, promptLength[r]);
        }
        this.promptWidth = widest;
        this.maxNewTokens = maxNewTokens;
        this.context = context;
        int capacity = Math.min(maxNewTokens, context); // a row stops at the context anyway
        this.tokens = new int[rows][capacity];
        this.logProbs = new float[rows][capacity];
        this.entropies = new float[rows][capacity];
        this.length = new int[rows];
        this.done = new boolean[rows];
        this.truncated = new boolean[rows];
        this.active = rows;
    }

    public boolean done(int row) {
        return done[row];
    }

    public boolean allDone() {
        return active == 0;
    }

    public void append(int row, NextTokenSampler.Draw draw) {
        int t = length[row]++;
        tokens[row][t] = draw.token();
        logProbs[row][t] = draw.logProb();
        entropies[row][t] = draw.entropy();
        if (stopIds.contains(draw.token())) {
            finish(row, false);
        } else if (length[row] == maxNewTokens || promptLength[row] + length[row] == context) {
            finish(row, true);
        }
    }

    private void finish(int row, boolean cut) {
        done[row] = true;
        truncated[row] = cut;
        active--;
    }

    /** Every row's tokens so far, padded with 0 to {@code steps}. */
    public List<int[]> tails(int steps) {
        List<int[]> tails = new ArrayList<>(tokens.length);
        for (int[] row : tokens) {
            tails.add(Arrays.copyOf(row, steps));
        }
        return tails;
    }

    public SampledCompletion completion(int row) {
        int n = length[row];
        return new SampledCompletion(Arrays.copyOf(tokens[row], n), Arrays.copyOf(logProbs[row], n),
                Arrays.copyOf(entropies[row], n), truncated[row]);
    }
}
