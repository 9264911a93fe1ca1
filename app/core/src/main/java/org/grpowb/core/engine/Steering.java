package org.grpowb.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.grpowb.api.Example;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.PromptSampler;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.core.curriculum.CurriculumConfig;
import org.grpowb.core.curriculum.CurriculumState;
import org.grpowb.core.curriculum.CurriculumTracker;
import org.grpowb.core.curriculum.Stage;
import org.grpowb.core.hints.HintBook;
import org.grpowb.core.hints.HintedPrompt;
import org.grpowb.core.hints.HintsConfig;
import org.grpowb.core.plugin.SteeringChoices;
import org.grpowb.core.project.TrainingSettings;
import org.grpowb.core.run.EditRecord;

/**
 * The part of a run a researcher steers while it trains: the curriculum and its prompt sampler, the hint policy and
 * the problems' hints, the learning rate and the sampling temperature. It plans each step ({@link StepPlanner}),
 * learns from each step's groups (every prompt's {@link PromptHistory}), moves through the curriculum's stages, and
 * applies the run's live edits at step boundaries.
 *
 * <p>An edit is a row of the run store ({@link EditRecord}): {@code set} ({@code {"key": ..., "value": ...}} for
 * {@link #EDITABLE} keys), {@code hints} ({@code {"hints": {"id": ["tier 1", ...]}}}) or {@code curriculum} (a whole
 * {@code curriculum:} section). Each applied edit raises the run's edit version by one; every group records the
 * version it was sampled under. An edit is applied all or nothing: one that does not parse or validate is refused with
 * its reason and the run goes on as it was.
 *
 * <p>Resume: the checkpoint holds what steps taught (prompt histories, the sampler's state, the curriculum stage, the
 * edit version); what edits set is replayed from the store by step, so a killed and resumed run plans every step as
 * the uninterrupted one did.
 */
final class Steering implements StepPlanner {

    /** The keys a {@code set} edit may change. */
    static final List<String> EDITABLE = List.of("training.learning_rate", "training.temperature", "hints.policy",
            "hints.settings.<name>", "hints.template", "curriculum.sampler", "curriculum.sampler_settings.<name>",
            "curriculum.stages", "curriculum.length_budget", "curriculum.stage");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Example> train;
    private final TrainingSettings settings;
    private final Path projectDir;
    private final PromptHistories histories = new PromptHistories();
    /** Step metrics by step (index s − 1), what a curriculum's metric rule reads. */
    private final List<Map<String, Double>> metrics = new ArrayList<>();

    private double learningRate;
    private double temperature;
    private HintsConfig hintsConfig;
    private HintPolicy hintPolicy;
    private HintBook hintBook;
    private CurriculumConfig curriculum;
    private PromptSampler sampler;
    private CurriculumTracker tracker;
    private CurriculumState stage = CurriculumState.start();
    private int version;
    /** The samplers and policies an edit may switch to: built-ins and the project's trusted plugins'. */
    private SteeringChoices choices;

    Steering(List<Example> train, TrainingSettings settings, HintsConfig hints, HintBook hintBook,
             CurriculumConfig curriculum, Path projectDir) {
        this(train, settings, hints, hintBook, curriculum, projectDir, SteeringChoices.builtIn());
    }

    Steering(List<Example> train, TrainingSettings settings, HintsConfig hints, HintBook hintBook,
             CurriculumConfig curriculum, Path projectDir, SteeringChoices choices) {
        this.choices = choices;
        this.train = List.copyOf(train);
        this.settings = settings;
        this.projectDir = projectDir;
        this.learningRate = settings.optimisation().learningRate();
        this.temperature = settings.sampling().temperature();
        this.hintBook = hintBook;
        useHints(hints);
        useCurriculum(curriculum);
    }

    /** A project's steering as it starts: its curriculum and hints, the data lines' hints and its hints file. */
    static Steering of(org.grpowb.core.project.Project project) {
        HintBook book = HintBook.of(project.data().train());
        if (project.hints().file() != null) {
            book = book.withFile(project.hints().file());
        }
        return new Steering(project.data().train(), project.training(), project.hints(), book, project.curriculum(),
                project.dir(), project.steering());
    }

    int version() {
        return version;
    }

    CurriculumState stage() {
        return stage;
    }

    CurriculumConfig curriculum() {
        return curriculum;
    }

    HintsConfig hints() {
        return hintsConfig;
    }

    HintBook hintBook() {
        return hintBook;
    }

    PromptHistories histories() {
        return histories;
    }

    // ---------------------------------------------------------------- planning

    @Override
    public StepPlan plan(int step) {
        List<PromptSampler.Candidate> candidates = candidates();
        PromptSampler.Round round = new PromptSampler.Round(step, settings.schedule().steps(), 0,
                settings.sampling().promptsPerStep(), settings.sampling().groupSize(), candidates, Set.of(),
                settings.schedule().seed(), new Random(Seeds.derive(settings.schedule().seed(), step, Seeds.PROMPTS)),
                histories::of);
        List<PlannedGroup> groups = withHints(step, sampler.draw(round));
        if (groups.isEmpty()) {
            throw new IllegalStateException("prompt sampler '" + sampler.name() + "' drew no prompts at step " + step);
        }
        int budget = curriculum.lengthBudget() == null ? 0
                : curriculum.lengthBudget().budget(step, settings.schedule().steps());
        return new StepPlan(groups, learningRate, temperature, maxNewTokens(), version, stage.stage(), budget);
    }

    @Override
    public List<PlannedGroup> refill(int step, int round, Set<String> exclude, int count) {
        PromptSampler.Round r = new PromptSampler.Round(step, settings.schedule().steps(), round, count,
                settings.sampling().groupSize(), candidates(), exclude, settings.schedule().seed(),
                new Random(Seeds.derive(settings.schedule().seed(), step, Seeds.RESAMPLE + round)), histories::of);
        return withHints(step, sampler.draw(r));
    }

    @Override
    public boolean keeps(PromptSampler.GroupOutcome group) {
        return sampler.keeps(group);
    }

    @Override
    public int maxRefillRounds() {
        return sampler.maxRefillRounds();
    }

    @Override
    public void observe(int step, List<Observed> groups) {
        List<PromptSampler.GroupOutcome> outcomes = new ArrayList<>();
        for (Observed o : groups) {
            PlannedGroup g = o.plan();
            int correct = 0;
            double sum = 0;
            for (int i = 0; i < o.rewards().length; i++) {
                correct += o.correct()[i] ? 1 : 0;
                sum += o.rewards()[i];
            }
            boolean hintedCorrect = g.hasHintedRollout() && o.correct()[o.correct().length - 1];
            histories.record(g.example().id(), new PromptHistory.Visit(step, g.tier(),
                    g.hasHintedRollout() ? g.hintedTier() : 0, o.rewards().length, correct, hintedCorrect,
                    sum / o.rewards().length, o.zeroAdvantage()));
            outcomes.add(new PromptSampler.GroupOutcome(g.example(), o.rewards(), correct, g.tier()));
        }
        sampler.observe(step, outcomes);
    }

    /**
     * After step {@code step} is stored: its metrics join the history the curriculum reads, and the curriculum moves
     * on when its stage's rule says so.
     *
     * @return true when the stage changed
     */
    boolean afterStep(int step, Map<String, Double> stepMetrics) {
        while (metrics.size() < step - 1) {
            metrics.add(Map.of()); // steps before a resume whose metrics were not given
        }
        if (metrics.size() == step - 1) {
            metrics.add(Map.copyOf(stepMetrics));
        } else {
            metrics.set(step - 1, Map.copyOf(stepMetrics));
        }
        CurriculumState next = tracker.afterStep(stage, step, metrics);
        boolean moved = !next.equals(stage);
        stage = next;
        return moved;
    }

    private List<PromptSampler.Candidate> candidates() {
        return curriculum.curriculum().candidates(stage.stage(), train);
    }

    private int maxNewTokens() {
        Stage s = curriculum.curriculum().stages().get(stage.stage());
        int max = settings.sampling().maxNewTokens();
        return s.maxNewTokens() == null ? max : Math.min(max, s.maxNewTokens());
    }

    private List<PlannedGroup> withHints(int step, List<PromptSampler.Draw> draws) {
        List<PlannedGroup> out = new ArrayList<>(draws.size());
        Set<String> seen = new HashSet<>();
        for (PromptSampler.Draw d : draws) {
            Example e = d.example();
            if (!seen.add(e.id())) {
                throw new IllegalStateException("prompt sampler '" + sampler.name() + "' drew '" + e.id()
                        + "' twice in one round");
            }
            List<String> hints = hintBook.hints(e.id());
            HintPolicy.Choice c = hintPolicy.choose(new HintPolicy.Request(step, e, hints.size(), histories.of(e.id())));
            int tier = Math.min(c.tier(), hints.size());
            int hinted = Math.min(c.hintedTier(), hints.size());
            String prompt = HintedPrompt.render(e.prompt(), hints, tier, hintsConfig.template());
            String hintedPrompt = hinted > 0 ? HintedPrompt.render(e.prompt(), hints, hinted, hintsConfig.template())
                    : null;
            out.add(new PlannedGroup(e, d.rollouts(), tier, prompt, hinted, hintedPrompt));
        }
        return out;
    }

    /** The exact text the policy would be given for a problem at a tier, before the model's chat template. */
    String promptAt(Example e, int tier) {
        List<String> hints = hintBook.hints(e.id());
        return HintedPrompt.render(e.prompt(), hints, Math.min(tier, hints.size()), hintsConfig.template());
    }

    // ---------------------------------------------------------------- edits

    /**
     * Applies one edit, all or nothing.
     *
     * @return the run's edit version after it
     * @throws IllegalArgumentException with the reason, when the edit is refused (nothing changed)
     */
    int apply(EditRecord edit, int step) {
        JsonNode payload;
        try {
            payload = JSON.readTree(edit.payloadJson());
        } catch (IOException e) {
            throw new IllegalArgumentException("the payload is not JSON: " + e.getMessage(), e);
        }
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException("the payload must be a JSON object");
        }
        switch (edit.kind()) {
            case "set" -> set(text(payload, "key"), payload.get("value"), step);
            case "hints" -> {
                JsonNode hints = payload.get("hints");
                if (hints == null || !hints.isObject()) {
                    throw new IllegalArgumentException("a hints edit is {\"hints\": {\"<problem id>\": [\"tier 1\", "
                            + "...]}}");
                }
                Map<String, List<String>> byId = new LinkedHashMap<>();
                for (var it = hints.fields(); it.hasNext(); ) {
                    var f = it.next();
                    if (!f.getValue().isArray()) {
                        throw new IllegalArgumentException("hints of '" + f.getKey() + "' must be a list of strings");
                    }
                    List<String> tiers = new ArrayList<>();
                    for (JsonNode h : f.getValue()) {
                        if (!h.isTextual()) {
                            throw new IllegalArgumentException("hints of '" + f.getKey() + "' must be strings");
                        }
                        tiers.add(h.asText());
                    }
                    byId.put(f.getKey(), tiers);
                }
                hintBook = hintBook.withAll(byId);
            }
            case "curriculum" -> {
                CurriculumConfig next = CurriculumConfig.parse(payload, "edit " + edit.id());
                requireStagesHaveCandidates(next);
                useCurriculum(next);
                if (stage.stage() >= next.curriculum().stages().size()) {
                    stage = new CurriculumState(next.curriculum().stages().size() - 1, step);
                }
            }
            case Edits.PLUGINS -> {
                // the run swaps the rewards themselves (TrainingRun owns the scorer); here the edit takes a version
            }
            default -> throw new IllegalArgumentException("unknown edit kind '" + edit.kind()
                    + "'; known: set, hints, curriculum, " + Edits.PLUGINS);
        }
        return ++version;
    }

    private void set(String key, JsonNode value, int step) {
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("'" + key + "': no value given");
        }
        switch (key) {
            case "training.learning_rate" -> learningRate = trainingNumber("learning_rate", value);
            case "training.temperature" -> temperature = trainingNumber("temperature", value);
            case "curriculum.stage" -> {
                List<Stage> stages = curriculum.curriculum().stages();
                int index = -1;
                if (value.isInt()) {
                    index = value.asInt();
                } else {
                    for (int i = 0; i < stages.size(); i++) {
                        if (stages.get(i).name().equals(value.asText())) {
                            index = i;
                        }
                    }
                }
                if (index < 0 || index >= stages.size()) {
                    throw new IllegalArgumentException("'curriculum.stage': no stage " + value + "; stages: "
                            + stages.stream().map(Stage::name).toList());
                }
                stage = new CurriculumState(index, step);
            }
            default -> {
                if (key.startsWith("hints.")) {
                    ObjectNode section = hintsConfig.toJson();
                    String rest = key.substring("hints.".length());
                    if (rest.equals("policy")) {
                        section.remove("settings"); // a new policy starts from its own defaults
                    }
                    put(section, rest, value, key);
                    useHints(HintsConfig.parse(section, projectDir, "edit of " + key, choices::hintPolicy));
                } else if (key.startsWith("curriculum.")) {
                    ObjectNode section = curriculum.toJson();
                    String rest = key.substring("curriculum.".length());
                    if (rest.equals("sampler")) {
                        section.remove("sampler_settings");
                    }
                    put(section, rest, value, key);
                    CurriculumConfig next = CurriculumConfig.parse(section, "edit of " + key);
                    requireStagesHaveCandidates(next);
                    useCurriculum(next);
                } else {
                    throw new IllegalArgumentException("'" + key + "' cannot be changed while a run trains; "
                            + "editable: " + EDITABLE);
                }
            }
        }
    }

    /** Sets {@code a.b.c} inside {@code section}; only the first level and one nested mapping are editable. */
    private static void put(ObjectNode section, String path, JsonNode value, String key) {
        String[] parts = path.split("\\.");
        if (parts.length == 1) {
            section.set(parts[0], value);
        } else if (parts.length == 2 && (parts[0].equals("settings") || parts[0].equals("sampler_settings"))) {
            JsonNode inner = section.get(parts[0]);
            ObjectNode obj = inner instanceof ObjectNode o ? o : section.putObject(parts[0]);
            obj.set(parts[1], value);
        } else {
            throw new IllegalArgumentException("'" + key + "' cannot be changed while a run trains; editable: "
                    + EDITABLE);
        }
    }

    private static double trainingNumber(String name, JsonNode value) {
        SettingSpec spec = TrainingSettings.SPECS.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow();
        Object raw = value.isNumber() ? value.numberValue() : value.asText();
        return ((Number) spec.coerce(raw)).doubleValue();
    }

    private static String text(JsonNode payload, String field) {
        JsonNode n = payload.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("the payload needs a text field '" + field + "'");
        }
        return n.asText();
    }

    private void requireStagesHaveCandidates(CurriculumConfig next) {
        for (int i = 0; i < next.curriculum().stages().size(); i++) {
            next.curriculum().candidates(i, train); // throws naming an empty stage
        }
    }

    private void useHints(HintsConfig next) {
        HintPolicy policy = next.newPolicy(choices::hintPolicy);
        hintsConfig = next;
        hintPolicy = policy;
    }

    private void useCurriculum(CurriculumConfig next) {
        PromptSampler s = newSampler(next, choices);
        curriculum = next;
        sampler = s;
        tracker = new CurriculumTracker(next.curriculum());
    }

    /** The section's sampler, configured; the same sampler as now keeps what it learned. */
    private PromptSampler newSampler(CurriculumConfig section, SteeringChoices from) {
        PromptSampler s = from.sampler(section.sampler());
        s.configure(Settings.resolve(s.settings(), section.samplerSettings(), "curriculum.sampler_settings"));
        if (sampler != null && sampler.name().equals(s.name())) {
            s.restoreState(sampler.saveState()); // a settings change (or a reloaded plugin) keeps what it learned
        }
        return s;
    }

    /**
     * The project's plugins were reloaded (a plugins edit): later switches choose among {@code next}, and a sampler or
     * policy that a plugin provides is made anew from its file as it is now, keeping what the sampler learned.
     *
     * @throws IllegalArgumentException when the current sampler or policy is no longer there (its plugin file was
     *                                  removed or is no longer trusted), or refuses its settings; nothing changes then
     */
    void usePlugins(SteeringChoices next) {
        HintPolicy policy = hintsConfig.newPolicy(next::hintPolicy);
        PromptSampler s = newSampler(curriculum, next);
        choices = next;
        hintPolicy = policy;
        sampler = s;
    }

    // ---------------------------------------------------------------- checkpoint

    /** What steps taught: histories, the sampler's state, the stage, the edit version. */
    void save(Path dir) throws IOException {
        histories.save(dir.resolve("prompt-histories.json"));
        ObjectNode s = JSON.createObjectNode();
        s.put("version", version);
        s.put("stage", stage.stage());
        s.put("entered_at_step", stage.enteredAtStep());
        s.set("sampler_state", JSON.valueToTree(sampler.saveState()));
        Path tmp = dir.resolve("steering.json.tmp");
        JSON.writeValue(tmp.toFile(), s);
        Files.move(tmp, dir.resolve("steering.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Restores what {@link #save} wrote, after the edits up to the checkpoint were replayed; a checkpoint from before
     * steering was kept restores nothing.
     *
     * @param stepMetrics the stored metrics of the steps up to the checkpoint, for the curriculum's metric rules
     */
    void load(Path dir, List<Map<String, Double>> stepMetrics) throws IOException {
        histories.load(dir.resolve("prompt-histories.json"));
        metrics.clear();
        metrics.addAll(stepMetrics);
        Path f = dir.resolve("steering.json");
        if (!Files.exists(f)) {
            return;
        }
        JsonNode s = JSON.readTree(f.toFile());
        if (s.path("version").asInt() != version) {
            throw new IllegalStateException("the checkpoint was taken at edit version " + s.path("version").asInt()
                    + " but replaying the stored edits gives version " + version);
        }
        stage = new CurriculumState(s.path("stage").asInt(), s.path("entered_at_step").asInt(1));
        Map<String, Double> state = new LinkedHashMap<>();
        s.path("sampler_state").fields().forEachRemaining(e -> state.put(e.getKey(), e.getValue().asDouble()));
        sampler.restoreState(state);
    }
}
