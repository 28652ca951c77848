/*
 * fuzz_policy.c — the Postfix policy request reader (policy_proto.h) and
 * the decision (policy_rules.h), as policyd drives them.
 *
 * The first byte sets the size of the pieces the input arrives in (as
 * reads from a socket), the second the request size cap (64 to 4,144
 * bytes, so that oversized requests are common).  Every request read goes
 * through the decision with the built-in configuration, and its reply must
 * be one "action=..." line and an empty line; the input never holds more
 * than the cap.
 */
#include <string.h>

#include "../../rules/policy_rules.h"
#include "../../sensor/policy_proto.h"
#include "fuzz_model.h"

static struct ts_config cfg;
static struct typo_model *model;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	model = fuzz_model(&cfg, default_config_yaml, default_config_yaml_len,
	    "fuzz_policy");
	return 0;
}

static void
check_reply(const char *action)
{
	char out[1024];
	size_t n = policy_reply(action, out, sizeof(out));

	FUZZ_CHECK(n > 9 && n < sizeof(out));
	FUZZ_CHECK(memcmp(out, "action=", 7) == 0);
	FUZZ_CHECK(out[n - 1] == '\n' && out[n - 2] == '\n');
	FUZZ_CHECK(memchr(out, '\n', n - 2) == NULL);
	FUZZ_CHECK(memchr(out, '\r', n) == NULL);
}

static void
decide(const struct policy_request *r)
{
	struct policy_decision d;
	struct policy_query q = {
		r->recipient.p, r->recipient.len, r->sender.p, r->sender.len,
		r->client_address.p, r->client_address.len,
	};
	char action[1000];

	fuzz_touch(r->recipient.p, r->recipient.len);
	fuzz_touch(r->sender.p, r->sender.len);
	policy_decide(&cfg, model, &q, &d);
	size_t n = policy_action_text(&cfg, &d, action, sizeof(action));
	FUZZ_CHECK(n == strlen(action));
	if (d.verdict == POLICY_TYPO)
		FUZZ_CHECK(d.text[0] != '\0');
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)action[i] >= ' ' &&
		    (unsigned char)action[i] < 0x7f);
	check_reply(action);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = cur_init(data, size);
	size_t piece = (size_t)cur_u8(&c) + 1;
	size_t max = 64 + (size_t)cur_u8(&c) * 16;
	struct slice rest = cur_rest(&c);
	struct policy_input in;
	struct policy_request r;
	char err[256];
	size_t at = 0;

	if (c.err)
		return 0;
	policy_input_init(&in, max);
	while (at < rest.len) {
		size_t room;
		char *p = policy_input_room(&in, &room);
		if (p == NULL)
			break;
		size_t n = rest.len - at < piece ? rest.len - at : piece;
		if (n > room)
			n = room;
		memcpy(p, rest.p + at, n);
		policy_input_added(&in, n);
		at += n;
		for (;;) {
			enum policy_next next = policy_input_next(&in, &r, err,
			    sizeof(err));
			if (next == POLICY_NEED_MORE)
				break;
			if (next == POLICY_REQUEST)
				decide(&r);
			else
				FUZZ_CHECK(err[0] != '\0');
		}
		FUZZ_CHECK(in.len <= max && in.cap <= max);
	}
	policy_input_free(&in);
	return 0;
}
