/*
 * syslog_out.h — alerts to syslog(3), one message per alert.
 *
 * format line (the default), one line a person reads, in the spirit of
 * Suricata's fast.log:
 *
 *   [1:1610101:1] TYPOSENTRY SMTP RCPT TO a typo of a protected TLD
 *   [Severity: 1] {TCP} 192.0.2.1:46788 -> 192.0.2.25:25
 *   army.ml ~ army.mil (tld-omission)
 *
 * (on one line; IPv6 addresses in brackets: [2001:db8::1]:53), or format
 * json: "@cee: " followed by the alert's EVE record, for rsyslog's
 * mmjsonparse and other CEE-aware collectors.
 */
#ifndef TS_SYSLOG_OUT_H
#define TS_SYSLOG_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "../rules/signatures.h"
#include "eve.h"

struct syslog_out {
	bool	on;
	bool	json;
	int	priority;	/* facility | level */
};

/*
 * (Re)opens the connection to the local syslog daemon (/dev/log) with
 * ident and facility; ident NULL means "typosentry".  syslog(3) keeps the
 * ident pointer, so it is copied into storage of this module.
 */
void syslog_out_configure(struct syslog_out *s, bool on, const char *ident,
    int facility, int level, bool json);

/* The line format above into buf (always NUL-terminated); its length. */
size_t syslog_alert_line(char *buf, size_t len, const struct rule_hit *hit,
    const struct eve_endpoints *ep);

/* Sends one alert: the line, or the EVE record (json, len bytes). */
void syslog_out_alert(const struct syslog_out *s, const struct rule_hit *hit,
    const struct eve_endpoints *ep, const char *json, size_t len);

#endif
