package org.grpowb.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.ServiceLoader;
import org.grpowb.api.RewardFunction;
import org.junit.jupiter.api.Test;

class ServiceRegistrationTest {

    @Test
    void bothRewardsAreFoundByName() {
        List<String> names = ServiceLoader.load(RewardFunction.class).stream().map(p -> p.get().name()).sorted().toList();
        assertEquals(List.of("answer_format", "exact_answer"), names);
    }
}
