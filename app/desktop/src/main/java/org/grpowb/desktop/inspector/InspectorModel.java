package org.grpowb.desktop.inspector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntFunction;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.paint.Color;
import org.grpowb.core.run.GroupRecord;
import org.grpowb.core.run.RolloutRecord;
import org.grpowb.core.run.StepRecord;
import org.grpowb.core.run.TokenTrace;

/**
 * View model of the token inspector: which step, group and signal are shown, and the colour of every token.
 * <p>
 * The caller loads the {@link StepRecord} off the UI thread and sets it here on the UI thread; everything this
 * class computes is in memory and linear in the group's (or step's) token count, so it never blocks on I/O.
 * The colour scale is refitted whenever step, group, signal or scope changes: diverging signals are scaled by the
 * largest |value| so that 0 is always the centre, sequential ones by their range.
 * <p>
 * A new step opens on its most informative group ({@link GroupSummary#informative}): the first with a sign flip, else
 * the first whose rollouts differ in outcome, else group 0, rather than on group 0, which is as often as not a group
 * whose rollouts all failed and whose advantages are all 0. Once the user picks a group ({@link #setGroupIndex}),
 * later steps keep that index, so that one prompt slot can be watched as training goes on; {@link #followInformative}
 * (or clearing the step) hands the choice back.
 */
public final class InspectorModel {

    /** Over which tokens a scale is fitted. */
    public enum ScaleScope {
        /** The shown group's tokens: contrast within one prompt. */
        GROUP,
        /** All the step's tokens: colours comparable across groups. */
        STEP
    }

    /** One occurrence of searched text in a completion. */
    public record TextHit(int group, int rollout, int offset) {
    }

    private final ObjectProperty<IntFunction<String>> tokenText = new SimpleObjectProperty<>(this, "tokenText");
    private final ObjectProperty<StepRecord> step = new SimpleObjectProperty<>(this, "step");
    private final IntegerProperty groupIndex = new SimpleIntegerProperty(this, "groupIndex", 0);
    private final ObjectProperty<Signal> signal = new SimpleObjectProperty<>(this, "signal", Signal.ADVANTAGE);
    private final ObjectProperty<ScaleScope> scaleScope = new SimpleObjectProperty<>(this, "scaleScope",
            ScaleScope.GROUP);
    private final ReadOnlyObjectWrapper<GroupRecord> group = new ReadOnlyObjectWrapper<>(this, "group");
    private final ReadOnlyObjectWrapper<ColourScale> scale = new ReadOnlyObjectWrapper<>(this, "scale",
            ColourScale.fit(Signal.Scale.DIVERGING, List.of()));
    /** The current signal's values per rollout of the shown group, cached so that drawing does not recompute them. */
    private float[][] values = new float[0][];
    /** Whether the user chose the group; false while the model picks the informative one for each new step. */
    private final ReadOnlyBooleanWrapper groupChosen = new ReadOnlyBooleanWrapper(this, "groupChosen");
    /** Set while a new step's group is being picked, so that the shown group is refreshed once, not twice. */
    private boolean picking;

    /** @param tokenText the text of a token id, e.g. the run's model codec's {@code tokenText} */
    public InspectorModel(IntFunction<String> tokenText) {
        this.tokenText.set(Objects.requireNonNull(tokenText));
        step.addListener((o, a, b) -> {
            int n = b == null ? 0 : b.groups().size();
            if (b == null || groupIndex.get() >= n || groupIndex.get() < 0) {
                groupChosen.set(false); // no step, or the chosen slot is gone: nothing left to keep
            }
            picking = true;
            try {
                groupIndex.set(groupChosen.get() ? groupIndex.get() : GroupSummary.informative(b));
            } finally {
                picking = false;
            }
            refresh();
        });
        groupIndex.addListener((o, a, b) -> {
            if (!picking) {
                refresh();
            }
        });
        signal.addListener((o, a, b) -> refresh());
        scaleScope.addListener((o, a, b) -> refresh());
    }

    public ObjectProperty<StepRecord> stepProperty() {
        return step;
    }

    public StepRecord getStep() {
        return step.get();
    }

    public void setStep(StepRecord s) {
        step.set(s);
    }

    public IntegerProperty groupIndexProperty() {
        return groupIndex;
    }

    public int getGroupIndex() {
        return groupIndex.get();
    }

    /** Shows group {@code i} of this and, while it exists, of every later step: the user's choice. */
    public void setGroupIndex(int i) {
        groupChosen.set(true);
        groupIndex.set(i);
    }

    /** Whether the user chose the shown group ({@link #setGroupIndex}) rather than the model. */
    public boolean isGroupChosen() {
        return groupChosen.get();
    }

    public ReadOnlyBooleanProperty groupChosenProperty() {
        return groupChosen.getReadOnlyProperty();
    }

    /** Forgets the user's choice: shows the shown step's informative group, and each new step's. */
    public void followInformative() {
        groupChosen.set(false);
        groupIndex.set(GroupSummary.informative(step.get()));
    }

    /** The shown step's groups, summarised for the picker; empty for no step. */
    public List<GroupSummary> groupSummaries() {
        return GroupSummary.of(step.get());
    }

    public ObjectProperty<Signal> signalProperty() {
        return signal;
    }

    public Signal getSignal() {
        return signal.get() == null ? Signal.ADVANTAGE : signal.get();
    }

    public void setSignal(Signal s) {
        signal.set(s);
    }

    public ObjectProperty<ScaleScope> scaleScopeProperty() {
        return scaleScope;
    }

    public void setScaleScope(ScaleScope s) {
        scaleScope.set(s);
    }

    /** The shown group; null when no step (or an empty one) is shown. */
    public ReadOnlyObjectProperty<GroupRecord> groupProperty() {
        return group.getReadOnlyProperty();
    }

    public GroupRecord getGroup() {
        return group.get();
    }

    /** The colour scale in force; replaced (never mutated) when anything it depends on changes. */
    public ReadOnlyObjectProperty<ColourScale> scaleProperty() {
        return scale.getReadOnlyProperty();
    }

    public ColourScale getScale() {
        return scale.get();
    }

    public int rolloutCount() {
        GroupRecord g = group.get();
        return g == null ? 0 : g.rollouts().size();
    }

    public RolloutRecord rollout(int rollout) {
        return group.get().rollouts().get(rollout);
    }

    /** The current signal's values for a rollout of the shown group; null when its trace lacks the signal. */
    public float[] values(int rollout) {
        return values[rollout];
    }

    /** The colour-scale value of one token; NaN when the trace lacks the signal. */
    public double value(int rollout, int token) {
        float[] v = values[rollout];
        return v == null ? Double.NaN : v[token];
    }

    /** Where the token's value lies on the legend, in [0, 1] (0.5 = centre); NaN when missing. */
    public double scalePosition(int rollout, int token) {
        return getScale().position(value(rollout, token));
    }

    public Color colourAt(int rollout, int token) {
        return getScale().colour(value(rollout, token));
    }

    /**
     * How token ids become text: the tokenizer of the model the shown run was trained with. A stored run of another
     * model brings its own, so the view lays its tokens out again when this changes.
     */
    public ReadOnlyObjectProperty<IntFunction<String>> tokenTextProperty() {
        return tokenText;
    }

    /** Decodes token ids with {@code tokenText} from now on; set it before (or with) a step of another run. */
    public void setTokenText(IntFunction<String> tokenText) {
        this.tokenText.set(Objects.requireNonNull(tokenText));
    }

    /** The text of a token id, by the decoding in force. */
    IntFunction<String> tokenTextById() {
        return tokenText.get();
    }

    /** The raw text of a token of the shown group. */
    public String tokenText(int rollout, int token) {
        String s = tokenText.get().apply(rollout(rollout).trace().tokenIds()[token]);
        return s == null ? "" : s;
    }

    /**
     * A completion on one line of at most 200 characters: every line break (a sampled {@code \r}, form feed or U+2028
     * as much as {@code \n}) shown as {@code ↵}, so that the header keeps one line's height.
     */
    static String oneLine(String completion) {
        String c = completion.length() > 200 ? completion.substring(0, 200) + "…" : completion;
        StringBuilder b = null;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            boolean lineBreak = ch == '\n' || ch == '\r' || ch == '\u000B' || ch == '\f' || ch == '\u0085'
                    || ch == '\u2028' || ch == '\u2029';
            if (lineBreak && b == null) {
                b = new StringBuilder(c.length()).append(c, 0, i);
            }
            if (b != null) {
                b.append(lineBreak ? '↵' : ch);
            }
        }
        return b == null ? c : b.toString();
    }

    /** Every stored value of one token on one line: what the tooltip and the details label show. */
    public String tokenDetails(int rollout, int token) {
        TokenTrace t = rollout(rollout).trace();
        String raw = tokenText(rollout, token);
        if (!t.hasValues()) {
            return String.format(Locale.ROOT, "rollout %d token %d \"%s\" (id %d) · %s", rollout, token, escape(raw),
                    t.tokenIds()[token], THINNED);
        }
        String cur = t.currentLogProbs() == null ? "—" : fmt(t.currentLogProbs()[token]);
        String ratio = t.currentLogProbs() == null ? "—"
                : fmt(Math.exp((double) t.currentLogProbs()[token] - t.logProbs()[token]));
        String clipped = t.clipped() == null ? "—" : t.clipped()[token] != 0 ? "yes" : "no";
        String thr = t.thr() == null ? "—" : fmt(t.thr()[token]);
        return String.format(Locale.ROOT,
                "rollout %d token %d \"%s\" (id %d) · log-prob old %s · log-prob current %s · ratio %s"
                        + " · entropy %s · advantage %s · clipped %s · THR %s",
                rollout, token, escape(raw), t.tokenIds()[token], fmt(t.logProbs()[token]), cur, ratio,
                fmt(t.entropies()[token]), fmt(t.advantages()[token]), clipped, thr);
    }

    /** What a rollout whose trace was thinned to token ids says in place of its values. */
    public static final String THINNED = "values not kept for this rollout (traces thinned)";

    /** Whether a rollout of the shown group has token ids but no values: its tokens are drawn uncoloured. */
    public boolean thinned(int rollout) {
        TokenTrace t = rollout(rollout).trace();
        return t != null && !t.hasValues();
    }

    /** Number format of {@link #tokenDetails}: four decimals, {@code Locale.ROOT}. */
    public static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Case-insensitive occurrences of text in the shown step's completions, in group then rollout order. */
    public List<TextHit> search(String text) {
        List<TextHit> hits = new ArrayList<>();
        StepRecord s = step.get();
        if (s == null || text == null || text.isEmpty()) {
            return hits;
        }
        String needle = text.toLowerCase(Locale.ROOT);
        for (int g = 0; g < s.groups().size(); g++) {
            List<RolloutRecord> rs = s.groups().get(g).rollouts();
            for (int r = 0; r < rs.size(); r++) {
                String hay = rs.get(r).completion().toLowerCase(Locale.ROOT);
                for (int at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
                    hits.add(new TextHit(g, r, at));
                }
            }
        }
        return hits;
    }

    private void refresh() {
        StepRecord s = step.get();
        int gi = groupIndex.get();
        GroupRecord g = s == null || gi < 0 || gi >= s.groups().size() ? null : s.groups().get(gi);
        Signal sig = getSignal();
        float[][] vs = new float[g == null ? 0 : g.rollouts().size()][];
        for (int r = 0; r < vs.length; r++) {
            vs[r] = sig.values(g.rollouts().get(r).trace());
        }
        List<float[]> fitted = new ArrayList<>(Arrays.asList(vs));
        if (scaleScope.get() == ScaleScope.STEP && s != null) {
            fitted.clear();
            for (GroupRecord other : s.groups()) {
                if (other == g) {
                    fitted.addAll(Arrays.asList(vs));
                } else {
                    other.rollouts().forEach(r -> fitted.add(sig.values(r.trace())));
                }
            }
        }
        values = vs;
        group.set(g);
        scale.set(ColourScale.fit(sig.scale(), fitted));
    }

    private static String escape(String raw) {
        return raw.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
                .replace("\"", "\\\"");
    }
}
