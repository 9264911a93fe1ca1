package org.grpowb.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The JSONL lines of single-digit addition problems ("a+b=" with a, b below 5) that the CLI tests train on. */
final class AdditionData {

    private AdditionData() {
    }

    /** {@code n} lines with ids p0, p1, ...; the first {@code eval} of them are in the eval split. */
    static List<String> lines(int n, long seed, int eval) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(5);
            int b = r.nextInt(5);
            lines.add("{\"id\":\"p" + i + "\",\"prompt\":\"" + a + "+" + b + "=\",\"answer\":\"" + (a + b) + "\""
                    + (i < eval ? ",\"split\":\"eval\"" : "") + "}");
        }
        return lines;
    }
}
