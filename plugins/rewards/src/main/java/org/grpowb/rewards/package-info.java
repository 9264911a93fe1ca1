/**
 * Verifiable rewards for integer-answer tasks such as the sample project's arithmetic ({@code "37+45="} →
 * {@code "82"}): a correctness check against the example's answer and a format check on the completion's shape.
 * Completions arrive with the end-of-sequence token already removed.
 */
package org.grpowb.rewards;
