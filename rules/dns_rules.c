/*
 * dns_rules.c — the DNS side of the rule engine.
 *
 * A query alerts on its question; a response alerts on its question too
 * (SPAN ports drop packets, so the response may be all we see), and
 * otherwise on an MX answer whose owner or exchange is a typo: mail for a
 * good domain relayed through a typo domain's server.
 */
#include <stdio.h>
#include <string.h>

#include "dns_rules.h"

static bool
qtype_wanted(const struct ts_config *cfg, uint16_t type)
{
	for (size_t i = 0; i < cfg->n_alert_qtypes; i++)
		if (cfg->alert_qtypes[i] == type)
			return true;
	return false;
}

static bool
check(const struct typo_model *model, const char *name,
    struct typo_match *m, struct counters *cnt)
{
	cnt->names_checked++;
	switch (typo_match(model, name, strlen(name), m)) {
	case TYPO_MATCH:
		return true;
	case TYPO_INVALID:
		cnt->names_invalid++;
		return false;
	default:
		return false;
	}
}

int
dns_rules_eval(const struct typo_model *model, const struct ts_config *cfg,
    const struct dns_message *msg, struct rule_hit *out,
    struct counters *cnt)
{
	for (unsigned i = 0; i < msg->nqueries; i++) {
		const struct dns_rr *q = &msg->queries[i];
		if (!qtype_wanted(cfg, q->type) ||
		    !check(model, q->name, &out->match, cnt))
			continue;
		bool tld = out->match.target == TYPO_TARGET_TLD;
		if (msg->qr)
			out->sig = tld ? SIG_DNS_RESPONSE_TLD :
			    SIG_DNS_RESPONSE_DOMAIN;
		else
			out->sig = tld ? SIG_DNS_QUERY_TLD : SIG_DNS_QUERY_DOMAIN;
		snprintf(out->field, sizeof(out->field),
		    "dns.queries[%u].rrname", i);
		return 1;
	}
	if (!msg->qr)
		return 0;
	for (unsigned i = 0; i < msg->nanswers; i++) {
		const struct dns_rr *a = &msg->answers[i];
		if (a->type != DNS_TYPE_MX)
			continue;
		if (check(model, a->name, &out->match, cnt))
			snprintf(out->field, sizeof(out->field),
			    "dns.answers[%u].rrname", i);
		else if (a->has_rdata &&
		    check(model, a->rdata, &out->match, cnt))
			snprintf(out->field, sizeof(out->field),
			    "dns.answers[%u].rdata", i);
		else
			continue;
		out->sig = out->match.target == TYPO_TARGET_TLD ?
		    SIG_DNS_MX_TLD : SIG_DNS_MX_DOMAIN;
		return 1;
	}
	return 0;
}
