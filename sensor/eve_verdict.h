/*
 * eve_verdict.h — did the mail leave? An incident summary's verdict, read back.
 *
 * The summary (sid 1610200) says it in alert.context.incident.verdict when
 * the sensor wrote one; older records (and other versions) carry only the
 * evidence, from which the same answer is derived here: the message
 * accepted (250 after DATA or BDAT), the recipients accepted or refused,
 * the bytes sent, the sessions seen.  The report and the line output read
 * verdicts through this one function.
 */
#ifndef TS_EVE_VERDICT_H
#define TS_EVE_VERDICT_H

#include "eve_reader.h"

/* Worst first: the order of the report's incidents table. */
enum eve_verdict {
	EVE_VERDICT_DELIVERED,
	EVE_VERDICT_LIKELY_DELIVERED,
	EVE_VERDICT_UNKNOWN,
	EVE_VERDICT_LOOKUP_ONLY,
	EVE_VERDICT_NOT_DELIVERED,
	EVE_VERDICT_COUNT
};

/* The verdict of the incident object at inc (alert.context.incident). */
enum eve_verdict eve_verdict_of(const struct eve_doc *d, int inc);

/* "delivered", "likely-delivered", "unknown", "lookup-only", "not-delivered" */
const char *eve_verdict_name(enum eve_verdict v);

/* The same for people: "likely delivered", "lookup only", ... */
const char *eve_verdict_label(enum eve_verdict v);

#endif
