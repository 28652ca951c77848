/*
 * edits.h — the single-character edits a typing slip makes.
 *
 * Damerau-Levenshtein distance 1: omission, insertion, substitution,
 * transposition of adjacent characters, and repetition (an insertion that
 * doubles the character beside it, named apart because it is so common).
 */
#ifndef TS_EDITS_H
#define TS_EDITS_H

#include <stddef.h>
#include <stdint.h>

enum edit_class {
	EDIT_REPETITION,
	EDIT_OMISSION,
	EDIT_TRANSPOSITION,
	EDIT_SUBSTITUTION,
	EDIT_INSERTION,
};

struct edit {
	uint8_t		cls;	/* enum edit_class */
	uint8_t		pos;	/* index in the original string */
	char		a;	/* the character omitted, repeated, replaced, or first of the pair */
	char		b;	/* the replacement, the inserted char, or second of the pair */
};

/* "omission", "insertion", ... */
const char *edit_class_name(enum edit_class cls);

/*
 * Calls fn for every distinct string one edit away from s (len bytes, at
 * most 63), using characters from alphabet for insertions and
 * substitutions.  The variant passed is NUL-terminated and borrowed.
 * Edits are tried in the enum's order, so when two edits give the same
 * string the first class names it.  Stops early when fn returns non-zero
 * and returns that value.
 */
int edits_single(const char *s, size_t len, const char *alphabet,
    int (*fn)(void *ctx, const char *variant, size_t vlen,
    const struct edit *e), void *ctx);

/* One line describing e applied to s, e.g. "omission of 'i'". */
void edit_describe(const struct edit *e, char *buf, size_t buflen);

#endif
