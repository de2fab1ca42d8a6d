package ai.taipan.engine.tasks;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Byte-level text from one or more files (UTF-8 in practice; any bytes are valid tokens, token id =
 * byte value, as the byte tokenizer of SPEC §4).
 *
 * <p>Split by file offset: in every file the last {@code validationFraction} of the bytes
 * (⌊fraction·size⌋, default 5%) is the held-out {@link Split#VALIDATION} split and the rest is
 * {@link Split#TRAIN}; {@link Split#ALL} is the whole file. A window never crosses a file or split
 * boundary, so no validation byte ever reaches training.
 *
 * <p>Files are memory-mapped read-only, so a large corpus costs no heap; windows are copied out on
 * request. Immutable and safe to share between threads.
 */
public final class TextCorpus implements TrainingData {
    public enum Split { TRAIN, VALIDATION, ALL }

    public static final double DEFAULT_VALIDATION_FRACTION = 0.05;

    /** One contiguous range [start, end) of one mapped file. */
    private record Segment(Path file, MappedByteBuffer buf, int start, int end) {
        int size() { return end - start; }
    }

    private final List<Segment> segments;
    private final Split split;
    private final double validationFraction;
    private final long size;

    private TextCorpus(List<Segment> segments, Split split, double validationFraction) {
        this.segments = List.copyOf(segments);
        this.split = split;
        this.validationFraction = validationFraction;
        long s = 0;
        for (Segment g : segments) s += g.size();
        this.size = s;
    }

    /** The given split of the files, validation = the last {@value #DEFAULT_VALIDATION_FRACTION} of each. */
    public static TextCorpus open(List<Path> files, Split split) {
        return open(files, split, DEFAULT_VALIDATION_FRACTION);
    }

    /**
     * Maps the files and selects one split.
     *
     * @throws DataFileException naming the file if one is missing, unreadable, a folder, empty or over 2 GiB
     */
    public static TextCorpus open(List<Path> files, Split split, double validationFraction) {
        if (files.isEmpty()) throw new DataFileException(null, "no text files given");
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
        List<Segment> segs = new ArrayList<>();
        for (Path f : files) {
            MappedByteBuffer buf = map(f);
            int n = buf.capacity();
            int valid = (int) Math.floor(n * validationFraction);
            int cut = n - valid;
            switch (split) {
                case TRAIN -> segs.add(new Segment(f, buf, 0, cut));
                case VALIDATION -> segs.add(new Segment(f, buf, cut, n));
                case ALL -> segs.add(new Segment(f, buf, 0, n));
            }
        }
        return new TextCorpus(segs, split, validationFraction);
    }

    private static MappedByteBuffer map(Path f) {
        if (Files.isDirectory(f)) throw new DataFileException(f, "is a folder, not a text file");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long n = ch.size();
            if (n == 0) throw new DataFileException(f, "empty file: a text corpus needs at least one byte");
            if (n > Integer.MAX_VALUE) throw new DataFileException(f, n + " bytes: files over 2 GiB are not supported, split it");
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, n);
        } catch (NoSuchFileException e) {
            throw new DataFileException(f, "no such file");
        } catch (AccessDeniedException e) {
            throw new DataFileException(f, "cannot be read (permission denied)");
        } catch (IOException e) {
            throw new DataFileException(f, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** The same files, another split. */
    public TextCorpus split(Split s) {
        List<Path> files = new ArrayList<>();
        for (Segment g : segments) files.add(g.file());
        return open(files, s, validationFraction);
    }

    public Split split() { return split; }

    /** Bytes in this split over all files. */
    public long size() { return size; }

    public List<Path> files() { return segments.stream().map(Segment::file).toList(); }

    /** Number of distinct windows of {@code length} bytes (each inside one file's split). */
    public long windowCount(int length) {
        long c = 0;
        for (Segment g : segments) c += Math.max(0, g.size() - length + 1L);
        return c;
    }

    /** A uniformly random window over all windows of this split (each file weighted by its windows). */
    @Override
    public int[] nextSequence(SplittableRandom rng, int length) {
        return toIds(randomBytes(rng, length));
    }

    /** A uniformly random window as raw bytes. */
    public byte[] randomBytes(SplittableRandom rng, int length) {
        long total = requireWindows(length);
        return window(rng.nextLong(total), length);
    }

    /**
     * {@code count} windows of {@code length} bytes spread evenly over the split (window k starts at
     * window index ⌊(k + ½)·W / count⌋ of the W possible ones): deterministic, so every model is
     * scored on the same text. They do not overlap when the split holds count·length bytes.
     */
    public List<int[]> evenWindows(int length, int count) {
        long total = requireWindows(length);
        List<int[]> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            long idx = (long) Math.floor((k + 0.5) * total / count);
            out.add(toIds(window(idx, length)));
        }
        return out;
    }

    private long requireWindows(int length) {
        if (length < 1) throw new IllegalArgumentException("window length must be positive, got " + length);
        long total = windowCount(length);
        if (total == 0) {
            StringBuilder sb = new StringBuilder();
            for (Segment g : segments) sb.append(sb.length() == 0 ? "" : ", ").append(g.file()).append(" (").append(g.size()).append(" bytes)");
            throw new DataFileException(segments.size() == 1 ? segments.get(0).file() : null,
                    "the " + split.name().toLowerCase() + " split is too short for a window of " + length
                            + " bytes: " + sb);
        }
        return total;
    }

    /** The window with the given index in [0, windowCount(length)). */
    private byte[] window(long index, int length) {
        for (Segment g : segments) {
            long w = Math.max(0, g.size() - length + 1L);
            if (index < w) {
                byte[] b = new byte[length];
                g.buf().get(g.start() + (int) index, b, 0, length);
                return b;
            }
            index -= w;
        }
        throw new IllegalStateException("window index out of range");
    }

    static int[] toIds(byte[] b) {
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
        return ids;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("text ");
        for (int i = 0; i < segments.size(); i++) sb.append(i == 0 ? "" : ", ").append(segments.get(i).file().getFileName());
        return sb.append(" (").append(split.name().toLowerCase()).append(" split, ").append(size).append(" bytes)").toString();
    }
}
