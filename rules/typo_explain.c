/*
 * typo_explain.c — what a match says: the protected name it imitates, the
 * rule, the class, the severity and one sentence on how it was made
 * ("gmailc.om imitates gmail.com: the dot and 'c' swapped").
 */
#include <stdio.h>
#include <string.h>

#include "keyboard.h"
#include "typo_model.h"

const char *
typo_variant_class(const struct variant *v)
{
	if (v->part == PART_SUFFIX && typo_tld_class_names[v->cls] != NULL)
		return typo_tld_class_names[v->cls];
	return typo_class_names[v->cls];
}

/*
 * The rule and protected name of a match of rule r at offset at of the
 * observed name (the labels before it kept as they are: mx.gmial.com
 * imitates mx.gmail.com).  A known label of a protected TLD (army.ml for
 * army.mil) is reported as a typo of that TLD.
 */
static void
set_rule(const struct rule *r, const char *obs, size_t at,
    struct typo_match *out)
{
	out->target = r->implicit ? TYPO_TARGET_TLD : TYPO_TARGET_DOMAIN;
	snprintf(out->rule, sizeof(out->rule), "%s",
	    r->implicit ? r->suffix : r->name);
	snprintf(out->protected_name, sizeof(out->protected_name), "%.*s%s",
	    (int)at, obs, r->name);
}

static int
severity(const struct typo_model *m, const struct rule *r, int cls)
{
	return r->severity != 0 ? r->severity : m->class_severity[cls];
}

/* "omission of 'i'", ", a neighbouring key on QWERTY" when it is one. */
static void
describe_edit(const struct edit *e, uint8_t kb, char *what, size_t len)
{
	edit_describe(e, what, len);
	if (kb != KB_NONE) {
		size_t o = strlen(what);
		snprintf(what + o, len - o, ", a neighbouring key on %s",
		    keyboard_name(kb));
	}
}

/* A precomputed variant v of the table, found as the suffix key. */
static void
explain(const struct typo_model *m, const struct variant *v, const char *key,
    struct typo_match *out)
{
	const struct rule *r = &m->rules[v->rule];
	char what[128];

	describe_edit(&v->edit, v->kb, what, sizeof(what));
	out->distance = 1;
	out->class = typo_variant_class(v);
	switch (v->part) {
	case PART_SUFFIX: {
		const char *orig = r->target == TYPO_TARGET_TLD ? r->name :
		    r->suffix;
		const char *typo = key;
		if (v->target == TYPO_TARGET_DOMAIN)
			typo = strchr(key, '.') + 1;
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: TLD '%s' typed as '%s', %s",
		    out->observed, out->protected_name, orig, typo, what);
		break;
	}
	case PART_LABEL:
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: label '%s' typed as '%.*s', %s",
		    out->observed, out->protected_name, r->label,
		    (int)(strchr(key, '.') - key), key, what);
		break;
	default:
		switch (v->cls) {
		case CLS_DOT_INSERTION: {
			/* The label of the protected name the dot split. */
			const char *nm = r->name;
			size_t at = v->edit.pos, b = at, e = at;
			while (b > 0 && nm[b - 1] != '.')
				b--;
			while (nm[e] != '\0' && nm[e] != '.')
				e++;
			snprintf(what, sizeof(what), "a dot typed inside "
			    "'%.*s'", (int)(e - b), nm + b);
			break;
		}
		case CLS_DOT_TRANSPOSITION:
			snprintf(what, sizeof(what), "the dot and '%c' swapped",
			    v->edit.a == '.' ? v->edit.b : v->edit.a);
			break;
		case CLS_DOT_SUBSTITUTION:
			if (v->edit.a == '.')
				snprintf(what, sizeof(what), "'%c' typed for "
				    "the dot", v->edit.b);
			else
				snprintf(what, sizeof(what), "a dot typed for "
				    "'%c'", v->edit.a);
			break;
		case CLS_DOT_OMISSION:
			snprintf(what, sizeof(what), "a dot of '%s' left out",
			    r->name);
			break;
		case CLS_APPENDED_TLD:
			snprintf(what, sizeof(what), "a TLD typed after '%s'",
			    r->name);
			break;
		default:
			snprintf(what, sizeof(what), "TLD '%s' swapped",
			    r->suffix);
		}
		snprintf(out->explanation, sizeof(out->explanation),
		    "%s imitates %s: %s", out->observed, out->protected_name,
		    what);
	}
	out->severity = severity(m, r, v->cls);
}

void
typo_explain_variant(const struct typo_model *m, const struct variant *v,
    const char *obs, size_t at, struct typo_match *out)
{
	set_rule(&m->rules[v->rule], obs, at, out);
	explain(m, v, obs + at, out);
}

/* A typo TLD flagged whole: everything under ml imitates mil. */
void
typo_explain_tld(const struct typo_model *m, const struct variant *v,
    const char *obs, size_t at, struct typo_match *out)
{
	const char *name = m->rules[v->rule].name;

	out->target = TYPO_TARGET_TLD;
	snprintf(out->rule, sizeof(out->rule), "%s", name);
	snprintf(out->protected_name, sizeof(out->protected_name), "%.*s%s",
	    (int)at, obs, name);
	explain(m, v, obs + at, out);
}

/* One edit e of the registrable label, found in the deletion neighbourhood. */
void
typo_explain_label_edit(const struct typo_model *m, uint32_t rule,
    const char *obs, size_t at, const struct edit *e, int cls, uint8_t kb,
    struct typo_match *out)
{
	const struct rule *r = &m->rules[rule];
	const char *typo = obs + at;
	char what[128];

	set_rule(r, obs, at, out);
	describe_edit(e, kb, what, sizeof(what));
	out->class = typo_class_names[cls];
	out->distance = 1;
	out->severity = severity(m, r, cls);
	snprintf(out->explanation, sizeof(out->explanation),
	    "%s imitates %s: label '%s' typed as '%.*s', %s", out->observed,
	    out->protected_name, r->label, (int)strcspn(typo, "."), typo, what);
}

/* A label whose folded form is the protected one's (label: as decoded). */
void
typo_explain_lookalike(const struct typo_model *m, uint32_t rule,
    const char *obs, size_t at, const char *label, bool uni,
    struct typo_match *out)
{
	const struct rule *r = &m->rules[rule];
	int c = uni ? CLS_HOMOGLYPH : CLS_LOOKALIKE;

	set_rule(r, obs, at, out);
	out->class = typo_class_names[c];
	out->distance = 1;
	out->severity = severity(m, r, c);
	snprintf(out->explanation, sizeof(out->explanation),
	    "%s imitates %s: '%.253s' looks like '%s'%s", out->observed,
	    out->protected_name, label, r->label,
	    uni ? " (Unicode confusables)" : "");
}

/* Two edits of a long label (typo.max-distance: 2). */
void
typo_explain_distance2(const struct typo_model *m, uint32_t rule,
    const char *obs, size_t at, struct typo_match *out)
{
	const struct rule *r = &m->rules[rule];
	const char *typo = obs + at;

	set_rule(r, obs, at, out);
	out->class = typo_class_names[CLS_DISTANCE2];
	out->distance = 2;
	out->severity = severity(m, r, CLS_DISTANCE2);
	snprintf(out->explanation, sizeof(out->explanation),
	    "%s imitates %s: label '%s' typed as '%.*s', two edits",
	    out->observed, out->protected_name, r->label,
	    (int)strcspn(typo, "."), typo);
}
