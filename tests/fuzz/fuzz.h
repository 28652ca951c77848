/*
 * fuzz.h — what every fuzz target shares.
 *
 * A target is LLVMFuzzerTestOneInput() (and, when it needs state built
 * once, LLVMFuzzerInitialize()).  Built with clang's libFuzzer by `make
 * fuzz`; built with gcc and -DFUZZ_REPLAY, replay.c supplies a main() that
 * runs every file of the corpus through it, which `make check` does.
 *
 * Inputs are cut into pieces with the project's own cursor (cursor.h): a
 * target reads a few control bytes, then the bytes they describe, and
 * stops at the first read that fails.
 */
#ifndef TS_FUZZ_H
#define TS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../decoders/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Reads every byte, so that AddressSanitizer sees a slice that lies. */
static inline void
fuzz_touch(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	(void)sum;
}

/* An invariant of the code under test broke: a crash for the fuzzer. */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			    __FILE__, __LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

#endif
