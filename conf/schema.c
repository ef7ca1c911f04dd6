/*
 * schema.c - conf/stockade.rng, compiled into the binary.
 *
 * The keeper validates its configuration against the schema it was built with, never
 * against a file that could have changed on disk since. The assembler reads the file
 * (`.incbin`, relative to the repository root, where the compiler runs; the Makefile
 * makes this object depend on it) and a NUL follows it, so conf_schema is also a C
 * string. Being a C file, this object carries the .note.GNU-stack marker the linker
 * wants: the stack stays non-executable.
 */
#include "conf.h"

__asm__(
	"	.pushsection .rodata\n"
	"	.globl conf_schema\n"
	"	.type conf_schema, @object\n"
	"conf_schema:\n"
	"	.incbin \"conf/stockade.rng\"\n"
	"	.globl conf_schema_end\n"
	"	.type conf_schema_end, @object\n"
	"conf_schema_end:\n"
	"	.byte 0\n"
	"	.size conf_schema_end, 1\n"
	"	.size conf_schema, conf_schema_end - conf_schema + 1\n"
	"	.popsection\n");
