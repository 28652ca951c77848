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
/* The classes: o0  l1i  bd  ce  gq  mnr  38  69; other capitals to lower
 * case.  0 stands for the character itself. */
static const char fold_map[256] = {
	['O'] = 'o', ['0'] = 'o',
	['L'] = 'l', ['I'] = 'l', ['1'] = 'l', ['i'] = 'l',
	['B'] = 'b', ['D'] = 'b', ['d'] = 'b',
	['C'] = 'c', ['E'] = 'c', ['e'] = 'c',
	['G'] = 'g', ['Q'] = 'g', ['q'] = 'g',
	['M'] = 'm', ['N'] = 'm', ['R'] = 'm', ['n'] = 'm', ['r'] = 'm',
	['8'] = '3', ['9'] = '6',
	['A'] = 'a', ['F'] = 'f', ['H'] = 'h', ['J'] = 'j', ['K'] = 'k',
	['P'] = 'p', ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v',
	['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
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

/* A character's class representative. */
static inline char
fold_char(char c)
{
	char m = fold_map[(unsigned char)c];

	return m != 0 ? m : c;
}

/*
 * The letter the folded pair (a, b) reads as, or 0: vv w, cl b, bl b,
 * lb b, lh h, lk k, lc k, and mm m.
 */
static inline char
pair(char a, char b)
{
	switch (a) {
	case 'm':
		return b == 'm' ? 'm' : 0;
	case 'v':
		return b == 'v' ? 'w' : 0;
	case 'c':
	case 'b':
		return b == 'l' ? 'b' : 0;
	case 'l':
		switch (b) {
		case 'b': return 'b';
		case 'h': return 'h';
		case 'k': case 'c': return 'k';
		default: return 0;
		}
	default:
		return 0;
	}
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
