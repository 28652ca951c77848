/*
 * typo_match.c — matching a name against the model: its label-boundary
 * suffixes are looked up in the variant table (one hash each, exempt names
 * included), then its labels in the deletion neighbourhood, the folded
 * lookalikes and, with typo.max-distance: 2, the two-edit neighbourhood.
 * O(length of the name), whatever the number of protected names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "keyboard.h"
#include "typo_model.h"

/*
 * The single edit that turns protected label l into observed label o, if
 * there is one (Damerau-Levenshtein distance 1).
 */
static bool
pair_edit(const char *o, size_t on, const char *l, size_t ln, struct edit *e)
{
	size_t i = 0;

	while (i < on && i < ln && o[i] == l[i])
		i++;
	if (on == ln + 1) {
		if (memcmp(o + i + 1, l + i, ln - i) != 0)
			return false;
		/* The same character beside it: a key struck twice. */
		if (i > 0 && o[i] == l[i - 1])
			*e = (struct edit){ EDIT_REPETITION, (uint8_t)(i - 1),
			    o[i], o[i] };
		else if (i < ln && o[i] == l[i])
			*e = (struct edit){ EDIT_REPETITION, (uint8_t)i, o[i],
			    o[i] };
		else
			*e = (struct edit){ EDIT_INSERTION, (uint8_t)i, 0, o[i] };
		return true;
	}
	if (on + 1 == ln) {
		if (memcmp(o + i, l + i + 1, ln - i - 1) != 0)
			return false;
		*e = (struct edit){ EDIT_OMISSION, (uint8_t)i, l[i], 0 };
		return true;
	}
	if (on != ln || i == on)
		return false;
	if (memcmp(o + i + 1, l + i + 1, ln - i - 1) == 0) {
		*e = (struct edit){ EDIT_SUBSTITUTION, (uint8_t)i, l[i], o[i] };
		return true;
	}
	if (i + 1 < ln && o[i] == l[i + 1] && o[i + 1] == l[i] &&
	    memcmp(o + i + 2, l + i + 2, ln - i - 2) == 0) {
		*e = (struct edit){ EDIT_TRANSPOSITION, (uint8_t)i, l[i],
		    l[i + 1] };
		return true;
	}
	return false;
}

/*
 * The deletion-neighbourhood check: for each label whose right-hand side
 * is the suffix of a protected domain, the label and each of its
 * one-character deletions are looked up; every protected label found is
 * compared with the observed one, and the likeliest single edit wins.
 */
static bool
match_deletions(const struct typo_model *m, const char *obs,
    const size_t *starts, size_t nstarts, struct typo_match *out)
{
	uint32_t idx, best_rule = NO_NEXT;
	struct edit best = { 0 };
	int best_cls = CLS_COUNT;
	uint8_t best_kb = KB_NONE;
	size_t best_at = 0;

	uint64_t base = strmap_base(m->dels);
	uint64_t pre[NAME_MAX_LEN + 2], suf[NAME_MAX_LEN + 2];
	const uint64_t *pw = m->pw;
	for (size_t i = 1; i < nstarts; i++) {
		size_t at = starts[i], ll = starts[i - 1] - 1 - at;
		const char *label = obs + at, *rest = obs + starts[i - 1];
		size_t rl = strlen(rest);

		if (!strmap_get(m->suffixes, rest, rl, &idx))
			continue;
		/*
		 * Prefix and suffix hashes of label "." rest, so that each
		 * deletion's hash is one multiply and one add (strmap.h).
		 */
		const char *tail = rest - 1;		/* "." rest */
		size_t tl = rl + 1;
		pre[0] = 0;
		for (size_t k = 0; k < ll; k++)
			pre[k + 1] = pre[k] * base + (uint64_t)(uint8_t)label[k] + 1;
		suf[ll] = strmap_poly(base, 0, tail, tl);
		for (size_t k = ll; k-- > 0; )
			suf[k] = ((uint64_t)(uint8_t)label[k] + 1) *
			    pw[ll - 1 - k + tl] + suf[k + 1];
		for (size_t d = 0; d <= ll; d++) {
			uint64_t h;
			size_t kl;
			if (d == ll) {
				/* The label itself: the protected one lost a char. */
				h = suf[0];
				kl = ll + tl;
			} else {
				if (d > 0 && label[d] == label[d - 1])
					continue;
				h = pre[d] * pw[ll - 1 - d + tl] + suf[d + 1];
				kl = ll - 1 + tl;
			}
			if (!strmap_get_hashed(m->dels, h, kl, &idx))
				continue;
			/* Candidates only: pair_edit() checks each one. */
			for (; idx != NO_NEXT; idx = m->del[idx].next) {
				const struct rule *r = &m->rules[m->del[idx].rule];
				struct edit e;
				uint8_t kb;
				if (strcmp(r->suffix, rest) != 0 ||
				    !pair_edit(label, ll, r->label,
				    strlen(r->label), &e))
					continue;
				int c = typo_classify(r->label, strlen(r->label), &e,
				    &kb);
				if (c < best_cls) {
					best_cls = c;
					best = e;
					best_kb = kb;
					best_rule = m->del[idx].rule;
					best_at = at;
				}
			}
		}
		if (best_rule != NO_NEXT)
			break;
	}
	if (best_rule == NO_NEXT)
		return false;

	/* A typo that is itself a public suffix stands for itself only. */
	if (best_at != 0 && psl_is_public_suffix2(m->psl, obs + best_at,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
		return false;
	typo_explain_label_edit(m, best_rule, obs, best_at, &best, best_cls,
	    best_kb, out);
	return true;
}

/* Optimal string alignment distance, or 3 when it is more than 2. */
static unsigned
distance_upto2(const char *a, size_t an, const char *b, size_t bn)
{
	unsigned d[64][64];

	if (an > 62 || bn > 62 || (an > bn ? an - bn : bn - an) > 2)
		return 3;
	for (size_t i = 0; i <= an; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= bn; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= an; i++)
		for (size_t j = 1; j <= bn; j++) {
			unsigned c = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < v)
				v = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[an][bn] < 3 ? d[an][bn] : 3;
}

/* Looks key up in both deletion maps; records a distance-2 candidate. */
static void
probe2(const struct typo_model *m, const char *key, size_t kl,
    const char *label, size_t ll, uint32_t *best)
{
	const struct strmap *maps[2] = { m->dels, m->dels2 };
	uint32_t idx;

	for (int k = 0; k < 2 && *best == NO_NEXT; k++) {
		if (!strmap_get(maps[k], key, kl, &idx))
			continue;
		for (; idx != NO_NEXT; idx = m->del[idx].next) {
			const struct rule *r = &m->rules[m->del[idx].rule];
			size_t rl = strlen(r->label);
			if (rl >= m->long_label &&
			    distance_upto2(label, ll, r->label, rl) == 2) {
				*best = m->del[idx].rule;
				return;
			}
		}
	}
}

/*
 * Two edits of a long label (typo.max-distance: 2): the observed label
 * and its one- and two-character deletions are looked up in both deletion
 * maps, and a candidate is kept when its distance is exactly 2.
 */
static bool
match_distance2(const struct typo_model *m, const char *obs,
    const size_t *starts, size_t nstarts, struct typo_match *out)
{
	char key[NAME_MAX_LEN + 2];
	uint32_t idx, best = NO_NEXT;
	size_t at = 0;

	if (m->max_distance < 2)
		return false;
	for (size_t i = 1; i < nstarts && best == NO_NEXT; i++) {
		at = starts[i];
		size_t ll = starts[i - 1] - 1 - at;
		const char *label = obs + at, *rest = obs + starts[i - 1] - 1;
		size_t rl = strlen(rest);	/* with its leading dot */

		if (ll + 2 < m->long_label ||
		    !strmap_get(m->suffixes, rest + 1, rl - 1, &idx))
			continue;
		/* Deletions of 0, 1 and 2 characters of the observed label. */
		for (size_t a = 0; a <= ll && best == NO_NEXT; a++)
			for (size_t b = a; b <= ll && best == NO_NEXT; b++) {
				if (b == a && a != ll)
					continue;
				size_t o = 0;
				for (size_t k = 0; k < ll; k++)
					if (k != a && k != b)
						key[o++] = label[k];
				memcpy(key + o, rest, rl);
				probe2(m, key, o + rl, label, ll, &best);
			}
	}
	if (best == NO_NEXT)
		return false;
	typo_explain_distance2(m, best, obs, at, out);
	return true;
}

/*
 * A name with bytes beyond ASCII (an SMTPUTF8 recipient, RFC 6531) is
 * compared in its IDNA form (RFC 5891): U-labels become A-labels, so
 * "bücher.example" is matched as "xn--bcher-kva.example".
 */
static int
normalise_idn(const char *name, size_t len, char *out, size_t outsize)
{
	char in[NAME_MAX_LEN * 4 + 2];
	char *ascii = NULL;
	bool plain = true;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] >= 0x80 || name[i] == '\0')
			plain = false;
	if (plain)
		return name_normalise(name, len, out, outsize);
	if (len >= sizeof(in) || memchr(name, '\0', len) != NULL)
		return -1;
	memcpy(in, name, len);
	in[len] = '\0';
	if (idn2_to_ascii_8z(in, &ascii, IDN2_NONTRANSITIONAL |
	    IDN2_NFC_INPUT) != IDN2_OK) {
		idn2_free(ascii);
		return -1;
	}
	int n = name_normalise(ascii, strlen(ascii), out, outsize);
	idn2_free(ascii);
	return n;
}

/*
 * The lookalike check: fold the label left of each suffix (decoding an
 * A-label to Unicode first) and look the folded form up under that suffix.
 */
static bool
match_fold(const struct typo_model *m, const char *obs,
    const size_t *starts, size_t nstarts, struct typo_match *out)
{
	char label[NAME_MAX_LEN * 4 + 1], fold[FOLD_MAX];
	char key[FOLD_MAX + NAME_MAX_LEN + 2];
	size_t lim = nstarts < m->max_fold_labels ? nstarts : m->max_fold_labels;
	uint32_t idx;

	for (size_t i = 1; i < lim; i++) {
		size_t at = starts[i], end = starts[i - 1] - 1;
		size_t ll = end - at;
		bool uni;

		/* Only labels under the suffix of some protected domain. */
		if (!strmap_get(m->suffixes, obs + end + 1, strlen(obs + end + 1),
		    &idx))
			continue;

		if (ll >= 4 && memcmp(obs + at, "xn--", 4) == 0) {
			char a[NAME_MAX_LEN + 1], *u = NULL;
			memcpy(a, obs + at, ll);
			a[ll] = '\0';
			if (idn2_to_unicode_8z8z(a, &u, 0) != IDN2_OK ||
			    strlen(u) >= sizeof(label)) {
				idn2_free(u);
				continue;
			}
			snprintf(label, sizeof(label), "%s", u);
			idn2_free(u);
		} else {
			memcpy(label, obs + at, ll);
			label[ll] = '\0';
		}
		bool found = false, reduced = true;
		size_t rl = strlen(obs + end);	/* ".suffix" */
		/* The second fold only differs when a pair was reduced. */
		for (int rtl = 0; rtl < 2 && !found && reduced; rtl++) {
			int n = fold_label(m->fold, label, strlen(label), fold,
			    sizeof(fold), rtl, &uni, &reduced);
			if (n <= 0 || (size_t)n + rl >= sizeof(key))
				continue;
			memcpy(key, fold, (size_t)n);
			memcpy(key + n, obs + end, rl);
			found = strmap_get(m->folds, key, (size_t)n + rl, &idx);
		}
		if (!found)
			continue;
		const struct rule *r = &m->rules[idx];
		if (strcmp(label, r->label) == 0)
			continue;
		typo_explain_lookalike(m, idx, obs, at, label, uni, out);
		return true;
	}
	return false;
}

enum typo_result
typo_match(const struct typo_model *m, const char *name, size_t len,
    struct typo_match *out)
{
	size_t starts[NAME_MAX_LABELS + 1], nstarts;
	int n = normalise_idn(name, len, out->observed, sizeof(out->observed));
	uint32_t idx;

	if (n < 0)
		return TYPO_INVALID;
	const char *obs = out->observed;
	size_t olen = (size_t)n;

	out->severity = 0;
	nstarts = suffix_starts(obs, olen, starts, NAME_MAX_LABELS + 1);

	/*
	 * One lookup per suffix: an exempt suffix anywhere exempts the name;
	 * otherwise the longest variant wins (a domain typo is more specific
	 * than a TLD's).
	 */
	const struct variant *hit = NULL, *tld_hit = NULL;
	size_t hit_at = 0, tld_at = 0;
	for (size_t i = nstarts; i-- > 0; ) {
		const char *key = obs + starts[i];
		if (!strmap_get(m->variants, key, olen - starts[i], &idx))
			continue;
		if (idx & EXEMPT_BIT)
			return TYPO_EXEMPT;
		const struct variant *v = &m->v[idx];
		if (v->exact && starts[i] != 0)
			continue;
		if (v->target == TYPO_TARGET_TLD) {
			if (tld_hit == NULL) {
				tld_hit = v;
				tld_at = starts[i];
			}
		} else if (hit == NULL) {
			hit = v;
			hit_at = starts[i];
		}
	}
	if (hit != NULL) {
		/* A domain typo: the labels before it are kept as they are. */
		typo_explain_variant(m, hit, obs, hit_at, out);
		return TYPO_MATCH;
	}
	if (match_deletions(m, obs, starts, nstarts, out))
		return TYPO_MATCH;
	if (match_fold(m, obs, starts, nstarts, out))
		return TYPO_MATCH;
	if (match_distance2(m, obs, starts, nstarts, out))
		return TYPO_MATCH;
	if (tld_hit == NULL || tld_at == 0)
		return TYPO_NONE;
	/*
	 * The name's public suffix must be the typo suffix itself, not a
	 * longer one that ends with it ("co.il" for a typo "il").
	 */
	const char *ps = psl_unregistrable_domain(m->psl, obs);
	if (ps == NULL || ps != obs + tld_at)
		return TYPO_NONE;
	typo_explain_tld(m, tld_hit, obs, tld_at, out);
	return TYPO_MATCH;
}
