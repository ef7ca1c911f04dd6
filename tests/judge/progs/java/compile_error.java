// not compiling: a string assigned to an int (compilation error)
class Main {
    public static void main(String[] args) {
        int x = "text";
        System.out.println(x);
    }
}
