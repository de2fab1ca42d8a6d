import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * Draws the Taipan Workbench icon (installer/resources/taipan-workbench.png, committed).
 * Run: {@code java -Djava.awt.headless=true installer/icon/DrawIcon.java installer/resources/taipan-workbench.png [size]}
 *
 * <p>The picture is the model's idea: a row of tokens rides a snake-like Mamba-2 state curve; the learned gate
 * picks a few tokens (amber) and only those attend back to earlier tokens inside the window (arcs), the rest
 * stay grey — Taipan's Selective Attention Layer (arXiv 2410.18572).
 */
public final class DrawIcon {
    public static void main(String[] args) throws Exception {
        String out = args.length > 0 ? args[0] : "taipan-workbench.png";
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(size / 256.0, size / 256.0);

        // rounded tile, deep teal to near-black
        g.setPaint(new GradientPaint(0, 0, new Color(0x0F5E63), 0, 256, new Color(0x0B2230)));
        g.fill(new RoundRectangle2D.Double(8, 8, 240, 240, 56, 56));

        // the state curve: a snake body through the token row (drawn a little above centre)
        g.translate(0, -20);
        Path2D body = new Path2D.Double();
        body.moveTo(26, 170);
        body.curveTo(70, 120, 100, 220, 140, 170);
        body.curveTo(175, 126, 200, 196, 232, 150);
        g.setStroke(new BasicStroke(16, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(new Color(0x3FB8AF));
        g.draw(body);
        // snake head with an eye at the right end
        g.fill(new Ellipse2D.Double(220, 136, 26, 22));
        g.setColor(new Color(0x0B2230));
        g.fill(new Ellipse2D.Double(234, 141, 5, 5));

        // tokens along the body; x positions and the gate's picks
        double[] xs = {40, 66, 92, 118, 144, 170, 196};
        boolean[] picked = {false, true, false, false, true, false, true};
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            ys[i] = yOn(body, xs[i]);
        }
        // attention arcs from picked tokens back to earlier picked tokens (inside the window)
        g.setStroke(new BasicStroke(6, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(new Color(0xF2A93B));
        int previous = -1;
        for (int i = 0; i < xs.length; i++) {
            if (!picked[i]) {
                continue;
            }
            if (previous >= 0) {
                double x0 = xs[previous], x1 = xs[i];
                double top = Math.min(ys[previous], ys[i]) - 20 - (x1 - x0) * 0.45;
                Path2D arc = new Path2D.Double();
                arc.moveTo(x0, ys[previous] - 10);
                arc.curveTo(x0, top, x1, top, x1, ys[i] - 10);
                g.draw(arc);
            }
            previous = i;
        }
        for (int i = 0; i < xs.length; i++) {
            double r = picked[i] ? 11 : 8;
            g.setColor(picked[i] ? new Color(0xF2A93B) : new Color(0xD7E3E6));
            g.fill(new Ellipse2D.Double(xs[i] - r, ys[i] - r, 2 * r, 2 * r));
            g.setColor(new Color(0x0B2230));
            g.setStroke(new BasicStroke(2.5f));
            g.draw(new Ellipse2D.Double(xs[i] - r, ys[i] - r, 2 * r, 2 * r));
        }
        g.dispose();
        File file = new File(out);
        if (file.getParentFile() != null) {
            file.getParentFile().mkdirs();
        }
        ImageIO.write(img, "png", file);
    }

    /** The body's y at x (the path is a function of x), found by flattening the curve. */
    private static double yOn(Path2D path, double x) {
        java.awt.geom.PathIterator it = path.getPathIterator(null, 0.25);
        double[] c = new double[6];
        double px = Double.NaN, py = Double.NaN;
        while (!it.isDone()) {
            it.currentSegment(c);
            if (!Double.isNaN(px) && (px - x) * (c[0] - x) <= 0 && px != c[0]) {
                return py + (c[1] - py) * (x - px) / (c[0] - px);
            }
            px = c[0];
            py = c[1];
            it.next();
        }
        return py;
    }
}
