/*
 * caps.c — one log line per cap reached, per interval.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "../decoders/smtp.h"
#include "caps.h"
#include "log.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

static const struct {
	const char	*cap;		/* the configuration key, or the limit */
	const char	*what;		/* what the counter counts */
	const char	*counter;
	size_t		 off;
} caps[CAPS_KINDS] = {
#define CAP(cap, what, name) { cap, what, #name, offsetof(struct counters, name) }
	CAP("flow.max-flows or flow.max-memory", "flows evicted",
	    flows_evicted),
	CAP("flow.max-flows or flow.max-memory",
	    "packets without a flow (nothing could be evicted)", flows_refused),
	CAP("flow.max-memory", "TCP segments not held", tcp_memory_capped),
	CAP("stream.max-buffer", "TCP segments over a direction's buffer",
	    tcp_buffer_capped),
	CAP("defrag.max-datagrams or defrag.max-memory",
	    "IP fragments dropped", frag_capped),
	CAP("smtp.max-pending", "SMTP commands forgotten unanswered",
	    smtp_pending_capped),
	CAP("smtp.max-recipients",
	    "SMTP recipients left out of the event list", smtp_rcpt_capped),
	CAP("SMTP line length (" STR(SMTP_LINE_MAX) " bytes)",
	    "SMTP lines cut", smtp_line_too_long),
	CAP("alerts.max-per-second", "alerts dropped", alerts_rate_capped),
	CAP("alerts.suppress-max-entries",
	    "suppression entries evicted early", suppress_evicted),
#undef CAP
};

unsigned
caps_report(struct caps_report *r, const struct counters *c)
{
	unsigned lines = 0;

	for (size_t i = 0; i < CAPS_KINDS; i++) {
		uint64_t v;

		memcpy(&v, (const char *)c + caps[i].off, sizeof(v));
		if (v <= r->last[i])
			continue;
		ts_log(LOG_WARNING, "cap reached: %s: %" PRIu64 " %s since the "
		    "last report (%s, %" PRIu64 " in all)", caps[i].cap,
		    v - r->last[i], caps[i].what, caps[i].counter, v);
		r->last[i] = v;
		lines++;
	}
	return lines;
}
