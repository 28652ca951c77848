/*
 * fold.h — what a label looks like: a canonical form under which labels
 * that a reader could mistake for one another are equal.
 *
 * ASCII lookalikes ("rn" for "m", "vv" for "w", "cl" for "d", "1" and "i"
 * for "l", "0" for "o", ...) are folded by a fixed table.  Labels with
 * other characters are first reduced by the Unicode confusables skeleton
 * of UTS #39 (ICU's spoof checker), with accents removed, then folded the
 * same way: so Cyrillic "а" and Latin "a", or "à" and "a", compare equal.
 */
#ifndef TS_FOLD_H
#define TS_FOLD_H

#include <stdbool.h>
#include <stddef.h>

#define FOLD_MAX	256

struct fold_ctx;

struct fold_ctx *fold_ctx_new(void);
void fold_ctx_free(struct fold_ctx *f);

/*
 * Folds one label (UTF-8, len bytes, no dots) into out (NUL-terminated).
 * Returns the length, or -1 when it cannot (too long, invalid UTF-8).
 * Pairs of letters that read as one are reduced from the left, or from
 * the right with rtl: overlapping pairs ("clb") can go either way, so a
 * label has two folds; when *reduced comes back false no pair was
 * reduced, and both folds are the same.  *unicode tells whether
 * characters beyond ASCII were involved.
 */
int fold_label(struct fold_ctx *f, const char *label, size_t len, char *out,
    size_t outsize, bool rtl, bool *unicode, bool *reduced);

#endif
