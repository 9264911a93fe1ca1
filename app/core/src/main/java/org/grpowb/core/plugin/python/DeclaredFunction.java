package org.grpowb.core.plugin.python;

import org.grpowb.api.ScoreRange;

/**
 * A reward function as the worker's handshake lists it.
 *
 * @param name  the function's {@code __name__}, the reward's name as TRL gives it
 * @param doc   the first line of its docstring, empty when it has none
 * @param range its declared score range ({@code f.score_range} or the module's {@code SCORE_RANGES}), null when none
 */
record DeclaredFunction(String name, String doc, ScoreRange range) {
}
