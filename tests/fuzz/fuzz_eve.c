/*
 * fuzz_eve.c — the EVE line reader: eve_parse() on one line, then every
 * accessor on every token, the paths the report and the line format read,
 * and the line format itself.
 *
 * Checked: a parsed line's tokens lie inside it and each value ends after
 * it starts; a refused line says why and where (inside the line); strings
 * come out NUL-terminated within their buffer; a formatted line is
 * terminated, as long as it says, and holds no control byte.
 */
#include <stdbool.h>
#include <string.h>

#include "../../sensor/eve_line.h"
#include "../../sensor/eve_reader.h"
#include "../../sensor/eve_verdict.h"
#include "fuzz.h"

static struct eve_doc doc;

static const char *const paths[] = {
	"timestamp", "event_type", "src_ip", "dest_port", "alert.signature_id",
	"alert.context.incident", "alert.context.incident.recipients[0]",
	"alert.context.typo.observed", "smtp.rcpt_to[1]", "dns.queries[0].rrname",
	"[0]", "a[4294967295]", "..", "x[", "stats.decoder.pkts",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eve_doc *d = &doc;
	char buf[64], line[512];
	uint64_t u;
	bool b;
	int64_t sec;
	uint32_t us;

	if (eve_parse(d, (const char *)data, size) != 0) {
		FUZZ_CHECK(d->err[0] != '\0' && d->err_at <= size);
		return 0;
	}
	FUZZ_CHECK(d->ntok > 0 && d->tok[0].type == EVE_OBJECT);
	for (uint32_t i = 0; i < d->ntok; i++) {
		const struct eve_tok *t = &d->tok[i];
		FUZZ_CHECK(t->next > i && t->next <= d->ntok);
		FUZZ_CHECK((size_t)t->start + t->len <= size);
		if (eve_string(d, (int)i, buf, sizeof(buf)))
			FUZZ_CHECK(strlen(buf) < sizeof(buf));
		if (eve_string(d, (int)i, buf, 3))
			FUZZ_CHECK(strlen(buf) < 3);
		(void)eve_u64(d, (int)i, &u);
		(void)eve_bool(d, (int)i, &b);
		(void)eve_count(d, (int)i);
		(void)eve_index(d, (int)i, 1);
		(void)eve_member(d, (int)i, "id");
		(void)eve_verdict_of(d, (int)i);
		if (eve_string(d, (int)i, buf, sizeof(buf)))
			(void)eve_time(buf, &sec, &us);
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		FUZZ_CHECK(eve_path(d, 0, paths[i]) < (int)d->ntok);
	size_t n = eve_line_format(d, line, sizeof(line));
	FUZZ_CHECK(n < sizeof(line) && strlen(line) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)line[i] >= 0x20 && line[i] != 0x7f);
	return 0;
}
