package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;
import org.grpowb.core.store.RunStore;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.core.plugin.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code grpowb show}: one step's groups, rollouts and per-token values. A thinned trace has its token ids without
 * values: its tokens are shown with their text only, and the JSON says {@code "trace_values": false}.
 */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show a step's groups, rollouts and tokens.")
final class ShowCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, description = "SQLite run store")
    Path store;

    @Option(names = "--run", required = true, description = "run id")
    long run;

    @Option(names = "--step", required = true, description = "step")
    int step;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(store)) {
            throw new IllegalArgumentException("no store at " + store);
        }
        try (RunStore s = RunStore.open(store)) {
            StepRecord rec = s.step(run, step).orElseThrow(() ->
                    new IllegalArgumentException("run " + run + " has no step " + step + " in " + store));
            TokenCodec codec = codecOf(s, run);
            if (json) {
                System.out.println(toJson(rec, codec));
            } else {
                print(rec, codec);
            }
        }
        return 0;
    }

    /** The run's own tokenizer, from the model named in its stored config. */
    static TokenCodec codecOf(RunStore store, long runId) throws java.io.IOException {
        var info = store.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId));
        var model = new ObjectMapper().readTree(info.configJson()).path("model");
        PolicyModelFactory factory = PluginRegistry.discover().model(model.path("name").asText());
        java.util.Map<String, Object> given = new ObjectMapper().convertValue(model.path("settings"),
                new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { });
        Settings settings = Settings.resolve(factory.settings(), given, "run " + runId + " model.settings");
        // model.init is stored relative to the project folder, which holds the store in runs/ by default
        java.nio.file.Path init = null;
        if (model.hasNonNull("init")) {
            java.nio.file.Path projectDir = store.file().toAbsolutePath().getParent().getParent();
            init = projectDir == null ? null : projectDir.resolve(model.path("init").asText()).normalize();
        }
        return factory.codec(settings, init);
    }

    private static String toJson(StepRecord rec, TokenCodec codec) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("run_id", rec.runId());
        root.set("metrics", om.valueToTree(rec.metrics()));
        ArrayNode groups = root.putArray("groups");
        for (GroupRecord g : rec.groups()) {
            ObjectNode go = groups.addObject();
            go.put("group", g.index());
            go.put("prompt_id", g.promptId());
            go.put("prompt", g.prompt());
            go.put("answer", g.answer());
            go.put("baseline", g.baseline());
            go.put("hint_tier", g.hintTier());
            go.put("edit_version", g.editVersion());
            go.put("rendered_prompt", g.renderedPrompt()); // null: not kept (a step stored before schema version 2)
            ArrayNode rs = go.putArray("rollouts");
            for (RolloutRecord r : g.rollouts()) {
                ObjectNode ro = rs.addObject();
                ro.put("index", r.index());
                ro.put("completion", r.completion());
                ro.put("reward", r.reward());
                ro.set("rewards", om.valueToTree(r.rewards()));
                ro.put("reward_failed", r.rewardFailed());
                ro.put("verdict", verdict(r));
                ro.put("advantage", r.advantage());
                ro.put("kept", r.kept());
                ro.put("truncated", r.truncated());
                ro.put("flipped", r.flipped());
                ro.put("hint_tier", r.hintTier());
                if (r.renderedPrompt() != null) {
                    ro.put("rendered_prompt", r.renderedPrompt()); // absent: the group's
                }
                ArrayNode toks = ro.putArray("tokens");
                TokenTrace t = r.trace();
                if (t == null) {
                    continue;
                }
                ro.put("trace_values", t.hasValues());
                float[] ratios = t.ratios();
                for (int i = 0; i < t.length(); i++) {
                    ObjectNode to = toks.addObject();
                    to.put("id", t.tokenIds()[i]);
                    to.put("text", codec.tokenText(t.tokenIds()[i]));
                    if (!t.hasValues()) {
                        continue; // a thinned trace kept the ids only
                    }
                    to.put("logprob", t.logProbs()[i]);
                    if (t.currentLogProbs() != null) {
                        to.put("logprob_current", t.currentLogProbs()[i]);
                        to.put("ratio", ratios[i]);
                    }
                    to.put("entropy", t.entropies()[i]);
                    if (t.clipped() != null) {
                        to.put("clipped", t.clipped()[i] != 0);
                    }
                    to.put("advantage", t.advantages()[i]);
                    if (t.thr() != null) {
                        to.put("thr", t.thr()[i]);
                    } else {
                        to.putNull("thr"); // absent: the group has no correct and wrong completion to measure against
                    }
                }
            }
        }
        return root.toString();
    }

    // a rollout no verifier could judge has no verdict
    private static String verdict(RolloutRecord r) {
        return r.verdict() == null ? null : r.verdict().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void print(StepRecord rec, TokenCodec codec) {
        var m = rec.metrics();
        System.out.printf("run %d step %d: reward %.3f±%.3f  accuracy %.1f%%  loss %.4f  kl %.4f  entropy %.3f  "
                        + "clip %.3f  zero-adv groups %.0f%%%n", rec.runId(), m.step(), m.rewardMean(), m.rewardStd(),
                100 * m.accuracy(), m.loss(), m.kl(), m.entropy(), m.clipFrac(), 100 * m.zeroAdvFrac());
        for (GroupRecord g : rec.groups()) {
            System.out.printf("%ngroup %d  %s  prompt \"%s\"  answer %s  baseline %.3f%s%s%n", g.index(), g.promptId(),
                    g.prompt(), g.answer(), g.baseline(), g.hintTier() == 0 ? "" : "  hint tier " + g.hintTier(),
                    g.editVersion() == 0 ? "" : "  edit version " + g.editVersion());
            for (RolloutRecord r : g.rollouts()) {
                System.out.printf("  [%d] %-10s reward %6.3f  A %+.3f  %s%s%s%s%n", r.index(), "\"" + r.completion() + "\"",
                        r.reward(), r.advantage(), verdict(r),
                        r.kept() ? "" : " (masked)", r.rewardFailed() ? " (reward failed)" : "",
                        r.flipped() ? " SIGN FLIPPED" : "");
                TokenTrace t = r.trace();
                if (t == null) {
                    continue;
                }
                if (!t.hasValues()) {
                    StringBuilder ids = new StringBuilder("      (values not kept: trace thinned) ");
                    for (int i = 0; i < t.length(); i++) {
                        ids.append(i == 0 ? "" : " | ").append(codec.tokenText(t.tokenIds()[i]));
                    }
                    System.out.println(ids);
                    continue;
                }
                float[] ratios = t.ratios();
                StringBuilder sb = new StringBuilder("      ");
                for (int i = 0; i < t.length(); i++) {
                    sb.append(String.format("%s lp=%.3f H=%.3f A=%+.3f", codec.tokenText(t.tokenIds()[i]),
                            t.logProbs()[i], t.entropies()[i], t.advantages()[i]));
                    if (ratios != null) {
                        sb.append(String.format(" ρ=%.3f", ratios[i]));
                    }
                    if (t.clipped() != null && t.clipped()[i] != 0) {
                        sb.append(" clipped");
                    }
                    sb.append(t.thr() != null ? String.format(" THR=%+.4f", t.thr()[i]) : " THR=—");
                    if (i + 1 < t.length()) {
                        sb.append(" | ");
                    }
                }
                System.out.println(sb);
            }
        }
    }
}
