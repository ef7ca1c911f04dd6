// crashing by a signal. Java cannot send itself a signal, and Runtime.halt is an exit;
// a write to address 0 through sun.misc.Unsafe crashes the JVM for real: it catches the
// SIGSEGV, writes its hs_err report and aborts (runtime error, SIGABRT; SIGSEGV accepted too).
import java.lang.reflect.Field;

class Main {
    public static void main(String[] args) throws Exception {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
        System.out.println("about to crash");
        System.out.flush();
        u.putAddress(0, 0);
    }
}
