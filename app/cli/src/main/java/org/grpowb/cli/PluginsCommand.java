package org.grpowb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grpowb.api.Example;
import org.grpowb.api.RewardFunction;
import org.grpowb.api.Settings;
import org.grpowb.core.engine.RewardTrial;
import org.grpowb.core.plugin.PluginFile;
import org.grpowb.core.plugin.PluginKind;
import org.grpowb.core.plugin.PluginProblem;
import org.grpowb.core.plugin.PluginRegistry;
import org.grpowb.core.plugin.PluginStatus;
import org.grpowb.core.plugin.PluginTrust;
import org.grpowb.core.project.Project;
import org.grpowb.core.project.ProjectLoader;
import org.grpowb.core.store.RunStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grpowb plugins}: a project's plugins — jars, single Java files and Python files in its {@code plugins/}
 * folder — listed with their kind, hash, trust and load status; added (copied in, and trusted with {@code --trust});
 * removed; and tried on stored rollouts or typed text before a run uses them.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List, add, remove and try a project's plugins (plugins/*.jar, *.java, *.py).",
        subcommands = {PluginsCommand.ListPlugins.class, PluginsCommand.Add.class, PluginsCommand.Remove.class,
                PluginsCommand.Try.class})
final class PluginsCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "name a subcommand: list, add, remove or try");
    }

    static Path dir(Path project) {
        Path abs = project.toAbsolutePath().normalize();
        return Files.isRegularFile(abs) ? abs.getParent() : abs;
    }

    static void print(PluginStatus s) {
        System.out.printf("%-28s %-6s %-9s %s%s%n", s.fileName(), kindLabel(s.kind()), s.state().name().toLowerCase(),
                s.sha256().isEmpty() ? "" : "sha256 " + s.sha256(), s.provides().isEmpty() ? "" : "  " + s.provides());
        for (PluginProblem p : s.problems()) {
            System.out.println("    " + p);
        }
        if (!s.detail().isEmpty() && s.problems().isEmpty()) {
            System.out.println("    " + s.detail());
        }
    }

    static String kindLabel(PluginKind k) {
        return switch (k) {
            case JAR -> "jar";
            case JAVA_SOURCE -> "java";
            case PYTHON -> "python";
        };
    }

    static ObjectNode json(PluginStatus s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("file", s.fileName());
        o.put("kind", kindLabel(s.kind()));
        o.put("sha256", s.sha256());
        o.put("trusted", s.trusted());
        o.put("state", s.state().name().toLowerCase());
        ObjectNode provides = o.putObject("provides");
        s.provides().forEach((type, names) -> names.forEach(provides.withArray(type)::add));
        ArrayNode problems = o.putArray("problems");
        for (PluginProblem p : s.problems()) {
            ObjectNode q = problems.addObject();
            q.put("file", String.valueOf(p.file()));
            q.put("line", p.line());
            q.put("column", p.column());
            q.put("message", p.message());
        }
        o.put("detail", s.detail());
        return o;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every plugin file with its status.")
    static final class ListPlugins implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "project folder")
        Path project;

        @Option(names = "--json", description = "print a JSON array")
        boolean json;

        @Override
        public Integer call() {
            try (PluginRegistry registry = PluginRegistry.forProject(dir(project), PluginTrust.user())) {
                List<PluginStatus> all = registry.statuses();
                if (json) {
                    ArrayNode a = JSON.createArrayNode();
                    all.forEach(s -> a.add(json(s)));
                    System.out.println(a);
                } else if (all.isEmpty()) {
                    System.out.println("no plugins in " + dir(project).resolve(PluginRegistry.PROJECT_PLUGINS));
                } else {
                    all.forEach(PluginsCommand::print);
                }
                return 0;
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Copy a plugin file (.jar, .java, .py) into the project's plugins/ folder and load it.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "project folder")
        Path project;

        @Parameters(index = "1", paramLabel = "FILE", description = "the plugin file")
        Path file;

        @Option(names = "--trust", description = "trust its exact bytes (SHA-256) so that it runs")
        boolean trust;

        @Override
        public Integer call() throws IOException {
            if (PluginKind.of(file).isEmpty()) {
                throw new IllegalArgumentException(file + ": not a plugin file (a .jar, a single .java file or a .py file)");
            }
            Path dir = dir(project).resolve(PluginRegistry.PROJECT_PLUGINS);
            Files.createDirectories(dir);
            Path target = dir.resolve(file.getFileName().toString());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            PluginFile added = PluginFile.read(target).file();
            System.out.println("added " + target + "  sha256 " + added.sha256());
            PluginTrust trusts = PluginTrust.user();
            if (trust) {
                trusts.trust(added);
            }
            try (PluginRegistry registry = PluginRegistry.forProject(dir(project), trusts)) {
                PluginStatus s = registry.statuses().stream().filter(x -> x.fileName().equals(target.getFileName()
                        .toString())).findFirst().orElseThrow();
                print(s);
                return s.state() == PluginStatus.State.FAILED ? 1 : 0;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete a plugin file from plugins/.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "project folder")
        Path project;

        @Parameters(index = "1", paramLabel = "NAME", description = "the plugin's file name in plugins/")
        String name;

        @Override
        public Integer call() throws IOException {
            Path target = dir(project).resolve(PluginRegistry.PROJECT_PLUGINS).resolve(name);
            if (!Files.isRegularFile(target) || !target.getParent().equals(dir(project).resolve(PluginRegistry.PROJECT_PLUGINS))) {
                throw new IllegalArgumentException("no plugin file " + name + " in " + target.getParent());
            }
            PluginRegistry.setDisabled(dir(project), name, false);
            Files.delete(target);
            System.out.println("removed " + target);
            return 0;
        }
    }

    @Command(name = "try", mixinStandardHelpOptions = true,
            description = "Score stored rollouts, or a typed completion, with a plugin's rewards.")
    static final class Try implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROJECT", description = "project folder")
        Path project;

        @Parameters(index = "1", paramLabel = "PLUGIN",
                description = "a plugin file (in plugins/ or a path) for all of its rewards, or one reward's name")
        String plugin;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @ArgGroup(exclusive = false)
            Stored stored;

            @ArgGroup(exclusive = false)
            Typed typed;
        }

        static final class Stored {
            @Option(names = "--store", required = true, description = "SQLite run store")
            Path store;

            @Option(names = "--run", required = true, description = "run id")
            long run;

            @Option(names = "--step", required = true, description = "step whose rollouts to score")
            int step;
        }

        static final class Typed {
            @Option(names = "--completion", required = true, description = "the completion text")
            String completion;

            @Option(names = "--example", required = true, description = "id of the example it answers")
            String example;
        }

        @Option(names = "--json", description = "print a JSON object")
        boolean json;

        @Option(names = "--repeats", defaultValue = "1",
                description = "score the same rollouts this many times and report the median time (a benchmark)")
        int repeats;

        @Override
        public Integer call() {
            Path dir = dir(project);
            try (PluginRegistry registry = PluginRegistry.forProject(dir, PluginTrust.user())) {
                Project p = new ProjectLoader(registry).load(dir, Map.of());
                List<Project.RewardChoice> rewards = rewards(registry, p, dir);
                List<RewardTrial.Attempt> attempts = new ArrayList<>();
                if (source.stored != null) {
                    try (RunStore store = RunStore.open(source.stored.store)) {
                        attempts.addAll(RewardTrial.storedStep(store, source.stored.run, source.stored.step, p.data()));
                    }
                } else {
                    Example ex = RewardTrial.example(p.data(), source.typed.example).orElseThrow(() ->
                            new IllegalArgumentException("no example '" + source.typed.example + "' in " + p.name()
                                    + "'s data"));
                    attempts.add(new RewardTrial.Attempt("typed", source.typed.completion, ex));
                }
                RewardTrial.Result r = RewardTrial.score(rewards, attempts, p.training().schedule().rewardTimeoutMs(),
                        repeats);
                report(r, rewards);
                return r.outcomes().stream().anyMatch(o -> !o.failures().isEmpty()) ? 1 : 0;
            }
        }

        /** The rewards a plugin file provides, or the one named; configured as the project configures them. */
        private List<Project.RewardChoice> rewards(PluginRegistry registry, Project p, Path dir) {
            List<String> names;
            Path asFile = plugin.contains("/") ? Path.of(plugin) : dir.resolve(PluginRegistry.PROJECT_PLUGINS).resolve(plugin);
            if (PluginKind.of(asFile).isPresent()) {
                String fileName = asFile.getFileName().toString();
                PluginStatus s = registry.statuses().stream().filter(x -> x.fileName().equals(fileName)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no plugin file " + fileName + " in "
                                + dir.resolve(PluginRegistry.PROJECT_PLUGINS) + " (add it with grpowb plugins add)"));
                if (s.state() != PluginStatus.State.LOADED) {
                    throw new IllegalArgumentException(fileName + " is " + s.state().name().toLowerCase()
                            + (s.problems().isEmpty() ? "" : ": " + s.problems()) + (s.trusted() ? ""
                            : " (trust it: grpowb plugins add --trust, or grpowb trust --yes)"));
                }
                names = s.provides().getOrDefault(RewardFunction.class.getSimpleName(), List.of());
                if (names.isEmpty()) {
                    throw new IllegalArgumentException(fileName + " provides no reward function");
                }
            } else {
                names = List.of(plugin);
            }
            List<Project.RewardChoice> out = new ArrayList<>();
            for (String n : names) {
                out.add(p.rewards().stream().filter(c -> c.function().name().equals(n)).findFirst()
                        .orElseGet(() -> {
                            RewardFunction f = registry.reward(n);
                            Settings s = Settings.resolve(f.settings(), Map.of(), "reward '" + n + "'");
                            f.configure(s);
                            return new Project.RewardChoice(f, 1.0, s);
                        }));
            }
            return out;
        }

        private void report(RewardTrial.Result r, List<Project.RewardChoice> rewards) {
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                o.put("millis", r.millis());
                o.put("millis_per_rollout", r.millisPerAttempt());
                ArrayNode a = o.putArray("outcomes");
                for (RewardTrial.Outcome oc : r.outcomes()) {
                    ObjectNode x = a.addObject();
                    x.put("label", oc.attempt().label());
                    x.put("example", oc.attempt().example().id());
                    x.put("completion", oc.attempt().completion());
                    ObjectNode scores = x.putObject("scores");
                    oc.scores().forEach(scores::put);
                    x.put("verdict", oc.verdict().name().toLowerCase());
                    ObjectNode failures = x.putObject("failures");
                    oc.failures().forEach(failures::put);
                }
                System.out.println(o);
                return;
            }
            for (RewardTrial.Outcome oc : r.outcomes()) {
                StringBuilder line = new StringBuilder(String.format("%-28s %-18s", oc.attempt().label(),
                        "\"" + abbreviate(oc.attempt().completion()) + "\""));
                oc.scores().forEach((k, v) -> line.append(String.format("  %s %.3f", k, v + 0.0))); // no "-0.000"
                line.append("  ").append(oc.verdict().name().toLowerCase());
                oc.failures().forEach((k, v) -> line.append("  FAILED ").append(k).append(": ").append(v));
                System.out.println(line);
            }
            System.out.printf("%d rollouts scored by %s in %.1f ms (%.3f ms per rollout%s)%n", r.outcomes().size(),
                    rewards.stream().map(c -> c.function().name()).toList(), r.millis(), r.millisPerAttempt(),
                    repeats > 1 ? ", median of " + repeats : "");
        }

        private static String abbreviate(String s) {
            String one = s.replace("\n", "⏎");
            return one.length() <= 16 ? one : one.substring(0, 15) + "…";
        }
    }
}
