/*
 * eve_line.h — one readable line per EVE record (output.format: line).
 *
 * In the spirit of Suricata's fast.log, for a person at a terminal:
 *
 *   2026-11-23 04:20:56.341502  [1:1610101:1] sev 1  TCP 192.0.2.1:43978
 *   -> 192.0.2.25:25  RCPT TO <john@army.ml> from <alice@example.org>
 *   (250 accepted)  army.ml imitates army.mil: TLD 'mil' typed as 'ml',
 *   omission of 'i'
 *
 * (one line); incident summaries give the verdict and the bytes sent, DNS
 * alerts the question, and the "dns", "smtp" and "stats" records a short
 * line of their own.  Every byte that is not printable (controls, C1
 * controls, invalid UTF-8) is written as \xHH: a line can neither be split
 * nor drive the terminal.
 */
#ifndef TS_EVE_LINE_H
#define TS_EVE_LINE_H

#include <stddef.h>

#include "eve_reader.h"

/*
 * The line for the record in d into buf (NUL-terminated, no newline, cut
 * at size - 1 bytes).  Returns its length.
 */
size_t eve_line_format(const struct eve_doc *d, char *buf, size_t size);

/*
 * Pieces of the line, for the report's tables: the time
 * ("2026-11-23 04:20:56.334595"), the flow ("UDP 192.0.2.1:42407 ->
 * 192.0.2.53:53") and what the record is about ("DNS query MX army.ml",
 * "RCPT TO <john@army.ml> from <alice@example.org> (250 accepted)").
 */
size_t eve_line_time(const struct eve_doc *d, char *buf, size_t size);
size_t eve_line_flow(const struct eve_doc *d, char *buf, size_t size);
size_t eve_line_what(const struct eve_doc *d, char *buf, size_t size);

/* The printable form of s (as above) appended to buf at *len. */
void eve_line_text(char *buf, size_t size, size_t *len, const char *s);

#endif
