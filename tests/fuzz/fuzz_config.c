/*
 * fuzz_config.c — the YAML configuration loader: config_parse() on one
 * file, then config_free().  An error must say where it is.
 */
#include <string.h>

#include "../../rules/config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_config cfg;
	char err[512] = "";

	if (config_parse(&cfg, "fuzz.yaml", (const char *)data, size, err,
	    sizeof(err)) != 0)
		FUZZ_CHECK(strncmp(err, "fuzz.yaml", 9) == 0);
	config_free(&cfg);
	return 0;
}
