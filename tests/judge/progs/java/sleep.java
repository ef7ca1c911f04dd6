// sleeping: far beyond the wall limit, using no CPU (time limit, kind wall)
class Main {
    public static void main(String[] args) throws InterruptedException {
        Thread.sleep(120000);
    }
}
