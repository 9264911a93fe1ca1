package org.grpowb.core.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.grpowb.api.PromptHistory;

/**
 * Every prompt's {@link PromptHistory}, as prompt samplers and hint policies read it: updated once per step with the
 * groups the step sampled, saved with each checkpoint and restored on resume, so that a resumed run draws and hints
 * exactly as the uninterrupted one.
 */
public final class PromptHistories {

    /**
     * Visits remembered per prompt. 16 (ours): the longest window a built-in reads is a pass-rate window of a few
     * visits or an all-wrong streak of a few, and 16 visits of a few dozen bytes keep the checkpoint small.
     */
    public static final int WINDOW = 16;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, PromptHistory> byId = new HashMap<>();

    public PromptHistory of(String promptId) {
        return byId.getOrDefault(promptId, PromptHistory.unseen(promptId));
    }

    public void record(String promptId, PromptHistory.Visit visit) {
        byId.put(promptId, of(promptId).after(visit, WINDOW));
    }

    /** Every prompt visited so far, by id. */
    public Map<String, PromptHistory> all() {
        return new TreeMap<>(byId);
    }

    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), new TreeMap<>(byId));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Replaces this state with the saved one; a checkpoint written before histories were kept has none. */
    public void load(Path file) throws IOException {
        byId.clear();
        if (Files.exists(file)) {
            byId.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, PromptHistory>>() { }));
        }
    }
}
