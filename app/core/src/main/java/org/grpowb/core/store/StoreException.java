package org.grpowb.core.store;

/** The run store could not read or write its file, or a queued write failed; the cause says why. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
