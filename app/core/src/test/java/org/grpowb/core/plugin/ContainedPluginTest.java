package org.grpowb.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.grpowb.api.Example;
import org.grpowb.api.HintPolicy;
import org.grpowb.api.PromptHistory;
import org.junit.jupiter.api.Test;

/** A plugin's sampler or policy behind {@link ContainedPlugin}: its calls time-boxed, in order, its failures named. */
class ContainedPluginTest {

    private static final HintPolicy.Request REQUEST = new HintPolicy.Request(1, new Example("e1", "1+1=", "2", Map.of()),
            2, PromptHistory.unseen("e1"));

    /** A policy whose {@code choose} is {@code body}. */
    private static HintPolicy policy(Function<HintPolicy.Request, HintPolicy.Choice> body) {
        return new HintPolicy() {
            public String name() {
                return "p";
            }

            public String description() {
                return "test policy";
            }

            public Choice choose(Request request) {
                return body.apply(request);
            }
        };
    }

    @Test
    void aCallThatOverrunsFailsNamingThePluginAndEveryLaterCallFailsAtOnce() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        HintPolicy stuck = ContainedPlugin.wrap(HintPolicy.class, policy(r -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                // the time box interrupts it; a plugin may ignore that, so go on blocking like one would
                try {
                    never.await();
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                }
            }
            return HintPolicy.Choice.NONE;
        }), "hint policy", "stuck", Duration.ofMillis(200));
        long t0 = System.nanoTime();
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> stuck.choose(REQUEST));
        assertTrue((System.nanoTime() - t0) / 1e6 >= 200, "waited for the time box");
        assertEquals("hint policy 'stuck' (a plugin) did not return from choose within 200 ms", late.getMessage());
        IllegalStateException busy = assertThrows(IllegalStateException.class, () -> stuck.choose(REQUEST));
        assertTrue(busy.getMessage().startsWith("hint policy 'stuck' (a plugin) is still in its choose call that "
                + "overran its time box of 200 ms"), busy.getMessage());
        never.countDown();
    }

    @Test
    void whatACallThrowsComesOutNamingThePluginWithItsCause() {
        IllegalArgumentException bug = new IllegalArgumentException("tier -1");
        HintPolicy broken = ContainedPlugin.wrap(HintPolicy.class, policy(r -> {
            throw bug;
        }), "hint policy", "broken", Duration.ofSeconds(5));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> broken.choose(REQUEST));
        assertEquals("hint policy 'broken' (a plugin) failed in choose: tier -1", e.getMessage());
        assertSame(bug, e.getCause());
        // a failed call leaves the instance usable: it did return
        assertThrows(IllegalStateException.class, () -> broken.choose(REQUEST));
    }

    @Test
    void callsRunInOrderOnThePluginsOwnThreadAndReturnTheirValues() {
        List<String> threads = new ArrayList<>();
        int[] calls = {0};
        HintPolicy counting = ContainedPlugin.wrap(HintPolicy.class, policy(r -> {
            threads.add(Thread.currentThread().getName());
            return new HintPolicy.Choice(++calls[0] % 3, 0);
        }), "hint policy", "counting", Duration.ofSeconds(5));
        for (int i = 1; i <= 200; i++) {
            assertEquals(new HintPolicy.Choice(i % 3, 0), counting.choose(REQUEST), "call " + i);
        }
        assertEquals(200, calls[0]);
        assertEquals("hint policy 'counting' (a plugin)", counting.toString());
        assertNotEquals(Thread.currentThread().getName(), threads.get(0));
        assertTrue(threads.stream().allMatch(("plugin hint policy 'counting' (a plugin)")::equals), threads.toString());
    }
}
