// crashing by a non-zero exit (runtime error, exit code 3)
class Main {
    public static void main(String[] args) {
        System.out.println("bye");
        System.exit(3);
    }
}
