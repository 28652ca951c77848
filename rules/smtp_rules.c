/*
 * smtp_rules.c — the SMTP side of the rule engine: RCPT TO domains.
 */
#include <stdio.h>
#include <string.h>

#include "smtp_rules.h"

int
smtp_rules_eval(struct name_cache *cache, const struct typo_model *model,
    const struct smtp_event *ev, struct rule_hit *out, struct counters *cnt)
{
	if (ev->type != SMTP_EV_RCPT || ev->domain[0] == '\0')
		return 0;
	cnt->names_checked++;
	switch (name_cache_match(cache, model, ev->domain, strlen(ev->domain),
	    &out->match)) {
	case TYPO_MATCH:
		break;
	case TYPO_INVALID:
		cnt->names_invalid++;
		return 0;
	default:
		return 0;
	}
	out->sig = out->match.target == TYPO_TARGET_TLD ? SIG_SMTP_RCPT_TLD :
	    SIG_SMTP_RCPT_DOMAIN;
	snprintf(out->field, sizeof(out->field), "smtp.rcpt_to[%u]",
	    ev->rcpt_index);
	return 1;
}
