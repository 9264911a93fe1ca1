package org.grpowb.core.project;

import java.util.List;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;

/**
 * The trainer's own settings ({@code training:} in {@code project.yaml}), declared once in {@link #SPECS}; the
 * project loader, the CLI overrides and the run's stored config all go through that declaration.
 *
 * @param steps              training steps
 * @param seed               seeds prompt choice, sampling and initialisation
 * @param promptsPerStep     prompts per step (each gets a group)
 * @param groupSize          G, rollouts per prompt
 * @param learningRate       Adam step size
 * @param updateIterations   μ, passes over each sampled generation batch (TRL's {@code num_iterations})
 * @param stepsPerGeneration optimiser steps each generation batch is split into (TRL's {@code steps_per_generation});
 *                           with μ, a batch gives μ · steps_per_generation optimiser steps, all but the first off-policy
 * @param maxGradNorm        global gradient-norm clip; 0 disables
 * @param temperature        sampling temperature for training rollouts
 * @param topP               nucleus mass for training rollouts
 * @param maxNewTokens       completion budget L_max
 * @param kvCache            sample with the KV cache
 * @param evalEvery          evaluate every N steps (0: only before and after)
 * @param evalExamples       held-out examples per evaluation (0: all)
 * @param checkpointEvery    checkpoint every N steps
 * @param rewardTimeoutMs    time box for one reward call
 * @param maxNonFiniteInARow stop after this many consecutive non-finite losses
 * @param microBatch         rollouts per forward/backward pass, at most
 * @param maxResampleRounds  dynamic sampling (DAPO): rounds of extra prompts to replace groups with equal rewards
 * @param flipReference      the reference baseline for sign flips: {@code pass_rate}, {@code probe} or {@code none}
 * @param passRateWindow     visits of a prompt averaged into its running pass rate
 * @param probeEvery         with {@code probe}: sample probe rollouts every N steps
 * @param probeRollouts      with {@code probe}: K probe rollouts per prompt (not trained on)
 * @param thr                compute Token Hidden Reward for every completion token
 * @param thrReweight        THR-guided reweighting p: on dominant tokens A ← A(1 + p · sgn THR)
 * @param thrTauBeta         β_τ, the THR threshold's scale: a token is dominant when |THR| &gt; τ = β_τ · (the
 *                           smallest mean token score of a correct completion)
 * @param thrMode            {@code reweight} (dominant tokens reweighted, others keep A) or {@code dominant_only}
 *                           (non-dominant tokens' advantage set to 0)
 * @param topEntropyQuantile ρ: only the top-ρ highest-entropy tokens of the batch carry policy gradient (1: all)
 * @param evalPassK          also measure pass@k on the eval split with k samples per example (0: greedy only)
 * @param microBatchTokens   tokens per forward/backward pass, at most: rows × (longest prompt + longest completion)
 *                           of the micro-batch (a single longer rollout goes alone)
 * @param memoryCheck        refuse, before it starts, a run whose estimated memory exceeds the device's
 */
public record TrainingSettings(int steps, long seed, int promptsPerStep, int groupSize, double learningRate,
                               int updateIterations, double maxGradNorm, double temperature, double topP,
                               int maxNewTokens, boolean kvCache, int evalEvery, int evalExamples, int checkpointEvery,
                               int rewardTimeoutMs, int maxNonFiniteInARow, int microBatch, int maxResampleRounds,
                               String flipReference, int passRateWindow, int probeEvery, int probeRollouts,
                               boolean thr, double thrReweight, int evalPassK, int stepsPerGeneration,
                               double thrTauBeta, String thrMode, double topEntropyQuantile,
                               int microBatchTokens, boolean memoryCheck) {

    public static final List<SettingSpec> SPECS = List.of(
            SettingSpec.integer("steps", "training steps", 200, 1, 10_000_000),
            SettingSpec.integer("seed", "seed for prompt choice, sampling and initialisation", 1, 0, Integer.MAX_VALUE),
            SettingSpec.integer("prompts_per_step", "prompts per step, one group each", 16, 1, 4096),
            SettingSpec.integer("group_size", "G: rollouts per prompt", 8, 2, 1024),
            SettingSpec.number("learning_rate", "Adam learning rate", 1e-4, 0, 1),
            SettingSpec.integer("update_iterations", "mu: passes over each generation batch (TRL's num_iterations)", 1,
                    1, 64),
            SettingSpec.integer("steps_per_generation",
                    "optimiser steps each generation batch is split into (TRL's steps_per_generation)", 1, 1, 1024),
            SettingSpec.number("max_grad_norm", "global gradient-norm clip (0 disables)", 1.0, 0, 1e6),
            SettingSpec.number("temperature", "sampling temperature for rollouts", 1.0, 0, 10),
            SettingSpec.number("top_p", "nucleus mass for rollouts", 1.0, 1e-6, 1),
            SettingSpec.integer("max_new_tokens", "L_max: completion budget in tokens", 8, 1, 100_000),
            SettingSpec.flag("kv_cache", "sample with the KV cache", true),
            SettingSpec.integer("eval_every", "evaluate every N steps (0: only before and after)", 50, 0, 10_000_000),
            SettingSpec.integer("eval_examples", "held-out examples per evaluation (0: all)", 0, 0, 10_000_000),
            SettingSpec.integer("checkpoint_every", "checkpoint every N steps", 10, 1, 10_000_000),
            SettingSpec.integer("reward_timeout_ms", "time box for one reward call", 2000, 1, 3_600_000),
            SettingSpec.integer("max_nonfinite_in_a_row", "stop after this many non-finite losses in a row", 3, 1, 1000),
            SettingSpec.integer("micro_batch", "rollouts per forward/backward pass, at most", 256, 1, 1_000_000),
            SettingSpec.integer("micro_batch_tokens",
                    "tokens per forward/backward pass, at most: rows x (longest prompt + longest completion); a longer"
                            + " rollout goes alone. 2048: Qwen2.5-0.5B's activations take about 5 MB a token in float32"
                            + " (measured at 256-token rows), so a full fine-tuning step stays near 20 GB with weights,"
                            + " gradients and Adam. The gradient does not depend on the split", 2048, 1,
                    Integer.MAX_VALUE),
            SettingSpec.flag("memory_check", "refuse a run whose estimated memory (weights, gradients and Adam, reference, "
                    + "activations of one micro-batch, KV cache) exceeds the device's before it starts; false runs it "
                    + "anyway", true),
            SettingSpec.integer("max_resample_rounds", "dynamic sampling: rounds of extra prompts per step", 3, 0, 100),
            SettingSpec.choice("flip_reference", "reference baseline for advantage sign flips", "pass_rate",
                    "pass_rate", "probe", "none"),
            SettingSpec.integer("pass_rate_window", "visits averaged into a prompt's running pass rate", 4, 1, 1000),
            SettingSpec.integer("probe_every", "probe reference: every N steps", 10, 1, 1_000_000),
            SettingSpec.integer("probe_rollouts", "probe reference: K extra rollouts per prompt", 8, 1, 1024),
            SettingSpec.flag("thr", "compute Token Hidden Reward for every completion token", true),
            SettingSpec.number("thr_reweight", "THR-guided reweighting p (0: off; >0 exploitation, <0 exploration)",
                    0.0, -1, 1),
            SettingSpec.number("thr_tau_beta", "THR threshold scale beta_tau: dominant when |THR| > tau (THR paper: 1)",
                    1.0, 0, 1000),
            SettingSpec.choice("thr_mode", "reweight dominant tokens, or keep only dominant tokens' advantage",
                    "reweight", "reweight", "dominant_only"),
            SettingSpec.number("top_entropy_quantile",
                    "rho: only the top-rho highest-entropy tokens of the batch carry policy gradient (1: all)", 1.0,
                    1e-6, 1),
            SettingSpec.integer("eval_pass_k", "also measure pass@k with k samples per eval example (0: off)", 0, 0,
                    1024));

    public static TrainingSettings from(Settings s) {
        return new TrainingSettings(s.integer("steps"), s.integer("seed"), s.integer("prompts_per_step"),
                s.integer("group_size"), s.number("learning_rate"), s.integer("update_iterations"),
                s.number("max_grad_norm"), s.number("temperature"), s.number("top_p"), s.integer("max_new_tokens"),
                s.flag("kv_cache"), s.integer("eval_every"), s.integer("eval_examples"), s.integer("checkpoint_every"),
                s.integer("reward_timeout_ms"), s.integer("max_nonfinite_in_a_row"), s.integer("micro_batch"),
                s.integer("max_resample_rounds"), s.choice("flip_reference"), s.integer("pass_rate_window"),
                s.integer("probe_every"), s.integer("probe_rollouts"), s.flag("thr"), s.number("thr_reweight"),
                s.integer("eval_pass_k"), s.integer("steps_per_generation"), s.number("thr_tau_beta"),
                s.choice("thr_mode"), s.number("top_entropy_quantile"), s.integer("micro_batch_tokens"),
                s.flag("memory_check"));
    }
}
