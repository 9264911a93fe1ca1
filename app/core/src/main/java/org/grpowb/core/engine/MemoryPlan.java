package org.grpowb.core.engine;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.grpowb.api.MemoryNeeds;

/**
 * Whether a run fits before it starts: float32 weights (4 bytes per parameter), gradients and Adam's two moments for
 * the trained ones (12 more), a copy of the weights for the reference policy unless it shares them (LoRA), the
 * activations one micro-batch keeps on the tape, and the key/value cache of one step's sampling. A run that would not
 * fit is refused with the estimate and the knobs that shrink it, rather than dying in the middle of a step.
 *
 * <p>An estimate, not an accounting: allocator slack, the chunked unembedding, THR's features and the optimiser's
 * per-parameter temporaries are left out, so it errs low (Qwen2.5-0.5B in full fine-tuning, β = 0: 11.6 GB estimated,
 * 14.0 GB peak resident set measured with a 3 GB Java heap); what it catches is the run that is several times too
 * large (a 1B model in full fine-tuning on a 16 GB machine).
 *
 * @param weights        bytes of the weights
 * @param optimizer      bytes of gradients and Adam moments
 * @param reference      bytes of the reference policy's copy (0 when shared or unused)
 * @param activations    bytes one micro-batch keeps on the tape
 * @param kvCache        bytes of one step's key/value cache
 * @param microBatchTokens the tokens of one micro-batch the activations were sized for
 * @param available      bytes the device has for tensors
 * @param device         the device, in words
 */
public record MemoryPlan(long weights, long optimizer, long reference, long activations, long kvCache,
                         long microBatchTokens, long available, String device) {

    /** The estimate in total. */
    public long total() {
        return weights + optimizer + reference + activations + kvCache;
    }

    public boolean fits() {
        return total() <= available;
    }

    /**
     * The plan of a run.
     *
     * @param needsReference   the variant keeps a reference policy (β > 0)
     * @param microBatchTokens prompt + completion tokens of the largest micro-batch
     * @param sampledRows      rows sampled in one step (prompts × G)
     * @param rowTokens        prompt + completion tokens of one sampled row at most
     */
    public static MemoryPlan of(MemoryNeeds needs, boolean needsReference, long microBatchTokens, long sampledRows,
                                long rowTokens, long available, String device) {
        long weights = 4 * needs.parameters();
        long optimizer = 12 * needs.trainableParameters();
        long reference = needsReference && !needs.referenceSharesWeights() ? 4 * needs.parameters() : 0;
        return new MemoryPlan(weights, optimizer, reference, microBatchTokens * needs.activationBytesPerToken(),
                sampledRows * rowTokens * needs.kvCacheBytesPerToken(), microBatchTokens, available, device);
    }

    /**
     * Bytes free for tensors on {@code device}: a GPU's total memory; on the CPU, the machine's physical memory less
     * what the Java heap may take (native PyTorch tensors live outside it) and a tenth for everything else.
     */
    public static long available(Device device) {
        if (device.isGpu()) {
            return CudaUtils.getGpuMemory(device).getMax();
        }
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return (long) (physical * 0.9) - Runtime.getRuntime().maxMemory();
    }

    /** One line: the estimate by part, and what the device has. */
    public String describe() {
        return String.format(Locale.ROOT, "about %s (weights %s, gradients and Adam %s, reference %s, activations %s "
                        + "for %,d tokens per micro-batch, KV cache %s) of %s on %s", gb(total()), gb(weights),
                gb(optimizer), gb(reference), gb(activations), microBatchTokens, gb(kvCache), gb(available), device);
    }

    /**
     * Fails unless the run fits, naming the knobs: LoRA (only adapters trained, the reference shares the weights) and
     * smaller micro-batches.
     *
     * @throws IllegalStateException with the estimate and the knobs to turn
     */
    public void requireFits() {
        if (fits()) {
            return;
        }
        throw new IllegalStateException("this run will not fit in memory: it needs " + describe() + ". Train "
                + "adapters only (model.settings.lora_rank, e.g. 16: no gradients or Adam moments for the base, and "
                + "the reference is the base itself), or lower training.micro_batch_tokens; "
                + "training.memory_check: false skips this check");
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
