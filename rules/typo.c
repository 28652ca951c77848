/*
 * typo.c — build the variant tables and match names against them.
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
 *   - lookalikes are keyed by the folded label and the suffix
 *     ("gmall.com" for gmail.com; see fold.h).
 * Names that are protected, allowed, under a protected TLD, or under one of
 * those are exempt: no registrant but the owner can hold them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>
#include <libpsl.h>

#include "edits.h"
#include "fold.h"
#include "keyboard.h"
#include "strmap.h"
#include "typo.h"

#define LDH_ALPHABET	"abcdefghijklmnopqrstuvwxyz0123456789-"
#define TLD_ALPHABET	"abcdefghijklmnopqrstuvwxyz0123456789"

enum exempt_kind { EXEMPT_TLD, EXEMPT_DOMAIN, EXEMPT_ALLOWED };

/*
 * Once built, the exempt names are also put in the variant table, marked
 * by this bit, so one lookup per suffix answers both questions.
 */
#define EXEMPT_BIT	0x80000000u

/* The typo classes, in order of likelihood (a lower value names a tie). */
enum typo_class {
	CLS_REPETITION,
	CLS_OMISSION,
	CLS_TRANSPOSITION,
	CLS_SUBSTITUTION_ADJ,	/* a neighbouring key */
	CLS_INSERTION_ADJ,
	CLS_VOWEL_SWAP,
	CLS_HYPHENATION,
	CLS_DOT_INSERTION,
	CLS_DOT_OMISSION,
	CLS_APPENDED_TLD,
	CLS_BITSQUATTING,
	CLS_SUBSTITUTION,
	CLS_INSERTION,
	CLS_TLD_SWAP,
	CLS_LOOKALIKE,		/* ASCII lookalikes (fold) */
	CLS_HOMOGLYPH,		/* Unicode confusables (skeleton) */
	CLS_DISTANCE2,		/* two edits of a long label */
	CLS_COUNT,
};

static const char *const class_names[CLS_COUNT] = {
	[CLS_REPETITION] = "repetition",
	[CLS_OMISSION] = "omission",
	[CLS_TRANSPOSITION] = "transposition",
	[CLS_SUBSTITUTION_ADJ] = "substitution",
	[CLS_INSERTION_ADJ] = "insertion",
	[CLS_VOWEL_SWAP] = "vowel-swap",
	[CLS_HYPHENATION] = "hyphenation",
	[CLS_DOT_INSERTION] = "dot-insertion",
	[CLS_DOT_OMISSION] = "dot-omission",
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
static const char *const tld_class_names[CLS_COUNT] = {
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

enum variant_part { PART_LABEL, PART_SUFFIX, PART_WHOLE };

struct variant {
	uint32_t	rule;		/* index into rules[] */
	uint8_t		cls;		/* enum typo_class */
	uint8_t		part;		/* enum variant_part */
	uint8_t		kb;		/* enum keyboard_layout, if adjacent */
	uint8_t		target;		/* enum typo_target */
	struct edit	edit;
	uint16_t	aux;		/* dot position, appended TLD index */
	bool		exact;		/* a public suffix: this name only */
};

struct rule {
	char		*name;		/* "mil", "gmail.com", "army.mil" */
	char		*label;		/* domains: the registrable label */
	char		*suffix;	/* domains: the public suffix */
	uint8_t		 target;	/* enum typo_target */
	bool		 implicit;	/* a known label of a protected TLD */
	int		 severity;	/* 0: not set */
};

/* One protected label reachable from a deletion key. */
struct del_entry {
	uint32_t	rule;
	uint32_t	next;		/* next entry with the same key, or NO_NEXT */
};

#define NO_NEXT	UINT32_MAX

struct typo_model {
	psl_ctx_t	*psl;
	struct fold_ctx	*fold;
	struct strmap	*exempt;	/* name → enum exempt_kind */
	struct strmap	*variants;	/* typo suffix → index into v[] */
	struct strmap	*folds;		/* folded label "." suffix → rule */
	struct strmap	*dels;		/* label minus ≤1 char "." suffix → del[] */
	struct strmap	*dels2;		/* long labels minus 2 chars → del[] */
	unsigned	 max_distance;
	unsigned	 long_label;
	uint64_t	 pw[NAME_MAX_LEN + 2];	/* powers of the dels hash base */
	struct strmap	*suffixes;	/* suffixes of protected domains */
	struct strmap	*icann_memo;	/* while building: is_icann_suffix() */
	struct del_entry *del;
	size_t		 ndel, capdel;
	struct variant	*v;
	size_t		 nv, capv;
	struct rule	*rules;
	size_t		 nrules;
	unsigned	 max_labels;	/* most labels in a variant key */
	unsigned	 max_fold_labels;
	int		 class_severity[CLS_COUNT];
	const struct ts_config *cfg;
};

/* State while generating the variants of one protected name. */
struct gen {
	struct typo_model *m;
	uint32_t	 rule;
	uint8_t		 target;
	uint8_t		 part;
	const char	*label;
	const char	*suffix;
	int		 err;
};

static unsigned
count_labels(const char *s, size_t len)
{
	unsigned n = 1;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '.';
	return n;
}

/*
 * Offsets where the label-boundary suffixes of name start, rightmost
 * first: "a.b.c" gives 4 ("c"), 2 ("b.c"), 0 ("a.b.c").  At most max.
 */
static size_t
suffix_starts(const char *name, size_t len, size_t *starts, size_t max)
{
	size_t n = 0;

	for (size_t i = len; i > 0 && n < max; i--)
		if (name[i - 1] == '.')
			starts[n++] = i;
	if (n < max)
		starts[n++] = 0;
	return n;
}

static bool
is_exempt(const struct typo_model *m, const char *name, size_t len)
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

static bool
is_icann_suffix(const struct typo_model *m, const char *s)
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
static enum typo_class
classify(const char *s, size_t len, const struct edit *e, uint8_t *kb)
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

static int
add_variant(struct typo_model *m, const char *key, size_t len,
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
	unsigned labels = count_labels(key, len);
	if (labels > m->max_labels)
		m->max_labels = labels;
	return 0;
}

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
	if (is_exempt(m, key, n))
		return 0;
	struct variant vv = *v;
	vv.exact = psl_is_public_suffix2(m->psl, key,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
	if (add_variant(m, key, n, &vv) != 0)
		g->err = -1;
	return g->err;
}

static bool in_list(const struct strlist *l, const char *name);

/* edits_single() callback: keep the variants that can exist. */
static int
gen_one(void *ctx, const char *variant, size_t vlen, const struct edit *e)
{
	struct gen *g = ctx;
	struct typo_model *m = g->m;
	char key[NAME_MAX_LEN + 2];
	struct variant v = { g->rule, 0, g->part, 0, g->target, *e, 0, false };
	const char *orig = g->part == PART_LABEL ? g->label : g->suffix;

	v.cls = (uint8_t)classify(orig, strlen(orig), e, &v.kb);
	if (g->target == TYPO_TARGET_TLD) {
		/*
		 * A typo of a TLD counts only if that suffix exists, and is
		 * flagged under any name only if typo.flag-tlds says so.
		 */
		if (!name_ok(variant, vlen) || !is_icann_suffix(m, variant) ||
		    is_exempt(m, variant, vlen) ||
		    !in_list(&m->cfg->typo_flag_tlds, variant))
			return 0;
		return add_variant(m, variant, vlen, &v) == 0 ? 0 : (g->err = -1);
	}

	int n;
	if (g->part == PART_LABEL) {
		if (!name_label_ok(variant, vlen))
			return 0;
		n = snprintf(key, sizeof(key), "%s.%s", variant, g->suffix);
	} else {
		if (!name_ok(variant, vlen) || !is_icann_suffix(m, variant))
			return 0;
		n = snprintf(key, sizeof(key), "%s.%s", g->label, variant);
	}
	if (n < 0 || (size_t)n >= sizeof(key))
		return 0;
	return add_domain_key(g, key, (size_t)n, &v);
}

static int
add_rule(struct typo_model *m, const char *name, uint8_t target,
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

static bool
in_list(const struct strlist *l, const char *name)
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
		if (!is_icann_suffix(m, name))
			return cfg_error(err, errlen, cfg,
			    cfg->protect_tlds.line[i], cfg->protect_tlds.col[i],
			    "protect.tlds", cfg->protect_tlds.v[i],
			    "is not a suffix in the Public Suffix List");
		if (strmap_add(m->exempt, name, (size_t)n, EXEMPT_TLD) < 0)
			goto nomem;
	}
	for (size_t i = 0; i < cfg->protect_labels.n; i++) {
		if (!in_list(&cfg->protect_tlds, cfg->protect_labels.key[i]))
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
			if (!is_icann_suffix(m, name))
				return cfg_error(err, errlen, cfg,
				    lists[k]->line[i], lists[k]->col[i],
				    names[k], lists[k]->v[i],
				    "is not a suffix in the Public Suffix List");
		}
	for (size_t i = 0; i < cfg->typo_class_severity.n; i++) {
		int c;
		for (c = 0; c < CLS_COUNT; c++)
			if (strcmp(cfg->typo_class_severity.key[i],
			    class_names[c]) == 0 || (tld_class_names[c] != NULL &&
			    strcmp(cfg->typo_class_severity.key[i],
			    tld_class_names[c]) == 0))
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

/* Dot insertion, dot omission, appended and swapped TLDs of label.suffix. */
static int
gen_structural(struct gen *g, bool swap)
{
	const struct ts_config *cfg = g->m->cfg;
	const char *label = g->label, *suffix = g->suffix;
	size_t ll = strlen(label);
	char key[NAME_MAX_LEN + 2], joined[NAME_MAX_LEN + 2];
	struct variant v = { g->rule, 0, PART_WHOLE, 0, g->target, { 0 }, 0,
	    false };
	int n;

	/* g.mail.com: a dot typed inside the label (not beside a hyphen). */
	v.cls = CLS_DOT_INSERTION;
	for (size_t i = 1; i < ll; i++) {
		if (label[i - 1] == '-' || label[i] == '-')
			continue;
		v.aux = (uint16_t)i;
		n = snprintf(key, sizeof(key), "%.*s.%s.%s", (int)i, label,
		    label + i, suffix);
		if (n > 0 && (size_t)n < sizeof(key) &&
		    add_domain_key(g, key, (size_t)n, &v) != 0)
			return -1;
	}

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

static int
add_del_key(struct typo_model *m, struct strmap *map, const char *key,
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
	if (add_del_key(m, m->dels, key, ll + 1 + sl, rule) != 0)
		return -1;
	for (size_t i = 0; i < ll; i++) {
		if (i > 0 && r->label[i] == r->label[i - 1])
			continue;	/* the same deletion again */
		memcpy(key, r->label, i);
		memcpy(key + i, r->label + i + 1, ll - i - 1);
		key[ll - 1] = '.';
		memcpy(key + ll, r->suffix, sl);
		if (add_del_key(m, m->dels, key, ll + sl, rule) != 0)
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
				if (add_del_key(m, m->dels2, key, o + sl,
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
		unsigned labels = count_labels(key, (size_t)n);
		if (labels > m->max_fold_labels)
			m->max_fold_labels = labels;
	}
	return 0;
}

static int
build_variants(struct typo_model *m, const struct ts_config *cfg, char *err,
    size_t errlen)
{
	char name[NAME_MAX_LEN + 1];
	struct gen g;
	int r;

	/* Protected domains first: their variants are the more specific. */
	for (size_t i = 0; i < cfg->protect_domains.n; i++) {
		name_normalise(cfg->protect_domains.v[i],
		    strlen(cfg->protect_domains.v[i]), name, sizeof(name));
		if ((r = add_rule(m, name, TYPO_TARGET_DOMAIN, false)) < 0 ||
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
			if ((r = add_rule(m, name, TYPO_TARGET_DOMAIN, true)) < 0 ||
			    gen_domain(m, (uint32_t)r) != 0)
				goto nomem;
		}
	}
	/* Typo TLDs flagged whole: everything under ml imitates mil. */
	for (size_t i = 0; i < cfg->protect_tlds.n; i++) {
		int n = name_normalise(cfg->protect_tlds.v[i],
		    strlen(cfg->protect_tlds.v[i]), name, sizeof(name));
		if ((r = add_rule(m, name, TYPO_TARGET_TLD, false)) < 0)
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
	    build_variants(m, cfg, err, errlen) != 0)
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
			    class_names[c]) == 0 || (tld_class_names[c] != NULL &&
			    strcmp(cfg->typo_class_severity.key[i],
			    tld_class_names[c]) == 0))
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

static const char *
variant_class(const struct variant *v)
{
	if (v->part == PART_SUFFIX && tld_class_names[v->cls] != NULL)
		return tld_class_names[v->cls];
	return class_names[v->cls];
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
	    variant_class(v), v->target == TYPO_TARGET_TLD };

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
	    is_exempt(l->m, key, (size_t)n))
		return 0;
	int c = classify(l->r->label, strlen(l->r->label), e, &kb);
	struct typo_variant tv = { key, l->r->name, class_names[c], false };
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

static void
explain(const struct typo_model *m, const struct variant *v,
    const char *key, struct typo_match *out)
{
	const struct rule *r = &m->rules[v->rule];
	char what[128];
	const char *adj = v->kb != KB_NONE ? keyboard_name(v->kb) : NULL;
	size_t o;

	edit_describe(&v->edit, what, sizeof(what));
	if (adj != NULL) {
		o = strlen(what);
		snprintf(what + o, sizeof(what) - o, ", a neighbouring key on %s",
		    adj);
	}
	out->distance = 1;
	out->class = variant_class(v);
	switch (v->part) {
	case PART_SUFFIX: {
		const char *orig = r->target == TYPO_TARGET_TLD ? r->name :
		    r->suffix;
		const char *typo = key;
		if (v->target == TYPO_TARGET_DOMAIN)
			typo = strchr(key, '.') + 1;
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: TLD '%s' typed as '%s', %s",
		    out->observed, out->protected_name, orig, typo, what);
		break;
	}
	case PART_LABEL:
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: label '%s' typed as '%.*s', %s",
		    out->observed, out->protected_name, r->label,
		    (int)(strchr(key, '.') - key), key, what);
		break;
	default:
		switch (v->cls) {
		case CLS_DOT_INSERTION:
			snprintf(what, sizeof(what), "a dot typed inside "
			    "'%s'", r->label);
			break;
		case CLS_DOT_OMISSION:
			snprintf(what, sizeof(what), "a dot of '%s' left out",
			    r->name);
			break;
		case CLS_APPENDED_TLD:
			snprintf(what, sizeof(what), "a TLD typed after '%s'",
			    r->name);
			break;
		default:
			snprintf(what, sizeof(what), "TLD '%s' swapped",
			    r->suffix);
		}
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: %s", out->observed, out->protected_name,
		    what);
	}
	out->severity = r->severity != 0 ? r->severity :
	    m->class_severity[v->cls];
}

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
				int c = classify(r->label, strlen(r->label), &e,
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

	const struct rule *r = &m->rules[best_rule];
	const char *typo = obs + best_at;
	size_t tl = strcspn(typo, ".");
	/* A typo that is itself a public suffix stands for itself only. */
	if (best_at != 0 && psl_is_public_suffix2(m->psl, typo,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE))
		return false;
	struct variant v = { best_rule, (uint8_t)best_cls, PART_LABEL, best_kb,
	    TYPO_TARGET_DOMAIN, best, 0, false };
	out->target = r->implicit ? TYPO_TARGET_TLD : TYPO_TARGET_DOMAIN;
	snprintf(out->rule, sizeof(out->rule), "%s",
	    r->implicit ? r->suffix : r->name);
	snprintf(out->protected_name, sizeof(out->protected_name), "%.*s%s",
	    (int)best_at, obs, r->name);
	char what[128];
	edit_describe(&v.edit, what, sizeof(what));
	if (best_kb != KB_NONE) {
		size_t o = strlen(what);
		snprintf(what + o, sizeof(what) - o,
		    ", a neighbouring key on %s", keyboard_name(best_kb));
	}
	out->class = class_names[best_cls];
	out->distance = 1;
	out->severity = r->severity != 0 ? r->severity :
	    m->class_severity[best_cls];
	snprintf(out->explanation, sizeof(out->explanation),
	    "%s imitates %s: label '%s' typed as '%.*s', %s", out->observed,
	    out->protected_name, r->label, (int)tl, typo, what);
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
	const struct rule *r = &m->rules[best];
	const char *typo = obs + at;
	out->target = r->implicit ? TYPO_TARGET_TLD : TYPO_TARGET_DOMAIN;
	snprintf(out->rule, sizeof(out->rule), "%s",
	    r->implicit ? r->suffix : r->name);
	snprintf(out->protected_name, sizeof(out->protected_name), "%.*s%s",
	    (int)at, obs, r->name);
	out->class = class_names[CLS_DISTANCE2];
	out->distance = 2;
	out->severity = r->severity != 0 ? r->severity :
	    m->class_severity[CLS_DISTANCE2];
	snprintf(out->explanation, sizeof(out->explanation),
	    "%s imitates %s: label '%s' typed as '%.*s', two edits",
	    out->observed, out->protected_name, r->label,
	    (int)strcspn(typo, "."), typo);
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
		out->target = r->implicit ? TYPO_TARGET_TLD : TYPO_TARGET_DOMAIN;
		snprintf(out->rule, sizeof(out->rule), "%s",
		    r->implicit ? r->suffix : r->name);
		snprintf(out->protected_name, sizeof(out->protected_name),
		    "%.*s%s", (int)at, obs, r->name);
		int c = uni ? CLS_HOMOGLYPH : CLS_LOOKALIKE;
		out->class = class_names[c];
		out->distance = 1;
		out->severity = r->severity != 0 ? r->severity :
		    m->class_severity[c];
		if (uni)
			snprintf(out->explanation, sizeof(out->explanation),
			    "%s imitates %s: '%.253s' looks like '%s' (Unicode "
			    "confusables)", out->observed, out->protected_name,
			    label, r->label);
		else
			snprintf(out->explanation, sizeof(out->explanation),
			    "%s imitates %s: '%.253s' looks like '%s'",
			    out->observed, out->protected_name, label,
			    r->label);
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
		/*
		 * A domain typo: the prefix before it is kept as it is.  A
		 * known label of a protected TLD (army.ml for army.mil) is
		 * reported as a typo of that TLD.
		 */
		const struct rule *r = &m->rules[hit->rule];
		out->target = r->implicit ? TYPO_TARGET_TLD : TYPO_TARGET_DOMAIN;
		snprintf(out->rule, sizeof(out->rule), "%s",
		    r->implicit ? r->suffix : r->name);
		snprintf(out->protected_name, sizeof(out->protected_name),
		    "%.*s%s", (int)hit_at, obs, r->name);
		explain(m, hit, obs + hit_at, out);
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
	out->target = TYPO_TARGET_TLD;
	snprintf(out->rule, sizeof(out->rule), "%s", m->rules[tld_hit->rule].name);
	snprintf(out->protected_name, sizeof(out->protected_name), "%.*s%s",
	    (int)tld_at, obs, m->rules[tld_hit->rule].name);
	explain(m, tld_hit, obs + tld_at, out);
	return TYPO_MATCH;
}

bool
typo_class_known(const char *name)
{
	for (int c = 0; c < CLS_COUNT; c++)
		if (strcmp(name, class_names[c]) == 0 ||
		    (tld_class_names[c] != NULL &&
		    strcmp(name, tld_class_names[c]) == 0))
			return true;
	return false;
}
