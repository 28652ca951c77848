/*
 * dns_rules.h — decide whether a DNS message raises an alert.
 */
#ifndef TS_DNS_RULES_H
#define TS_DNS_RULES_H

#include "../decoders/counters.h"
#include "../decoders/dns.h"
#include "config.h"
#include "name_cache.h"
#include "signatures.h"
#include "typo.h"

/*
 * Whether dns_rules_eval() will alert on the message msg with outline o,
 * found from the names in msg itself, without a full decode (which only
 * the messages that alert then need).  Names checked are counted in cnt;
 * cache (may be NULL) keeps the verdicts on names that are not typos.
 */
bool dns_rules_screen(struct name_cache *cache,
    const struct typo_model *model, const struct ts_config *cfg,
    struct slice msg, const struct dns_outline *o, struct counters *cnt);

/*
 * Checks, in order, the questions whose type is in cfg's alert-qtypes and
 * then the owner and exchange of each MX answer.  Returns 1 and fills *out
 * for the first typo found (one alert per message), 0 otherwise.  Names
 * checked are counted in cnt unless it is NULL (screened already).
 */
int dns_rules_eval(const struct typo_model *model, const struct ts_config *cfg,
    const struct dns_message *msg, struct rule_hit *out,
    struct counters *cnt);

#endif
