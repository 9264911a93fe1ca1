package org.grpowb.api;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trainable language-model policy behind the engine.
 *
 * <p>Contract: {@link #sample} draws without gradient and is deterministic for a given seed on CPU; {@link #score}
 * recomputes per-token log-probs of given sequences and, inside a DJL gradient collector, records them on the tape
 * with respect to {@link #parameters()}. Not thread-safe: the engine drives one model from one thread.
 */
public interface PolicyModel extends AutoCloseable {

    TokenCodec codec();

    /**
     * An example's prompt as the policy is given it: its token ids. By default the text encoded as it is; a chat model
     * wraps it in its chat template (the user's turn, then the opening of the assistant's), as a project's
     * {@code prompt_format} asks.
     */
    default int[] encodePrompt(String prompt) {
        return codec().encode(prompt);
    }

    /**
     * The exact text {@link #encodePrompt} encodes: the prompt itself by default, the chat template's rendering of it
     * for a chat model. A run records it with each group, and the hint editor previews it.
     */
    default String renderPrompt(String prompt) {
        return prompt;
    }

    /** Longest prompt + completion the model can attend over. */
    int contextLength();

    Device device();

    /**
     * Samples {@code groupSize} completions for each prompt.
     *
     * @return for each prompt, its group of completions, in order
     */
    List<List<SampledCompletion>> sample(List<int[]> prompts, int groupSize, SamplingSettings settings, long seed);

    /**
     * Scores completions given their prompts. Returned arrays are attached to {@code manager}.
     *
     * @param prompts     prompt token ids, one per row
     * @param completions completion token ids, one per row, same order
     */
    TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions);

    /**
     * The same at a sampling temperature: log-probs and entropies of softmax(logits / T), as TRL scores π_old, π_θ
     * and π_ref, so that the importance ratio compares the distribution the tokens were drawn from. T = 1 (and T = 0,
     * greedy, which has no tempered distribution) is {@link #score(NDManager, List, List)}.
     */
    default TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature) {
        if (temperature == 1.0 || temperature == 0.0) {
            return score(manager, prompts, completions);
        }
        throw new UnsupportedOperationException(describe() + " cannot score at temperature " + temperature);
    }

    /**
     * Scores for a policy update, split at the log-probs (see {@link DifferentiableScores}), at a sampling temperature
     * as {@link #score(NDManager, List, List, double)} takes it. Call inside a gradient collector. By default the scores
     * are taken on the tape and the backward goes through Σ g · log π; a model overrides this to keep large intermediates (a
     * decoder's logits over its vocabulary) off the tape and push g back through them itself.
     */
    default DifferentiableScores scoreForUpdate(NDManager manager, List<int[]> prompts, List<int[]> completions,
                                                double temperature) {
        TokenScores onTape = score(manager, prompts, completions, temperature);
        TokenScores values = new TokenScores(onTape.logProbs().stopGradient(), onTape.entropies().stopGradient(),
                onTape.mask());
        return new DifferentiableScores() {
            @Override
            public TokenScores values() {
                return values;
            }

            @Override
            public void backward(ai.djl.training.GradientCollector tape, NDArray dLossByLogProbs) {
                tape.backward(onTape.logProbs().mul(dLossByLogProbs.stopGradient().mul(onTape.mask())).sum());
            }
        };
    }

    /**
     * What the last layer sees at each completion token, for learning-dynamics diagnostics such as Token Hidden
     * Reward: the hidden state fed to the unembedding and the full next-token distribution. No gradient is recorded.
     *
     * @return the features attached to {@code manager}, or empty when this model does not expose them
     */
    default java.util.Optional<TokenFeatures> features(NDManager manager, List<int[]> prompts, List<int[]> completions) {
        return java.util.Optional.empty();
    }

    /** The trainable parameters by stable name; each has gradients enabled. */
    Map<String, NDArray> parameters();

    /** An independent copy with the same weights (for the frozen reference policy). */
    PolicyModel copy();

    /** Writes weights and architecture to {@code dir}, creating it. */
    void save(Path dir) throws IOException;

    /** Replaces the weights with those saved in {@code dir}; the architecture must match. */
    void load(Path dir) throws IOException;

    /** Architecture and size, for logs and the run's stored config. */
    String describe();

    @Override
    void close();

    /**
     * Elements of the weight matrices one token's forward pass multiplies by, trained or frozen: what model-FLOP
     * counts (2 per element and token forward, 4 more backward for a trained one, 2 for a frozen one the gradient
     * passes through) are made of. By default every trainable parameter, which suits a model whose parameters are all
     * matrices used once per token; an adapter with frozen weights or an embedding lookup says better.
     */
    default long matmulParameters() {
        return parameters().values().stream().mapToLong(NDArray::size).sum();
    }

    /**
     * The frozen π_ref for a run starting from this policy's current weights. By default an independent {@link #copy()};
     * a model may give a lighter frozen view instead (a LoRA policy gives its base model, the adapters switched off, as
     * TRL does with a PEFT model, sharing the base's weights). Closing the reference never frees what this policy uses;
     * closing this policy may free what the reference uses, so the engine closes the reference first.
     */
    default PolicyModel reference() {
        return copy();
    }

    /**
     * Whether {@link #reference()} is the same policy whatever this one has been trained to (a LoRA policy's base):
     * then a resumed run takes its reference from the resumed policy. When false, the default, the reference is the
     * run's starting weights, which training overwrote, so a resumed run reloads them from its first checkpoint.
     */
    default boolean referenceIsFixed() {
        return false;
    }
}
