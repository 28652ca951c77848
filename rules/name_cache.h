/*
 * name_cache.h — the typo model's recent verdicts on names that are not
 * typos, so that the names looked up again and again cost one hash.
 */
#ifndef TS_NAME_CACHE_H
#define TS_NAME_CACHE_H

#include <stddef.h>

#include "typo.h"

/* Slots (a power of two), eight bytes each. */
#define NAME_CACHE_SLOTS	16384

struct name_cache;

/* A cache, empty; NULL when out of memory. */
struct name_cache *name_cache_new(void);
void name_cache_free(struct name_cache *c);

/* Forgets every verdict: the model changed. */
void name_cache_clear(struct name_cache *c);

/*
 * typo_match(model, name, len, m), answered from the cache when it holds
 * the name's verdict and the verdict fills nothing in m (a typo is asked
 * of the model again, for its details); c NULL asks the model every time.
 */
enum typo_result name_cache_match(struct name_cache *c,
    const struct typo_model *model, const char *name, size_t len,
    struct typo_match *m);

/*
 * The verdict alone, for a screen that needs no details: answered from the
 * cache for typos too.
 */
enum typo_result name_cache_verdict(struct name_cache *c,
    const struct typo_model *model, const char *name, size_t len);

#endif
