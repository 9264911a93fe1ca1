package org.grpowb.tinygpt;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.grpowb.api.PolicyModel;
import org.grpowb.api.PolicyModelFactory;
import org.grpowb.api.SettingSpec;
import org.grpowb.api.Settings;
import org.grpowb.api.TokenCodec;

/** Makes {@link TinyGpt}s; chosen in {@code project.yaml} with {@code model: {name: tiny-gpt}}. */
public final class TinyGptFactory implements PolicyModelFactory {

    public static final String NAME = "tiny-gpt";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A small character-level GPT-2-style transformer (newline + printable ASCII), trained from scratch;"
                + " fast enough on a CPU for interactive experiments.";
    }

    @Override
    public List<SettingSpec> settings() {
        return TinyGptConfig.SETTINGS;
    }

    /** @throws IllegalArgumentException for an unknown or out-of-bounds setting, or width not divisible by heads */
    @Override
    public PolicyModel create(NDManager manager, Settings settings, long seed) {
        return TinyGpt.initialise(manager, TinyGptConfig.from(settings), seed);
    }

    /** Every tiny-gpt shares one character vocabulary, whatever its size. */
    @Override
    public TokenCodec codec(Settings settings) {
        return CharCodec.INSTANCE;
    }

    @Override
    public PolicyModel load(NDManager manager, Path dir) throws IOException {
        return TinyGpt.restore(manager, dir);
    }
}
