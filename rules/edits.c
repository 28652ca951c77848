/*
 * edits.c — enumerate single-character edits of a short string.
 */
#include <stdio.h>
#include <string.h>

#include "edits.h"

const char *
edit_class_name(enum edit_class cls)
{
	switch (cls) {
	case EDIT_REPETITION:	return "repetition";
	case EDIT_OMISSION:	return "omission";
	case EDIT_TRANSPOSITION: return "transposition";
	case EDIT_SUBSTITUTION:	return "substitution";
	case EDIT_INSERTION:	return "insertion";
	}
	return "unknown";
}

int
edits_single(const char *s, size_t len, const char *alphabet,
    int (*fn)(void *, const char *, size_t, const struct edit *), void *ctx)
{
	char v[64 + 2];
	size_t alen = strlen(alphabet);
	struct edit e;
	int rc;

	if (len > 63)
		return 0;

	/* Repetition: s[i] typed twice. */
	for (size_t i = 0; i < len; i++) {
		memcpy(v, s, i + 1);
		memcpy(v + i + 1, s + i, len - i);
		v[len + 1] = '\0';
		e = (struct edit){ EDIT_REPETITION, (uint8_t)i, s[i], s[i] };
		if ((rc = fn(ctx, v, len + 1, &e)) != 0)
			return rc;
	}
	/* Omission: s[i] left out (a doubled letter once only). */
	for (size_t i = 0; i < len; i++) {
		if (i > 0 && s[i] == s[i - 1])
			continue;
		memcpy(v, s, i);
		memcpy(v + i, s + i + 1, len - i - 1);
		v[len - 1] = '\0';
		e = (struct edit){ EDIT_OMISSION, (uint8_t)i, s[i], 0 };
		if ((rc = fn(ctx, v, len - 1, &e)) != 0)
			return rc;
	}
	/* Transposition of s[i] and s[i+1]. */
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == s[i + 1])
			continue;
		memcpy(v, s, len);
		v[i] = s[i + 1];
		v[i + 1] = s[i];
		v[len] = '\0';
		e = (struct edit){ EDIT_TRANSPOSITION, (uint8_t)i, s[i], s[i + 1] };
		if ((rc = fn(ctx, v, len, &e)) != 0)
			return rc;
	}
	/* Substitution of s[i] by another character. */
	for (size_t i = 0; i < len; i++) {
		for (size_t k = 0; k < alen; k++) {
			if (alphabet[k] == s[i])
				continue;
			memcpy(v, s, len);
			v[i] = alphabet[k];
			v[len] = '\0';
			e = (struct edit){ EDIT_SUBSTITUTION, (uint8_t)i, s[i],
			    alphabet[k] };
			if ((rc = fn(ctx, v, len, &e)) != 0)
				return rc;
		}
	}
	/* Insertion of a character before position i (i == len: at the end). */
	for (size_t i = 0; i <= len; i++) {
		for (size_t k = 0; k < alen; k++) {
			memcpy(v, s, i);
			v[i] = alphabet[k];
			memcpy(v + i + 1, s + i, len - i);
			v[len + 1] = '\0';
			e = (struct edit){ EDIT_INSERTION, (uint8_t)i, 0,
			    alphabet[k] };
			if ((rc = fn(ctx, v, len + 1, &e)) != 0)
				return rc;
		}
	}
	return 0;
}

void
edit_describe(const struct edit *e, char *buf, size_t buflen)
{
	switch ((enum edit_class)e->cls) {
	case EDIT_REPETITION:
		snprintf(buf, buflen, "repetition of '%c'", e->a);
		break;
	case EDIT_OMISSION:
		snprintf(buf, buflen, "omission of '%c'", e->a);
		break;
	case EDIT_TRANSPOSITION:
		snprintf(buf, buflen, "transposition of '%c%c'", e->a, e->b);
		break;
	case EDIT_SUBSTITUTION:
		snprintf(buf, buflen, "substitution of '%c' by '%c'", e->a, e->b);
		break;
	case EDIT_INSERTION:
		snprintf(buf, buflen, "insertion of '%c' at position %u", e->b,
		    (unsigned)e->pos + 1);
		break;
	default:
		snprintf(buf, buflen, "edit");
	}
}
