import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Writes the word-problems sample project's data: templated arithmetic word problems at three difficulty levels
 * (one, two and three operations), each with its exact integer answer. Run from this folder with
 * {@code java MakeData.java} (Java 17, no build); the same seed rewrites the same files byte for byte.
 *
 * <p>A problem: someone starts with a number of things, then 1, 2 or 3 events each add or take away a few, then the
 * question asks how many they have. Every running total stays in [0, {@value #MAX_TOTAL}], so no one gives away
 * more than they have and answers have at most two digits. Each line carries, besides {@code id}, {@code prompt} and
 * {@code answer}: {@code level} (the number of operations), {@code difficulty} ({@code easy}, {@code medium},
 * {@code hard} for levels 1, 2, 3: the name a curriculum stage selects by), {@code expression} (the arithmetic the
 * story spells, e.g. {@code 7+5-3}, which a test recomputes), {@code hint} (the solution in words, step by step) and
 * {@code hints}: Scaf-GRPO's three tiers of in-prompt hints (Zhang et al., arXiv:2510.19807), each helping more than
 * the last and none giving the answer away, since a hint that states the answer teaches copying, not solving:
 * <ol>
 *   <li>knowledge: what the story's operations mean, the same sentence for every problem with the same mix of
 *       adding and taking away ("More adds, else take away.");</li>
 *   <li>planning: the strategy ("In order." for several operations, "One step." for one);</li>
 *   <li>solution: the first step, in the notation of {@code expression}. With two or three operations it is worked
 *       out ({@code 14-2=12.}); with one operation, whose result is the answer, it is the operation without its
 *       result ({@code 14-2.}), and so it is for a three-step problem whose last two steps cancel, where the first
 *       result is the answer too.</li>
 * </ol>
 * The hints are terse because they must fit the model's context: the tokenizer (448 tokens, learned from the prompts)
 * spells a word it has not seen nearly letter by letter, and the longest level-3 prompt with all three tiers through
 * the default template ({@code Hint: {hints}\n{prompt}}) comes to 91 tokens in the ChatML turn, within the project's
 * context of 96 with room for the answer (two digits and the end-of-turn token). The sentences one would write for
 * a person ("Start with 14. Take away 2 to get 12.") would take it past 100.
 * The hints use no randomness, so the problems (ids, prompts, answers, order) are those the generator wrote before
 * it wrote hints. The eval split holds {@value #EVAL_PER_LEVEL} problems per level, none of whose prompts occurs in
 * the training split.
 */
public final class MakeData {

    static final long SEED = 11;
    static final int TRAIN_PER_LEVEL = 2000;
    static final int EVAL_PER_LEVEL = 200;
    static final int MAX_TOTAL = 30;

    record Person(String name, String subject, String object) {
    }

    static final List<Person> PEOPLE = List.of(
            new Person("Mia", "She", "her"), new Person("Leo", "He", "him"), new Person("Ana", "She", "her"),
            new Person("Sam", "He", "him"), new Person("Zoe", "She", "her"), new Person("Max", "He", "him"),
            new Person("Ivy", "She", "her"), new Person("Ben", "He", "him"), new Person("Lily", "She", "her"),
            new Person("Tom", "He", "him"), new Person("Eva", "She", "her"), new Person("Omar", "He", "him"),
            new Person("Nina", "She", "her"), new Person("Raj", "He", "him"), new Person("Kim", "She", "her"),
            new Person("Luis", "He", "him"));

    static final List<String> THINGS = List.of("apples", "pears", "marbles", "stickers", "pencils", "books", "cards",
            "coins", "shells", "stamps", "cookies", "balloons");

    /** How a story starts: {0} the name, {1} the count, {2} the things. */
    static final List<String> STARTS = List.of("%1$s has %2$d %3$s.", "%1$s starts with %2$d %3$s.",
            "%1$s owns %2$d %3$s.");

    /** Events that add: {0} subject pronoun, {1} object pronoun, {2} the amount. "more" marks each. */
    static final List<String> GAINS = List.of("%1$s buys %3$d more.", "%1$s finds %3$d more.",
            "%1$s gets %3$d more from a friend.", "A friend gives %2$s %3$d more.", "%1$s wins %3$d more.");

    /** Events that take away. */
    static final List<String> LOSSES = List.of("%1$s gives %3$d to a friend.", "%1$s loses %3$d.",
            "%1$s sells %3$d.", "%1$s gives away %3$d.", "%1$s drops %3$d.");

    /** The question: {0} the name, {1} the things, {2} the subject pronoun in lower case. */
    static final List<String> QUESTIONS = List.of("How many %2$s does %3$s have now?",
            "How many %2$s does %1$s have now?", "How many %2$s does %3$s have in the end?");

    /** Tier 1, by the operations' mix. */
    static final String ADDS_AND_TAKES = "More adds, else take away.";
    static final String ADDS = "More adds.";
    static final String TAKES = "They all take away.";

    /** Tier 2, by the number of operations. */
    static final String ONE_STEP = "One step.";
    static final String STEPS = "In order.";

    static final List<String> DIFFICULTY = List.of("easy", "medium", "hard");

    record Problem(int level, String prompt, int answer, String expression, String hint, List<String> hints) {
    }

    /** The three tiers of hints; see the class comment. */
    static List<String> hints(int start, List<Integer> changes, int answer) {
        boolean adds = changes.stream().anyMatch(c -> c > 0);
        boolean takes = changes.stream().anyMatch(c -> c < 0);
        String concept = adds && takes ? ADDS_AND_TAKES : adds ? ADDS : TAKES;
        String strategy = changes.size() == 1 ? ONE_STEP : STEPS;
        int first = changes.get(0);
        String operation = start + (first > 0 ? "+" : "-") + Math.abs(first);
        int firstResult = start + first;
        String firstStep = changes.size() > 1 && firstResult != answer ? operation + "=" + firstResult + "."
                : operation + ".";
        return List.of(concept, strategy, firstStep);
    }

    static Problem problem(Random r, int level) {
        Person p = PEOPLE.get(r.nextInt(PEOPLE.size()));
        String things = THINGS.get(r.nextInt(THINGS.size()));
        int total = 2 + r.nextInt(14);
        StringBuilder prompt = new StringBuilder(String.format(STARTS.get(r.nextInt(STARTS.size())), p.name(),
                total, things));
        StringBuilder expression = new StringBuilder(Integer.toString(total));
        StringBuilder hint = new StringBuilder("Start with " + total + ".");
        int start = total;
        List<Integer> changes = new ArrayList<>();
        for (int op = 0; op < level; op++) {
            int amount = 1 + r.nextInt(9);
            // a coin flip between adding and taking away, unless only one keeps the total in [0, MAX_TOTAL] (both
            // cannot fail: a total above MAX_TOTAL - 9 holds more than any amount)
            boolean gain = total + amount <= MAX_TOTAL && (total < amount || r.nextBoolean());
            List<String> events = gain ? GAINS : LOSSES;
            prompt.append(' ').append(String.format(events.get(r.nextInt(events.size())), p.subject(), p.object(),
                    amount));
            int next = gain ? total + amount : total - amount;
            changes.add(gain ? amount : -amount);
            expression.append(gain ? '+' : '-').append(amount);
            hint.append(gain ? " Add " + amount + " to get " + next + "." : " Take away " + amount + " to get " + next
                    + ".");
            total = next;
        }
        prompt.append(' ').append(String.format(QUESTIONS.get(r.nextInt(QUESTIONS.size())), p.name(), things,
                p.subject().toLowerCase()));
        hint.append(" The answer is ").append(total).append('.');
        return new Problem(level, prompt.toString(), total, expression.toString(), hint.toString(),
                hints(start, changes, total));
    }

    static String json(String id, Problem p) {
        return "{\"id\": \"" + id + "\", \"prompt\": \"" + p.prompt() + "\", \"answer\": \"" + p.answer()
                + "\", \"level\": " + p.level() + ", \"difficulty\": \"" + DIFFICULTY.get(p.level() - 1)
                + "\", \"expression\": \"" + p.expression() + "\", \"hint\": \"" + p.hint() + "\", \"hints\": ["
                + String.join(", ", p.hints().stream().map(h -> "\"" + h + "\"").toList()) + "]}";
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "data");
        Files.createDirectories(dir);
        Random r = new Random(SEED);
        Set<String> seen = new HashSet<>();
        List<String> eval = new ArrayList<>();
        List<String> train = new ArrayList<>();
        // eval first, then train from the same stream, skipping any prompt already drawn: the splits are disjoint
        for (int level = 1; level <= 3; level++) {
            for (int i = 0; i < EVAL_PER_LEVEL; ) {
                Problem p = problem(r, level);
                if (seen.add(p.prompt())) {
                    eval.add(json("eval-" + level + "-" + i++, p));
                }
            }
        }
        for (int i = 0; i < TRAIN_PER_LEVEL; i++) {
            for (int level = 1; level <= 3; level++) {
                Problem p;
                do {
                    p = problem(r, level);
                } while (!seen.add(p.prompt()));
                train.add(json("train-" + level + "-" + i, p));
            }
        }
        Files.write(dir.resolve("eval.jsonl"), eval, StandardCharsets.UTF_8);
        Files.write(dir.resolve("train.jsonl"), train, StandardCharsets.UTF_8);
        System.out.println("wrote " + train.size() + " train and " + eval.size() + " eval problems to " + dir);
    }
}
