/*
 * signatures.h — the alerts typosentry raises, with their stable ids.
 *
 * Each alert class has a fixed signature id in the local range (gid 1), so
 * that SIEM rules and suppressions written against it keep working.  The
 * README lists them; change `rev` when a signature's meaning changes.
 */
#ifndef TS_SIGNATURES_H
#define TS_SIGNATURES_H

#include <stdint.h>

#include "correlate.h"
#include "typo.h"

#define SIG_GID		1
#define SIG_CATEGORY	"Potential Corporate Privacy Violation"

/* X(enum name, sid, rev, severity, message) */
#define TS_SIGNATURES(X)						\
	X(SIG_DNS_QUERY_TLD,      1610001, 1, 2,			\
	    "TYPOSENTRY DNS query for a typo of a protected TLD")	\
	X(SIG_DNS_QUERY_DOMAIN,   1610002, 1, 2,			\
	    "TYPOSENTRY DNS query for a typo of a protected domain")	\
	X(SIG_DNS_RESPONSE_TLD,   1610003, 1, 2,			\
	    "TYPOSENTRY DNS response for a typo of a protected TLD")	\
	X(SIG_DNS_RESPONSE_DOMAIN, 1610004, 1, 2,			\
	    "TYPOSENTRY DNS response for a typo of a protected domain")	\
	X(SIG_DNS_MX_TLD,         1610005, 1, 2,			\
	    "TYPOSENTRY DNS MX answer names a typo of a protected TLD")	\
	X(SIG_DNS_MX_DOMAIN,      1610006, 1, 2,			\
	    "TYPOSENTRY DNS MX answer names a typo of a protected domain") \
	X(SIG_SMTP_RCPT_TLD,      1610101, 1, 1,			\
	    "TYPOSENTRY SMTP RCPT TO a typo of a protected TLD")	\
	X(SIG_SMTP_RCPT_DOMAIN,   1610102, 1, 1,			\
	    "TYPOSENTRY SMTP RCPT TO a typo of a protected domain")	\
	X(SIG_SMTP_TYPO_SERVER,   1610103, 1, 1,			\
	    "TYPOSENTRY SMTP session to the mail server of a typo domain") \
	X(SIG_SESSION_OPEN,       1610104, 1, 1,			\
	    "TYPOSENTRY connection to the mail server of a typo domain") \
	X(SIG_SESSION_END,        1610105, 1, 2,			\
	    "TYPOSENTRY session to the mail server of a typo domain ended") \
	X(SIG_TLS_SNI,            1610111, 1, 1,			\
	    "TYPOSENTRY TLS server name (SNI) on a mail port is a typo")	\
	X(SIG_TLS_CERT,           1610112, 1, 2,			\
	    "TYPOSENTRY TLS certificate name on a mail port is a typo")	\
	X(SIG_INCIDENT,           1610200, 1, 3,			\
	    "TYPOSENTRY incident summary: mail to a typo domain")	\
	X(SIG_POLICY_RCPT_TLD,    1610301, 1, 1,			\
	    "TYPOSENTRY policy: mail to a typo of a protected TLD")	\
	X(SIG_POLICY_RCPT_DOMAIN, 1610302, 1, 1,			\
	    "TYPOSENTRY policy: mail to a typo of a protected domain")

enum sig_id {
#define TS_SIG_ENUM(e, sid, rev, sev, msg) e,
	TS_SIGNATURES(TS_SIG_ENUM)
#undef TS_SIG_ENUM
	SIG_COUNT
};

struct signature {
	uint32_t	 sid;
	uint32_t	 rev;
	uint8_t		 severity;	/* 1 (high) .. 4 (low), as in Suricata */
	const char	*msg;
};

extern const struct signature signatures[SIG_COUNT];

/* A rule that fired: which signature, the typo, and where the name was. */
struct rule_hit {
	enum sig_id		sig;
	struct typo_match	match;
	char			field[48];	/* e.g. "dns.queries[0].rrname" */
	uint64_t		incident;	/* its incident, 0 if none */
	struct corr_link	link;		/* SMTP: the lookup behind it */
};

#endif
