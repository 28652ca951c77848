/*
 * tls.h — the TLS record layer and the handshake messages that travel in
 * the clear (RFC 8446, RFC 5246), fed the in-order bytes of one direction
 * of a TCP connection: after an accepted STARTTLS, or from the first byte
 * (implicit TLS, port 465).
 *
 * It reads the ClientHello (offered versions, SNI), the ServerHello (the
 * version chosen) and, when it is not encrypted (TLS 1.2 and before), the
 * server's first certificate (subject common names and subjectAltName DNS
 * names), and counts the application data that follows, by record.  Bytes
 * that are not TLS, a gap, or a handshake message past TLS_HS_MAX stop
 * the reading of that direction; all of them are counted, none is fatal.
 * Only handshake messages are buffered, and only until they are read.
 */
#ifndef TS_TLS_H
#define TS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

#define TLS_NAME_MAX	255		/* SNI and certificate names kept */
#define TLS_CERT_NAMES	8		/* certificate names kept */
#define TLS_HS_MAX	(16 * 1024)	/* handshake bytes buffered */

/* What the handshake of one connection showed (both directions). */
struct tls_info {
	bool		 client_hello, server_hello;
	uint16_t	 client_version;	/* highest offered */
	uint16_t	 version;		/* chosen by the server */
	char		 sni[TLS_NAME_MAX + 1];	/* "" when none */
	bool		 certificate;		/* seen in the clear */
	char		 cert_names[TLS_CERT_NAMES][TLS_NAME_MAX + 1];
	unsigned	 ncert_names;
	bool		 change_cipher[2];	/* by direction: 0 client */
	uint64_t	 app_bytes[2];		/* application data payload */
	uint32_t	 app_records[2];
};

enum tls_event {
	TLS_EV_CLIENT_HELLO,
	TLS_EV_SERVER_HELLO,
	TLS_EV_CERTIFICATE,
};

typedef void (*tls_event_fn)(void *ctx, enum tls_event ev,
    const struct tls_info *info);

/* One direction's reader. */
struct tls_reader {
	uint8_t		 hdr[5];		/* record header so far */
	uint8_t		 nhdr;
	uint8_t		 type;			/* the current record's */
	uint16_t	 left;			/* its bytes still to come */
	bool		 stopped;		/* not TLS, a gap, or too big */
	bool		 encrypted;		/* after ChangeCipherSpec */
	uint8_t		*hs;			/* handshake bytes (malloc) */
	size_t		 hs_len;
};

/*
 * Feeds len in-order bytes of one direction (from_server: the server's).
 * Handshake messages read fill info and are announced through fn.
 */
void tls_feed(struct tls_reader *r, bool from_server, const uint8_t *data,
    size_t len, struct tls_info *info, tls_event_fn fn, void *ctx,
    struct counters *cnt);

/* A hole in this direction: the reading stops (counted). */
void tls_gap(struct tls_reader *r, struct counters *cnt);

/* Frees the handshake buffer. */
void tls_reader_free(struct tls_reader *r);

/* Bytes the reader holds now (for the flow memory cap). */
size_t tls_reader_memory(const struct tls_reader *r);

/* Whether data starts like a TLS handshake record (implicit TLS). */
bool tls_detect(const uint8_t *data, size_t len);

#endif
