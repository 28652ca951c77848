/*
 * smtp_rules.h — decide whether an SMTP recipient raises an alert.
 */
#ifndef TS_SMTP_RULES_H
#define TS_SMTP_RULES_H

#include "../decoders/counters.h"
#include "../decoders/smtp.h"
#include "name_cache.h"
#include "signatures.h"
#include "typo.h"

/*
 * The recipient's domain goes through the same typo model as DNS names
 * (and the same cache of verdicts, when cache is not NULL).  Returns 1 and
 * fills *out when it is a typo, 0 otherwise.
 */
int smtp_rules_eval(struct name_cache *cache, const struct typo_model *model,
    const struct smtp_event *ev, struct rule_hit *out, struct counters *cnt);

#endif
