/*
 * eve_reader.h — one line of EVE JSON, checked and tokenised for reading.
 *
 * The reading side of EVE: `typosentry report` reads eve.json files of any
 * size line by line, and the line output format reads back the record the
 * sensor has just built.  A line is parsed in place into a flat array of
 * tokens (no tree, no allocation per line, no recursion): every token
 * knows where its value ends, so a lookup skips whole members in one step.
 * Lines that are not strict JSON (RFC 8259), nest deeper than
 * EVE_MAX_DEPTH or need more tokens than the reader holds are refused with
 * a message and the byte offset at fault; nothing in a line can make the
 * reader read outside it.
 */
#ifndef TS_EVE_READER_H
#define TS_EVE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVE_MAX_DEPTH	32
#define EVE_MAX_TOKENS	8192

enum eve_type {
	EVE_OBJECT = 1,
	EVE_ARRAY,
	EVE_STRING,	/* also an object's keys */
	EVE_NUMBER,
	EVE_TRUE,
	EVE_FALSE,
	EVE_NULL,
};

struct eve_tok {
	uint8_t		 type;		/* enum eve_type */
	bool		 escaped;	/* a string holding backslashes */
	uint32_t	 start, len;	/* the text (strings: inside the quotes) */
	uint32_t	 next;		/* index of the token after this value */
	uint32_t	 n;		/* members (objects) or elements (arrays) */
};

struct eve_doc {
	const char	*text;		/* borrowed: the line being read */
	size_t		 len;
	struct eve_tok	 tok[EVE_MAX_TOKENS];
	uint32_t	 ntok;
	char		 err[96];	/* why a line was refused */
	size_t		 err_at;	/* and the byte offset (0-based) */
};

/*
 * Parses text (len bytes, no newline needed) into d, which borrows it.
 * The value must be one JSON object.  Returns 0, or -1 with d->err and
 * d->err_at set.
 */
int eve_parse(struct eve_doc *d, const char *text, size_t len);

/* Token indexes; -1 means "absent" and is accepted everywhere as input. */

/* The value of member key of the object at obj. */
int eve_member(const struct eve_doc *d, int obj, const char *key);

/*
 * The value at a dotted path below obj ("alert.context.incident.id");
 * a part "[N]" or "name[N]" takes element N of an array.
 */
int eve_path(const struct eve_doc *d, int obj, const char *path);

/* Element i of the array at arr. */
int eve_index(const struct eve_doc *d, int arr, uint32_t i);

/* Number of elements of the array at t (0 when it is not one). */
uint32_t eve_count(const struct eve_doc *d, int t);

/*
 * The string at t, unescaped, into buf (always NUL-terminated, cut at
 * size - 1 bytes on a character boundary).  \u0000 becomes U+FFFD, lone
 * surrogates too.  Returns false (and "" in buf) when t is not a string.
 */
bool eve_string(const struct eve_doc *d, int t, char *buf, size_t size);

/* Shorthand: eve_string() of eve_path(). */
bool eve_get_string(const struct eve_doc *d, const char *path, char *buf,
    size_t size);

/* A non-negative integer at t that fits 64 bits. */
bool eve_u64(const struct eve_doc *d, int t, uint64_t *v);
bool eve_get_u64(const struct eve_doc *d, const char *path, uint64_t *v);

/* true or false at t. */
bool eve_bool(const struct eve_doc *d, int t, bool *v);
bool eve_get_bool(const struct eve_doc *d, const char *path, bool *v);

/* Whether the string at t equals s (after unescaping). */
bool eve_string_is(const struct eve_doc *d, int t, const char *s);

/*
 * An EVE timestamp ("2026-11-23T04:20:56.334595+0000", Suricata's form;
 * also with "Z" or "+00:00", and without the fraction) as seconds and
 * microseconds since the epoch, UTC.
 */
bool eve_time(const char *s, int64_t *sec, uint32_t *usec);

#endif
