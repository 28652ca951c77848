/*
 * fuzz_dns.c — one DNS message (as a UDP payload) the way the worker
 * takes it: dns_outline(), the rules' screen on the raw message, then the
 * full decode with ldns and the rules on its result, with the model of the
 * built-in default configuration (built once).
 *
 * Checked: the decoded records fit their fields; the screen, which sees
 * only the outline and the wire names (and the verdicts the name cache
 * kept from earlier inputs), alerts exactly when the rules on the full
 * decode do (the sensor decodes only what the screen passes); a
 * name's hash is the hash of its text when that needs no escapes.
 */
#include <string.h>

#include "../../decoders/dns.h"
#include "../../rules/config.h"
#include "../../rules/dns_rules.h"
#include "../../rules/typo.h"
#include "fuzz_model.h"

static struct ts_config cfg;
static struct typo_model *model;
static struct name_cache *cache;	/* verdicts kept across inputs */
static struct dns_message msg;
static struct rule_hit hit;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	model = fuzz_model(&cfg, default_config_yaml,
	    default_config_yaml_len, "fuzz_dns");
	if ((cache = name_cache_new()) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice s = { data, size };
	struct counters cnt = { 0 };
	struct dns_outline o;
	char text[DNS_NAME_TEXT_MAX];

	if (dns_outline(s, &o, &cnt) != TS_OK)
		return 0;
	FUZZ_CHECK(o.nquestions <= DNS_MAX_QUERIES && o.nquestions > 0);
	FUZZ_CHECK(o.nmx <= DNS_MAX_ANSWERS &&
	    o.naddr_owners <= DNS_MAX_ANSWERS);
	for (unsigned i = 0; i < o.naddr_owners; i++) {
		uint64_t h;
		dns_name_text(s, o.addr_owners[i], text, sizeof(text));
		FUZZ_CHECK(strlen(text) < DNS_NAME_TEXT_MAX);
		/* Without escapes the text is the labels, joined by dots. */
		if (dns_name_hash(s, o.addr_owners[i], &h) &&
		    strchr(text, '\\') == NULL) {
			FUZZ_CHECK(h == dns_name_hash_text(text));
			/* Two bytes more: the first length and the zero. */
			FUZZ_CHECK(o.addr_owner_wire[i] == strlen(text) + 2);
		}
	}
	bool screened = dns_rules_screen(cache, model, &cfg, s, &o,
	    &cnt);

	if (dns_decode_outlined(s, &o, &msg, &cnt) != TS_OK)
		return 0;
	FUZZ_CHECK(msg.nqueries <= DNS_MAX_QUERIES && msg.nqueries > 0);
	FUZZ_CHECK(msg.nanswers <= DNS_MAX_ANSWERS);
	for (unsigned i = 0; i < msg.nqueries; i++)
		FUZZ_CHECK(strlen(msg.queries[i].name) < DNS_NAME_TEXT_MAX);
	for (unsigned i = 0; i < msg.nanswers; i++)
		FUZZ_CHECK(strlen(msg.answers[i].name) < DNS_NAME_TEXT_MAX &&
		    (!msg.answers[i].has_rdata ||
		    strlen(msg.answers[i].rdata) < DNS_NAME_TEXT_MAX));
	FUZZ_CHECK(screened ==
	    (dns_rules_eval(model, &cfg, &msg, &hit, NULL) == 1));
	return 0;
}
