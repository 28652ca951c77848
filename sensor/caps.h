/*
 * caps.h — telling the operator that a resource cap was reached.
 *
 * Every cap (flows, held bytes, fragments, SMTP pending replies and
 * recipients, line length, alerts per second, the suppression table) is
 * counted where it bites, by the code that applies it.  caps_report()
 * turns those counters into at most one log line per cap and per call:
 * call it once per stats interval (and at exit) and a cap hit a million
 * times in a flood costs one line an interval, saying how many.
 */
#ifndef TS_CAPS_H
#define TS_CAPS_H

#include <stdint.h>

#include "../decoders/counters.h"

#define CAPS_KINDS	10

/* The counter values of the last report. */
struct caps_report {
	uint64_t	last[CAPS_KINDS];
};

/*
 * Logs (ts_log, LOG_WARNING) one line for each cap whose counter grew
 * since the last call: "cap reached: stream.max-buffer: 12 TCP segments
 * over a direction's buffer since the last report (tcp_buffer_capped,
 * 40 in all)".  Returns the number of lines logged.
 */
unsigned caps_report(struct caps_report *r, const struct counters *c);

#endif
