/*
 * typo.h — the typo model: is this name a near-miss of a protected name?
 *
 * Built once from the configuration, then only read (workers may share it).
 * At build time every single-character edit of each protected TLD (kept
 * when the result is a suffix in the Public Suffix List) and of each
 * protected domain (its registrable label, and its public suffix) is put in
 * a hash table.  Matching a name looks up its label-boundary suffixes, so it
 * costs O(length of the name), whatever the number of protected names.
 */
#ifndef TS_TYPO_H
#define TS_TYPO_H

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
	char		explanation[1536];
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

/* Matches one name (text form, any case, optional final dot). */
enum typo_result typo_match(const struct typo_model *m, const char *name,
    size_t len, struct typo_match *out);

#endif
