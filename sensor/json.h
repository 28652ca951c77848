/*
 * json.h — a small JSON writer into a fixed buffer.
 *
 * The only way text reaches an EVE line: every string is escaped (quotes,
 * backslashes, control bytes) and bytes that are not valid UTF-8 become
 * U+FFFD, so nothing from the wire can break the line or the encoding.
 * The buffer is allocated once and reused; a record that would not fit is
 * marked as overflowed and must be dropped (and counted) by the caller.
 */
#ifndef TS_JSON_H
#define TS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	16

struct json {
	char		*buf;
	size_t		 len, cap;
	bool		 overflow;
	int		 depth;
	bool		 need_comma[JSON_MAX_DEPTH];
};

int json_init(struct json *j, size_t cap);
void json_free(struct json *j);
void json_reset(struct json *j);

/* Objects and arrays; key is NULL inside arrays and at the top level. */
void json_open_object(struct json *j, const char *key);
void json_close_object(struct json *j);
void json_open_array(struct json *j, const char *key);
void json_close_array(struct json *j);

void json_string(struct json *j, const char *key, const char *s);
void json_string_n(struct json *j, const char *key, const char *s, size_t n);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);

/* Appends raw, already valid JSON text (used for fixed literals only). */
void json_raw(struct json *j, const char *key, const char *text);

#endif
