/*
 * typo.c — the typo model's tables: built once from the configuration,
 * then only read.
 *
 * Variants are keyed by the text they would have as a name suffix:
 *   - a typo of a protected TLD listed in typo.flag-tlds is keyed by the
 *     typo suffix ("ml" for "mil"); a name matches it when its public
 *     suffix, according to the Public Suffix List, is exactly that key (so
 *     "nana10.co.il", whose suffix is "co.il", never matches "il");
 *   - a typo of a protected domain, or of a known label under a protected
 *     TLD ("army" under "mil"), is keyed by the whole typo domain
 *     ("gmial.com", "army.il", "g.mail.com"); a name matches it when it is
 *     that domain or a subdomain of it;
 *   - edits of a protected domain's label are found through a deletion
 *     neighbourhood (the label and its one-character deletions);
 *   - lookalikes are keyed by the folded label and the suffix
 *     ("gmall.com" for gmail.com; see fold.h).
 * Names that are protected, allowed, under a protected TLD, or under one of
 * those are exempt: no registrant but the owner can hold them.
 * typo_gen.c makes the variants, typo_match.c matches, typo_explain.c says
 * how.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyboard.h"
#include "typo_model.h"

const char *const typo_class_names[CLS_COUNT] = {
	[CLS_REPETITION] = "repetition",
	[CLS_OMISSION] = "omission",
	[CLS_TRANSPOSITION] = "transposition",
	[CLS_SUBSTITUTION_ADJ] = "substitution",
	[CLS_INSERTION_ADJ] = "insertion",
	[CLS_VOWEL_SWAP] = "vowel-swap",
	[CLS_HYPHENATION] = "hyphenation",
	[CLS_DOT_INSERTION] = "dot-insertion",
	[CLS_DOT_OMISSION] = "dot-omission",
	[CLS_DOT_TRANSPOSITION] = "dot-transposition",
	[CLS_DOT_SUBSTITUTION] = "dot-substitution",
	[CLS_APPENDED_TLD] = "appended-tld",
	[CLS_BITSQUATTING] = "bitsquatting",
	[CLS_SUBSTITUTION] = "substitution",
	[CLS_INSERTION] = "insertion",
	[CLS_TLD_SWAP] = "tld-swap",
	[CLS_LOOKALIKE] = "lookalike",
	[CLS_HOMOGLYPH] = "homoglyph",
	[CLS_DISTANCE2] = "distance-2",
};

/* The same classes applied to the public suffix. */
const char *const typo_tld_class_names[CLS_COUNT] = {
	[CLS_REPETITION] = "tld-repetition",
	[CLS_OMISSION] = "tld-omission",
	[CLS_TRANSPOSITION] = "tld-transposition",
	[CLS_SUBSTITUTION_ADJ] = "tld-substitution",
	[CLS_INSERTION_ADJ] = "tld-insertion",
	[CLS_VOWEL_SWAP] = "tld-vowel-swap",
	[CLS_BITSQUATTING] = "tld-bitsquatting",
	[CLS_SUBSTITUTION] = "tld-substitution",
	[CLS_INSERTION] = "tld-insertion",
	[CLS_HYPHENATION] = "tld-hyphenation",
};

unsigned
typo_count_labels(const char *s, size_t len)
{
	unsigned n = 1;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '.';
	return n;
}

bool
typo_is_exempt(const struct typo_model *m, const char *name, size_t len)
{
	size_t starts[NAME_MAX_LABELS + 1];
	size_t n = suffix_starts(name, len, starts, NAME_MAX_LABELS + 1);
	uint32_t kind;

	for (size_t i = 0; i < n; i++)
		if (strmap_get(m->exempt, name + starts[i], len - starts[i],
		    &kind))
			return true;
	return false;
}

bool
typo_is_icann_suffix(const struct typo_model *m, const char *s)
{
	size_t len = strlen(s);
	uint32_t known;

	/*
	 * The suffix edits of gmail.com, yahoo.com and outlook.com are
	 * the same strings: the list is asked once for each.
	 */
	if (m->icann_memo != NULL &&
	    strmap_get(m->icann_memo, s, len, &known))
		return known != 0;
	bool yes = psl_is_public_suffix2(m->psl, s,
	    PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
	if (m->icann_memo != NULL)
		(void)strmap_add(m->icann_memo, s, len, yes);	/* or ask again */
	return yes;
}

/*
 * A name someone can hold: every label valid, and under an ICANN public
 * suffix ("chasec.om" under om, "yahoo.cn.uk" under uk; not "chas.ecom",
 * whose TLD does not exist).  Every ICANN suffix ends in an ICANN TLD, so
 * the last label decides; it is asked alone because libpsl 0.21 takes
 * some names under a TLD that does not exist ("co.m") for suffixes.
 */
bool
typo_under_icann_suffix(const struct typo_model *m, const char *name, size_t len)
{
	const char *dot;

	if (len == 0 || len > NAME_MAX_LEN || !name_ok(name, len) ||
	    (dot = memrchr(name, '.', len)) == NULL)
		return false;
	return typo_is_icann_suffix(m, dot + 1);
}

static bool
is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static bool
one_bit(char a, char b)
{
	unsigned x = (unsigned char)a ^ (unsigned char)b;
	return x != 0 && (x & (x - 1)) == 0;
}

/* Names the class of a single-character edit of s. */
enum typo_class
typo_classify(const char *s, size_t len, const struct edit *e, uint8_t *kb)
{
	*kb = KB_NONE;
	switch ((enum edit_class)e->cls) {
	case EDIT_REPETITION:
		return CLS_REPETITION;
	case EDIT_OMISSION:
		return CLS_OMISSION;
	case EDIT_TRANSPOSITION:
		return CLS_TRANSPOSITION;
	case EDIT_SUBSTITUTION:
		if ((*kb = (uint8_t)keyboard_adjacent(e->a, e->b)) != KB_NONE)
			return CLS_SUBSTITUTION_ADJ;
		if (is_vowel(e->a) && is_vowel(e->b))
			return CLS_VOWEL_SWAP;
		if (one_bit(e->a, e->b))
			return CLS_BITSQUATTING;
		return CLS_SUBSTITUTION;
	case EDIT_INSERTION:
		if (e->b == '-')
			return CLS_HYPHENATION;
		/* A key next to either neighbour of the insertion point. */
		if (e->pos > 0 && (*kb = (uint8_t)keyboard_adjacent(
		    s[e->pos - 1], e->b)) != KB_NONE)
			return CLS_INSERTION_ADJ;
		if (e->pos < len && (*kb = (uint8_t)keyboard_adjacent(
		    s[e->pos], e->b)) != KB_NONE)
			return CLS_INSERTION_ADJ;
		return CLS_INSERTION;
	}
	return CLS_SUBSTITUTION;
}

int
typo_add_variant(struct typo_model *m, const char *key, size_t len,
    const struct variant *v)
{
	if (m->nv == m->capv) {
		size_t ncap = m->capv == 0 ? 1024 : m->capv * 2;
		struct variant *nvv = realloc(m->v, ncap * sizeof(*nvv));
		if (nvv == NULL)
			return -1;
		m->v = nvv;
		m->capv = ncap;
	}
	int rc = strmap_add(m->variants, key, len, (uint32_t)m->nv);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/*
		 * One string, two protected names or two ways (mx.com is
		 * gmx.com without its g, and me.com with x for e): the likelier
		 * slip names it.
		 */
		uint32_t old;
		if (strmap_get(m->variants, key, len, &old) &&
		    m->v[old].target == v->target && v->cls < m->v[old].cls)
			m->v[old] = *v;
		return 0;
	}
	m->v[m->nv++] = *v;
	unsigned labels = typo_count_labels(key, len);
	if (labels > m->max_labels)
		m->max_labels = labels;
	return 0;
}

int
typo_add_rule(struct typo_model *m, const char *name, uint8_t target,
    bool implicit)
{
	struct rule *nr = realloc(m->rules, (m->nrules + 1) * sizeof(*nr));

	if (nr == NULL)
		return -1;
	m->rules = nr;
	struct rule *r = &m->rules[m->nrules];
	memset(r, 0, sizeof(*r));
	if ((r->name = strdup(name)) == NULL)
		return -1;
	r->target = target;
	r->implicit = implicit;
	if (target == TYPO_TARGET_DOMAIN) {
		const char *dot = strchr(name, '.');
		r->label = strndup(name, (size_t)(dot - name));
		r->suffix = strdup(dot + 1);
		if (r->label == NULL || r->suffix == NULL) {
			free(r->name);
			free(r->label);
			free(r->suffix);
			return -1;
		}
	}
	for (size_t i = 0; i < m->cfg->typo_rule_severity.n; i++)
		if (strcasecmp(m->cfg->typo_rule_severity.key[i], name) == 0)
			r->severity = m->cfg->typo_rule_severity.value[i];
	return (int)m->nrules++;
}

static int
cfg_error(char *err, size_t errlen, const struct ts_config *cfg,
    unsigned line, unsigned col, const char *what, const char *value,
    const char *msg)
{
	snprintf(err, errlen, "%s:%u:%u: %s: '%s' %s", cfg->path, line, col,
	    what, value, msg);
	return -1;
}

/* Normalises entry i of list l into out, or reports it. */
static int
normalised_entry(const struct ts_config *cfg, const struct strlist *l,
    size_t i, const char *what, char *out, char *err, size_t errlen)
{
	size_t len = strlen(l->v[i]);
	int n = name_normalise(l->v[i], len, out, NAME_MAX_LEN + 1);

	if (n < 0 || !name_ok(out, (size_t)n))
		return cfg_error(err, errlen, cfg, l->line[i], l->col[i], what,
		    l->v[i], "is not a valid domain name");
	return n;
}

bool
typo_in_list(const struct strlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], name) == 0)
			return true;
	return false;
}

static int
build_exempt(struct typo_model *m, const struct ts_config *cfg, char *err,
    size_t errlen)
{
	char name[NAME_MAX_LEN + 1];
	int n;

	for (size_t i = 0; i < cfg->protect_tlds.n; i++) {
		if ((n = normalised_entry(cfg, &cfg->protect_tlds, i,
		    "protect.tlds", name, err, errlen)) < 0)
			return -1;
		if (!typo_is_icann_suffix(m, name))
			return cfg_error(err, errlen, cfg,
			    cfg->protect_tlds.line[i], cfg->protect_tlds.col[i],
			    "protect.tlds", cfg->protect_tlds.v[i],
			    "is not a suffix in the Public Suffix List");
		if (strmap_add(m->exempt, name, (size_t)n, EXEMPT_TLD) < 0)
			goto nomem;
	}
	for (size_t i = 0; i < cfg->protect_labels.n; i++) {
		if (!typo_in_list(&cfg->protect_tlds, cfg->protect_labels.key[i]))
			return cfg_error(err, errlen, cfg,
			    cfg->protect_labels.line[i],
			    cfg->protect_labels.col[i], "protect.labels",
			    cfg->protect_labels.key[i],
			    "is not one of protect.tlds");
		const struct strlist *l = &cfg->protect_labels.list[i];
		for (size_t j = 0; j < l->n; j++)
			if (!name_label_ok(l->v[j], strlen(l->v[j])))
				return cfg_error(err, errlen, cfg, l->line[j],
				    l->col[j], "protect.labels", l->v[j],
				    "is not a valid label");
	}
	for (size_t i = 0; i < cfg->protect_domains.n; i++) {
		if ((n = normalised_entry(cfg, &cfg->protect_domains, i,
		    "protect.domains", name, err, errlen)) < 0)
			return -1;
		const char *reg = psl_registrable_domain(m->psl, name);
		if (reg == NULL || reg != name) {
			char msg[NAME_MAX_LEN + 64];
			if (reg == NULL)
				snprintf(msg, sizeof(msg),
				    "is a public suffix, not a domain");
			else
				snprintf(msg, sizeof(msg),
				    "is not a registrable domain (did you mean "
				    "'%s'?)", reg);
			return cfg_error(err, errlen, cfg,
			    cfg->protect_domains.line[i],
			    cfg->protect_domains.col[i], "protect.domains",
			    cfg->protect_domains.v[i], msg);
		}
		if (strmap_add(m->exempt, name, (size_t)n, EXEMPT_DOMAIN) < 0)
			goto nomem;
	}
	for (size_t i = 0; i < cfg->allow.n; i++) {
		if ((n = normalised_entry(cfg, &cfg->allow, i, "allow", name,
		    err, errlen)) < 0)
			return -1;
		if (strmap_add(m->exempt, name, (size_t)n, EXEMPT_ALLOWED) < 0)
			goto nomem;
	}
	const struct strlist *lists[] = { &cfg->typo_flag_tlds,
	    &cfg->typo_append_tlds, &cfg->typo_swap_tlds };
	const char *names[] = { "typo.flag-tlds", "typo.append-tlds",
	    "typo.swap-tlds" };
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			if ((n = normalised_entry(cfg, lists[k], i, names[k],
			    name, err, errlen)) < 0)
				return -1;
			if (!typo_is_icann_suffix(m, name))
				return cfg_error(err, errlen, cfg,
				    lists[k]->line[i], lists[k]->col[i],
				    names[k], lists[k]->v[i],
				    "is not a suffix in the Public Suffix List");
		}
	for (size_t i = 0; i < cfg->typo_class_severity.n; i++) {
		int c;
		for (c = 0; c < CLS_COUNT; c++)
			if (strcmp(cfg->typo_class_severity.key[i],
			    typo_class_names[c]) == 0 || (typo_tld_class_names[c] != NULL &&
			    strcmp(cfg->typo_class_severity.key[i],
			    typo_tld_class_names[c]) == 0))
				break;
		if (c == CLS_COUNT)
			return cfg_error(err, errlen, cfg,
			    cfg->typo_class_severity.line[i],
			    cfg->typo_class_severity.col[i], "typo.severity",
			    cfg->typo_class_severity.key[i],
			    "is not a typo class");
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory building the typo model",
	    cfg->path);
	return -1;
}

int
typo_add_del_key(struct typo_model *m, struct strmap *map, const char *key,
    size_t len, uint32_t rule)
{
	uint32_t head;

	if (m->ndel == m->capdel) {
		size_t ncap = m->capdel == 0 ? 1024 : m->capdel * 2;
		struct del_entry *nd = realloc(m->del, ncap * sizeof(*nd));
		if (nd == NULL)
			return -1;
		m->del = nd;
		m->capdel = ncap;
	}
	struct del_entry *e = &m->del[m->ndel];
	e->rule = rule;
	e->next = NO_NEXT;
	if (strmap_get(map, key, len, &head)) {
		/* Another label shares this key: chain it in front. */
		for (uint32_t i = head; i != NO_NEXT; i = m->del[i].next)
			if (m->del[i].rule == rule)
				return 0;
		e->next = head;
		strmap_set(map, key, len, (uint32_t)m->ndel);
	} else if (strmap_add(map, key, len, (uint32_t)m->ndel) < 0) {
		return -1;
	}
	m->ndel++;
	return 0;
}

struct merge_ctx {
	struct strmap	*into;
	int		 err;
};

static void
merge_exempt(void *ctx, const char *key, size_t len, uint32_t kind)
{
	struct merge_ctx *mc = ctx;

	/* An exempt name is never a variant (the build skipped those). */
	if (strmap_add(mc->into, key, len, EXEMPT_BIT | kind) < 0)
		mc->err = -1;
}

struct typo_model *
typo_model_build(const struct ts_config *cfg, char *err, size_t errlen)
{
	struct typo_model *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->cfg = cfg;
	/* The system's list if it is newer than the one built into libpsl. */
	if ((m->psl = psl_latest(NULL)) == NULL) {
		snprintf(err, errlen, "cannot load the Public Suffix List");
		goto fail;
	}
	if ((m->fold = fold_ctx_new()) == NULL) {
		snprintf(err, errlen, "cannot open ICU's confusables data");
		goto fail;
	}
	m->exempt = strmap_new();
	m->variants = strmap_new();
	m->folds = strmap_new();
	m->dels = strmap_new();
	m->dels2 = strmap_new();
	m->suffixes = strmap_new();
	m->max_distance = cfg->typo_max_distance;
	m->long_label = cfg->typo_long_label;
	if (m->dels != NULL) {
		m->pw[0] = 1;
		for (size_t k = 1; k < sizeof(m->pw) / sizeof(m->pw[0]); k++)
			m->pw[k] = m->pw[k - 1] * strmap_base(m->dels);
	}
	if (m->exempt == NULL || m->variants == NULL || m->folds == NULL ||
	    m->dels == NULL || m->dels2 == NULL || m->suffixes == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	m->icann_memo = strmap_new();		/* NULL: no memo, slower */
	if (build_exempt(m, cfg, err, errlen) != 0 ||
	    typo_build_variants(m, cfg, err, errlen) != 0)
		goto fail;
	strmap_free(m->icann_memo);
	m->icann_memo = NULL;

	struct merge_ctx mc = { m->variants, 0 };
	strmap_each(m->exempt, merge_exempt, &mc);
	if (mc.err != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < cfg->typo_class_severity.n; i++)
		for (int c = 0; c < CLS_COUNT; c++)
			if (strcmp(cfg->typo_class_severity.key[i],
			    typo_class_names[c]) == 0 || (typo_tld_class_names[c] != NULL &&
			    strcmp(cfg->typo_class_severity.key[i],
			    typo_tld_class_names[c]) == 0))
				m->class_severity[c] =
				    cfg->typo_class_severity.value[i];
	m->cfg = NULL;		/* not needed once built */
	return m;
fail:
	typo_model_free(m);
	return NULL;
}

void
typo_model_free(struct typo_model *m)
{
	if (m == NULL)
		return;
	psl_free(m->psl);
	fold_ctx_free(m->fold);
	strmap_free(m->exempt);
	strmap_free(m->variants);
	strmap_free(m->folds);
	strmap_free(m->dels);
	strmap_free(m->dels2);
	strmap_free(m->suffixes);
	strmap_free(m->icann_memo);
	free(m->del);
	free(m->v);
	for (size_t i = 0; i < m->nrules; i++) {
		free(m->rules[i].name);
		free(m->rules[i].label);
		free(m->rules[i].suffix);
	}
	free(m->rules);
	free(m);
}

size_t
typo_model_variants(const struct typo_model *m)
{
	return strmap_count(m->variants) - strmap_count(m->exempt) +
	    strmap_count(m->dels) + strmap_count(m->dels2);
}

struct each_ctx {
	const struct typo_model	*m;
	void			(*fn)(void *, const struct typo_variant *);
	void			*ctx;
};

static void
each_one(void *ctx, const char *key, size_t len, uint32_t idx)
{
	struct each_ctx *e = ctx;

	if (idx & EXEMPT_BIT)
		return;
	const struct variant *v = &e->m->v[idx];
	struct typo_variant tv = { key, e->m->rules[v->rule].name,
	    typo_variant_class(v), v->target == TYPO_TARGET_TLD };

	(void)len;
	e->fn(e->ctx, &tv);
}

/* State while listing the label edits of one protected domain. */
struct label_ctx {
	const struct typo_model	*m;
	const struct rule	*r;
	void			(*fn)(void *, const struct typo_variant *);
	void			*ctx;
};

static int
label_one(void *ctx, const char *variant, size_t vlen, const struct edit *e)
{
	struct label_ctx *l = ctx;
	char key[NAME_MAX_LEN + 2];
	uint8_t kb;

	if (!name_label_ok(variant, vlen))
		return 0;
	int n = snprintf(key, sizeof(key), "%s.%s", variant, l->r->suffix);
	if (n <= 0 || (size_t)n >= sizeof(key) ||
	    typo_is_exempt(l->m, key, (size_t)n))
		return 0;
	int c = typo_classify(l->r->label, strlen(l->r->label), e, &kb);
	struct typo_variant tv = { key, l->r->name, typo_class_names[c], false };
	l->fn(l->ctx, &tv);
	return 0;
}

void
typo_model_each_variant(const struct typo_model *m,
    void (*fn)(void *ctx, const struct typo_variant *v), void *ctx)
{
	struct each_ctx e = { m, fn, ctx };

	strmap_each(m->variants, each_one, &e);
	/* Label edits are matched through deletions: list them here. */
	for (size_t i = 0; i < m->nrules; i++) {
		const struct rule *r = &m->rules[i];
		if (r->label == NULL)
			continue;
		struct label_ctx l = { m, r, fn, ctx };
		edits_single(r->label, strlen(r->label), LDH_ALPHABET,
		    label_one, &l);
	}
}

bool
typo_class_known(const char *name)
{
	for (int c = 0; c < CLS_COUNT; c++)
		if (strcmp(name, typo_class_names[c]) == 0 ||
		    (typo_tld_class_names[c] != NULL &&
		    strcmp(name, typo_tld_class_names[c]) == 0))
			return true;
	return false;
}
