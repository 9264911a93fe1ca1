package org.grpowb.core.hints;

import java.util.List;

/**
 * Writes a hint tier into a prompt: tier {@code t} shows the first {@code t} hints of the problem, joined by a space,
 * through a template with the placeholders {@code {hints}} and {@code {prompt}}.
 */
public final class HintedPrompt {

    /**
     * Ours: the hint goes <em>before</em> the prompt. A raw-format prompt such as {@code 91+27=} is continued by the
     * completion, so whatever followed it would stand where the model writes its answer and be read as the start of
     * one; in front, the prompt still ends exactly where the answer begins. (A chat-format prompt does not care, the
     * whole user turn comes before the reply either way.)
     */
    public static final String DEFAULT_TEMPLATE = "Hint: {hints}\n{prompt}";

    /** The setting a bad template is reported under. */
    public static final String TEMPLATE_SETTING = "hints.template";

    private static final String HINTS = "{hints}";
    private static final String PROMPT = "{prompt}";

    private HintedPrompt() {
    }

    /**
     * @param prompt   the example's prompt
     * @param hints    the problem's hints, tier 1 first
     * @param tier     0 (the prompt unchanged) to {@code hints.size()}
     * @param template contains {@code {hints}} and {@code {prompt}}
     * @throws IllegalArgumentException for a tier out of range or a template without both placeholders
     */
    public static String render(String prompt, List<String> hints, int tier, String template) {
        checkTemplate(template);
        if (tier < 0 || tier > hints.size()) {
            throw new IllegalArgumentException("hint tier " + tier + " out of range: the problem has " + hints.size()
                    + " hint(s)");
        }
        if (tier == 0) {
            return prompt;
        }
        String joined = String.join(" ", hints.subList(0, tier));
        // one pass over the template, so a hint that happens to contain "{prompt}" (or a prompt "{hints}") is
        // written as it is rather than substituted a second time
        StringBuilder out = new StringBuilder(template.length() + prompt.length() + joined.length());
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith(HINTS, i)) {
                out.append(joined);
                i += HINTS.length();
            } else if (template.startsWith(PROMPT, i)) {
                out.append(prompt);
                i += PROMPT.length();
            } else {
                out.append(template.charAt(i++));
            }
        }
        return out.toString();
    }

    /**
     * Refuses a template that would lose the prompt or the hints.
     *
     * @return the template
     * @throws IllegalArgumentException naming {@value #TEMPLATE_SETTING}
     */
    public static String checkTemplate(String template) {
        if (template == null || !template.contains(PROMPT) || !template.contains(HINTS)) {
            throw new IllegalArgumentException(TEMPLATE_SETTING + ": must contain both " + HINTS + " and " + PROMPT
                    + ", got " + (template == null ? "nothing" : "'" + template + "'"));
        }
        return template;
    }
}
