package ai.taipan.app.logic.engine;

import ai.taipan.engine.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The text one token stands for, for chips: its bytes as UTF-8 (a partial character shows as U+FFFD). */
public final class TokenTexts {
    private TokenTexts() {}

    public static String of(Tokenizer t, int id) {
        return new String(t.tokenBytes(id), StandardCharsets.UTF_8);
    }

    public static List<String> of(Tokenizer t, int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(of(t, id));
        return out;
    }
}
