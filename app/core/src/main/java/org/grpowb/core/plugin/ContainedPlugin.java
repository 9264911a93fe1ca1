package org.grpowb.core.plugin;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plugin instance whose calls are time-boxed and whose failures reach the engine as one kind of error: whatever a
 * call throws (a runtime exception, an error of linkage or of a stack that overflowed), or a call that does not return
 * within the time box, comes out as an {@link IllegalStateException} that names the plugin and the call. The engine
 * stops the run at that step boundary and says so, instead of treating someone else's bug as its own or hanging on it.
 * <p>
 * Each call runs on the plugin's own thread while the caller waits, so calls stay in order and the plugin sees its
 * state as it left it. A call that overran cannot be killed (Java threads are only asked to stop, by an interrupt);
 * its thread is left to finish, and every later call of that instance fails at once, since the instance is busy and
 * its state is unknown. The thread ends after a while unused, so an instance left behind holds none.
 * <p>
 * Used for plugins the engine calls on its training thread between steps (prompt samplers, hint policies); rewards
 * have their own time box and per-rollout containment in the reward scorer.
 */
final class ContainedPlugin implements InvocationHandler {

    private final Object target;
    private final String label;
    private final Duration timeout;
    private final ThreadPoolExecutor thread;
    private volatile String overran;

    private ContainedPlugin(Object target, String label, Duration timeout) {
        this.target = target;
        this.label = label;
        this.timeout = timeout;
        // one thread, started on demand and ended after 30 s unused
        this.thread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "plugin " + label);
            t.setDaemon(true);
            return t;
        });
        this.thread.allowCoreThreadTimeOut(true);
    }

    /**
     * {@code target} seen through {@code type}.
     *
     * @param word    what the plugin is, for messages ({@code "prompt sampler"})
     * @param name    the name the project chose it by
     * @param timeout the longest one call may take
     */
    static <T> T wrap(Class<T> type, T target, String word, String name, Duration timeout) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new ContainedPlugin(target, word + " '" + name + "' (a plugin)", timeout)));
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
        if (overran != null) {
            throw new IllegalStateException(label + " is still in its " + overran + " call that overran its time box "
                    + "of " + timeout.toMillis() + " ms; choose another, or fix the plugin and reload it");
        }
        Future<Object> call = thread.submit(() -> method.invoke(target, args));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            overran = method.getName();
            call.cancel(true);
            throw new IllegalStateException(label + " did not return from " + method.getName() + " within "
                    + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + label + " ran " + method.getName(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            if (cause instanceof RuntimeException || cause instanceof LinkageError
                    || cause instanceof StackOverflowError) {
                throw new IllegalStateException(label + " failed in " + method.getName() + ": "
                        + PluginRegistry.describe(cause), cause);
            }
            throw cause; // OutOfMemoryError and the like are the process's, not the plugin's
        }
    }
}
