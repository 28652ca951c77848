/*
 * fuzz_config.c — the YAML configuration loader: config_parse() on one
 * file, then config_free().  An error must say where it is; a file that
 * loads is written out by --dump-config's code and -T's summary.
 */
#include <stdio.h>
#include <string.h>

#include "../../rules/config.h"
#include "../../rules/config_show.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_config cfg;
	char err[512] = "";

	static FILE *sink;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		return 0;
	if (config_parse(&cfg, "fuzz.yaml", (const char *)data, size, err,
	    sizeof(err)) != 0) {
		FUZZ_CHECK(strncmp(err, "fuzz.yaml", 9) == 0);
	} else {
		config_dump(sink, &cfg, false);
		config_describe_protected(sink, "", &cfg);
	}
	config_free(&cfg);
	return 0;
}
