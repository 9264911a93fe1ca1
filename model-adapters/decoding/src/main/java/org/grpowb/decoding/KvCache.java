package org.grpowb.decoding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys and values of the columns decoded so far, one pair per layer, each (B, H, S, D/H). With it a decoding step
 * feeds only the newest token: O(S) work per token instead of recomputing the whole prefix.
 *
 * <p>Each step runs inside its own {@link NDScope}; {@link #commit()} lets the current arrays outlive that scope and
 * frees the ones they replaced, so a long decode holds one cache, not one per step.
 */
public final class KvCache implements AutoCloseable {

    private final NDArray[] keys;
    private final NDArray[] values;
    private final List<NDArray> superseded = new ArrayList<>();

    public KvCache(int layers) {
        keys = new NDArray[layers];
        values = new NDArray[layers];
    }

    /** Appends one layer's new keys and values along the sequence axis; returns the full {keys, values}. */
    public NDArray[] extend(int layer, NDArray k, NDArray v) {
        if (keys[layer] == null) {
            keys[layer] = k;
            values[layer] = v;
        } else {
            replace(layer, keys[layer].concat(k, 2), values[layer].concat(v, 2));
        }
        return new NDArray[] {keys[layer], values[layer]};
    }

    /** Keeps, for each new row, the cache of row {@code index[row]} (how a prompt's prefill is shared by its group). */
    public void selectRows(NDArray index) {
        for (int layer = 0; layer < keys.length; layer++) {
            replace(layer, keys[layer].get(index), values[layer].get(index));
        }
    }

    private void replace(int layer, NDArray k, NDArray v) {
        superseded.add(keys[layer]);
        superseded.add(values[layer]);
        keys[layer] = k;
        values[layer] = v;
    }

    /** Call at the end of a step, inside its scope: keep the current arrays, free the superseded ones. */
    public void commit() {
        for (int layer = 0; layer < keys.length; layer++) {
            NDScope.unregister(keys[layer], values[layer]);
        }
        superseded.forEach(NDArray::close);
        superseded.clear();
    }

    @Override
    public void close() {
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] != null) {
                keys[layer].close();
                values[layer].close();
            }
        }
        superseded.forEach(NDArray::close);
        superseded.clear();
    }
}
