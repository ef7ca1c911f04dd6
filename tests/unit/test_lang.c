/* Unit tests: the language table and its lookups. */
#include <string.h>

#include "lang.h"
#include "tap.h"

int main(void)
{
	static const char *const names[] = { "python", "node", "bash", "c", "cpp" };

	plan(14);
	for (size_t i = 0; i < 5; i++) {
		const struct sbx_lang *l = sbx_lang_find(names[i]);

		ok(l && !strcmp(l->name, names[i]) && l->run[0] && l->run[0][0] == '/',
		   "%s is known, with an absolute runner path", names[i]);
	}
	ok(sbx_lang_find("Python3") == sbx_lang_find("python"), "aliases are case-insensitive");
	ok(sbx_lang_find("c++") == sbx_lang_find("cpp"), "c++ is cpp");
	ok(sbx_lang_find("cobol") == NULL, "unknown language");
	ok(sbx_lang_for_file("dir.x/prog.py") == sbx_lang_find("python"), ".py is python");
	ok(sbx_lang_for_file("a.cc") == sbx_lang_find("cpp"), ".cc is cpp");
	ok(sbx_lang_for_file("a.c") == sbx_lang_find("c"), ".c is c");
	ok(sbx_lang_for_file("Makefile") == NULL, "no extension, no language");
	ok(sbx_lang_compiled(sbx_lang_find("c")) && !sbx_lang_compiled(sbx_lang_find("bash")),
	   "c is compiled, bash is not");
	ok(!strcmp(sbx_lang_find("c")->binary, "main"), "c produces main");
	return done_testing();
}
