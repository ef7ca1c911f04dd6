// too talkative: writes 64 MiB to stdout (output limit)
import java.io.BufferedOutputStream;
import java.io.IOException;

class Main {
    public static void main(String[] args) throws IOException {
        byte[] line = "0123456789abcde\n".getBytes();
        BufferedOutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        for (int i = 0; i < (64 << 20) / 16; i++)
            out.write(line);
        out.flush();
    }
}
