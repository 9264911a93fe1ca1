package org.grpowb.core.hints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.grpowb.api.Example;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PromptHistory;
import org.grpowb.api.PromptHistory.Visit;
import org.junit.jupiter.api.Test;

class HintPoliciesTest {

    @Test
    void noneNeverHints() {
        HintPolicy none = new NoHints();
        assertEquals("none", none.name());
        assertTrue(none.settings().isEmpty());
        List<Visit> failures = List.of(new Visit(1, 0, 0, 8, 0, false, 0, true), new Visit(2, 0, 0, 8, 0, false, 0,
                true), new Visit(3, 0, 0, 8, 0, false, 0, true));
        HintPolicy.Request r = new HintPolicy.Request(500, new Example("p", "1+1=", "2", Map.of()), 3,
                new PromptHistory("p", 3, failures));
        assertEquals(HintPolicy.Choice.NONE, none.choose(r));
    }

    @Test
    void builtinsByNameAreFreshInstances() {
        assertEquals(List.of("none", "scaf_grpo"), BuiltinHintPolicies.names());
        assertEquals(List.of(NoHints.class, ScafGrpoHints.class),
                BuiltinHintPolicies.all().stream().map(Object::getClass).toList());
        HintPolicy a = BuiltinHintPolicies.byName("scaf_grpo");
        assertEquals(ScafGrpoHints.class, a.getClass());
        // one project's configure() must not leak into another's
        assertNotSame(a, BuiltinHintPolicies.byName("scaf_grpo"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuiltinHintPolicies.byName("scaf"));
        assertEquals("unknown hint policy 'scaf'; known: [none, scaf_grpo]", e.getMessage());
    }
}
