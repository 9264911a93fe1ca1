package org.grpowb.core.plugin;

import ai.djl.ndarray.NDArray;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.grpowb.api.RewardFunction;
import org.slf4j.Logger;

/**
 * Compiles a single-file plugin in this process, in memory, with the JDK's own compiler, against the plugin API
 * alone: its class path holds only the plugin API, DJL's API and SLF4J (what a plugin's class loader will share), so a
 * source that reaches for the engine fails here, with a located error, rather than at run time. Nothing is written to
 * disk and no annotation processor runs (a processor is code too, and it would run before any trust-by-hash check
 * could see it).
 * <p>
 * Errors come back as {@link PluginProblem}s located in the project's own file (the one the user edits), as does a
 * file that compiles but holds nothing the workbench can load: it needs one public top-level class implementing a
 * plugin interface with a public constructor taking no arguments. Its services are the plugin interfaces that class
 * implements, so a single-file plugin needs no {@code META-INF/services}.
 */
public final class SingleFileCompiler {

    /** Java 17 is the oldest JVM the workbench runs on; {@code -g} keeps line numbers in a plugin's stack traces. */
    static final List<String> OPTIONS = List.of("--release", "17", "-proc:none", "-g", "-Xlint:none");

    private SingleFileCompiler() {
    }

    /**
     * What came of compiling one file.
     *
     * @param classes     class bytes by binary name (empty when there are problems)
     * @param pluginClass the binary name of the public class to instantiate, or null when there are problems
     * @param services    the plugin interfaces it implements, in {@link PluginInterface#ALL}'s order
     * @param problems    every compiler error, or why the compiled file holds no loadable plugin; empty on success
     */
    public record Result(Map<String, byte[]> classes, String pluginClass, List<Class<?>> services,
                         List<PluginProblem> problems) {

        public Result {
            classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
            services = List.copyOf(services);
            problems = List.copyOf(problems);
        }

        static Result failed(List<PluginProblem> problems) {
            return new Result(Map.of(), null, List.of(), problems);
        }

        public boolean succeeded() {
            return problems.isEmpty();
        }
    }

    /**
     * Compiles {@code source}, the content of {@code file}.
     *
     * @param file the project's file: diagnostics are located in it, and a public class must be named after it, as
     *             {@code javac} requires
     * @throws IllegalStateException when this JVM has no compiler (a JRE)
     */
    public static Result compile(Path file, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("a JDK is needed to compile single-file plugins; this is a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ENGLISH,
                StandardCharsets.UTF_8);
        try (InMemoryClasses out = new InMemoryClasses(standard)) {
            standard.setLocation(StandardLocation.CLASS_PATH, apiClassPath());
            // with no source path javac would look for sources on the class path too
            standard.setLocation(StandardLocation.SOURCE_PATH, List.of());
            Source unit = new Source(file, source);
            JavacTask task = (JavacTask) javac.getTask(new StringWriter(), out, diagnostics, OPTIONS, null,
                    List.of(unit));
            Iterable<? extends CompilationUnitTree> trees = task.parse();
            task.analyze();
            List<PluginProblem> errors = errors(file, diagnostics);
            if (!errors.isEmpty()) {
                return Result.failed(errors);
            }
            PluginClass plugin = findPluginClass(file, task, trees);
            if (plugin.problem() != null) {
                return Result.failed(List.of(plugin.problem()));
            }
            task.generate();
            errors = errors(file, diagnostics);
            if (!errors.isEmpty()) {
                return Result.failed(errors);
            }
            return new Result(out.classes(), plugin.binaryName(), plugin.services(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile " + file, e);
        }
    }

    private static List<PluginProblem> errors(Path file, DiagnosticCollector<JavaFileObject> diagnostics) {
        List<PluginProblem> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                // javac's "cannot find symbol" adds the symbol and location on lines of their own
                String message = d.getMessage(Locale.ENGLISH).strip().replaceAll(";?\\s*\\R\\s*", "; ");
                errors.add(new PluginProblem(file, Math.max(0, d.getLineNumber()), Math.max(0, d.getColumnNumber()),
                        message));
            }
        }
        return errors;
    }

    /** The class to load, with its services, or why there is none. */
    private record PluginClass(String binaryName, List<Class<?>> services, PluginProblem problem) {
    }

    private static PluginClass findPluginClass(Path file, JavacTask task,
                                               Iterable<? extends CompilationUnitTree> units) {
        Trees trees = Trees.instance(task);
        Types types = task.getTypes();
        long firstLine = 0;
        for (CompilationUnitTree unit : units) {
            for (Tree decl : unit.getTypeDecls()) {
                if (!(decl instanceof ClassTree)) {
                    continue; // a stray semicolon
                }
                long line = unit.getLineMap().getLineNumber(trees.getSourcePositions().getStartPosition(unit, decl));
                firstLine = firstLine == 0 ? line : firstLine;
                TypeElement type = (TypeElement) trees.getElement(TreePath.getPath(unit, decl));
                if (type == null || !type.getModifiers().contains(Modifier.PUBLIC)) {
                    continue;
                }
                List<Class<?>> services = new ArrayList<>();
                for (PluginInterface<?> api : PluginInterface.ALL) {
                    TypeElement contract = task.getElements().getTypeElement(api.type().getName());
                    if (contract != null && types.isSubtype(types.erasure(type.asType()),
                            types.erasure(contract.asType()))) {
                        services.add(api.type());
                    }
                }
                if (services.isEmpty()) {
                    continue;
                }
                String name = type.getSimpleName().toString();
                Set<Modifier> modifiers = type.getModifiers();
                boolean concrete = type.getKind() == ElementKind.CLASS || type.getKind() == ElementKind.RECORD;
                if (!concrete || modifiers.contains(Modifier.ABSTRACT)) {
                    String what = concrete ? "abstract"
                            : "an " + type.getKind().toString().toLowerCase(Locale.ROOT).replace('_', ' ');
                    return problem(file, line, name + " is " + what + ": a plugin is a concrete class the workbench "
                            + "can create");
                }
                boolean noArgs = false;
                for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
                    noArgs |= c.getModifiers().contains(Modifier.PUBLIC) && c.getParameters().isEmpty();
                }
                if (!noArgs) {
                    return problem(file, line, name + " has no public constructor without arguments: the workbench "
                            + "creates each plugin with new " + name + "()");
                }
                return new PluginClass(task.getElements().getBinaryName(type).toString(), services, null);
            }
        }
        return problem(file, Math.max(1, firstLine), "no public top-level class here implements a plugin interface "
                + "(RewardFunction, GrpoVariant, PolicyModelFactory, PromptSampler or HintPolicy)");
    }

    private static PluginClass problem(Path file, long line, String message) {
        return new PluginClass(null, List.of(), new PluginProblem(file, line, 0, message));
    }

    /**
     * What a plugin's class loader shares, and nothing else: the plugin API's, DJL API's and SLF4J's own jars (or
     * classes folders, in a build).
     */
    static List<File> apiClassPath() {
        List<File> path = new ArrayList<>();
        for (Class<?> c : List.of(RewardFunction.class, NDArray.class, Logger.class)) {
            try {
                File f = new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!path.contains(f)) {
                    path.add(f);
                }
            } catch (URISyntaxException | NullPointerException e) {
                throw new IllegalStateException("cannot tell where " + c.getName() + " was loaded from, to compile "
                        + "single-file plugins against it", e);
            }
        }
        return path;
    }

    /** The source, from the bytes that were hashed; its URI is the project's file, which javac checks names against. */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(Path file, String text) {
            super(file.toUri(), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    /** Keeps every class file javac writes in memory, by binary name. */
    private static final class InMemoryClasses extends ForwardingJavaFileManager<JavaFileManager> {
        private final Map<String, byte[]> classes = Collections.synchronizedMap(new LinkedHashMap<>());

        InMemoryClasses(JavaFileManager standard) {
            super(standard);
        }

        Map<String, byte[]> classes() {
            return classes;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            URI uri = URI.create("memory:///" + className.replace('.', '/') + kind.extension);
            return new SimpleJavaFileObject(uri, kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            classes.put(className, toByteArray());
                        }
                    };
                }
            };
        }
    }
}
