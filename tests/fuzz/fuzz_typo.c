/*
 * fuzz_typo.c — the name normaliser and the typo matcher: name_normalise()
 * and typo_match() on one name, with the model of the built-in default
 * configuration (built once).
 */
#include <string.h>

#include "../../rules/config.h"
#include "../../rules/name.h"
#include "../../rules/typo.h"
#include "fuzz_model.h"

static struct ts_config cfg;
static struct typo_model *model;
static struct typo_match match;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	model = fuzz_model(&cfg, default_config_yaml,
	    default_config_yaml_len, "fuzz_typo");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name = (const char *)data;
	char norm[NAME_MAX_LEN + 1];
	int n = name_normalise(name, size, norm, sizeof(norm));

	if (n >= 0)
		FUZZ_CHECK(n <= NAME_MAX_LEN && strlen(norm) == (size_t)n);
	switch (typo_match(model, name, size, &match)) {
	case TYPO_MATCH:
		FUZZ_CHECK(match.class != NULL && match.distance > 0);
		FUZZ_CHECK(strlen(match.observed) <= NAME_MAX_LEN);
		FUZZ_CHECK(strlen(match.explanation) < sizeof(match.explanation));
		break;
	case TYPO_NONE:
	case TYPO_EXEMPT:
	case TYPO_INVALID:
		break;
	}
	return 0;
}
