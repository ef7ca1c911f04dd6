// too hungry: allocates and touches 1 GiB in 1 MiB pieces (memory limit). The JVM's heap
// is sized from the limit (-Xmx{memory_mb}m), so this ends either in the cgroup's OOM
// kill or in an OutOfMemoryError at the limit: both are the memory limit.
import java.util.ArrayList;
import java.util.Arrays;

class Main {
    public static void main(String[] args) {
        ArrayList<byte[]> keep = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            byte[] b = new byte[1 << 20];
            Arrays.fill(b, (byte) (i % 255 + 1));
            keep.add(b);
        }
        System.out.println(keep.size());
    }
}
