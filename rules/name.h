/*
 * name.h — domain names as the rules compare them.
 */
#ifndef TS_NAME_H
#define TS_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define NAME_MAX_LEN	253	/* RFC 1035 2.3.4, in text form without the final dot */
#define NAME_MAX_LABELS	127

/*
 * Normalises a name for matching: ASCII letters lowered, one final dot
 * removed.  Returns the length written to out (NUL-terminated; outsize must
 * be at least NAME_MAX_LEN + 1), or -1 when the name cannot be matched:
 * empty, longer than NAME_MAX_LEN, an empty or over-long label, or a byte
 * other than a letter, digit, '-' or '_' (escaped wire bytes included).
 */
int name_normalise(const char *in, size_t inlen, char *out, size_t outsize);

/* True for a syntactically valid host label: LDH, 1-63, no edge hyphen. */
bool name_label_ok(const char *label, size_t len);

/* True when every label of name (len bytes) is name_label_ok(). */
bool name_ok(const char *name, size_t len);

#endif
