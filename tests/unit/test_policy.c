/*
 * test_policy.c — typosentry policyd's pieces: the policy.* keys
 * (defaults, every key, errors naming file, line and column), the
 * decision (actions, overrides by class and severity, exceptions), the
 * request reader (framing, CRLF, pieces, the size cap, malformed
 * requests) and the reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "../../rules/config.h"
#include "../../rules/policy_rules.h"
#include "../../rules/typo.h"
#include "../../sensor/policy_proto.h"

static const char protect[] =
    "protect:\n"
    "  tlds: [mil]\n"
    "  labels: {mil: [army, navy]}\n"
    "  domains: [gmail.com]\n"
    "typo:\n"
    "  flag-tlds: [ml]\n"
    "  swap-tlds: [net]\n"
    "  severity: {transposition: 3}\n";

static int
parse(struct ts_config *cfg, const char *policy, char *err, size_t errlen)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", protect, policy);
	err[0] = '\0';
	return config_parse(cfg, "t.yaml", text, strlen(text), err, errlen);
}

static void
defaults(void **state)
{
	struct ts_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c, "", err, sizeof(err)), 0);
	assert_int_equal(c.policy.action, POLICY_REJECT);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(c.policy.severity_action[i], -1);
	assert_int_equal(c.policy.n_class, 0);
	assert_string_equal(c.policy.header, "X-Typo-Warning");
	assert_int_equal(c.policy.max_connections, 1024);
	assert_int_equal(c.policy.idle_timeout, 300);
	assert_int_equal(c.policy.max_request, 16384);
	config_free(&c);
	/* An empty section is the defaults too. */
	assert_int_equal(parse(&c, "policy:\n", err, sizeof(err)), 0);
	assert_int_equal(c.policy.action, POLICY_REJECT);
	config_free(&c);
}

static void
every_key(void **state)
{
	struct ts_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c,
	    "policy:\n"
	    "  action: hold\n"
	    "  severity-actions: {1: REJECT, 3: WARN}\n"
	    "  class-actions: {homoglyph: DEFER, tld-omission: PREPEND}\n"
	    "  header: X-Check-Address\n"
	    "  exceptions:\n"
	    "    senders: [Ops@Example.org]\n"
	    "    sender-domains: [mailteam.example.net.]\n"
	    "    clients: [192.0.2.0/24, '2001:db8::/32', 198.51.100.7]\n"
	    "  max-connections: 50\n"
	    "  idle-timeout: 60\n"
	    "  max-request-size: 4kb\n", err, sizeof(err)), 0);
	assert_int_equal(c.policy.action, POLICY_HOLD);
	assert_int_equal(c.policy.severity_action[1], POLICY_REJECT);
	assert_int_equal(c.policy.severity_action[2], -1);
	assert_int_equal(c.policy.severity_action[3], POLICY_WARN);
	assert_int_equal(c.policy.n_class, 2);
	assert_string_equal(c.policy.class_key[1], "tld-omission");
	assert_int_equal(c.policy.class_action[1], POLICY_PREPEND);
	assert_string_equal(c.policy.header, "X-Check-Address");
	assert_string_equal(c.policy.except_senders[0], "ops@example.org");
	assert_string_equal(c.policy.except_domains[0], "mailteam.example.net");
	assert_int_equal(c.policy.n_except_clients, 3);
	assert_int_equal(c.policy.except_clients[1].family, AF_INET6);
	assert_int_equal(c.policy.except_clients[1].prefix, 32);
	assert_int_equal(c.policy.except_clients[2].prefix, 32);
	assert_int_equal(c.policy.max_connections, 50);
	assert_int_equal(c.policy.idle_timeout, 60);
	assert_int_equal(c.policy.max_request, 4096);
	assert_int_equal(policy_rules_check(&c, err, sizeof(err)), 0);
	config_free(&c);
}

static void
errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} cases[] = {
		{ "policy:\n  action: BOUNCE\n",
		  "t.yaml:10:11: policy.action: 'BOUNCE' is not an action" },
		{ "policy:\n  severity-actions: {5: REJECT}\n",
		  "t.yaml:10:22: policy.severity-actions: '5' is not a severity" },
		{ "policy:\n  severity-actions: {1: REJECT, 1: WARN}\n",
		  "key '1' given twice" },
		{ "policy:\n  class-actions: [REJECT]\n",
		  "policy.class-actions: expected a mapping" },
		{ "policy:\n  header: 'X Bad'\n", "is not a header name" },
		{ "policy:\n  exceptions:\n    senders: [example.org]\n",
		  "t.yaml:11:15: policy.exceptions.senders: 'example.org' is "
		  "not a mail address" },
		{ "policy:\n  exceptions:\n    sender-domains: [a@b.c]\n",
		  "is not a domain" },
		{ "policy:\n  exceptions:\n    clients: [192.0.2.1/24]\n",
		  "'192.0.2.1/24' is not a network" },
		{ "policy:\n  exceptions:\n    clients: [192.0.2.0/33]\n",
		  "is not a network" },
		{ "policy:\n  exceptions:\n    clients: [host.example]\n",
		  "is not a network" },
		{ "policy:\n  max-connections: 0\n", "out of range (1 to 65536)" },
		{ "policy:\n  max-request-size: 100\n", "out of range" },
		{ "policy:\n  listen: x\n", "unknown key 'listen' in policy" },
	};
	struct ts_config c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(&c, cases[i].text, err, sizeof(err));
		if (rc == 0 || strstr(err, cases[i].msg) == NULL)
			fail_msg("%s: got %d '%s'", cases[i].text, rc, err);
		config_free(&c);
	}
	/* Class names are checked against the model's. */
	assert_int_equal(parse(&c, "policy:\n  class-actions: {typpo: WARN}\n",
	    err, sizeof(err)), 0);
	assert_int_equal(policy_rules_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "t.yaml:10:19: policy.class-actions: 'typpo' "
	    "is not a typo class (see typo.severity)");
	config_free(&c);
}

static void
decide(const struct ts_config *c, const struct typo_model *m,
    const char *rcpt, const char *sender, const char *client,
    struct policy_decision *d)
{
	struct policy_query q = { rcpt, strlen(rcpt), sender, strlen(sender),
	    client, strlen(client) };

	policy_decide(c, m, &q, d);
}

static void
decisions(void **state)
{
	struct ts_config c;
	struct typo_model *m;
	struct policy_decision d;
	char err[256], text[512];

	(void)state;
	assert_int_equal(parse(&c,
	    "policy:\n"
	    "  severity-actions: {3: WARN}\n"
	    "  class-actions: {tld-swap: PREPEND}\n"
	    "  exceptions:\n"
	    "    senders: [boss@example.org]\n"
	    "    sender-domains: [mailteam.example.net]\n"
	    "    clients: ['2001:db8::/32', 192.0.2.128/25]\n", err,
	    sizeof(err)), 0);
	assert_non_null(m = typo_model_build(&c, err, sizeof(err)));

	decide(&c, m, "ops@army.ml", "a@example.org", "192.0.2.1", &d);
	assert_int_equal(d.verdict, POLICY_TYPO);
	assert_int_equal(d.action, POLICY_REJECT);
	assert_int_equal(d.severity, 1);
	assert_string_equal(d.text, "army.ml looks like army.mil (TLD 'mil' "
	    "typed as 'ml', omission of 'i')");
	policy_action_text(&c, &d, text, sizeof(text));
	assert_string_equal(text, "REJECT army.ml looks like army.mil (TLD "
	    "'mil' typed as 'ml', omission of 'i'); resend to the intended "
	    "address");
	/* Per severity (typo.severity makes transpositions 3), per class. */
	decide(&c, m, "x@gmial.com", "", "192.0.2.1", &d);
	assert_int_equal(d.severity, 3);
	assert_int_equal(d.action, POLICY_WARN);
	policy_action_text(&c, &d, text, sizeof(text));
	assert_string_equal(text, "WARN gmial.com looks like gmail.com (label "
	    "'gmail' typed as 'gmial', transposition of 'ai')");
	decide(&c, m, "x@gmail.net", "", "192.0.2.1", &d);
	assert_string_equal(d.match.class, "tld-swap");
	assert_int_equal(d.action, POLICY_PREPEND);
	policy_action_text(&c, &d, text, sizeof(text));
	assert_string_equal(text, "PREPEND X-Typo-Warning: gmail.net looks "
	    "like gmail.com (TLD 'com' swapped)");
	/* Not typos: the protected name, another, no name, no recipient. */
	static const char *const fine[] = { "ops@army.mil", "x@example.org",
	    "x@[192.0.2.1]", "", "x@", "\"a@army.ml\"", "ops@army.mil.",
	    "@army.ml:x@gmail.com" };
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		decide(&c, m, fine[i], "", "192.0.2.1", &d);
		if (d.verdict != POLICY_NOT_TYPO)
			fail_msg("%s: verdict %d", fine[i], d.verdict);
		policy_action_text(&c, &d, text, sizeof(text));
		assert_string_equal(text, "DUNNO");
	}
	/* Quoted local parts and upper case. */
	decide(&c, m, "\"j doe\"@NAVY.ML", "", "", &d);
	assert_int_equal(d.verdict, POLICY_TYPO);
	assert_string_equal(d.match.protected_name, "navy.mil");
	/* Exceptions: sender (any case), sender domain and below, client. */
	decide(&c, m, "ops@army.ml", "Boss@Example.ORG", "192.0.2.1", &d);
	assert_int_equal(d.verdict, POLICY_EXEMPT);
	assert_string_equal(d.exempt_by, "sender");
	decide(&c, m, "ops@army.ml", "x@mx.mailteam.example.net", "", &d);
	assert_string_equal(d.exempt_by, "sender-domain");
	decide(&c, m, "ops@army.ml", "x@notmailteam.example.net", "", &d);
	assert_int_equal(d.verdict, POLICY_TYPO);
	decide(&c, m, "ops@army.ml", "", "192.0.2.200", &d);
	assert_string_equal(d.exempt_by, "client");
	decide(&c, m, "ops@army.ml", "", "192.0.2.127", &d);
	assert_int_equal(d.verdict, POLICY_TYPO);
	decide(&c, m, "ops@army.ml", "", "2001:db8:1::25", &d);
	assert_string_equal(d.exempt_by, "client");
	decide(&c, m, "ops@army.ml", "", "2001:db9::25", &d);
	assert_int_equal(d.verdict, POLICY_TYPO);
	policy_action_text(&c, &d, text, sizeof(text));
	typo_model_free(m);
	config_free(&c);
}

static const char req[] =
    "request=smtpd_access_policy\n"
    "protocol_state=RCPT\n"
    "sender=\n"
    "recipient=ops@army.ml\n"
    "client_address=192.0.2.1\n"
    "future_attribute=anything=with=equals\n"
    "\n";

static void
reader(void **state)
{
	struct policy_input in;
	struct policy_request r;
	char err[256], twice[sizeof(req) * 2 + 8];
	size_t room;

	(void)state;
	/* Two requests, arriving a byte at a time. */
	snprintf(twice, sizeof(twice), "%s%s", req, req);
	policy_input_init(&in, 1024);
	int got = 0;
	for (size_t i = 0; i < strlen(twice); i++) {
		char *p = policy_input_room(&in, &room);
		assert_non_null(p);
		*p = twice[i];
		policy_input_added(&in, 1);
		enum policy_next n;
		while ((n = policy_input_next(&in, &r, err, sizeof(err))) !=
		    POLICY_NEED_MORE) {
			assert_int_equal(n, POLICY_REQUEST);
			assert_true(r.sender.set);
			assert_int_equal(r.sender.len, 0);
			assert_int_equal(r.recipient.len, 11);
			assert_memory_equal(r.recipient.p, "ops@army.ml", 11);
			assert_false(r.helo_name.set);
			assert_int_equal(r.nattrs, 6);
			got++;
		}
	}
	assert_int_equal(got, 2);
	assert_int_equal(policy_input_pending(&in), 0);
	policy_input_free(&in);
}

/* Feeds text in one piece; returns what policy_input_next() said first. */
static enum policy_next
feed(struct policy_input *in, const char *text, size_t len,
    struct policy_request *r, char *err, size_t errlen)
{
	size_t at = 0, room;

	while (at < len) {
		char *p = policy_input_room(in, &room);
		enum policy_next n;
		assert_non_null(p);
		size_t k = len - at < room ? len - at : room;
		memcpy(p, text + at, k);
		policy_input_added(in, k);
		at += k;
		if ((n = policy_input_next(in, r, err, errlen)) !=
		    POLICY_NEED_MORE)
			return n;
	}
	return POLICY_NEED_MORE;
}

static void
crlf_and_malformed(void **state)
{
	static const struct {
		const char	*text;
		enum policy_next want;
		const char	*msg;
	} cases[] = {
		{ "request=smtpd_access_policy\r\nrecipient=a@b.c\r\n\r\n",
		  POLICY_REQUEST, "" },
		{ "junk\n\n", POLICY_MALFORMED, "line 1: no '=' in 'junk'" },
		{ "request=smtpd_access_policy\n=v\n\n", POLICY_MALFORMED,
		  "line 2: no name before '=' in '=v'" },
		{ "request=smtpd_access_policy\nsender=a\nsender=b\n\n",
		  POLICY_MALFORMED, "line 3: attribute 'sender' given twice" },
		{ "recipient=a@b.c\n\n", POLICY_MALFORMED,
		  "no request= attribute" },
		{ "request=junk\x01\n\n", POLICY_MALFORMED,
		  "request=junk?: not an SMTPD access policy request" },
		{ "\n", POLICY_MALFORMED, "no request= attribute" },
	};
	struct policy_input in;
	struct policy_request r;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		policy_input_init(&in, 1024);
		err[0] = '\0';
		enum policy_next n = feed(&in, cases[i].text,
		    strlen(cases[i].text), &r, err, sizeof(err));
		if (n != cases[i].want || strcmp(err, cases[i].msg) != 0)
			fail_msg("case %zu: %d '%s'", i, n, err);
		policy_input_free(&in);
	}
	/* A NUL byte. */
	policy_input_init(&in, 1024);
	assert_int_equal(feed(&in, "request=smtpd_access_policy\nx=\0\n\n", 33,
	    &r, err, sizeof(err)), POLICY_MALFORMED);
	assert_string_equal(err, "line 2: a NUL byte");
	policy_input_free(&in);
}

static void
oversized(void **state)
{
	struct policy_input in;
	struct policy_request r;
	char err[256], *big = malloc(10000);
	size_t room;

	(void)state;
	assert_non_null(big);
	/* 10,000 bytes of one request over a cap of 1,024: skipped. */
	memset(big, 'x', 10000);
	memcpy(big, "a=", 2);
	big[9998] = '\n';
	big[9999] = '\n';
	policy_input_init(&in, 1024);
	enum policy_next n = feed(&in, big, 10000, &r, err, sizeof(err));
	assert_int_equal(n, POLICY_OVERSIZED);
	assert_string_equal(err, "request of 10000 bytes, over the cap of 1024 "
	    "(policy.max-request-size)");
	assert_true(in.cap <= 1024);
	/* The next request is read as usual. */
	assert_int_equal(feed(&in, req, strlen(req), &r, err, sizeof(err)),
	    POLICY_REQUEST);
	/* An oversized request ending with CRLF, the cap hit on a line end. */
	policy_input_free(&in);
	policy_input_init(&in, 1024);
	memset(big, 'y', 1023);
	big[1023] = '\n';
	memcpy(big + 1024, "b=1\r\n\r\n", 7);
	assert_int_equal(feed(&in, big, 1031, &r, err, sizeof(err)),
	    POLICY_OVERSIZED);
	assert_int_equal(policy_input_pending(&in), 0);
	/* Full, without an end: room again (the bytes are dropped). */
	assert_int_equal(feed(&in, big, 1023, &r, err, sizeof(err)),
	    POLICY_NEED_MORE);
	assert_non_null(policy_input_room(&in, &room));
	assert_true(room > 0);
	policy_input_free(&in);
	free(big);
}

static void
replies(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(policy_reply("DUNNO", out, sizeof(out)), 14);
	assert_string_equal(out, "action=DUNNO\n\n");
	policy_reply("REJECT a\nb\rc", out, sizeof(out));
	assert_string_equal(out, "action=REJECT a b c\n\n");
	assert_int_equal(policy_reply("REJECT 0123456789012345678901234567890"
	    "1234567890123456789", out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_key),
		cmocka_unit_test(errors),
		cmocka_unit_test(decisions),
		cmocka_unit_test(reader),
		cmocka_unit_test(crlf_and_malformed),
		cmocka_unit_test(oversized),
		cmocka_unit_test(replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
