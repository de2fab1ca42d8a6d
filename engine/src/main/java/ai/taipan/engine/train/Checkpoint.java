package ai.taipan.engine.train;

import ai.taipan.engine.format.AtomicFiles;
import ai.taipan.engine.format.DType;
import ai.taipan.engine.format.Json;
import ai.taipan.engine.format.ModelFormatException;
import ai.taipan.engine.format.SafeTensors;
import ai.taipan.engine.format.SafeTensorsWriter;
import ai.taipan.engine.model.ModelConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Training checkpoints: everything a run needs to continue bit for bit.
 *
 * <pre>
 *   DIR/LATEST                      "step-000200" — the newest verified checkpoint (rewritten atomically)
 *   DIR/step-000200/config.json     the model config
 *   DIR/step-000200/model.safetensors     the weights as F32: the folder is also a model folder, so
 *                                   {@code taipan eval --model DIR/step-000200} (or the workbench)
 *                                   can watch a run while it trains; resuming never reads this file
 *   DIR/step-000200/trainer.safetensors   F64 "weights", "adam.m", "adam.v" (ParamLayout order)
 *   DIR/step-000200/state.json      step, options, data items, data position, RNG scheme, the
 *                                   original command, SHA-256 of trainer.safetensors
 * </pre>
 * A new checkpoint is written into a temporary folder, read back and compared value for value with
 * the trainer's state, then renamed into place, and only then does LATEST move to it: a crash or a
 * bad write at any point leaves the previous checkpoint and LATEST untouched. The two newest
 * checkpoints are kept. Loading verifies the checksum and every size, and fails with a message that
 * names the file.
 */
public final class Checkpoint {
    static final String LATEST = "LATEST";
    static final String STATE = "state.json", TENSORS = "trainer.safetensors", CONFIG = "config.json",
            MODEL = "model.safetensors";
    /** Checkpoints kept (newest first). */
    static final int KEEP = 2;
    /** Test hook: corrupts the written tensor file before verification (simulates a bad disk write). */
    static volatile boolean corruptNextWriteForTest;

    private Checkpoint() {}

    /** What a loaded checkpoint holds. */
    public record Loaded(Path folder, long step, ModelConfig config, Trainer.Options options, List<String> data,
                         ObjectNode state, double[] weights, double[] m, double[] v) { }

    /** Writes, verifies and publishes the trainer's current state; returns the checkpoint folder. */
    static Path save(Path dir, Trainer tr, List<String> data, ObjectNode runInfo) {
        String name = String.format("step-%06d", tr.step());
        Path tmp = dir.resolve("." + name + ".tmp");
        Path fin = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            AdamW adam = tr.optimizer();
            new SafeTensorsWriter().metadata("format", "taipan-train-checkpoint")
                    .addF64("weights", tr.weights(), tr.weights().length)
                    .addF64("adam.m", adam.m, adam.m.length)
                    .addF64("adam.v", adam.v, adam.v.length)
                    .write(tmp.resolve(TENSORS));
            if (corruptNextWriteForTest) {
                corruptNextWriteForTest = false;
                corrupt(tmp.resolve(TENSORS));
            }
            tr.config().write(tmp.resolve(CONFIG));
            tr.modelWeights().save(tmp.resolve(MODEL), DType.F32);
            ObjectNode st = Json.mapper().createObjectNode();
            st.put("format", "taipan-train-checkpoint/1");
            st.put("step", tr.step());
            st.set("options", optionsJson(tr.options()));
            ArrayNode d = st.putArray("data");
            data.forEach(d::add);
            ObjectNode pos = st.putObject("data_position");
            pos.put("sequences_consumed", tr.step() * tr.options().batch());
            pos.put("tokens_consumed", tr.step() * tr.options().batch() * (long) tr.options().seqLen());
            ObjectNode rng = st.putObject("rng");
            rng.put("seed", tr.options().seed());
            rng.put("scheme", "sequence b of step s draws from SplittableRandom(mix64(seed ^ mix64(s*batch + b + c))): "
                    + "data = split(), Gumbel noise = split(); no other random state exists");
            st.put("adam_t", tr.optimizer().t);
            st.put("sha256", sha256(tmp.resolve(TENSORS)));
            if (runInfo != null) st.set("run", runInfo);
            Json.write(tmp.resolve(STATE), st);

            // verify: read everything back and compare with the live state, bit for bit
            Loaded back = readFolder(tmp);
            if (back.step() != tr.step() || !java.util.Arrays.equals(back.weights(), tr.weights())
                    || !java.util.Arrays.equals(back.m(), adam.m) || !java.util.Arrays.equals(back.v(), adam.v)) {
                throw new IllegalStateException("read-back differs from the trainer's state");
            }
        } catch (RuntimeException | IOException e) {
            deleteQuietly(tmp);
            throw new IllegalStateException("checkpoint of step " + tr.step() + " in " + dir + " failed verification and was "
                    + "discarded (the previous checkpoint is untouched): " + e.getMessage(), e);
        }
        try {
            Path old = null;
            if (Files.exists(fin)) {
                old = dir.resolve("." + name + ".old");
                deleteTree(old);
                move(fin, old);
            }
            move(tmp, fin);
            AtomicFiles.writeString(dir.resolve(LATEST), name + "\n");
            if (old != null) deleteTree(old);
            prune(dir, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish checkpoint " + fin + ": " + e.getMessage(), e);
        }
        return fin;
    }

    /** The newest checkpoint in {@code dir} (via LATEST), verified. */
    public static Loaded loadLatest(Path dir) {
        Path latest = dir.resolve(LATEST);
        String name;
        try {
            name = Files.readString(latest, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new CheckpointException(latest, "no checkpoint to resume from (" + LATEST + " is missing)");
        } catch (IOException e) {
            throw new CheckpointException(latest, "cannot read: " + e.getMessage());
        }
        if (!name.matches("step-\\d{6,}")) throw new CheckpointException(latest, "does not name a checkpoint folder: '" + name + "'");
        try {
            return readFolder(dir.resolve(name));
        } catch (CheckpointException e) {
            // say which older checkpoint could be used instead (never chosen silently: the user decides)
            List<String> others = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "step-*")) {
                for (Path p : ds) if (!p.getFileName().toString().equals(name)) others.add(p.getFileName().toString());
            } catch (IOException ignored) { }
            if (others.isEmpty()) throw e;
            others.sort(Comparator.reverseOrder());
            throw new CheckpointException(null, e.getMessage() + "; older checkpoint(s) " + String.join(", ", others)
                    + " — to resume from one, write its name into " + latest);
        }
    }

    /** Reads and verifies one checkpoint folder. */
    static Loaded readFolder(Path folder) {
        Path stateFile = folder.resolve(STATE), tensors = folder.resolve(TENSORS), cfgFile = folder.resolve(CONFIG);
        JsonNode st;
        try {
            st = Json.mapper().readTree(Files.readAllBytes(stateFile));
        } catch (NoSuchFileException e) {
            throw new CheckpointException(stateFile, "is missing");
        } catch (IOException e) {
            throw new CheckpointException(stateFile, "is not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (st == null || !st.isObject() || !st.path("format").asText().equals("taipan-train-checkpoint/1")) {
            throw new CheckpointException(stateFile, "is not a taipan training checkpoint state");
        }
        for (String f : new String[]{"step", "options", "data", "sha256"}) {
            if (!st.has(f)) throw new CheckpointException(stateFile, "field '" + f + "' is missing");
        }
        String want = st.get("sha256").asText();
        String got;
        try {
            got = sha256(tensors);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(tensors, "is missing");
        } catch (IOException e) {
            throw new CheckpointException(tensors, "cannot read: " + e.getMessage());
        }
        if (!want.equals(got)) {
            throw new CheckpointException(tensors, "is corrupt: SHA-256 " + got + " but " + STATE + " recorded " + want);
        }
        ModelConfig config;
        try {
            config = ModelConfig.read(cfgFile);
        } catch (ModelFormatException e) {
            throw new CheckpointException(cfgFile, e.getMessage());
        }
        Trainer.Options opt;
        try {
            opt = optionsFrom(st.get("options"));
        } catch (RuntimeException e) {
            throw new CheckpointException(stateFile, "options are invalid: " + e.getMessage());
        }
        List<String> data = new ArrayList<>();
        st.get("data").forEach(n -> data.add(n.asText()));
        int n = new ParamLayout(config).size();
        double[] w, m, v;
        try (SafeTensors s = SafeTensors.open(tensors)) {
            w = s.readDoubles("weights");
            m = s.readDoubles("adam.m");
            v = s.readDoubles("adam.v");
        } catch (RuntimeException e) {
            throw new CheckpointException(tensors, "cannot be read: " + e.getMessage());
        }
        if (w.length != n || m.length != n || v.length != n) {
            throw new CheckpointException(tensors, "holds " + w.length + "/" + m.length + "/" + v.length
                    + " values but the model in " + CONFIG + " has " + n + " parameters");
        }
        long step = st.get("step").asLong();
        if (step < 0 || step > opt.steps()) throw new CheckpointException(stateFile, "step " + step + " is outside 0.." + opt.steps());
        return new Loaded(folder, step, config, opt, data, (ObjectNode) st, w, m, v);
    }

    static ObjectNode optionsJson(Trainer.Options o) {
        ObjectNode j = Json.mapper().createObjectNode();
        j.put("steps", o.steps());
        j.put("batch", o.batch());
        j.put("seq_len", o.seqLen());
        j.put("lr", o.lr());
        j.put("min_lr_ratio", o.minLrRatio());
        j.put("warmup", o.warmup());
        j.put("seed", o.seed());
        j.put("weight_decay", o.weightDecay());
        j.put("beta1", o.beta1());
        j.put("beta2", o.beta2());
        j.put("clip", o.clip());
        j.put("gumbel_noise_scale", o.gumbelNoiseScale());
        j.put("sal_key_gradient", o.salKeyGradient());
        if (o.annealsCapacity()) {
            j.put("capacity_start", o.capacityStart());
            j.put("capacity_anneal_steps", o.capacityAnnealSteps());
            if (o.capacityAnnealFrom() > 0) j.put("capacity_anneal_from", o.capacityAnnealFrom());
        }
        return j;
    }

    static Trainer.Options optionsFrom(JsonNode j) {
        for (String f : new String[]{"steps", "batch", "seq_len", "lr", "min_lr_ratio", "warmup", "seed", "weight_decay",
                "beta1", "beta2", "clip"}) {
            if (!j.has(f) || !j.get(f).isNumber()) throw new IllegalArgumentException("'" + f + "' is missing or not a number");
        }
        return new Trainer.Options(j.get("steps").asInt(), j.get("batch").asInt(), j.get("seq_len").asInt(),
                j.get("lr").asDouble(), j.get("min_lr_ratio").asDouble(), j.get("warmup").asInt(), j.get("seed").asLong(),
                j.get("weight_decay").asDouble(), j.get("beta1").asDouble(), j.get("beta2").asDouble(), j.get("clip").asDouble(),
                j.path("gumbel_noise_scale").asDouble(1.0), j.path("sal_key_gradient").asBoolean(false),
                j.path("capacity_start").asDouble(Double.NaN), j.path("capacity_anneal_steps").asInt(0),
                j.path("capacity_anneal_from").asInt(0));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void corrupt(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[b.length - 3] ^= 0x5A;
        Files.write(file, b);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes all but the KEEP newest step folders (never the one just published). */
    private static void prune(Path dir, String keep) throws IOException {
        List<Path> steps = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "step-*")) {
            for (Path p : ds) if (Files.isDirectory(p)) steps.add(p);
        }
        steps.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (int i = KEEP; i < steps.size(); i++) {
            if (!steps.get(i).getFileName().toString().equals(keep)) deleteTree(steps.get(i));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private static void deleteQuietly(Path p) {
        try { deleteTree(p); } catch (IOException ignored) { }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** A checkpoint that cannot be used, naming the file. */
    public static final class CheckpointException extends IllegalArgumentException {
        public CheckpointException(Path file, String message) {
            super(file == null ? message : file + ": " + message);
        }
    }
}
