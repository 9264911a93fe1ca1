package org.grpowb.api;

/**
 * How completions are drawn.
 *
 * @param temperature  softmax temperature; 0 means greedy (argmax)
 * @param topP         nucleus mass in (0, 1]; 1 disables top-p
 * @param maxNewTokens the completion budget L_max in tokens
 * @param useKvCache   reuse keys and values of earlier positions (false recomputes the whole prefix every token)
 */
public record SamplingSettings(double temperature, double topP, int maxNewTokens, boolean useKvCache) {
    public SamplingSettings {
        if (temperature < 0 || !(topP > 0 && topP <= 1) || maxNewTokens < 1) {
            throw new IllegalArgumentException("bad sampling settings: temperature=" + temperature + " top_p=" + topP
                    + " max_new_tokens=" + maxNewTokens);
        }
    }

    public static SamplingSettings greedy(int maxNewTokens) {
        return new SamplingSettings(0, 1, maxNewTokens, true);
    }
}
