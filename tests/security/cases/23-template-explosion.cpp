// Row 23: a template explosion: 2^40 distinct instantiations (each T<D, I> names two
// more), so the compiler runs until the compile cell's CPU or memory limit stops it.
// Compile error; the service is unharmed.
// args: --time 2 --wall 4 --memory 128M
// timeout: 60
// expect: status == compile_error
// expect: compile_output is not null
// expect: runner_ms < 30000
template <int D, unsigned long long I> struct T {
	enum : unsigned long long { v = T<D - 1, 2 * I>::v + T<D - 1, 2 * I + 1>::v };
};
template <unsigned long long I> struct T<0, I> {
	enum : unsigned long long { v = 1 };
};
int main() { return T<40, 0>::v != 0; }
