package ai.taipan.app.logic.engine;

import ai.taipan.engine.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The text one token stands for, for chips: its bytes as UTF-8 (a partial character shows as U+FFFD). */
public final class TokenTexts {
    private TokenTexts() {}

    public static String of(Tokenizer t, int id) {
        byte[] b = t.tokenBytes(id);
        // a lone byte that is not printable ASCII (a control byte, or part of a multi-byte UTF-8
        // character, as byte-level models emit) shows as <0xNN> rather than U+FFFD
        if (b.length == 1 && ((b[0] & 0xff) >= 0x7f || ((b[0] & 0xff) < 0x20 && b[0] != '\n' && b[0] != '\t'))) {
            return String.format("<0x%02X>", b[0] & 0xff);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    public static List<String> of(Tokenizer t, int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(of(t, id));
        return out;
    }
}
