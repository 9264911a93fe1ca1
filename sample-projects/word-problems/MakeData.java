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
 * {@code answer}: {@code level} (the number of operations), {@code expression} (the arithmetic the story spells,
 * e.g. {@code 7+5-3}, which a test recomputes) and {@code hint} (the solution in words, step by step: material for
 * hints and curricula). The eval split holds {@value #EVAL_PER_LEVEL} problems per level, none of whose prompts
 * occurs in the training split.
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

    record Problem(int level, String prompt, int answer, String expression, String hint) {
    }

    static Problem problem(Random r, int level) {
        Person p = PEOPLE.get(r.nextInt(PEOPLE.size()));
        String things = THINGS.get(r.nextInt(THINGS.size()));
        int total = 2 + r.nextInt(14);
        StringBuilder prompt = new StringBuilder(String.format(STARTS.get(r.nextInt(STARTS.size())), p.name(),
                total, things));
        StringBuilder expression = new StringBuilder(Integer.toString(total));
        StringBuilder hint = new StringBuilder("Start with " + total + ".");
        for (int op = 0; op < level; op++) {
            int amount = 1 + r.nextInt(9);
            // a coin flip between adding and taking away, unless only one keeps the total in [0, MAX_TOTAL] (both
            // cannot fail: a total above MAX_TOTAL - 9 holds more than any amount)
            boolean gain = total + amount <= MAX_TOTAL && (total < amount || r.nextBoolean());
            List<String> events = gain ? GAINS : LOSSES;
            prompt.append(' ').append(String.format(events.get(r.nextInt(events.size())), p.subject(), p.object(),
                    amount));
            int next = gain ? total + amount : total - amount;
            expression.append(gain ? '+' : '-').append(amount);
            hint.append(gain ? " Add " + amount + " to get " + next + "." : " Take away " + amount + " to get " + next
                    + ".");
            total = next;
        }
        prompt.append(' ').append(String.format(QUESTIONS.get(r.nextInt(QUESTIONS.size())), p.name(), things,
                p.subject().toLowerCase()));
        hint.append(" The answer is ").append(total).append('.');
        return new Problem(level, prompt.toString(), total, expression.toString(), hint.toString());
    }

    static String json(String id, Problem p) {
        return "{\"id\": \"" + id + "\", \"prompt\": \"" + p.prompt() + "\", \"answer\": \"" + p.answer()
                + "\", \"level\": " + p.level() + ", \"expression\": \"" + p.expression() + "\", \"hint\": \""
                + p.hint() + "\"}";
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
