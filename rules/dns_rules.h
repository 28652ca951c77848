/*
 * dns_rules.h — decide whether a DNS message raises an alert.
 */
#ifndef TS_DNS_RULES_H
#define TS_DNS_RULES_H

#include "../decoders/counters.h"
#include "../decoders/dns.h"
#include "config.h"
#include "signatures.h"
#include "typo.h"

/*
 * Checks, in order, the questions whose type is in cfg's alert-qtypes and
 * then the owner and exchange of each MX answer.  Returns 1 and fills *out
 * for the first typo found (one alert per message), 0 otherwise.
 */
int dns_rules_eval(const struct typo_model *model, const struct ts_config *cfg,
    const struct dns_message *msg, struct rule_hit *out,
    struct counters *cnt);

#endif
