package org.grpowb.core.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.grpowb.api.PolicyModel;

/**
 * A run's checkpoints on disk: {@code <root>/step-<n>/} holding the policy ({@code policy/}) and the optimiser's
 * moments ({@code adam.bin}). Each is written to a temporary folder and renamed into place, so a checkpoint folder
 * that exists is complete; {@code sign-flips.json} keeps the sign-flip reference's state. {@code step-0} holds the starting weights, which are also the frozen reference policy.
 */
public final class Checkpoints {

    private final Path root;
    private final int keep;

    /** @param keep how many of the newest checkpoints to keep besides {@code step-0} */
    public Checkpoints(Path root, int keep) {
        this.root = root;
        this.keep = keep;
    }

    public Path dir(int step) {
        return root.resolve("step-" + step);
    }

    public Path policyDir(int step) {
        return dir(step).resolve("policy");
    }

    public Path optimizerFile(int step) {
        return dir(step).resolve("adam.bin");
    }

    public Path signFlipsFile(int step) {
        return dir(step).resolve("sign-flips.json");
    }

    /** Writes a checkpoint atomically and prunes old ones; returns its folder. */
    public Path save(int step, PolicyModel policy, AdamOptimizer optimizer) {
        return save(step, policy, optimizer, null);
    }

    /** The same, with the sign-flip reference's state (running pass rates, probe estimates). */
    public Path save(int step, PolicyModel policy, AdamOptimizer optimizer, SignFlips signFlips) {
        return save(step, policy, optimizer, signFlips, null);
    }

    /** Writes more of a run's state into a checkpoint folder before it is renamed into place. */
    interface Part {
        void save(Path dir) throws IOException;
    }

    /** The same, with more state ({@link Steering}'s) written into the folder. */
    Path save(int step, PolicyModel policy, AdamOptimizer optimizer, SignFlips signFlips, Part more) {
        try {
            Files.createDirectories(root);
            Path tmp = root.resolve(".tmp-step-" + step);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            policy.save(tmp.resolve("policy"));
            if (optimizer != null) {
                optimizer.save(tmp.resolve("adam.bin"));
            }
            if (signFlips != null) {
                signFlips.save(tmp.resolve("sign-flips.json"));
            }
            if (more != null) {
                more.save(tmp);
            }
            Path dst = dir(step);
            deleteTree(dst);
            Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
            prune(step);
            return dst;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir(step), e);
        }
    }

    private void prune(int newest) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            List<Integer> steps = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("step-\\d+"))
                    .map(n -> Integer.parseInt(n.substring(5)))
                    .filter(n -> n != 0 && n <= newest)
                    .sorted(Comparator.reverseOrder()).toList();
            for (int i = keep; i < steps.size(); i++) {
                deleteTree(dir(steps.get(i)));
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
