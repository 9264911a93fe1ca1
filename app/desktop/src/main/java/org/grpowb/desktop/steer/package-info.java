/**
 * Steering a run while it trains: a problem's hint tiers with a preview of the exact prompt the policy sees, the run's
 * knobs (hint policy, prompt sampler, learning rate, temperature), the curriculum as a timeline of stages, the log of
 * edits and how each prompt fares. Every change is submitted to the run store as an edit that the training loop
 * applies (or refuses) at its next step boundary; the store is read and written off the JavaFX thread.
 */
package org.grpowb.desktop.steer;
