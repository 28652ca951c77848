/*
 * typo.h — the typo model: is this name a near-miss of a protected name?
 *
 * Built once from the configuration, then only read (workers may share it).
 * At build time every variant that a slip or a squatter's trick makes of a
 * protected name is enumerated into a hash table, each with the class that
 * made it: single-character edits of the registrable label (ranked by
 * keyboard adjacency; vowel swaps, bit flips and hyphens named apart; kept
 * as a deletion neighbourhood), edits of the public suffix kept when the
 * result exists in the Public Suffix List, the edits of the whole name
 * that move, add, drop or replace a dot (kept when the result is a name
 * under an ICANN suffix), appended and swapped TLDs.  Lookalikes
 * are not enumerated: each protected label's folded form (fold.h: ASCII
 * lookalikes, Unicode confusables by their UTS #39 skeleton) goes into a
 * second table.  Matching a name looks up its label-boundary suffixes in
 * both, so it costs O(length of the name), whatever the number of
 * protected names.  A hash of precomputed variants was chosen over a
 * deletion neighbourhood or a trie because each entry carries its exact
 * explanation, and a lookup is one hash per suffix.
 */
#ifndef TS_TYPO_H
#define TS_TYPO_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "name.h"

struct typo_model;

enum typo_result {
	TYPO_NONE,	/* not near any protected name */
	TYPO_MATCH,	/* a typo: see struct typo_match */
	TYPO_EXEMPT,	/* protected, allowed, or under one of those */
	TYPO_INVALID,	/* not a name we can compare (see name_normalise) */
};

/* What a protected name was imitated by. */
enum typo_target {
	TYPO_TARGET_TLD,	/* a protected TLD: army.ml ~ army.mil */
	TYPO_TARGET_DOMAIN,	/* a protected domain: gmial.com ~ gmail.com */
};

struct typo_match {
	enum typo_target target;
	char		observed[NAME_MAX_LEN + 1];	/* the name, normalised */
	char		protected_name[NAME_MAX_LEN + 64];	/* what it imitates */
	char		rule[NAME_MAX_LEN + 1];	/* the protected TLD or domain */
	const char	*class;			/* "transposition", "tld-omission", ... */
	unsigned	distance;		/* edits between the two */
	int		severity;		/* 1..4 from the policy, 0: default */
	char		explanation[1536];
};

/* One variant, as typo_model_each_variant() reports it. */
struct typo_variant {
	const char	*name;		/* the typo name (or typo suffix) */
	const char	*rule;		/* the protected name it imitates */
	const char	*class;
	bool		 whole_suffix;	/* every name under it is flagged */
};

/*
 * Builds the model from cfg.  Returns NULL with a message in err (naming
 * the configuration file, line and column of the entry at fault).
 */
struct typo_model *typo_model_build(const struct ts_config *cfg, char *err,
    size_t errlen);
void typo_model_free(struct typo_model *m);

/* Entries in the variant table (for the start-up log and tests). */
size_t typo_model_variants(const struct typo_model *m);

/* Calls fn for each enumerated variant (lookalikes are not enumerated). */
void typo_model_each_variant(const struct typo_model *m,
    void (*fn)(void *ctx, const struct typo_variant *v), void *ctx);

/* Matches one name (text form, any case, optional final dot). */
enum typo_result typo_match(const struct typo_model *m, const char *name,
    size_t len, struct typo_match *out);

/*
 * Whether name is a typo class as alerts name it and typo.severity takes
 * it ("transposition", "tld-omission", "homoglyph", ...).
 */
bool typo_class_known(const char *name);

#endif
