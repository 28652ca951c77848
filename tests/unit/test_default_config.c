/*
 * test_default_config.c — the shipped configuration: it loads, protects
 * every provider in the shared list, catches their typos, and raises no
 * alert on the shared list of 7,250 legitimate domains.
 *
 * Run from the repository root (the shared data sits beside it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../rules/config.h"
#include "../../rules/typo.h"

#define PROVIDERS	"../shared/data/mail-providers.txt"
#define BENIGN		"../shared/data/benign-domains.txt"

static struct ts_config cfg;
static struct typo_model *model;

static int
setup(void **state)
{
	char err[512];

	(void)state;
	if (config_load(&cfg, "etc/typosentry.yaml", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if ((model = typo_model_build(&cfg, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	typo_model_free(model);
	config_free(&cfg);
	return 0;
}

/* Calls fn for each non-empty line of path; returns the line count. */
static size_t
each_line(const char *path, void (*fn)(const char *name))
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n = 0;

	if (f == NULL)
		fail_msg("%s: cannot open (the shared data must sit beside "
		    "the repository)", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		fn(line);
		n++;
	}
	fclose(f);
	return n;
}

static void
provider_exempt(const char *name)
{
	struct typo_match m;

	if (typo_match(model, name, strlen(name), &m) != TYPO_EXEMPT)
		fail_msg("provider %s is not protected", name);
}

static void
provider_typo(const char *name)
{
	struct typo_match m;
	char typo[300];

	/* Drop the first letter of the label: one omission away. */
	snprintf(typo, sizeof(typo), "%s", name + 1);
	enum typo_result r = typo_match(model, typo, strlen(typo), &m);
	/* Another provider may sit one edit away (mail.com from gmail.com). */
	if (r == TYPO_EXEMPT)
		return;
	if (r != TYPO_MATCH)
		fail_msg("%s: no alert for the typo %s", name, typo);
	assert_string_equal(m.rule, name);
}

static void
benign_quiet(const char *name)
{
	struct typo_match m;

	if (typo_match(model, name, strlen(name), &m) == TYPO_MATCH)
		fail_msg("false alarm on %s: %s", name, m.explanation);
}

static void
providers_protected(void **state)
{
	(void)state;
	assert_int_equal(each_line(PROVIDERS, provider_exempt), 30);
	each_line(PROVIDERS, provider_typo);
}

static void
no_false_alarm_on_benign_domains(void **state)
{
	(void)state;
	assert_true(each_line(BENIGN, benign_quiet) >= 7000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(providers_protected),
		cmocka_unit_test(no_false_alarm_on_benign_domains),
	};

	return cmocka_run_group_tests_name("default_config", tests, setup,
	    teardown);
}
