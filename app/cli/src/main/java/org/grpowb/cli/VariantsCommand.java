package org.grpowb.cli;

import java.util.concurrent.Callable;
import org.grpowb.api.GrpoVariant;
import org.grpowb.api.SettingSpec;
import org.grpowb.core.plugin.PluginRegistry;
import picocli.CommandLine.Command;

/** {@code grpowb variants}: the GRPO variants this installation knows, with their settings and defaults. */
@Command(name = "variants", mixinStandardHelpOptions = true, description = "List GRPO variants and their settings.")
final class VariantsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        PluginRegistry plugins = PluginRegistry.discover();
        for (String name : plugins.variantNames()) {
            GrpoVariant v = plugins.variant(name);
            System.out.printf("%s — %s%n", name, v.description());
            for (SettingSpec s : v.settings()) {
                String range = switch (s.kind()) {
                    case CHOICE -> String.join("|", s.choices());
                    case FLAG -> "true|false";
                    case TEXT -> "text";
                    default -> "[" + fmt(s.min()) + ", " + fmt(s.max()) + "]";
                };
                System.out.printf("    %-24s %-10s %-22s %s%n", s.name(), String.valueOf(s.defaultValue()), range,
                        s.description());
            }
        }
        return 0;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? Long.toString((long) d) : Double.toString(d);
    }
}
