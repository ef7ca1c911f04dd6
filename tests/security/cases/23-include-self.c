// Row 23: an include bomb: the file includes itself without a guard. Compilation ends
// in a compile error; the service is unharmed.
// args: --time 2 --wall 4 --memory 128M
// timeout: 60
// expect: status == compile_error
// expect: compile_output is not null
#include __FILE__
#include __FILE__
int main(void) { return 0; }
