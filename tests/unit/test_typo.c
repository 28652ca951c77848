/*
 * test_typo.c — the typo model: what must match, how it is explained, and
 * what must never match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../rules/config.h"
#include "../../rules/name_cache.h"
#include "../../rules/typo.h"

static const char config_text[] =
    "protect:\n"
    "  tlds: [mil, gov]\n"
    "  labels: {mil: [navy, af]}\n"
    "  domains: [army.mil, gmail.com, mail.com, yahoo.co.uk]\n"
    "allow: [gmial.net, allowed.ml]\n"
    "typo:\n"
    "  flag-tlds: [ml]\n"
    "  append-tlds: [com]\n"
    "  swap-tlds: [net]\n"
    "  severity: {homoglyph: 1}\n"
    "  rule-severity: {army.mil: 1}\n";

struct fixture {
	struct ts_config	cfg;
	struct typo_model	*model;
};

static int
setup(void **state)
{
	static struct fixture f;
	char err[512];

	assert_int_equal(config_parse(&f.cfg, "test.yaml", config_text,
	    strlen(config_text), err, sizeof(err)), 0);
	f.model = typo_model_build(&f.cfg, err, sizeof(err));
	if (f.model == NULL)
		fail_msg("%s", err);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	typo_model_free(f->model);
	config_free(&f->cfg);
	return 0;
}

static enum typo_result
match(void **state, const char *name, struct typo_match *m)
{
	struct fixture *f = *state;

	return typo_match(f->model, name, strlen(name), m);
}

static void
expect_typo(void **state, const char *name, const char *protected_name,
    const char *class, enum typo_target target)
{
	struct typo_match m;

	if (match(state, name, &m) != TYPO_MATCH)
		fail_msg("%s: expected a typo of %s", name, protected_name);
	assert_string_equal(m.protected_name, protected_name);
	assert_string_equal(m.class, class);
	assert_int_equal(m.target, target);
	assert_int_equal(m.distance, 1);
	assert_non_null(strstr(m.explanation, "imitates"));
}

static void
expect_result(void **state, const char *name, enum typo_result want)
{
	struct typo_match m;
	enum typo_result got = match(state, name, &m);

	if (got != want)
		fail_msg("%s: result %d, expected %d (%s)", name, got, want,
		    got == TYPO_MATCH ? m.explanation : "");
}

static void
tld_typos(void **state)
{
	expect_typo(state, "army.ml", "army.mil", "tld-omission",
	    TYPO_TARGET_DOMAIN);
	/* A known label: reported as a typo of its protected TLD. */
	expect_typo(state, "navy.ml", "navy.mil", "tld-omission",
	    TYPO_TARGET_TLD);
	/* Any label under a TLD flagged whole. */
	expect_typo(state, "unknown.ml", "unknown.mil", "tld-omission",
	    TYPO_TARGET_TLD);
	expect_typo(state, "us.army.ml", "us.army.mil", "tld-omission",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "mail.navy.ml", "mail.navy.mil", "tld-omission",
	    TYPO_TARGET_TLD);
	expect_typo(state, "navy.il", "navy.mil", "tld-omission",
	    TYPO_TARGET_TLD);
	/* A short label (af) needs the TLD flagged whole. */
	expect_typo(state, "af.ml", "af.mil", "tld-omission",
	    TYPO_TARGET_TLD);
	/* Case and the final dot do not matter. */
	expect_typo(state, "ARMY.ML.", "army.mil", "tld-omission",
	    TYPO_TARGET_DOMAIN);
}

/* One edit's explanation for name. */
static void
expect_explained(void **state, const char *name, const char *class,
    const char *rule, const char *explanation)
{
	struct typo_match m;

	if (match(state, name, &m) != TYPO_MATCH)
		fail_msg("%s: expected a %s typo", name, class);
	assert_string_equal(m.class, class);
	assert_string_equal(m.rule, rule);
	assert_int_equal(m.distance, 1);
	assert_string_equal(m.explanation, explanation);
}

/*
 * Edits of the whole name that move, add, drop or replace a dot, kept
 * when the result is a name under an ICANN public suffix.
 */
static void
dot_edits(void **state)
{
	expect_explained(state, "gmailc.om", "dot-transposition", "gmail.com",
	    "gmailc.om imitates gmail.com: the dot and 'c' swapped");
	expect_explained(state, "gmail.c.om", "dot-insertion", "gmail.com",
	    "gmail.c.om imitates gmail.com: a dot typed inside 'com'");
	expect_explained(state, "gm.ail.com", "dot-insertion", "gmail.com",
	    "gm.ail.com imitates gmail.com: a dot typed inside 'gmail'");
	expect_explained(state, "g.ail.com", "dot-substitution", "gmail.com",
	    "g.ail.com imitates gmail.com: a dot typed for 'm'");
	expect_explained(state, "yahooxco.uk", "dot-substitution",
	    "yahoo.co.uk", "yahooxco.uk imitates yahoo.co.uk: 'x' typed for "
	    "the dot");
	expect_explained(state, "yahooc.o.uk", "dot-transposition",
	    "yahoo.co.uk", "yahooc.o.uk imitates yahoo.co.uk: the dot and "
	    "'c' swapped");
	expect_explained(state, "yahooco.uk", "dot-omission", "yahoo.co.uk",
	    "yahooco.uk imitates yahoo.co.uk: a dot of 'yahoo.co.uk' left "
	    "out");
	/* A known label of a protected TLD: navy.mil. */
	expect_explained(state, "navym.il", "dot-transposition", "mil",
	    "navym.il imitates navy.mil: the dot and 'm' swapped");
	expect_explained(state, "navy.m.il", "dot-insertion", "mil",
	    "navy.m.il imitates navy.mil: a dot typed inside 'mil'");
	/* Subdomains of a typo are typos. */
	expect_explained(state, "mx.gmailc.om", "dot-transposition",
	    "gmail.com", "mx.gmailc.om imitates mx.gmail.com: the dot and "
	    "'c' swapped");
	/* The suffix typed as a name under a shorter suffix. */
	expect_typo(state, "yahoo.cn.uk", "yahoo.co.uk", "tld-bitsquatting",
	    TYPO_TARGET_DOMAIN);
	/* Not names anyone can hold: no such TLD, or an empty label. */
	expect_result(state, "gmai.lcom", TYPO_NONE);
	expect_result(state, "gmail.co.m", TYPO_NONE);
	/* Under a protected TLD or domain: exempt as before. */
	expect_result(state, "nav.ymil", TYPO_NONE);
	expect_result(state, "n.vy.mil", TYPO_EXEMPT);
}

static void
tld_typo_explained(void **state)
{
	struct typo_match m;

	assert_int_equal(match(state, "unknown.ml", &m), TYPO_MATCH);
	assert_string_equal(m.observed, "unknown.ml");
	assert_string_equal(m.rule, "mil");
	assert_string_equal(m.explanation,
	    "unknown.ml imitates unknown.mil: TLD 'mil' typed as 'ml', "
	    "omission of 'i'");
	/* Rule severity from the policy. */
	assert_int_equal(match(state, "army.ml", &m), TYPO_MATCH);
	assert_int_equal(m.severity, 1);
}

static void
domain_typos(void **state)
{
	expect_typo(state, "gmial.com", "gmail.com", "transposition",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmai.com", "gmail.com", "omission",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmaill.com", "gmail.com", "repetition",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmsil.com", "gmail.com", "substitution",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmaiul.com", "gmail.com", "insertion",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmail.cm", "gmail.com", "tld-omission",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmail.co", "gmail.com", "tld-omission",
	    TYPO_TARGET_DOMAIN);
	/* A subdomain keeps its prefix in the protected name. */
	expect_typo(state, "mx1.gmial.com", "mx1.gmail.com", "transposition",
	    TYPO_TARGET_DOMAIN);
	/* A multi-label suffix is edited as a whole: co.uk -> co.ug. */
	expect_typo(state, "yahoo.co.ug", "yahoo.co.uk", "tld-substitution",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "yaho.co.uk", "yahoo.co.uk", "omission",
	    TYPO_TARGET_DOMAIN);
}

static void
domain_typo_explained(void **state)
{
	struct typo_match m;

	assert_int_equal(match(state, "gmial.com", &m), TYPO_MATCH);
	assert_string_equal(m.rule, "gmail.com");
	assert_string_equal(m.explanation,
	    "gmial.com imitates gmail.com: label 'gmail' typed as 'gmial', "
	    "transposition of 'ai'");
}

static void
more_classes(void **state)
{
	struct typo_match m;

	expect_typo(state, "gmeil.com", "gmail.com", "vowel-swap",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmaik.com", "gmail.com", "substitution",
	    TYPO_TARGET_DOMAIN);
	assert_int_equal(match(state, "gmaik.com", &m), TYPO_MATCH);
	assert_non_null(strstr(m.explanation, "neighbouring key on QWERTY"));
	expect_typo(state, "gmaih.com", "gmail.com", "bitsquatting",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "g-mail.com", "gmail.com", "hyphenation",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gm.ail.com", "gmail.com", "dot-insertion",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmailcom.com", "gmail.com", "dot-omission",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "armymil.com", "army.mil", "dot-omission",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "army.mil.com", "army.mil", "appended-tld",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmail.net", "gmail.com", "tld-swap",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "yahoo.uk", "yahoo.co.uk", "tld-swap",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "grnail.com", "gmail.com", "lookalike",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gmai1.com", "gmail.com", "substitution",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "grnai1.com", "gmail.com", "lookalike",
	    TYPO_TARGET_DOMAIN);
	/* gmail.com with a Cyrillic a, as an A-label and as UTF-8. */
	expect_typo(state, "xn--gmil-63d.com", "gmail.com", "homoglyph",
	    TYPO_TARGET_DOMAIN);
	expect_typo(state, "gm\xd0\xb0il.com", "gmail.com", "homoglyph",
	    TYPO_TARGET_DOMAIN);
	assert_int_equal(match(state, "xn--gmil-63d.com", &m), TYPO_MATCH);
	assert_int_equal(m.severity, 1);
	/* Accents: gmàil. */
	expect_typo(state, "gm\xc3\xa0il.com", "gmail.com", "homoglyph",
	    TYPO_TARGET_DOMAIN);
}

static void
distance_two(void **state)
{
	static const char text[] =
	    "protect: {domains: [googlemail.com, gmail.com]}\n"
	    "typo: {max-distance: 2, long-label-length: 8}\n";
	struct ts_config cfg;
	struct typo_model *m;
	struct typo_match t;
	char err[512];
	(void)state;

	assert_int_equal(config_parse(&cfg, "d2.yaml", text, strlen(text), err,
	    sizeof(err)), 0);
	assert_non_null(m = typo_model_build(&cfg, err, sizeof(err)));
	assert_int_equal(typo_match(m, "gogglemial.com", 14, &t), TYPO_MATCH);
	assert_string_equal(t.class, "distance-2");
	assert_int_equal(t.distance, 2);
	assert_string_equal(t.protected_name, "googlemail.com");
	/* One edit still says which. */
	assert_int_equal(typo_match(m, "goglemail.com", 13, &t), TYPO_MATCH);
	assert_string_equal(t.class, "omission");
	/* Short labels never get two edits: gmail is under 8. */
	assert_int_equal(typo_match(m, "gmxil2.com", 10, &t), TYPO_NONE);
	/* Three edits are not a match. */
	assert_int_equal(typo_match(m, "gogglemiel.com", 14, &t), TYPO_NONE);
	typo_model_free(m);
	config_free(&cfg);
}

static void
never_flagged(void **state)
{
	/* Protected, and under protected names or TLDs. */
	expect_result(state, "army.mil", TYPO_EXEMPT);
	expect_result(state, "mail.army.mil", TYPO_EXEMPT);
	expect_result(state, "arny.mil", TYPO_EXEMPT);
	expect_result(state, "gmail.com", TYPO_EXEMPT);
	expect_result(state, "alt1.gmail-smtp-in.l.google.com", TYPO_NONE);
	expect_result(state, "mx.gmail.com", TYPO_EXEMPT);
	/* mail.com is one omission from gmail.com, but protected itself. */
	expect_result(state, "mail.com", TYPO_EXEMPT);
	/* Allowed, and subdomains of allowed names. */
	expect_result(state, "gmial.net", TYPO_EXEMPT);
	expect_result(state, "mx.allowed.ml", TYPO_EXEMPT);
	/* The public suffix is co.il, not the typo il. */
	expect_result(state, "nana10.co.il", TYPO_NONE);
	/* il is not flagged whole: only known labels alert there. */
	expect_result(state, "unknown.il", TYPO_NONE);
	/* A short label (af) has no variants of its own. */
	expect_result(state, "af.il", TYPO_NONE);
	expect_result(state, "af.com", TYPO_NONE);
	/* A public suffix alone has no registrant. */
	expect_result(state, "ml", TYPO_NONE);
	expect_result(state, "example.org", TYPO_NONE);
	expect_result(state, "gmail.com.example.org", TYPO_NONE);
	/* Two edits away. */
	expect_result(state, "gmia.com", TYPO_NONE);
}

static void
invalid_names(void **state)
{
	expect_result(state, "", TYPO_INVALID);
	expect_result(state, ".", TYPO_INVALID);
	expect_result(state, "a..ml", TYPO_INVALID);
	expect_result(state, "a\\032b.ml", TYPO_INVALID);
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	expect_result(state, longname, TYPO_INVALID);
}

static void
bad_config_names(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "protect: {tlds: [mill]}\n",
		  "t.yaml:1:18: protect.tlds: 'mill' is not a suffix" },
		{ "protect:\n  domains: [us.army.mil]\n",
		  "t.yaml:2:13: protect.domains: 'us.army.mil' is not a "
		  "registrable domain (did you mean 'army.mil'?)" },
		{ "protect: {domains: [co.uk]}\n",
		  "t.yaml:1:21: protect.domains: 'co.uk' is a public suffix" },
		{ "allow: ['bad name']\n",
		  "t.yaml:1:9: allow: 'bad name' is not a valid domain name" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ts_config cfg;
		char err[512];
		assert_int_equal(config_parse(&cfg, "t.yaml", cases[i].text,
		    strlen(cases[i].text), err, sizeof(err)), 0);
		assert_null(typo_model_build(&cfg, err, sizeof(err)));
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("got '%s', want '%s'", err, cases[i].want);
		config_free(&cfg);
	}
}

/*
 * The name cache answers as the model does, twice over (the second time
 * from the cache); a typo is never kept, so its details are always filled;
 * a cleared cache asks again.
 */
static void
name_cache_agrees(void **state)
{
	struct fixture *f = *state;
	static const char *names[] = {
		"gmail.com", "GMAIL.com", "example.org", "army.mil", "army.ml",
		"gmial.com", "gmial.net", "bad name.com", "a", "mail.com",
		"this-label-is-longer-than-the-cache-keeps.example.com",
	};
	struct name_cache *c = name_cache_new();
	struct typo_match want, got;

	assert_non_null(c);
	for (int round = 0; round < 3; round++) {
		if (round == 2)
			name_cache_clear(c);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			size_t len = strlen(names[i]);
			enum typo_result r = typo_match(f->model, names[i],
			    len, &want);
			/* The screen's verdict (kept for typos too), then
			 * the details, which a kept typo does not skip. */
			assert_int_equal(name_cache_verdict(c, f->model,
			    names[i], len), r);
			memset(&got, 0, sizeof(got));
			assert_int_equal(name_cache_match(c, f->model,
			    names[i], len, &got), r);
			if (r == TYPO_MATCH) {
				assert_string_equal(got.protected_name,
				    want.protected_name);
				assert_string_equal(got.explanation,
				    want.explanation);
			}
		}
	}
	/* Same hash slot or not, a different name is not a hit. */
	assert_int_equal(name_cache_match(c, f->model, "gmail.co", 8, &got),
	    typo_match(f->model, "gmail.co", 8, &want));
	assert_int_equal(name_cache_match(NULL, f->model, "army.ml", 7, &got),
	    TYPO_MATCH);
	assert_int_equal(name_cache_verdict(NULL, f->model, "army.ml", 7),
	    TYPO_MATCH);
	assert_int_equal(name_cache_verdict(c, f->model, "gmail.com", 9),
	    TYPO_EXEMPT);
	name_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tld_typos),
		cmocka_unit_test(tld_typo_explained),
		cmocka_unit_test(domain_typos),
		cmocka_unit_test(domain_typo_explained),
		cmocka_unit_test(dot_edits),
		cmocka_unit_test(more_classes),
		cmocka_unit_test(distance_two),
		cmocka_unit_test(never_flagged),
		cmocka_unit_test(invalid_names),
		cmocka_unit_test(bad_config_names),
		cmocka_unit_test(name_cache_agrees),
	};

	return cmocka_run_group_tests_name("typo", tests, setup, teardown);
}
