/*
 * lookalikes.h — a table of Unicode characters and the ASCII letter each
 * imitates (see lookalikes.c), sorted by code point.
 */
#ifndef TS_LOOKALIKES_H
#define TS_LOOKALIKES_H

#include <stddef.h>
#include <stdint.h>

struct lookalike {
	uint32_t	cp;
	char		ascii;
};

extern const struct lookalike lookalikes[];
extern const size_t nlookalikes;

#endif
