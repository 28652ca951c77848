/*
 * policy_rules.c — one recipient's policy decision (policy_rules.h).
 *
 * The order of the checks: the recipient's domain through the typo model
 * (protected and allowed names are never typos); then the exceptions,
 * so that a mail team that really writes to gmail.co is let through; then
 * the action, the most specific setting first: the typo's class
 * (policy.class-actions), its severity (policy.severity-actions), then
 * policy.action.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "../decoders/smtp.h"
#include "config_policy.h"
#include "policy_rules.h"
#include "signatures.h"

int
policy_rules_check(const struct ts_config *cfg, char *err, size_t errlen)
{
	const struct policy_config *p = &cfg->policy;

	for (size_t i = 0; i < p->n_class; i++)
		if (!typo_class_known(p->class_key[i])) {
			snprintf(err, errlen, "%s:%u:%u: policy.class-actions: "
			    "'%s' is not a typo class (see typo.severity)",
			    cfg->path, p->class_line[i], p->class_col[i],
			    p->class_key[i]);
			return -1;
		}
	return 0;
}

/* Whether the sender (an address, maybe "") is exempt, and by what. */
static const char *
sender_exempt(const struct policy_config *p, const char *s, size_t len)
{
	char dom[NAME_MAX_LEN + 1];
	int dlen;

	if (len == 0)
		return NULL;
	for (size_t i = 0; i < p->n_except_senders; i++)
		if (strlen(p->except_senders[i]) == len &&
		    strncasecmp(p->except_senders[i], s, len) == 0)
			return "sender";
	if (p->n_except_domains == 0 ||
	    (dlen = smtp_address_domain(s, len, dom, sizeof(dom))) <= 0)
		return NULL;
	/* The domain or a name under it: mail.example.org for example.org. */
	for (size_t i = 0; i < p->n_except_domains; i++) {
		const char *e = p->except_domains[i];
		size_t elen = strlen(e);
		if ((size_t)dlen < elen ||
		    strcasecmp(dom + (size_t)dlen - elen, e) != 0)
			continue;
		if ((size_t)dlen == elen || dom[(size_t)dlen - elen - 1] == '.')
			return "sender-domain";
	}
	return NULL;
}

static bool
net_contains(const struct policy_net *n, int family, const uint8_t *a)
{
	unsigned full = n->prefix / 8, rest = n->prefix % 8;

	if (n->family != family || memcmp(n->bytes, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (a[full] & mask) == n->bytes[full];
}

static bool
client_exempt(const struct policy_config *p, const char *s, size_t len)
{
	char text[INET6_ADDRSTRLEN + 1];
	uint8_t a[16];
	int family = AF_INET;

	if (p->n_except_clients == 0 || len == 0 || len >= sizeof(text))
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, a) != 1) {
		family = AF_INET6;
		if (inet_pton(AF_INET6, text, a) != 1)
			return false;
	}
	for (size_t i = 0; i < p->n_except_clients; i++)
		if (net_contains(&p->except_clients[i], family, a))
			return true;
	return false;
}

/* Appends s to out at *o as printable ASCII ('?' for anything else). */
static void
put_text(char *out, size_t size, size_t *o, const char *s)
{
	for (; *s != '\0' && *o + 1 < size; s++) {
		unsigned char c = (unsigned char)*s;
		out[(*o)++] = c >= ' ' && c < 0x7f ? (char)c : '?';
	}
	out[*o] = '\0';
}

/*
 * "army.ml looks like army.mil (TLD 'mil' typed as 'ml', omission of
 * 'i')" from the model's "army.ml imitates army.mil: TLD ...".
 */
static void
explain(const struct typo_match *m, char *out, size_t size)
{
	char head[sizeof(m->observed) + sizeof(m->protected_name) + 16];
	const char *why = m->explanation;
	size_t o = 0;

	snprintf(head, sizeof(head), "%s imitates %s: ", m->observed,
	    m->protected_name);
	if (strncmp(why, head, strlen(head)) == 0)
		why += strlen(head);
	out[0] = '\0';
	put_text(out, size, &o, m->observed);
	put_text(out, size, &o, " looks like ");
	put_text(out, size, &o, m->protected_name);
	if (why[0] != '\0' && why != m->explanation) {
		put_text(out, size, &o, " (");
		put_text(out, size, &o, why);
		put_text(out, size, &o, ")");
	} else if (why[0] != '\0') {
		put_text(out, size, &o, " (");
		put_text(out, size, &o, m->class != NULL ? m->class : "typo");
		put_text(out, size, &o, ")");
	}
}

void
policy_decide(const struct ts_config *cfg, const struct typo_model *m,
    const struct policy_query *q, struct policy_decision *d)
{
	const struct policy_config *p = &cfg->policy;
	char dom[NAME_MAX_LEN + 1];
	int dlen;

	d->verdict = POLICY_NOT_TYPO;
	d->action = POLICY_DUNNO;
	d->severity = 0;
	d->exempt_by = NULL;
	d->text[0] = '\0';
	if (q->recipient_len == 0 ||
	    (dlen = smtp_address_domain(q->recipient, q->recipient_len, dom,
	    sizeof(dom))) <= 0)
		return;
	if (typo_match(m, dom, (size_t)dlen, &d->match) != TYPO_MATCH)
		return;
	explain(&d->match, d->text, sizeof(d->text));
	d->severity = d->match.severity != 0 ? d->match.severity :
	    signatures[d->match.target == TYPO_TARGET_TLD ?
	    SIG_POLICY_RCPT_TLD : SIG_POLICY_RCPT_DOMAIN].severity;
	if ((d->exempt_by = sender_exempt(p, q->sender, q->sender_len)) == NULL &&
	    client_exempt(p, q->client_address, q->client_address_len))
		d->exempt_by = "client";
	if (d->exempt_by != NULL) {
		d->verdict = POLICY_EXEMPT;
		return;
	}
	d->verdict = POLICY_TYPO;
	d->action = p->action;
	if (d->severity >= 1 && d->severity <= 4 &&
	    p->severity_action[d->severity] >= 0)
		d->action = (enum policy_action)p->severity_action[d->severity];
	for (size_t i = 0; i < p->n_class; i++)
		if (d->match.class != NULL &&
		    strcmp(p->class_key[i], d->match.class) == 0) {
			d->action = p->class_action[i];
			break;
		}
}

size_t
policy_action_text(const struct ts_config *cfg,
    const struct policy_decision *d, char *out, size_t outsize)
{
	const char *header = cfg->policy.header != NULL ?
	    cfg->policy.header : POLICY_DEFAULT_HEADER;
	int n;

	if (outsize == 0)
		return 0;
	if (d->verdict != POLICY_TYPO)
		n = snprintf(out, outsize, "DUNNO");
	else switch (d->action) {
	case POLICY_REJECT:
	case POLICY_DEFER:
		n = snprintf(out, outsize, "%s %s; resend to the intended "
		    "address", policy_action_name(d->action), d->text);
		break;
	case POLICY_HOLD:
	case POLICY_WARN:
		n = snprintf(out, outsize, "%s %s",
		    policy_action_name(d->action), d->text);
		break;
	case POLICY_PREPEND:
		n = snprintf(out, outsize, "PREPEND %s: %s", header, d->text);
		break;
	default:
		n = snprintf(out, outsize, "DUNNO");
	}
	if (n < 0)
		n = 0;
	return (size_t)n < outsize ? (size_t)n : outsize - 1;
}
