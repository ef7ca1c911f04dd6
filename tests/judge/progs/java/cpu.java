// too slow: burns CPU forever (time limit, kind cpu)
class Main {
    static volatile long counter;

    public static void main(String[] args) {
        for (;;)
            counter++;
    }
}
