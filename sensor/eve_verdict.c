/*
 * eve_verdict.c — an incident summary's verdict, given or derived.
 */
#include <string.h>

#include "eve_verdict.h"

static const char *const names[EVE_VERDICT_COUNT] = {
	"delivered", "likely-delivered", "unknown", "lookup-only",
	"not-delivered",
};

static const char *const labels[EVE_VERDICT_COUNT] = {
	"delivered", "likely delivered", "unknown", "lookup only",
	"not delivered",
};

const char *
eve_verdict_name(enum eve_verdict v)
{
	return v < EVE_VERDICT_COUNT ? names[v] : "unknown";
}

const char *
eve_verdict_label(enum eve_verdict v)
{
	return v < EVE_VERDICT_COUNT ? labels[v] : "unknown";
}

static uint64_t
u64_or_zero(const struct eve_doc *d, int inc, const char *key)
{
	uint64_t v = 0;

	return eve_u64(d, eve_member(d, inc, key), &v) ? v : 0;
}

static bool
bool_or_false(const struct eve_doc *d, int inc, const char *key)
{
	bool v = false;

	return eve_bool(d, eve_member(d, inc, key), &v) && v;
}

enum eve_verdict
eve_verdict_of(const struct eve_doc *d, int inc)
{
	char given[32];
	uint64_t sessions = u64_or_zero(d, inc, "smtp_sessions");

	if (eve_string(d, eve_member(d, inc, "verdict"), given, sizeof(given))) {
		/*
		 * "unknown" without any session seen (SMTP, or TLS and other
		 * connections to the exchange in "sessions"): the lookup was
		 * all there was.
		 */
		if (strcmp(given, "unknown") == 0 && sessions == 0 &&
		    eve_count(d, eve_member(d, inc, "sessions")) == 0 &&
		    u64_or_zero(d, inc, "bytes_sent") == 0 &&
		    u64_or_zero(d, inc, "app_bytes_sent") == 0)
			return EVE_VERDICT_LOOKUP_ONLY;
		for (int v = 0; v < EVE_VERDICT_COUNT; v++)
			if (strcmp(given, names[v]) == 0)
				return (enum eve_verdict)v;
		return EVE_VERDICT_UNKNOWN;
	}
	if (bool_or_false(d, inc, "message_accepted"))
		return EVE_VERDICT_DELIVERED;
	if (sessions == 0)
		return EVE_VERDICT_LOOKUP_ONLY;
	if (bool_or_false(d, inc, "recipient_accepted"))
		/* Accepted recipients and a message sent, its reply unseen. */
		return u64_or_zero(d, inc, "bytes_sent") > 0 ?
		    EVE_VERDICT_LIKELY_DELIVERED : EVE_VERDICT_UNKNOWN;
	/* Recipients seen and every one refused; none seen: encrypted. */
	return eve_count(d, eve_member(d, inc, "recipients")) > 0 ?
	    EVE_VERDICT_NOT_DELIVERED : EVE_VERDICT_UNKNOWN;
}
