package org.grpowb.core.project;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * The trainer's own settings ({@code training:} in {@code project.yaml}, one flat section), grouped by what they
 * steer. Each setting is one {@link Knob}-annotated component of its group; the project loader, the CLI overrides,
 * the run-config form and the run's stored config all read that declaration through {@link #SPECS}.
 *
 * @param schedule     how long, how often to evaluate and checkpoint, and what is kept
 * @param sampling     which rollouts a step samples
 * @param optimisation how the policy is updated
 * @param signals      the token-level signals: sign flips, THR, the entropy filter
 */
public record TrainingSettings(Schedule schedule, Sampling sampling, Optimisation optimisation, Signals signals) {

    /** Every training setting, group by group, in declaration order. */
    public static final List<SettingSpec> SPECS = specs();

    public static TrainingSettings from(Settings s) {
        return new TrainingSettings(Knobs.read(Schedule.class, s), Knobs.read(Sampling.class, s),
                Knobs.read(Optimisation.class, s), Knobs.read(Signals.class, s));
    }

    /** The defaults, as a project without a {@code training:} section gets them. */
    public static TrainingSettings defaults() {
        return from(Settings.resolve(SPECS, java.util.Map.of(), "defaults"));
    }

    private static List<SettingSpec> specs() {
        List<SettingSpec> all = new ArrayList<>();
        all.addAll(Knobs.specs(Schedule.class));
        all.addAll(Knobs.specs(Sampling.class));
        all.addAll(Knobs.specs(Optimisation.class));
        all.addAll(Knobs.specs(Signals.class));
        Set<String> names = new HashSet<>();
        for (SettingSpec s : all) {
            if (!names.add(s.name())) {
                // the section is flat: two groups may not declare one name
                throw new IllegalStateException("training setting '" + s.name() + "' is declared twice");
            }
        }
        return List.copyOf(all);
    }

    /** How long the run goes, how often it evaluates and checkpoints, and how much of each step it keeps. */
    public record Schedule(
            @Knob(doc = "training steps", value = "200", min = 1, max = 10_000_000) int steps,
            @Knob(doc = "seed for prompt choice, sampling and initialisation", value = "1", min = 0,
                    max = Integer.MAX_VALUE) long seed,
            @Knob(doc = "evaluate every N steps (0: only before and after)", value = "50", min = 0, max = 10_000_000)
            int evalEvery,
            @Knob(doc = "held-out examples per evaluation (0: all)", value = "0", min = 0, max = 10_000_000)
            int evalExamples,
            @Knob(doc = "also measure pass@k with k samples per eval example (0: off)", value = "0", min = 0,
                    max = 1024) int evalPassK,
            @Knob(doc = "checkpoint every N steps", value = "10", min = 1, max = 10_000_000) int checkpointEvery,
            @Knob(doc = "time box for one reward call", value = "2000", min = 1, max = 3_600_000) int rewardTimeoutMs,
            @Knob(doc = "pause the run, before applying the step, when one reward fails on more than this share of a "
                    + "step's rollouts (0.5, ours: a reward that fails on most rollouts gives no signal worth an "
                    + "update; 1: never)", value = "0.5", min = 0, max = 1) double rewardFailurePauseShare,
            @Knob(doc = "stop after this many non-finite losses in a row", value = "3", min = 1, max = 1000)
            int maxNonfiniteInARow,
            @Knob(doc = "refuse a run whose estimated memory (weights, gradients and Adam, reference, activations of "
                    + "one micro-batch, KV cache) exceeds the device's before it starts; false runs it anyway",
                    value = "true") boolean memoryCheck,
            @Knob(doc = "keep full token traces (log-probs, entropies, advantages, THR) on every k-th step; the other "
                    + "steps keep token ids only. 1: every step (ours: the inspector is the point of the workbench; "
                    + "raise it for long runs of large models)", value = "1", min = 1, max = 10_000_000)
            int tracesEveryKSteps,
            @Knob(doc = "on a step that keeps full traces, keep them for the first N groups only (0: all groups)",
                    value = "0", min = 0, max = 1_000_000) int tracesGroupsPerStep) {

        /** Whether group {@code group} (0-based) of step {@code step} keeps its full token traces. */
        public boolean keepsFullTrace(int step, int group) {
            return step % tracesEveryKSteps == 0 && (tracesGroupsPerStep == 0 || group < tracesGroupsPerStep);
        }
    }

    /** Which rollouts a step samples. */
    public record Sampling(
            @Knob(doc = "prompts per step, one group each", value = "16", min = 1, max = 4096) int promptsPerStep,
            @Knob(doc = "G: rollouts per prompt", value = "8", min = 2, max = 1024) int groupSize,
            @Knob(doc = "sampling temperature for rollouts", value = "1.0", min = 0, max = 10) double temperature,
            @Knob(doc = "nucleus mass for rollouts", value = "1.0", min = 1e-6, max = 1) double topP,
            @Knob(doc = "L_max: completion budget in tokens", value = "8", min = 1, max = 100_000) int maxNewTokens,
            @Knob(doc = "sample with the KV cache", value = "true") boolean kvCache,
            @Knob(doc = "dynamic sampling: rounds of extra prompts per step", value = "3", min = 0, max = 100)
            int maxResampleRounds) {
    }

    /** How the policy is updated from a step's rollouts. */
    public record Optimisation(
            @Knob(doc = "Adam learning rate", value = "1e-4", min = 0, max = 1) double learningRate,
            @Knob(doc = "mu: passes over each generation batch (TRL's num_iterations)", value = "1", min = 1, max = 64)
            int updateIterations,
            @Knob(doc = "optimiser steps each generation batch is split into (TRL's steps_per_generation)", value = "1",
                    min = 1, max = 1024) int stepsPerGeneration,
            @Knob(doc = "global gradient-norm clip (0 disables)", value = "1.0", min = 0, max = 1e6)
            double maxGradNorm,
            @Knob(doc = "rollouts per forward/backward pass, at most", value = "256", min = 1, max = 1_000_000)
            int microBatch,
            @Knob(doc = "tokens per forward/backward pass, at most: rows x (longest prompt + longest completion); a "
                    + "longer rollout goes alone. 2048: Qwen2.5-0.5B's activations take about 5 MB a token in float32 "
                    + "(measured at 256-token rows), so a full fine-tuning step (beta 0) peaks near 14 GB with weights, "
                    + "gradients and Adam. The gradient does not depend on the split", value = "2048", min = 1,
                    max = Integer.MAX_VALUE) int microBatchTokens) {
    }

    /** The token-level signals: advantage sign flips, Token Hidden Reward, the high-entropy token filter. */
    public record Signals(
            @Knob(doc = "reference baseline for advantage sign flips", value = "pass_rate",
                    choices = {"pass_rate", "probe", "none"}) String flipReference,
            @Knob(doc = "visits averaged into a prompt's running pass rate", value = "4", min = 1, max = 1000)
            int passRateWindow,
            @Knob(doc = "probe reference: every N steps", value = "10", min = 1, max = 1_000_000) int probeEvery,
            @Knob(doc = "probe reference: K extra rollouts per prompt", value = "8", min = 1, max = 1024)
            int probeRollouts,
            @Knob(doc = "compute Token Hidden Reward for every completion token", value = "true") boolean thr,
            @Knob(doc = "THR-guided reweighting p (0: off; >0 exploitation, <0 exploration)", value = "0.0", min = -1,
                    max = 1) double thrReweight,
            @Knob(doc = "THR threshold scale beta_tau: dominant when |THR| > tau (THR paper: 1)", value = "1.0",
                    min = 0, max = 1000) double thrTauBeta,
            @Knob(doc = "reweight dominant tokens, or keep only dominant tokens' advantage", value = "reweight",
                    choices = {"reweight", "dominant_only"}) String thrMode,
            @Knob(doc = "rho: only the top-rho highest-entropy tokens of the batch carry policy gradient (1: all)",
                    value = "1.0", min = 1e-6, max = 1) double topEntropyQuantile) {
    }
}
