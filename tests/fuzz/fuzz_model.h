/*
 * fuzz_model.h — the configuration and typo model a target checks names
 * with, built once in LLVMFuzzerInitialize().
 */
#ifndef TS_FUZZ_MODEL_H
#define TS_FUZZ_MODEL_H

#include "../../rules/config.h"
#include "../../rules/typo.h"
#include "fuzz.h"

/* The built-in default configuration (etc/typosentry.yaml). */
extern const char default_config_yaml[];
extern const size_t default_config_yaml_len;

/* Parses yaml into cfg and builds its model; a failure ends the target. */
static inline struct typo_model *
fuzz_model(struct ts_config *cfg, const char *yaml, size_t len,
    const char *target)
{
	struct typo_model *model = NULL;
	char err[512];

	if (config_parse(cfg, target, yaml, len, err, sizeof(err)) != 0 ||
	    (model = typo_model_build(cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: %s\n", target, err);
		abort();
	}
	return model;
}

#endif
