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

/* Counts a name checked, and whether it was one at all. */
static void
count_check(struct counters *cnt, enum typo_result r)
{
	if (cnt != NULL) {
		cnt->names_checked++;
		if (r == TYPO_INVALID)
			cnt->names_invalid++;
	}
}

/* Whether name is a typo, with the details in m; counted in cnt. */
static bool
check(const struct typo_model *model, const char *name,
    struct typo_match *m, struct counters *cnt)
{
	enum typo_result r = typo_match(model, name, strlen(name), m);

	count_check(cnt, r);
	return r == TYPO_MATCH;
}

/*
 * Checks the name at off unless a name at the same offset was checked
 * already (the owner of every answer is usually the question's name).
 */
static bool
check_once(struct name_cache *cache, const struct typo_model *model,
    struct slice msg, uint16_t off, uint16_t *seen, unsigned *nseen,
    struct counters *cnt)
{
	char name[DNS_NAME_TEXT_MAX];

	for (unsigned i = 0; i < *nseen; i++)
		if (seen[i] == off)
			return false;
	seen[(*nseen)++] = off;
	dns_name_text(msg, off, name, sizeof(name));
	/* Only the verdict: the alert asks again for the details. */
	enum typo_result r = name_cache_verdict(cache, model, name,
	    strlen(name));
	count_check(cnt, r);
	return r == TYPO_MATCH;
}

bool
dns_rules_screen(struct name_cache *cache, const struct typo_model *model,
    const struct ts_config *cfg, struct slice msg,
    const struct dns_outline *o, struct counters *cnt)
{
	uint16_t seen[DNS_MAX_QUERIES + 2 * DNS_MAX_ANSWERS];
	unsigned nseen = 0;

	for (unsigned i = 0; i < o->nquestions; i++)
		if (qtype_wanted(cfg, o->qtypes[i]) &&
		    check_once(cache, model, msg, o->qnames[i], seen, &nseen,
		    cnt))
			return true;
	if (!o->qr)
		return false;
	for (unsigned i = 0; i < o->nmx; i++)
		if (check_once(cache, model, msg, o->mx_owners[i], seen,
		    &nseen, cnt) || check_once(cache, model, msg,
		    o->mx_exchanges[i], seen, &nseen, cnt))
			return true;
	return false;
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
