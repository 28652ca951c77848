/*
 * fuzz_smtp_address.c — smtp_address_domain() on one RCPT TO or MAIL FROM
 * argument.  The first byte sizes the output buffer (an exact heap
 * allocation, so that a write one byte past it is caught).
 */
#include <string.h>

#include "../../decoders/smtp.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	size_t outsize = cur_u8(&c);
	struct slice arg = cur_rest(&c);
	char *out = malloc(outsize > 0 ? outsize : 1);

	if (out == NULL)
		return 0;
	int n = smtp_address_domain((const char *)arg.p, arg.len, out, outsize);
	FUZZ_CHECK(n >= -1);
	if (n > 0)
		FUZZ_CHECK((size_t)n < outsize && strlen(out) == (size_t)n);
	free(out);
	return 0;
}
