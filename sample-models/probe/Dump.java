// Dumps per-layer residuals of a prompt (the engine's test-only Probe hook on Session, reached by
// reflection) as raw little-endian F32 files OUT/L<layer>_<name>_<pos0>_<rows>x<cols>.f32, for
// residual_identity.py. The measurement behind sample-models/README.md, "What was tried" 9.
//   java --add-modules jdk.incubator.vector -cp engine/target/taipan.jar sample-models/probe/Dump.java MODEL_DIR OUT "PROMPT"
import ai.taipan.engine.model.*;
import ai.taipan.engine.layers.Probe;
import java.nio.*; import java.nio.file.*; import java.io.*;
public class Dump {
  public static void main(String[] a) throws Exception {
    TaipanModel m = TaipanModel.load(Path.of(a[0]));
    Path out = Path.of(a[1]); Files.createDirectories(out);
    String prompt = a[2];
    int[] ids = new int[prompt.length()]; for (int i=0;i<ids.length;i++) ids[i]=prompt.charAt(i);
    Session s = m.newSession();
    var meth = Session.class.getDeclaredMethod("setProbe", Probe.class); meth.setAccessible(true);
    meth.invoke(s, (Probe)(layer,name,pos0,data,off,rows,cols) -> {
      if (!(name.equals("mixer_in")||name.equals("residual_out")||name.equals("mixer_out")||name.equals("final_normed"))) return;
      try (var os = new FileOutputStream(out.resolve("L"+layer+"_"+name+"_"+pos0+"_"+rows+"x"+cols+".f32").toFile())) {
        ByteBuffer b = ByteBuffer.allocate(rows*cols*4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i=0;i<rows*cols;i++) b.putFloat(data[off+i]);
        os.write(b.array());
      } catch (IOException e) { throw new UncheckedIOException(e); }
    });
    s.prefill(ids);
  }
}
