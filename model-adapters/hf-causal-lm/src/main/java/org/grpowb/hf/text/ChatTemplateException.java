package org.grpowb.hf.text;

/**
 * A chat template that could not be rendered: it called {@code raise_exception(message)} (the message is this
 * exception's message, as transformers' {@code TemplateError} carries it), or Jinjava could not evaluate it.
 */
public final class ChatTemplateException extends RuntimeException {

    private final boolean raisedByTemplate;

    ChatTemplateException(String message, boolean raisedByTemplate, Throwable cause) {
        super(message, cause);
        this.raisedByTemplate = raisedByTemplate;
    }

    /** Whether the template itself refused the conversation through {@code raise_exception}. */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
