package ai.taipan.app.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Most-recently-used model folders, newest first, no duplicates, at most {@code max}. */
public final class RecentList {
    private final int max;
    private final List<String> items = new ArrayList<>();

    public RecentList(int max, List<String> initial) {
        this.max = max;
        for (String s : initial) if (!items.contains(s) && items.size() < max) items.add(s);
    }

    public void add(String path) {
        items.remove(path);
        items.add(0, path);
        while (items.size() > max) items.remove(items.size() - 1);
    }

    public void remove(String path) { items.remove(path); }

    public List<String> items() { return Collections.unmodifiableList(items); }
}
