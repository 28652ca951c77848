/*
 * privacy.h — hide the local part of mail addresses in alerts and logs.
 *
 * An alert log is read by more people than the mail it describes: with
 * privacy.local-part set to "mask", <john@army.ml> is logged as
 * <j***@army.ml>; with "hash", as <5f0c...@army.ml>, a keyed SipHash of the
 * lower-cased local part, so that one sender can still be followed across
 * alerts without being named.  The domain, which is what the alert is
 * about, is always kept.
 */
#ifndef TS_PRIVACY_H
#define TS_PRIVACY_H

#include <stddef.h>
#include <stdint.h>

#include "../rules/config.h"

struct privacy {
	enum privacy_mode	mode;
	uint8_t			key[16];
};

/* Sets p up; key is privacy.hash-key (needed for PRIVACY_HASH only). */
void privacy_init(struct privacy *p, enum privacy_mode mode, const char *key);

/*
 * An SMTP address argument as sent ("<john@army.ml>", "<@a.mil:u@army.ml>",
 * "user@[192.0.2.1]", "<>") with its local part masked or hashed, in out
 * (always NUL-terminated).  Returns addr itself when nothing is hidden
 * (mode PRIVACY_KEEP, no '@'), else out.
 */
const char *privacy_address(const struct privacy *p, const char *addr,
    char *out, size_t outlen);

/*
 * Free text (an SMTP reply) with the local part of every word that looks
 * like local@domain hidden the same way.  Returns text or out, as above.
 */
const char *privacy_text(const struct privacy *p, const char *text,
    char *out, size_t outlen);

#endif
