package ai.taipan.app.logic.io;

import ai.taipan.app.model.RecentList;
import ai.taipan.engine.format.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The recent-models list as {@code recent-models.json} in the config folder; written atomically. */
public final class RecentModelsStore {
    public static final int MAX = 10;
    private final Path file;

    public RecentModelsStore(Path configDir) { this.file = configDir.resolve("recent-models.json"); }

    public Path file() { return file; }

    /** The stored list; an unreadable or corrupt file gives an empty list (it is only a convenience). */
    public RecentList load() {
        List<String> items = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                JsonNode root = Json.mapper().readTree(file.toFile());
                for (JsonNode n : root.path("recent")) if (n.isTextual()) items.add(n.asText());
            } catch (Exception e) {
                System.err.println("ignoring unreadable " + file + ": " + e.getMessage());
            }
        }
        return new RecentList(MAX, items);
    }

    public void save(RecentList list) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode a = root.putArray("recent");
        list.items().forEach(a::add);
        Json.write(file, root);
    }
}
