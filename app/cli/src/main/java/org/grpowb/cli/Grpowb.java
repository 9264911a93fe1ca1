package org.grpowb.cli;

import java.nio.file.Path;
import org.grpowb.core.user.UserFolders;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code grpowb}. With no arguments it trains the sample project with a progress bar. */
@Command(name = "grpowb", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "GRPO Workbench: train and inspect GRPO runs on small language models.",
        subcommands = {TrainCommand.class, EvalCommand.class, SftCommand.class, RunsCommand.class, ShowCommand.class,
                BenchCommand.class, CompareCommand.class, VariantsCommand.class, TrustCommand.class, ModelCommand.class,
                TokenizerCommand.class, SteerCommand.class, EditsCommand.class, PluginsCommand.class})
public final class Grpowb implements Runnable {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        UserFolders.current().useForDjl();
        // One intra-op thread unless told otherwise: runs stay deterministic, and the tiny model is fastest so.
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        CommandLine cli = new CommandLine(new Grpowb());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        if (args.length == 0) {
            args = new String[]{"train", sampleProject().toString()};
        }
        // After a SIGINT or SIGTERM this blocks until the shutdown hooks return, and the JVM exits with the signal's
        // status: `train`'s hook (GracefulStop) waits only for the command to return, never for this exit.
        System.exit(cli.execute(args));
    }

    /** The bundled sample project, found from {@code grpowb.home} (set by the launcher) or the working directory. */
    static Path sampleProject() {
        String home = System.getProperty("grpowb.home", ".");
        return Path.of(home, "sample-projects", "arithmetic");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Turns expected failures (bad project, unknown plugin) into one clear line instead of a stack trace. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cmd.getErr().println("grpowb: " + msg);
            if (Boolean.getBoolean("grpowb.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return 2;
        }
    }
}
