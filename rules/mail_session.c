/*
 * mail_session.c — the verdict on one session to a mail exchange (see
 * mail_session.h and the README's "Did the mail leave?").
 */
#include "mail_session.h"

enum mail_verdict
mail_verdict(const struct mail_session *s, uint64_t tls_min_bytes,
    const char **why)
{
	if (s->message_accepted) {
		*why = "the server accepted the message in the clear";
		return VERDICT_DELIVERED;
	}
	if (s->refused) {
		*why = "connection refused";
		return VERDICT_NOT_DELIVERED;
	}
	if (s->syn && !s->answered && s->bytes[0] == 0 && s->bytes[1] == 0 &&
	    s->end != END_OPEN && s->end != END_CAPTURE) {
		*why = "the connection was never answered";
		return VERDICT_NOT_DELIVERED;
	}
	if (s->rst_before_data) {
		*why = "reset before any data";
		return VERDICT_NOT_DELIVERED;
	}
	if (!s->tls && !s->starttls && s->smtp) {
		if (s->message_rejected) {
			*why = "the server rejected the message in the clear";
			return VERDICT_NOT_DELIVERED;
		}
		if (s->rcpt_rejected > 0 && s->rcpt_accepted == 0) {
			*why = "every recipient rejected in the clear";
			return VERDICT_NOT_DELIVERED;
		}
		if (s->end == END_FIN) {
			*why = "the session ended in the clear without an "
			    "accepted message";
			return VERDICT_NOT_DELIVERED;
		}
		*why = "the session did not end normally before a message "
		    "was accepted";
		return VERDICT_UNKNOWN;
	}
	if (s->tls) {
		if (!s->tls_handshake_done) {
			*why = "encrypted, but the TLS handshake was not seen "
			    "to complete";
			return VERDICT_UNKNOWN;
		}
		if (s->app_bytes[0] < tls_min_bytes) {
			*why = "encrypted: the client sent too little "
			    "application data for a message";
			return VERDICT_UNKNOWN;
		}
		if (s->end != END_FIN) {
			*why = "encrypted: enough application data for a "
			    "message, but the session did not end normally";
			return VERDICT_UNKNOWN;
		}
		*why = "encrypted: the client sent application data well "
		    "beyond an SMTP envelope and the session ended normally";
		return VERDICT_LIKELY_DELIVERED;
	}
	if (s->starttls) {
		*why = "STARTTLS accepted, but no TLS was seen after it";
		return VERDICT_UNKNOWN;
	}
	*why = "nothing readable tells";
	return VERDICT_UNKNOWN;
}

const char *
mail_verdict_name(enum mail_verdict v)
{
	switch (v) {
	case VERDICT_DELIVERED:		return "delivered";
	case VERDICT_LIKELY_DELIVERED:	return "likely-delivered";
	case VERDICT_NOT_DELIVERED:	return "not-delivered";
	case VERDICT_UNKNOWN:
	case VERDICT_NONE:		break;
	}
	return "unknown";
}

const char *
mail_end_name(enum mail_end e)
{
	switch (e) {
	case END_FIN:		return "fin";
	case END_RST:		return "rst";
	case END_TIMEOUT:	return "timeout";
	case END_CAPTURE:	return "capture-end";
	case END_OPEN:		break;
	}
	return "open";
}

const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300:	return "SSLv3";
	case 0x0301:	return "TLSv1";
	case 0x0302:	return "TLS 1.1";
	case 0x0303:	return "TLS 1.2";
	case 0x0304:	return "TLS 1.3";
	default:	return v == 0 ? NULL : "unknown";
	}
}
