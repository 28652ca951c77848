/*
 * policy_rules.h — the decision of `typosentry policyd` for one recipient:
 * is its domain a typo of a protected name, is the sender or the client
 * exempt, and which action (policy.action, overridden by the typo's
 * severity or class) goes back to Postfix with which explanation.
 *
 * Pure: the configuration and the typo model are only read, nothing is
 * logged or allocated, so a decision costs one typo_match() and a few
 * comparisons.
 */
#ifndef TS_POLICY_RULES_H
#define TS_POLICY_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "typo.h"

enum policy_verdict {
	POLICY_NOT_TYPO,	/* no recipient, not a name, or not a typo */
	POLICY_TYPO,		/* a typo: action and text apply */
	POLICY_EXEMPT,		/* a typo, but the sender or client is exempt */
};

/* Room for the reply text: an SMTP reply line is at most 512 bytes. */
#define POLICY_TEXT_MAX	400

struct policy_decision {
	enum policy_verdict verdict;
	enum policy_action action;	/* DUNNO unless verdict is TYPO */
	int		 severity;	/* 1..4 */
	const char	*exempt_by;	/* "sender", "sender-domain", "client" */
	struct typo_match match;	/* verdict TYPO or EXEMPT */
	/*
	 * "army.ml looks like army.mil (TLD 'mil' typed as 'ml', omission
	 * of 'i')": printable ASCII only, no line breaks.
	 */
	char		 text[POLICY_TEXT_MAX];
};

/* What a request says about one recipient (not NUL-terminated). */
struct policy_query {
	const char	*recipient;
	size_t		 recipient_len;
	const char	*sender;
	size_t		 sender_len;
	const char	*client_address;
	size_t		 client_address_len;
};

/*
 * Checks the names policy.class-actions gives against the typo classes;
 * returns 0, or -1 with "FILE:LINE:COL: ..." in err.
 */
int policy_rules_check(const struct ts_config *cfg, char *err, size_t errlen);

void policy_decide(const struct ts_config *cfg, const struct typo_model *m,
    const struct policy_query *q, struct policy_decision *d);

/*
 * The access(5) action for a decision, as the value of the reply's
 * action= attribute, into out (always NUL-terminated): "DUNNO",
 * "REJECT text; resend to the intended address", "HOLD text",
 * "PREPEND X-Typo-Warning: text", ...  Returns its length.
 */
size_t policy_action_text(const struct ts_config *cfg,
    const struct policy_decision *d, char *out, size_t outsize);

#endif
