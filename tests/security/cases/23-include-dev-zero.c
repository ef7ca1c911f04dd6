// Row 23: #include "/dev/zero" makes the preprocessor read forever. Compilation is
// bounded (time/memory) and ends in a compile error; the service is unharmed.
// args: --time 2 --wall 4 --memory 128M
// timeout: 60
// expect: status == compile_error
// expect: compile_output is not null
#include "/dev/zero"
int main(void) { return 0; }
