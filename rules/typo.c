/*
 * typo.c — build the variant table and match names against it.
 *
 * Variants are keyed by the text they would have as a name suffix:
 *   - a typo of a protected TLD is keyed by the typo suffix ("ml" for
 *     "mil"); a name matches it when the name's public suffix, according
 *     to the Public Suffix List, is exactly that key (so "nana10.co.il",
 *     whose suffix is "co.il", is not a typo of "mil" by way of "il");
 *   - a typo of a protected domain is keyed by the whole typo domain
 *     ("gmial.com", "gmail.cm"); a name matches it when it is that domain
 *     or a subdomain of it.
 * Names that are protected, allowed, under a protected TLD, or under one of
 * those are exempt: no registrant but the owner can hold them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>
#include <libpsl.h>

#include "edits.h"
#include "strmap.h"
#include "typo.h"

#define LDH_ALPHABET	"abcdefghijklmnopqrstuvwxyz0123456789-"
#define TLD_ALPHABET	"abcdefghijklmnopqrstuvwxyz0123456789"

enum exempt_kind { EXEMPT_TLD, EXEMPT_DOMAIN, EXEMPT_ALLOWED };
enum variant_part { PART_LABEL, PART_SUFFIX };

struct variant {
	uint8_t		target;		/* enum typo_target */
	uint8_t		part;		/* enum variant_part */
	struct edit	edit;
	uint32_t	rule;		/* index into rules[] */
};

struct typo_model {
	psl_ctx_t	*psl;
	struct strmap	*exempt;	/* name → enum exempt_kind */
	struct strmap	*variants;	/* typo suffix → index into v[] */
	struct variant	*v;
	size_t		 nv, capv;
	char		**rules;	/* protected TLDs and domains, normalised */
	size_t		 nrules;
	unsigned	 max_labels;	/* most labels in any key */
};

/* State while generating the variants of one protected name. */
struct gen {
	struct typo_model *m;
	uint32_t	 rule;
	uint8_t		 target;
	uint8_t		 part;
	const char	*label;		/* PART_SUFFIX: the label kept */
	const char	*suffix;	/* PART_LABEL: the suffix kept */
	size_t		 skipped;
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
	return psl_is_public_suffix2(m->psl, s,
	    PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
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
		 * One string, two protected names (mx.com is gmx.com without
		 * its g, and me.com with x for e): the likelier slip names
		 * it, in the order of enum edit_class.
		 */
		uint32_t old;
		if (strmap_get(m->variants, key, len, &old) &&
		    m->v[old].target == v->target &&
		    v->edit.cls < m->v[old].edit.cls)
			m->v[old] = *v;
		return 0;
	}
	{
		m->v[m->nv++] = *v;
		unsigned labels = count_labels(key, len);
		if (labels > m->max_labels)
			m->max_labels = labels;
	}
	return 0;
}

/* edits_single() callback: keep the variants that can exist. */
static int
gen_one(void *ctx, const char *variant, size_t vlen, const struct edit *e)
{
	struct gen *g = ctx;
	struct typo_model *m = g->m;
	char key[NAME_MAX_LEN + 2];
	struct variant v = { g->target, g->part, *e, g->rule };

	if (g->target == TYPO_TARGET_TLD) {
		/* A typo of a TLD counts only if that suffix exists. */
		if (!name_ok(variant, vlen) || !is_icann_suffix(m, variant) ||
		    is_exempt(m, variant, vlen))
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
	if (n < 0 || (size_t)n >= sizeof(key) || (size_t)n > NAME_MAX_LEN)
		return 0;
	/*
	 * Never a name that is exempt, nor one that is itself a public
	 * suffix: flagging it would flag every domain registered under it.
	 */
	if (is_exempt(m, key, (size_t)n) ||
	    psl_is_public_suffix2(m->psl, key,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE)) {
		g->skipped++;
		return 0;
	}
	return add_variant(m, key, (size_t)n, &v) == 0 ? 0 : (g->err = -1);
}

static int
add_rule(struct typo_model *m, const char *name)
{
	char **nr = realloc(m->rules, (m->nrules + 1) * sizeof(*nr));

	if (nr == NULL)
		return -1;
	m->rules = nr;
	if ((m->rules[m->nrules] = strdup(name)) == NULL)
		return -1;
	return (int)m->nrules++;
}

static int
cfg_error(char *err, size_t errlen, const struct ts_config *cfg,
    const struct strlist *l, size_t i, const char *what, const char *fmt)
{
	int o = snprintf(err, errlen, "%s:%u:%u: %s: '%s' ", cfg->path,
	    l->line[i], l->col[i], what, l->v[i]);
	if (o > 0 && (size_t)o < errlen)
		snprintf(err + o, errlen - (size_t)o, "%s", fmt);
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
		return cfg_error(err, errlen, cfg, l, i, what,
		    "is not a valid domain name");
	return n;
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
			return cfg_error(err, errlen, cfg, &cfg->protect_tlds, i,
			    "protect.tlds",
			    "is not a suffix in the Public Suffix List");
		if (strmap_add(m->exempt, name, (size_t)n, EXEMPT_TLD) < 0)
			goto nomem;
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
			return cfg_error(err, errlen, cfg, &cfg->protect_domains,
			    i, "protect.domains", msg);
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
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory building the typo model",
	    cfg->path);
	return -1;
}

static int
build_variants(struct typo_model *m, const struct ts_config *cfg, char *err,
    size_t errlen)
{
	char name[NAME_MAX_LEN + 1];
	struct gen g;
	int n, r;

	/* Protected domains first: their variants are the more specific. */
	for (size_t i = 0; i < cfg->protect_domains.n; i++) {
		n = name_normalise(cfg->protect_domains.v[i],
		    strlen(cfg->protect_domains.v[i]), name, sizeof(name));
		char *dot = memchr(name, '.', (size_t)n);	/* checked above */
		*dot = '\0';
		const char *label = name, *suffix = dot + 1;

		*dot = '.';
		if ((r = add_rule(m, name)) < 0)
			goto nomem;
		*dot = '\0';
		g = (struct gen){ m, (uint32_t)r, TYPO_TARGET_DOMAIN, PART_LABEL,
		    label, suffix, 0, 0 };
		edits_single(label, strlen(label), LDH_ALPHABET, gen_one, &g);
		g.part = PART_SUFFIX;
		edits_single(suffix, strlen(suffix), TLD_ALPHABET, gen_one, &g);
		*dot = '.';
		if (g.err)
			goto nomem;
	}
	for (size_t i = 0; i < cfg->protect_tlds.n; i++) {
		n = name_normalise(cfg->protect_tlds.v[i],
		    strlen(cfg->protect_tlds.v[i]), name, sizeof(name));
		if ((r = add_rule(m, name)) < 0)
			goto nomem;
		g = (struct gen){ m, (uint32_t)r, TYPO_TARGET_TLD, PART_SUFFIX,
		    NULL, NULL, 0, 0 };
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

struct typo_model *
typo_model_build(const struct ts_config *cfg, char *err, size_t errlen)
{
	struct typo_model *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* The system's list if it is newer than the one built into libpsl. */
	if ((m->psl = psl_latest(NULL)) == NULL) {
		snprintf(err, errlen, "cannot load the Public Suffix List");
		goto fail;
	}
	m->exempt = strmap_new();
	m->variants = strmap_new();
	if (m->exempt == NULL || m->variants == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (build_exempt(m, cfg, err, errlen) != 0 ||
	    build_variants(m, cfg, err, errlen) != 0)
		goto fail;
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
	strmap_free(m->exempt);
	strmap_free(m->variants);
	free(m->v);
	for (size_t i = 0; i < m->nrules; i++)
		free(m->rules[i]);
	free(m->rules);
	free(m);
}

size_t
typo_model_variants(const struct typo_model *m)
{
	return m->nv;
}

static void
explain(const struct typo_model *m, const struct variant *v,
    const char *key, struct typo_match *out)
{
	const char *rule = m->rules[v->rule];
	char what[96];
	static const char *const tld_class[] = {
		[EDIT_REPETITION] = "tld-repetition",
		[EDIT_OMISSION] = "tld-omission",
		[EDIT_TRANSPOSITION] = "tld-transposition",
		[EDIT_SUBSTITUTION] = "tld-substitution",
		[EDIT_INSERTION] = "tld-insertion",
	};

	edit_describe(&v->edit, what, sizeof(what));
	out->distance = 1;
	if (v->part == PART_SUFFIX) {
		const char *orig_suffix = rule, *typo_suffix = key;
		if (v->target == TYPO_TARGET_DOMAIN) {
			orig_suffix = strchr(rule, '.') + 1;
			typo_suffix = strchr(key, '.') + 1;
		}
		out->class = tld_class[v->edit.cls];
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: TLD '%s' typed as '%s', %s",
		    out->observed, out->protected_name, orig_suffix,
		    typo_suffix, what);
	} else {
		size_t ll = (size_t)(strchr(rule, '.') - rule);
		out->class = edit_class_name((enum edit_class)v->edit.cls);
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: label '%.*s' typed as '%.*s', %s",
		    out->observed, out->protected_name, (int)ll, rule,
		    (int)(strchr(key, '.') - key), key, what);
	}
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

	nstarts = suffix_starts(obs, olen, starts, NAME_MAX_LABELS + 1);
	for (size_t i = 0; i < nstarts; i++)
		if (strmap_get(m->exempt, obs + starts[i], olen - starts[i], &idx))
			return TYPO_EXEMPT;

	/* Longest suffix first: a domain typo is more specific than a TLD's. */
	const struct variant *tld_hit = NULL;
	size_t tld_at = 0;
	size_t lim = nstarts < m->max_labels ? nstarts : m->max_labels;
	for (size_t i = lim; i-- > 0; ) {
		const char *key = obs + starts[i];
		if (!strmap_get(m->variants, key, olen - starts[i], &idx))
			continue;
		const struct variant *v = &m->v[idx];
		if (v->target == TYPO_TARGET_TLD) {
			if (tld_hit == NULL) {
				tld_hit = v;
				tld_at = starts[i];
			}
			continue;
		}
		/* A domain typo: the prefix before it is kept as it is. */
		out->target = TYPO_TARGET_DOMAIN;
		snprintf(out->rule, sizeof(out->rule), "%s", m->rules[v->rule]);
		snprintf(out->protected_name, sizeof(out->protected_name),
		    "%.*s%s", (int)starts[i], obs, m->rules[v->rule]);
		explain(m, v, key, out);
		return TYPO_MATCH;
	}
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
	snprintf(out->rule, sizeof(out->rule), "%s", m->rules[tld_hit->rule]);
	snprintf(out->protected_name, sizeof(out->protected_name), "%.*s%s",
	    (int)tld_at, obs, m->rules[tld_hit->rule]);
	explain(m, tld_hit, obs + tld_at, out);
	return TYPO_MATCH;
}
