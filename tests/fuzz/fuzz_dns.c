/*
 * fuzz_dns.c — dns_decode() on one DNS message (as a UDP payload).
 */
#include <string.h>

#include "../../decoders/dns.h"
#include "fuzz.h"

static struct dns_message msg;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slice s = { data, size };
	struct counters cnt = { 0 };

	if (dns_decode(s, &msg, &cnt) != TS_OK)
		return 0;
	FUZZ_CHECK(msg.nqueries <= DNS_MAX_QUERIES && msg.nqueries > 0);
	FUZZ_CHECK(msg.nanswers <= DNS_MAX_ANSWERS);
	for (unsigned i = 0; i < msg.nqueries; i++)
		FUZZ_CHECK(strlen(msg.queries[i].name) < DNS_NAME_TEXT_MAX);
	for (unsigned i = 0; i < msg.nanswers; i++)
		FUZZ_CHECK(strlen(msg.answers[i].name) < DNS_NAME_TEXT_MAX &&
		    (!msg.answers[i].has_rdata ||
		    strlen(msg.answers[i].rdata) < DNS_NAME_TEXT_MAX));
	return 0;
}
