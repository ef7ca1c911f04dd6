// crashing by an uncaught exception: the JVM prints the stack trace and exits with 1
// (runtime error, exit code 1, no signal)
class Main {
    public static void main(String[] args) {
        System.out.println("bye");
        throw new IllegalStateException("boom");
    }
}
