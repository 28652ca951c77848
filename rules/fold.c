/*
 * fold.c — lookalike folding of labels (see fold.h).
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uspoof.h>

#include "fold.h"
#include "lookalikes.h"

struct fold_ctx {
	USpoofChecker		*spoof;
	const UNormalizer2	*nfd;
};

/*
 * Single characters a reader confuses fold to one member of their class
 * first; then pairs that read as one letter fold to it, on the folded
 * text; then a run of m (rn, rr, nn, nr all read as m) is one m.  Both the
 * protected label and the observed one go through the same steps, so a
 * lookalike of the first folds to the same string.  The classes follow the
 * ASCII lookalikes dnstwist and typosquatters use.
 */
/* (as fold_char() implements them) o0  l1i  bd  ce  gq  mnr  38  69 */

static const struct {
	const char *seq;
	char to;
} sequences[] = {
	{ "vv", 'w' }, { "cl", 'b' }, { "bl", 'b' }, { "lb", 'b' },
	{ "lh", 'h' }, { "lk", 'k' }, { "lc", 'k' },
};

struct fold_ctx *
fold_ctx_new(void)
{
	struct fold_ctx *n = malloc(sizeof(*n));
	UErrorCode st = U_ZERO_ERROR;

	if (n == NULL)
		return NULL;
	n->spoof = uspoof_open(&st);
	n->nfd = unorm2_getNFDInstance(&st);
	if (U_FAILURE(st)) {
		if (n->spoof != NULL)
			uspoof_close(n->spoof);
		free(n);
		return NULL;
	}
	return n;
}

void
fold_ctx_free(struct fold_ctx *f)
{
	if (f == NULL)
		return;
	uspoof_close(f->spoof);
	free(f);
}

/* A character's class representative (classes[] as a switch). */
static char
fold_char(char c)
{
	switch (c) {
	case 'O': case '0':			return 'o';
	case 'L': case 'I': case '1': case 'i':	return 'l';
	case 'B': case 'D': case 'd':		return 'b';
	case 'C': case 'E': case 'e':		return 'c';
	case 'G': case 'Q': case 'q':		return 'g';
	case 'M': case 'N': case 'R': case 'n': case 'r':
						return 'm';
	case '8':				return '3';
	case '9':				return '6';
	default:
		return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
}

/* The letter the pair (a, b) reads as, or 0. */
static char
pair(char a, char b)
{
	if (a == 'm' && b == 'm')
		return 'm';
	/* Every sequence starts with one of these: most pairs stop here. */
	if (a != 'v' && a != 'c' && a != 'b' && a != 'l')
		return 0;
	for (size_t k = 0; k < sizeof(sequences) / sizeof(sequences[0]); k++)
		if (sequences[k].seq[0] == a && sequences[k].seq[1] == b)
			return sequences[k].to;
	return 0;
}

/*
 * The ASCII fold, in place over [s, s+len); returns the new length.  Pairs
 * are reduced with a stack, so a reduction can feed the next ("llh" is
 * "lh" is "h"); rtl reduces from the right end instead, which settles
 * overlaps ("clb") the other way.
 */
static size_t
fold_ascii(char *s, size_t len, bool rtl, bool *reduced)
{
	char stack[FOLD_MAX * 4];
	size_t top = 0;

	*reduced = false;
	for (size_t i = 0; i < len; i++)
		s[i] = fold_char(s[i]);
	for (size_t n = 0; n < len && top < sizeof(stack); n++) {
		char c = s[rtl ? len - 1 - n : n];
		char r;
		while (top > 0 && (r = rtl ? pair(c, stack[top - 1]) :
		    pair(stack[top - 1], c)) != 0) {
			top--;
			c = r;
			*reduced = true;
		}
		stack[top++] = c;
	}
	for (size_t i = 0; i < top; i++)
		s[i] = stack[rtl ? top - 1 - i : i];
	return top;
}

/* The ASCII letter a squatter's character imitates, or 0. */
static UChar
lookalike(UChar c)
{
	size_t lo = 0, hi = nlookalikes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (lookalikes[mid].cp == c)
			return (UChar)lookalikes[mid].ascii;
		if (lookalikes[mid].cp < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Known squatting characters to their letters, then the UTS #39 skeleton,
 * accents stripped, lower-cased, back to UTF-8.
 */
static int
skeleton(struct fold_ctx *f, const char *label, size_t len, char *out,
    size_t outsize)
{
	UChar u[FOLD_MAX], sk[FOLD_MAX * 4], d[FOLD_MAX * 8], e[FOLD_MAX * 8];
	UErrorCode st = U_ZERO_ERROR;
	int32_t n, m = 0;

	u_strFromUTF8(u, FOLD_MAX, &n, label, (int32_t)len, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	for (int32_t i = 0; i < n; i++) {
		UChar a = lookalike(u[i]);
		if (a != 0)
			u[i] = a;
	}
	n = uspoof_getSkeleton(f->spoof, 0, u, n, sk, FOLD_MAX * 4, &st);
	if (U_FAILURE(st))
		return -1;
	n = unorm2_normalize(f->nfd, sk, n, d, FOLD_MAX * 8, &st);
	if (U_FAILURE(st))
		return -1;
	for (int32_t i = 0; i < n; i++)
		if (u_charType(d[i]) != U_NON_SPACING_MARK)
			d[m++] = d[i];
	n = u_strToLower(e, FOLD_MAX * 8, d, m, "", &st);
	if (U_FAILURE(st))
		return -1;
	u_strToUTF8(out, (int32_t)outsize - 1, &m, e, n, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	out[m] = '\0';
	return m;
}

int
fold_label(struct fold_ctx *f, const char *label, size_t len, char *out,
    size_t outsize, bool rtl, bool *unicode, bool *reduced)
{
	bool ascii = true;
	int n;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)label[i] >= 0x80)
			ascii = false;
	*unicode = !ascii;
	if (ascii) {
		if (len >= outsize)
			return -1;
		memcpy(out, label, len);
		n = (int)len;
	} else if ((n = skeleton(f, label, len, out, outsize)) < 0) {
		return -1;
	}
	n = (int)fold_ascii(out, (size_t)n, rtl, reduced);
	out[n] = '\0';
	return n;
}
