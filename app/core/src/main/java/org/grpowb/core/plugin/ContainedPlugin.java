package org.grpowb.core.plugin;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A plugin instance whose failures reach the engine as one kind of error: whatever a call throws (a runtime
 * exception, an error of linkage or of a stack that overflowed) comes out as an {@link IllegalStateException} that names
 * the plugin and the call, with the plugin's own exception as its cause. The engine stops the run at that step
 * boundary and says so, instead of treating someone else's bug as its own.
 * <p>
 * Used for plugins the engine calls on its training thread between steps (prompt samplers, hint policies); rewards
 * have their own time box and per-rollout containment in the reward scorer.
 */
final class ContainedPlugin implements InvocationHandler {

    private final Object target;
    private final String label;

    private ContainedPlugin(Object target, String label) {
        this.target = target;
        this.label = label;
    }

    /**
     * {@code target} seen through {@code type}.
     *
     * @param word what the plugin is, for messages ({@code "prompt sampler"})
     * @param name the name the project chose it by
     */
    static <T> T wrap(Class<T> type, T target, String word, String name) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new ContainedPlugin(target, word + " '" + name + "' (a plugin)")));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> label;
            };
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException || cause instanceof LinkageError
                    || cause instanceof StackOverflowError) {
                throw new IllegalStateException(label + " failed in " + method.getName() + ": "
                        + PluginRegistry.describe(cause), cause);
            }
            throw cause; // OutOfMemoryError and the like are the process's, not the plugin's
        }
    }
}
