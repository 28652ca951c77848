/*
 * typo_model.h — the typo model's own structures, shared by its parts (not
 * an API: rules/typo.h is):
 *
 *   typo.c          the tables: the model built from the configuration
 *                   (exempt names, rules, the variant and deletion maps),
 *                   the class of an edit, the list of variants;
 *   typo_gen.c      variant generation: the edits of each protected name;
 *   typo_match.c    matching a name: one lookup per suffix;
 *   typo_explain.c  what a match says: class, rule, explanation.
 */
#ifndef TS_TYPO_MODEL_H
#define TS_TYPO_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpsl.h>

#include "edits.h"
#include "fold.h"
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
	CLS_DOT_TRANSPOSITION,	/* the dot and a neighbour swapped */
	CLS_DOT_SUBSTITUTION,	/* a dot for a character, or the reverse */
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

/* Their names ("transposition"), and applied to the suffix ("tld-omission"). */
extern const char *const typo_class_names[CLS_COUNT];
extern const char *const typo_tld_class_names[CLS_COUNT];


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
	struct strmap	*icann_memo;	/* while building: typo_is_icann_suffix() */
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

/*
 * Offsets where the label-boundary suffixes of name start, rightmost
 * first: "a.b.c" gives 4 ("c"), 2 ("b.c"), 0 ("a.b.c").  At most max.
 */
static inline size_t
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

/* typo.c */
unsigned typo_count_labels(const char *s, size_t len);
bool typo_is_exempt(const struct typo_model *m, const char *name, size_t len);
bool typo_is_icann_suffix(const struct typo_model *m, const char *s);
bool typo_under_icann_suffix(const struct typo_model *m, const char *name,
    size_t len);
bool typo_in_list(const struct strlist *l, const char *name);
/* Names the class of a single-character edit of s. */
enum typo_class typo_classify(const char *s, size_t len, const struct edit *e,
    uint8_t *kb);
int typo_add_variant(struct typo_model *m, const char *key, size_t len,
    const struct variant *v);
/* Adds a protected name; returns its index in m->rules, or -1. */
int typo_add_rule(struct typo_model *m, const char *name, uint8_t target,
    bool implicit);
/* Chains rule under a deletion key of map (m->dels or m->dels2). */
int typo_add_del_key(struct typo_model *m, struct strmap *map,
    const char *key, size_t len, uint32_t rule);

/* typo_gen.c: every variant of every protected name. */
int typo_build_variants(struct typo_model *m, const struct ts_config *cfg,
    char *err, size_t errlen);

/* typo_explain.c: out's rule, protected name, class and explanation. */
const char *typo_variant_class(const struct variant *v);
void typo_explain_variant(const struct typo_model *m, const struct variant *v,
    const char *obs, size_t at, struct typo_match *out);
void typo_explain_label_edit(const struct typo_model *m, uint32_t rule,
    const char *obs, size_t at, const struct edit *e, int cls, uint8_t kb,
    struct typo_match *out);
void typo_explain_lookalike(const struct typo_model *m, uint32_t rule,
    const char *obs, size_t at, const char *label, bool uni,
    struct typo_match *out);
void typo_explain_distance2(const struct typo_model *m, uint32_t rule,
    const char *obs, size_t at, struct typo_match *out);
void typo_explain_tld(const struct typo_model *m, const struct variant *v,
    const char *obs, size_t at, struct typo_match *out);

#endif
