/*
 * typo_gen.c — variant generation: every name a slip of the hand or a
 * squatter's trick makes of each protected name, with the class that made
 * it, into the model's tables (typo.c).
 *
 * The registrable label's single edits go into a deletion neighbourhood
 * (found at match time); the edits of the public suffix that give a
 * suffix, or a name under one; the edits of the whole name that move,
 * add, drop or replace a dot; the dot left out with a TLD glued on, a TLD
 * appended, a TLD swapped; every one kept only when it is a name someone
 * can hold under an ICANN suffix and is not exempt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "typo_model.h"

/* Adds a domain-level variant key unless it is exempt or a suffix. */
static int
add_domain_key(struct gen *g, const char *key, size_t n, const struct variant *v)
{
	struct typo_model *m = g->m;

	if (n == 0 || n > NAME_MAX_LEN || !name_ok(key, n))
		return 0;
	/*
	 * Never a name that is exempt.  A name that is itself a public
	 * suffix (mil.ru, web.do) is flagged for itself only, never for the
	 * domains registered under it.
	 */
	if (typo_is_exempt(m, key, n))
		return 0;
	struct variant vv = *v;
	vv.exact = psl_is_public_suffix2(m->psl, key,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
	if (typo_add_variant(m, key, n, &vv) != 0)
		g->err = -1;
	return g->err;
}

/* edits_single() callback: keep the variants that can exist. */
static int
gen_one(void *ctx, const char *variant, size_t vlen, const struct edit *e)
{
	struct gen *g = ctx;
	struct typo_model *m = g->m;
	char key[NAME_MAX_LEN + 2];
	struct variant v = { g->rule, 0, g->part, 0, g->target, *e, 0, false };
	const char *orig = g->part == PART_LABEL ? g->label : g->suffix;

	v.cls = (uint8_t)typo_classify(orig, strlen(orig), e, &v.kb);
	if (g->target == TYPO_TARGET_TLD) {
		/*
		 * A typo of a TLD counts only if that suffix exists, and is
		 * flagged under any name only if typo.flag-tlds says so.
		 */
		if (!name_ok(variant, vlen) || !typo_is_icann_suffix(m, variant) ||
		    typo_is_exempt(m, variant, vlen) ||
		    !typo_in_list(&m->cfg->typo_flag_tlds, variant))
			return 0;
		return typo_add_variant(m, variant, vlen, &v) == 0 ? 0 : (g->err = -1);
	}

	int n;
	if (g->part == PART_LABEL) {
		if (!name_label_ok(variant, vlen))
			return 0;
		n = snprintf(key, sizeof(key), "%s.%s", variant, g->suffix);
	} else {
		/*
		 * The suffix typed as another suffix (gmail.cm), or as a name
		 * under a shorter one (yahoo.cn.uk, under uk, for yahoo.co.uk).
		 * A suffix typo of one label is a TLD or nothing.
		 */
		if (!name_ok(variant, vlen) || (!typo_is_icann_suffix(m, variant) &&
		    (memchr(variant, '.', vlen) == NULL ||
		    !typo_under_icann_suffix(m, variant, vlen))))
			return 0;
		n = snprintf(key, sizeof(key), "%s.%s", g->label, variant);
	}
	if (n < 0 || (size_t)n >= sizeof(key))
		return 0;
	return add_domain_key(g, key, (size_t)n, &v);
}

/* Keeps one dot edit e of the whole name when it is a name under ICANN. */
static int
gen_dot_edit(struct gen *g, const char *variant, size_t vlen,
    const struct edit *e)
{
	struct variant v = { g->rule, 0, PART_WHOLE, 0, g->target, *e, 0,
	    false };

	switch ((enum edit_class)e->cls) {
	case EDIT_INSERTION:
		v.cls = CLS_DOT_INSERTION;
		break;
	case EDIT_OMISSION:
		v.cls = CLS_DOT_OMISSION;
		break;
	case EDIT_TRANSPOSITION:
		v.cls = CLS_DOT_TRANSPOSITION;
		break;
	case EDIT_SUBSTITUTION:
		v.cls = CLS_DOT_SUBSTITUTION;
		break;
	default:
		return 0;
	}
	if (!typo_under_icann_suffix(g->m, variant, vlen))
		return 0;
	return add_domain_key(g, variant, vlen, &v);
}

/*
 * The single edits of the whole name (len bytes) that involve a dot: a dot
 * left out or typed as a character, a character typed as a dot, a dot
 * typed anywhere, the dot and a neighbour swapped.  The other edits are
 * label or suffix edits, made apart.  Each is edit-classed as
 * edits_single() would (position in the whole name).
 */
static int
gen_dot_edits(struct gen *g, const char *name, size_t len)
{
	static const char ldh[] = LDH_ALPHABET;
	char buf[NAME_MAX_LEN + 2];
	struct edit e;

	if (len + 1 >= sizeof(buf) || len > UINT8_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		/* A dot typed before name[i]. */
		memcpy(buf, name, i);
		buf[i] = '.';
		memcpy(buf + i + 1, name + i, len - i);
		buf[len + 1] = '\0';
		e = (struct edit){ EDIT_INSERTION, (uint8_t)i, 0, '.' };
		if (gen_dot_edit(g, buf, len + 1, &e) != 0)
			return -1;
		if (i == len)
			break;
		memcpy(buf, name, len);
		buf[len] = '\0';
		if (name[i] != '.') {
			/* name[i] typed as a dot. */
			buf[i] = '.';
			e = (struct edit){ EDIT_SUBSTITUTION, (uint8_t)i, name[i],
			    '.' };
			if (gen_dot_edit(g, buf, len, &e) != 0)
				return -1;
		} else {
			/* The dot typed as each character, or left out. */
			for (const char *c = ldh; *c != '\0'; c++) {
				buf[i] = *c;
				e = (struct edit){ EDIT_SUBSTITUTION, (uint8_t)i,
				    '.', *c };
				if (gen_dot_edit(g, buf, len, &e) != 0)
					return -1;
			}
			memcpy(buf, name, i);
			memcpy(buf + i, name + i + 1, len - i - 1);
			buf[len - 1] = '\0';
			e = (struct edit){ EDIT_OMISSION, (uint8_t)i, '.', 0 };
			if (gen_dot_edit(g, buf, len - 1, &e) != 0)
				return -1;
			memcpy(buf, name, len);
			buf[len] = '\0';
		}
		/* The dot and its right-hand neighbour swapped (either way). */
		if (i + 1 < len && name[i] != name[i + 1] &&
		    (name[i] == '.' || name[i + 1] == '.')) {
			buf[i] = name[i + 1];
			buf[i + 1] = name[i];
			e = (struct edit){ EDIT_TRANSPOSITION, (uint8_t)i, name[i],
			    name[i + 1] };
			if (gen_dot_edit(g, buf, len, &e) != 0)
				return -1;
		}
	}
	return 0;
}

/* Dot insertion, dot omission, appended and swapped TLDs of label.suffix. */
static int
gen_structural(struct gen *g, bool swap)
{
	const struct ts_config *cfg = g->m->cfg;
	const char *label = g->label, *suffix = g->suffix;
	char key[NAME_MAX_LEN + 2], joined[NAME_MAX_LEN + 2];
	struct variant v = { g->rule, 0, PART_WHOLE, 0, g->target, { 0 }, 0,
	    false };
	int n;

	/*
	 * The edits of the whole name that move, add, drop or replace a dot:
	 * g.mail.com, chase.c.om, chasec.om, c.ase.com, yahooxco.uk.
	 */
	n = snprintf(key, sizeof(key), "%s.%s", label, suffix);
	if (n > 0 && (size_t)n < sizeof(key) &&
	    gen_dot_edits(g, key, (size_t)n) != 0)
		return -1;

	/* The suffix without its dots, glued to the label. */
	size_t o = 0;
	for (const char *p = suffix; *p != '\0' && o + 1 < sizeof(joined); p++)
		if (*p != '.')
			joined[o++] = *p;
	joined[o] = '\0';

	for (size_t i = 0; i < cfg->typo_append_tlds.n; i++) {
		const char *t = cfg->typo_append_tlds.v[i];
		v.aux = (uint16_t)i;
		/* gmailcom.com, armymil.com: the dot left out. */
		v.cls = CLS_DOT_OMISSION;
		n = snprintf(key, sizeof(key), "%s%s.%s", label, joined, t);
		if (n > 0 && (size_t)n < sizeof(key) &&
		    add_domain_key(g, key, (size_t)n, &v) != 0)
			return -1;
		n = snprintf(key, sizeof(key), "%s-%s.%s", label, joined, t);
		if (n > 0 && (size_t)n < sizeof(key) &&
		    add_domain_key(g, key, (size_t)n, &v) != 0)
			return -1;
		/* army.mil.com: a TLD typed after the name. */
		v.cls = CLS_APPENDED_TLD;
		n = snprintf(key, sizeof(key), "%s.%s.%s", label, suffix, t);
		if (n > 0 && (size_t)n < sizeof(key) &&
		    add_domain_key(g, key, (size_t)n, &v) != 0)
			return -1;
	}
	/* gmxde.de, webde.de: the dot left out, the TLD typed again. */
	const char *own = strrchr(suffix, '.');
	own = own != NULL ? own + 1 : suffix;
	v.cls = CLS_DOT_OMISSION;
	v.aux = 0xfffe;
	n = snprintf(key, sizeof(key), "%s%s.%s", label, joined, own);
	if (n > 0 && (size_t)n < sizeof(key) &&
	    add_domain_key(g, key, (size_t)n, &v) != 0)
		return -1;

	/* yahoo.uk, yahooco.uk for yahoo.co.uk: a part of the suffix lost. */
	const char *last = strrchr(suffix, '.');
	if (last != NULL) {
		v.cls = CLS_DOT_OMISSION;
		v.aux = 0xffff;
		n = snprintf(key, sizeof(key), "%s%.*s.%s", label,
		    (int)(last - suffix), suffix, last + 1);
		if (n > 0 && (size_t)n < sizeof(key) &&
		    add_domain_key(g, key, (size_t)n, &v) != 0)
			return -1;
		v.cls = CLS_TLD_SWAP;
		n = snprintf(key, sizeof(key), "%s.%s", label, last + 1);
		if (n > 0 && (size_t)n < sizeof(key) &&
		    add_domain_key(g, key, (size_t)n, &v) != 0)
			return -1;
	}
	if (!swap)
		return 0;
	v.cls = CLS_TLD_SWAP;
	for (size_t i = 0; i < cfg->typo_swap_tlds.n; i++) {
		const char *t = cfg->typo_swap_tlds.v[i];
		if (strcasecmp(t, suffix) == 0)
			continue;
		v.aux = (uint16_t)i;
		n = snprintf(key, sizeof(key), "%s.%s", label, t);
		if (n > 0 && (size_t)n < sizeof(key) &&
		    add_domain_key(g, key, (size_t)n, &v) != 0)
			return -1;
	}
	return 0;
}

/* The label itself and each one-character deletion, under the suffix. */
static int
add_deletions(struct typo_model *m, uint32_t rule)
{
	const struct rule *r = &m->rules[rule];
	size_t ll = strlen(r->label), sl = strlen(r->suffix);
	char key[NAME_MAX_LEN + 2];

	if (ll + 1 + sl >= sizeof(key))
		return 0;
	memcpy(key, r->label, ll);
	key[ll] = '.';
	memcpy(key + ll + 1, r->suffix, sl);
	if (typo_add_del_key(m, m->dels, key, ll + 1 + sl, rule) != 0)
		return -1;
	for (size_t i = 0; i < ll; i++) {
		if (i > 0 && r->label[i] == r->label[i - 1])
			continue;	/* the same deletion again */
		memcpy(key, r->label, i);
		memcpy(key + i, r->label + i + 1, ll - i - 1);
		key[ll - 1] = '.';
		memcpy(key + ll, r->suffix, sl);
		if (typo_add_del_key(m, m->dels, key, ll + sl, rule) != 0)
			return -1;
	}
	/* Long labels, when two edits are asked for: the 2-deletions too. */
	if (m->max_distance >= 2 && ll >= m->long_label && ll >= 3) {
		for (size_t i = 0; i < ll; i++)
			for (size_t j = i + 1; j < ll; j++) {
				size_t o = 0;
				for (size_t k = 0; k < ll; k++)
					if (k != i && k != j)
						key[o++] = r->label[k];
				key[o++] = '.';
				memcpy(key + o, r->suffix, sl);
				if (typo_add_del_key(m, m->dels2, key, o + sl,
				    rule) != 0)
					return -1;
			}
	}
	if (strmap_add(m->suffixes, r->suffix, sl, 0) < 0)
		return -1;
	return 0;
}

/* Every variant of one protected domain (explicit or a known label). */
static int
gen_domain(struct typo_model *m, uint32_t rule)
{
	const struct rule *r = &m->rules[rule];
	struct gen g = { m, rule, TYPO_TARGET_DOMAIN, PART_LABEL, r->label,
	    r->suffix, 0 };
	char fold[FOLD_MAX], key[FOLD_MAX + NAME_MAX_LEN + 2];
	bool uni;

	/*
	 * Edits of the label are not enumerated: the label and each of its
	 * one-character deletions go into a deletion neighbourhood, which
	 * finds every name one edit away at match time (Garbe's symmetric
	 * delete): a few keys a domain instead of hundreds.
	 */
	if (add_deletions(m, rule) != 0)
		return -1;
	g.part = PART_SUFFIX;
	edits_single(r->suffix, strlen(r->suffix), TLD_ALPHABET, gen_one, &g);
	if (g.err != 0 || gen_structural(&g, !r->implicit) != 0)
		return -1;

	/* The lookalike keys: the label's two folds under the same suffix. */
	for (int rtl = 0; rtl < 2; rtl++) {
		bool reduced;
		int n = fold_label(m->fold, r->label, strlen(r->label), fold,
		    sizeof(fold), rtl, &uni, &reduced);
		if (n <= 0)
			continue;
		n = snprintf(key, sizeof(key), "%s.%s", fold, r->suffix);
		if (n <= 0 || (size_t)n >= sizeof(key))
			continue;
		if (strmap_add(m->folds, key, (size_t)n, rule) < 0)
			return -1;
		unsigned labels = typo_count_labels(key, (size_t)n);
		if (labels > m->max_fold_labels)
			m->max_fold_labels = labels;
	}
	return 0;
}

int
typo_build_variants(struct typo_model *m, const struct ts_config *cfg, char *err,
    size_t errlen)
{
	char name[NAME_MAX_LEN + 1];
	struct gen g;
	int r;

	/* Protected domains first: their variants are the more specific. */
	for (size_t i = 0; i < cfg->protect_domains.n; i++) {
		name_normalise(cfg->protect_domains.v[i],
		    strlen(cfg->protect_domains.v[i]), name, sizeof(name));
		if ((r = typo_add_rule(m, name, TYPO_TARGET_DOMAIN, false)) < 0 ||
		    gen_domain(m, (uint32_t)r) != 0)
			goto nomem;
	}
	/* Known labels of protected TLDs: army.mil, navy.mil, ... */
	for (size_t i = 0; i < cfg->protect_labels.n; i++) {
		const struct strlist *l = &cfg->protect_labels.list[i];
		for (size_t j = 0; j < l->n; j++) {
			/* Short labels ("af") give no variants of their own. */
			if (strlen(l->v[j]) < cfg->typo_min_label)
				continue;
			int n = snprintf(name, sizeof(name), "%s.%s", l->v[j],
			    cfg->protect_labels.key[i]);
			if (n < 0 || (size_t)n >= sizeof(name))
				continue;
			name_normalise(name, (size_t)n, name, sizeof(name));
			if ((r = typo_add_rule(m, name, TYPO_TARGET_DOMAIN, true)) < 0 ||
			    gen_domain(m, (uint32_t)r) != 0)
				goto nomem;
		}
	}
	/* Typo TLDs flagged whole: everything under ml imitates mil. */
	for (size_t i = 0; i < cfg->protect_tlds.n; i++) {
		int n = name_normalise(cfg->protect_tlds.v[i],
		    strlen(cfg->protect_tlds.v[i]), name, sizeof(name));
		if ((r = typo_add_rule(m, name, TYPO_TARGET_TLD, false)) < 0)
			goto nomem;
		g = (struct gen){ m, (uint32_t)r, TYPO_TARGET_TLD, PART_SUFFIX,
		    NULL, name, 0 };
		edits_single(name, (size_t)n, TLD_ALPHABET, gen_one, &g);
		if (g.err)
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory building the typo model",
	    cfg->path);
	return -1;
}
