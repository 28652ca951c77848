/*
 * verdict.c — an incident summary's verdict, given or derived.
 */
#include <string.h>

#include "verdict.h"

static const char *const names[VERDICT_COUNT] = {
	"delivered", "likely-delivered", "unknown", "lookup-only",
	"not-delivered",
};

static const char *const labels[VERDICT_COUNT] = {
	"delivered", "likely delivered", "unknown", "lookup only",
	"not delivered",
};

const char *
verdict_name(enum verdict v)
{
	return v < VERDICT_COUNT ? names[v] : "unknown";
}

const char *
verdict_label(enum verdict v)
{
	return v < VERDICT_COUNT ? labels[v] : "unknown";
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

enum verdict
verdict_of(const struct eve_doc *d, int inc)
{
	char given[32];
	uint64_t sessions = u64_or_zero(d, inc, "smtp_sessions");

	if (eve_string(d, eve_member(d, inc, "verdict"), given, sizeof(given))) {
		/* "unknown" without any session seen: the lookup was all. */
		if (strcmp(given, "unknown") == 0 && sessions == 0 &&
		    u64_or_zero(d, inc, "bytes_sent") == 0)
			return VERDICT_LOOKUP_ONLY;
		for (int v = 0; v < VERDICT_COUNT; v++)
			if (strcmp(given, names[v]) == 0)
				return (enum verdict)v;
		return VERDICT_UNKNOWN;
	}
	if (bool_or_false(d, inc, "message_accepted"))
		return VERDICT_DELIVERED;
	if (sessions == 0)
		return VERDICT_LOOKUP_ONLY;
	if (bool_or_false(d, inc, "recipient_accepted"))
		/* Accepted recipients and a message sent, its reply unseen. */
		return u64_or_zero(d, inc, "bytes_sent") > 0 ?
		    VERDICT_LIKELY_DELIVERED : VERDICT_UNKNOWN;
	/* Recipients seen and every one refused; none seen: encrypted. */
	return eve_count(d, eve_member(d, inc, "recipients")) > 0 ?
	    VERDICT_NOT_DELIVERED : VERDICT_UNKNOWN;
}
