package org.grpowb.core.plugin;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Runs every call of a plugin instance with the plugin's own class loader as the thread's context class loader, and
 * restores the caller's after. Libraries a plugin ships (JAXB, Jackson modules, JDBC drivers, anything that uses
 * {@link java.util.ServiceLoader} without a loader) look up their own classes through the context loader; on an
 * engine thread that is the application's, which cannot see the plugin's jar.
 * <p>
 * The proxy is an instance of the API interface alone, so callers see only the contract; its class lives in the
 * interface's loader, so wrapping holds no reference to the plugin's loader beyond the wrapped instance itself.
 */
final class ContextLoaderProxy implements InvocationHandler {

    private final Object target;
    private final ClassLoader loader;

    private ContextLoaderProxy(Object target, ClassLoader loader) {
        this.target = target;
        this.loader = loader;
    }

    /** {@code target} seen through {@code type}, each call run with {@code loader} as the context class loader. */
    static <T> T wrap(Class<T> type, T target, ClassLoader loader) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new ContextLoaderProxy(target, loader)));
    }

    /** The plugin's own instance behind a wrapped one (the instance itself when it is not wrapped). */
    static Object unwrap(Object instance) {
        if (instance != null && Proxy.isProxyClass(instance.getClass())
                && Proxy.getInvocationHandler(instance) instanceof ContextLoaderProxy p) {
            return p.target;
        }
        return instance;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class && method.getName().equals("equals")) {
            return args[0] != null && target.equals(unwrap(args[0]));
        }
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            // the target's own class implements the method (or inherits the interface's default): a virtual call
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // the plugin's own exception, as a direct call would have thrown it
        } finally {
            thread.setContextClassLoader(caller);
        }
    }
}
