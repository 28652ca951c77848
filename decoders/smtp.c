/*
 * smtp.c — the SMTP session decoder (RFC 5321) behind smtp.h.
 *
 * Each direction has a line buffer capped at SMTP_LINE_MAX before any
 * parsing (RFC 5321 4.5.3.1 allows 512-byte command and reply lines and
 * 1000-byte text lines).  The client's side is an explicit state machine:
 *
 *   COMMAND   lines are commands, looked up in smtp_commands.def;
 *   SASL      lines answer an AUTH challenge (RFC 4954 4), not commands;
 *   BODY      a DATA body, scanned for CRLF.CRLF without being buffered;
 *   CHUNK     a BDAT chunk, skipped by count (RFC 3030);
 *   TLS_WAIT  STARTTLS sent, its reply not seen yet (RFC 3207).
 *
 * Every command gets exactly one final reply, in order (RFC 2920), so the
 * commands wait in a FIFO for theirs; 3xx replies to DATA and AUTH are
 * intermediate and leave the command at the head.  The FIFO is capped:
 * when it is full the oldest command is forgotten but remembered as a
 * count, and that many final replies are later skipped, so pairing stays
 * right after a flood of pipelined commands.
 *
 * DATA enters BODY as soon as the command is seen, not when the 354
 * arrives: with the server's side missing (lost, or a capture of one
 * direction) the body must still never be read as commands.  A final
 * reply other than 354 to the DATA leaves BODY again; the client, which
 * waits for that reply (RFC 2920 3.1), has sent nothing meanwhile.
 *
 * Transactions.  The strings an event needs (helo, mail_from, the
 * recipients so far) are those of the RCPT's transaction when it was
 * sent, but its reply may come after the client has pipelined RSET or
 * the next MAIL FROM.  So there are two transaction slots: the current
 * one and the one before it, kept while its RCPTs await replies.  A
 * third transaction started before those replies forces them out with
 * reply_code 0 (counted as smtp_pending_capped).  Recipient strings live
 * in a per-slot arena: the first ones, up to SMTP_MAX_RCPTS or half the
 * arena, form the list given in events; later ones are kept only until
 * their event, in the other half, which is compacted when it fills.  Only
 * long addresses pipelined by the dozen can exhaust it; such a recipient
 * is reported at once with reply_code 0, after every older one, so that
 * events stay in order.
 *
 * An event lists the recipients of its transaction up to and including
 * its own (rcpt_index == nrcpt - 1).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "smtp.h"

#define SMTP_CMDF_RESYNC	0x01	/* see smtp_commands.def */

enum smtp_cmd {
	SMTP_CMD_UNKNOWN = 0,
#define SMTP_CMD(name, flags) SMTP_CMD_##name,
#include "smtp_commands.def"
#undef SMTP_CMD
	SMTP_CMD_COUNT
};

static const struct {
	const char	*verb;
	size_t		 len;
	unsigned	 flags;
} smtp_cmds[SMTP_CMD_COUNT] = {
	[SMTP_CMD_UNKNOWN] = { "", 0, 0 },
#define SMTP_CMD(name, flags) \
	[SMTP_CMD_##name] = { #name, sizeof(#name) - 1, flags },
#include "smtp_commands.def"
#undef SMTP_CMD
};

enum smtp_client_state {
	SMTP_CS_COMMAND = 0,
	SMTP_CS_SASL,
	SMTP_CS_BODY,
	SMTP_CS_CHUNK,
	SMTP_CS_TLS_WAIT,
};

/* Where the body scanner stands in the current body line. */
enum smtp_body_pos {
	SMTP_BODY_BOL = 0,	/* at the start of a line */
	SMTP_BODY_DOT,		/* the line so far is "." */
	SMTP_BODY_DOTCR,	/* the line so far is ".\r" */
	SMTP_BODY_TEXT,		/* anything else: skip to the LF */
};

/*
 * Recipient bytes per transaction slot: half for the listed recipients (64
 * of 64 bytes), half for the unlisted ones awaiting their replies.
 */
#define SMTP_TXN_BYTES		8192
#define SMTP_TXN_LIST_BYTES	(SMTP_TXN_BYTES / 2)
#define SMTP_TXN_SLOTS		2
#define SMTP_UNLISTED		UINT16_MAX	/* not in the event list */

struct smtp_line {
	size_t		 len;
	bool		 overflow;	/* bytes beyond the cap were dropped */
	bool		 skip;		/* mid-line after a gap: drop to LF */
	uint8_t		 buf[SMTP_LINE_MAX + 1];	/* and a CR */
};

struct smtp_pending {
	uint8_t		 cmd;		/* enum smtp_cmd */
	uint8_t		 txn;		/* RCPT: its transaction slot */
	bool		 reported;	/* no event owed (true but for RCPT) */
	bool		 interim;	/* DATA: 354 seen */
	bool		 message;	/* its final reply decides a message */
	uint64_t	 bytes;		/* that message's size, once known */
	uint16_t	 off;		/* RCPT: its address in the arena */
	uint16_t	 index;		/* RCPT: place in list, or UNLISTED */
};

struct smtp_txn {
	char		 helo[SMTP_HELO_MAX + 1];
	char		 mail_from[SMTP_ADDR_MAX + 1];
	uint16_t	 rcpt[SMTP_MAX_RCPTS];	/* arena offsets, listed */
	unsigned	 nrcpt;
	bool		 list_closed;	/* a recipient was left out of it */
	unsigned	 unreported;	/* its RCPTs still owed an event */
	size_t		 used;		/* arena bytes in use */
	char		 arena[SMTP_TXN_BYTES];
};

struct smtp_session {
	bool			 done;
	bool			 tls;		/* done by an accepted STARTTLS */
	bool			 greeted;	/* server's first reply seen */
	enum smtp_client_state	 cstate;
	enum smtp_body_pos	 body_pos;
	bool			 body_resync;	/* DATA answered in BODY */
	uint64_t		 chunk_left;	/* BDAT bytes still to skip */
	uint64_t		 msg_bytes;	/* the current message's bytes so far */

	struct smtp_line	 line[2];	/* indexed by enum smtp_dir */

	bool			 in_reply;	/* after a "ddd-" line */
	unsigned		 reply_code;
	char			 reply_text[SMTP_REPLY_TEXT_MAX + 1];

	struct smtp_pending	 pending[SMTP_MAX_PENDING];
	unsigned		 phead, npending;
	unsigned		 max_pending;	/* cap, at most SMTP_MAX_PENDING */
	unsigned		 max_rcpts;	/* cap, at most SMTP_MAX_RCPTS */
	uint64_t		 lost_replies;	/* owed to forgotten commands */

	struct smtp_txn		 txn[SMTP_TXN_SLOTS];
	unsigned		 cur;		/* current transaction's slot */

	/* Scratch for one command or one event. */
	char			 addr[SMTP_ADDR_MAX + 1];
	char			 domain[SMTP_ADDR_MAX + 1];
	const char		*ev_rcpt[SMTP_MAX_RCPTS + 1];
};

/* What every internal step needs to pass on events and count. */
struct smtp_call {
	smtp_event_fn		 fn;
	void			*ctx;
	struct counters		*cnt;
};

/* --- bytes ------------------------------------------------------------ */

static bool
is_blank(uint8_t b)
{
	return b == ' ' || b == '\t';
}

static uint8_t
lower(uint8_t b)
{
	return b >= 'A' && b <= 'Z' ? (uint8_t)(b + ('a' - 'A')) : b;
}

/* Consumes w if the cursor starts with it, ignoring ASCII case. */
static bool
take_word_ci(struct cursor *c, const char *w)
{
	size_t n = strlen(w);

	if (cur_left(c) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(cur_peek(c, i)) != lower((uint8_t)w[i]))
			return false;
	cur_skip(c, n);
	return true;
}

static void
skip_blanks(struct cursor *c)
{
	while (cur_left(c) > 0 && is_blank(cur_peek(c, 0)))
		cur_skip(c, 1);
}

/* The bytes up to the next blank or the end. */
static struct slice
take_token(struct cursor *c)
{
	size_t n = 0;

	while (n < cur_left(c) && !is_blank(cur_peek(c, n)))
		n++;
	return cur_bytes(c, n);
}

static struct slice
rtrim(struct slice s)
{
	struct cursor c = cur_init(s.p, s.len);

	while (s.len > 0 && is_blank(cur_peek(&c, s.len - 1)))
		s.len--;
	return s;
}

static bool
slice_eq_ci(struct slice s, const char *w)
{
	struct cursor c = cur_init(s.p, s.len);

	return take_word_ci(&c, w) && cur_left(&c) == 0;
}

/* Copies a slice as a C string of at most size - 1 bytes. */
static size_t
copy_str(char *dst, size_t size, struct slice s)
{
	size_t n = s.len < size - 1 ? s.len : size - 1;

	if (n > 0)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
	return n;
}

/*
 * The path at the start of an argument, without the ESMTP parameters
 * after it (RFC 5321 4.1.2): "<...>" up to its '>' (outside a quoted
 * local part), a bare address up to the first blank.  A '<' never closed
 * keeps the whole argument, as on a capped line.
 */
static struct slice
take_path(struct cursor *c)
{
	struct slice all = cur_rest(c);
	struct cursor p = cur_init(all.p, all.len);
	bool bracketed, quoted = false;
	size_t n = 0;

	bracketed = cur_left(&p) > 0 && cur_peek(&p, 0) == '<';
	while (cur_left(&p) > 0) {
		uint8_t b = cur_peek(&p, 0);
		if (quoted) {
			if (b == '\\' && cur_left(&p) > 1) {
				cur_skip(&p, 1);
				n++;
			} else if (b == '"') {
				quoted = false;
			}
		} else if (b == '"') {
			quoted = true;
		} else if (bracketed && b == '>') {
			n++;
			break;
		} else if (!bracketed && is_blank(b)) {
			break;
		}
		cur_skip(&p, 1);
		n++;
	}
	return cur_bytes(c, n);
}

/* --- lines ------------------------------------------------------------ */

static void
line_reset(struct smtp_line *l)
{
	l->len = 0;
	l->overflow = false;
	l->skip = false;
}

/*
 * Adds the bytes up to the next LF to the line, capped; true when the LF
 * was consumed and the line is complete.
 */
static bool
line_take(struct smtp_line *l, struct cursor *c)
{
	struct slice rest = cur_rest(c);
	const uint8_t *lf = memchr(rest.p, '\n', rest.len);
	struct slice part = cur_bytes(c, lf != NULL ? (size_t)(lf - rest.p) :
	    rest.len);

	if (!l->skip && part.len > 0) {
		size_t room = sizeof(l->buf) - l->len;
		size_t n = part.len < room ? part.len : room;

		memcpy(l->buf + l->len, part.p, n);
		l->len += n;
		if (n < part.len)
			l->overflow = true;
	}
	if (lf == NULL)
		return false;
	cur_skip(c, 1);
	return true;
}

/*
 * Ends a complete line: strips its CR (a bare LF ends a line too), caps
 * and counts it.  Returns the line to process, or a NULL slice for a line
 * being skipped.  The line's buffer stays valid until the next bytes are
 * added to it.
 */
static struct slice
line_finish(struct smtp_line *l, struct counters *cnt)
{
	struct slice s = { l->buf, l->len };
	struct cursor c = cur_init(l->buf, l->len);
	bool skip = l->skip;

	if (s.len > 0 && cur_peek(&c, s.len - 1) == '\r')
		s.len--;
	if (l->overflow || s.len > SMTP_LINE_MAX) {
		cnt->smtp_line_too_long++;
		if (s.len > SMTP_LINE_MAX)
			s.len = SMTP_LINE_MAX;
	}
	line_reset(l);
	if (skip) {
		s.p = NULL;
		s.len = 0;
	}
	return s;
}

/* --- events and the pending FIFO -------------------------------------- */

static void
emit(struct smtp_session *s, const struct smtp_call *call,
    const struct smtp_txn *t, unsigned index, const char *addr,
    unsigned code, const char *text)
{
	struct smtp_event ev;
	unsigned n = 0;
	size_t len = strlen(addr);
	struct cursor c = cur_init((const uint8_t *)addr, len);

	if (index != SMTP_UNLISTED) {
		for (; n <= index && n < t->nrcpt; n++)
			s->ev_rcpt[n] = t->arena + t->rcpt[n];
	} else {
		for (; n < t->nrcpt; n++)
			s->ev_rcpt[n] = t->arena + t->rcpt[n];
		s->ev_rcpt[n++] = addr;
	}

	memset(&ev, 0, sizeof(ev));
	ev.type = SMTP_EV_RCPT;
	ev.helo = t->helo;
	ev.mail_from = t->mail_from;
	ev.rcpt_to = s->ev_rcpt;
	ev.nrcpt = n;
	ev.rcpt_index = n - 1;
	if (smtp_address_domain(addr, len, s->domain, sizeof(s->domain)) < 0)
		s->domain[0] = '\0';
	ev.domain = s->domain;
	ev.reply_code = code;
	ev.reply_text = text;
	while (cur_left(&c) > 0)
		if (cur_u8(&c) >= 0x80)
			ev.smtputf8 = true;
	if (call->fn != NULL)
		call->fn(call->ctx, &ev);
}

/* The server's final answer to a message (DATA body, BDAT LAST). */
static void
emit_message(const struct smtp_call *call, unsigned code, const char *text,
    uint64_t bytes)
{
	struct smtp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SMTP_EV_MESSAGE;
	ev.helo = "";
	ev.mail_from = "";
	ev.domain = "";
	ev.reply_code = code;
	ev.reply_text = text;
	ev.message_bytes = bytes;
	if (call->fn != NULL)
		call->fn(call->ctx, &ev);
}

static struct smtp_pending *
pending_at(struct smtp_session *s, unsigned i)
{
	return &s->pending[(s->phead + i) % SMTP_MAX_PENDING];
}

/* Passes on the event a RCPT owes, if it still owes one. */
static void
pending_report(struct smtp_session *s, const struct smtp_call *call,
    struct smtp_pending *e, unsigned code, const char *text)
{
	struct smtp_txn *t;

	if (e->cmd != SMTP_CMD_RCPT || e->reported)
		return;
	t = &s->txn[e->txn];
	e->reported = true;
	t->unreported--;
	emit(s, call, t, e->index, t->arena + e->off, code, text);
}

/*
 * Reports with reply_code 0, oldest first, the RCPTs still owed an event:
 * those of one slot, or all when slot is negative.
 */
static void
flush_rcpts(struct smtp_session *s, const struct smtp_call *call, int slot)
{
	for (unsigned i = 0; i < s->npending; i++) {
		struct smtp_pending *e = pending_at(s, i);
		if (slot < 0 || e->txn == (unsigned)slot)
			pending_report(s, call, e, 0, "");
	}
}

static void
pending_pop(struct smtp_session *s)
{
	if (s->npending == 0)
		return;
	s->phead = (s->phead + 1) % SMTP_MAX_PENDING;
	s->npending--;
}

/* No reply will come for anything sent so far. */
static void
pending_clear(struct smtp_session *s, const struct smtp_call *call)
{
	flush_rcpts(s, call, -1);
	s->phead = 0;
	s->npending = 0;
	s->lost_replies = 0;
}

/*
 * Queues a command for its reply.  At the cap the oldest is forgotten: its
 * RCPT event goes out now with reply_code 0, and its reply will be skipped
 * by count.
 */
static struct smtp_pending *
pending_push(struct smtp_session *s, const struct smtp_call *call,
    enum smtp_cmd cmd)
{
	struct smtp_pending *e;

	if (s->npending >= s->max_pending) {
		pending_report(s, call, pending_at(s, 0), 0, "");
		pending_pop(s);
		s->lost_replies++;
		call->cnt->smtp_pending_capped++;
	}
	e = pending_at(s, s->npending++);
	memset(e, 0, sizeof(*e));
	e->cmd = (uint8_t)cmd;
	e->reported = true;
	e->index = SMTP_UNLISTED;
	return e;
}

/* --- transactions ----------------------------------------------------- */

static void
txn_clear(struct smtp_txn *t)
{
	t->mail_from[0] = '\0';
	t->nrcpt = 0;
	t->list_closed = false;
	t->used = 0;
}

/*
 * Ends the current transaction (RSET, a new MAIL FROM or EHLO, the end of
 * a message) and starts an empty one with the same helo.  A transaction
 * whose RCPTs still await replies moves aside to the other slot.
 */
static void
txn_new(struct smtp_session *s, const struct smtp_call *call)
{
	struct smtp_txn *t = &s->txn[s->cur];
	unsigned other = s->cur ^ 1;
	struct smtp_txn *o = &s->txn[other];

	if (t->unreported == 0) {
		txn_clear(t);
		return;
	}
	if (o->unreported > 0) {
		flush_rcpts(s, call, (int)other);
		call->cnt->smtp_pending_capped++;
	}
	memcpy(o->helo, t->helo, sizeof(o->helo));
	txn_clear(o);
	s->cur = other;
}

/*
 * Moves the strings of unlisted recipients still owed an event down to the
 * end of the listed ones (all stored before the list closed).  Queue order
 * is allocation order, so every move is downwards.
 */
static void
txn_compact(struct smtp_session *s, unsigned slot)
{
	struct smtp_txn *t = &s->txn[slot];
	size_t w = 0;

	if (t->nrcpt > 0) {
		w = t->rcpt[t->nrcpt - 1];
		w += strlen(t->arena + w) + 1;
	}
	for (unsigned i = 0; i < s->npending; i++) {
		struct smtp_pending *e = pending_at(s, i);
		if (e->cmd != SMTP_CMD_RCPT || e->reported || e->txn != slot ||
		    e->index != SMTP_UNLISTED)
			continue;
		size_t n = strlen(t->arena + e->off) + 1;
		memmove(t->arena + w, t->arena + e->off, n);
		e->off = (uint16_t)w;
		w += n;
	}
	t->used = w;
}

/* --- commands --------------------------------------------------------- */

static enum smtp_cmd
lookup(struct slice verb)
{
	for (unsigned i = 1; i < SMTP_CMD_COUNT; i++)
		if (verb.len == smtp_cmds[i].len &&
		    slice_eq_ci(verb, smtp_cmds[i].verb))
			return (enum smtp_cmd)i;
	return SMTP_CMD_UNKNOWN;
}

/* Consumes "FROM:" or "TO:" (blanks tolerated around the colon). */
static bool
take_keyword(struct cursor *c, const char *kw)
{
	struct cursor k = *c;

	if (!take_word_ci(&k, kw))
		return false;
	skip_blanks(&k);
	if (!take_word_ci(&k, ":"))
		return false;
	skip_blanks(&k);
	*c = k;
	return true;
}

/*
 * A line that is clearly a command, to resynchronise on after a gap or a
 * missed end of body: see smtp_commands.def.
 */
static bool
resync_command(enum smtp_cmd cmd, struct cursor arg)
{
	if ((smtp_cmds[cmd].flags & SMTP_CMDF_RESYNC) == 0)
		return false;
	return cmd != SMTP_CMD_MAIL || take_keyword(&arg, "FROM");
}

/* A SASL response is base64 or "*" (RFC 4954 4); a command is neither. */
static bool
sasl_line(struct slice line)
{
	struct cursor c = cur_init(line.p, line.len);

	if (slice_eq_ci(line, "*"))
		return true;
	while (cur_left(&c) > 0) {
		uint8_t b = cur_u8(&c);
		if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
		    (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '='))
			return false;
	}
	return true;
}

/*
 * RFC 4954 4: PLAIN and EXTERNAL with an initial response complete in one
 * round trip, and only then may commands be pipelined after AUTH.  Any
 * other AUTH is followed by SASL responses until its final reply.
 */
static bool
auth_one_round_trip(struct cursor arg)
{
	struct slice mech = take_token(&arg);

	skip_blanks(&arg);
	return cur_left(&arg) > 0 && (slice_eq_ci(mech, "PLAIN") ||
	    slice_eq_ci(mech, "EXTERNAL"));
}

static void
cmd_mail(struct smtp_session *s, const struct smtp_call *call,
    struct cursor arg)
{
	struct smtp_txn *t;
	size_t n;

	txn_new(s, call);
	t = &s->txn[s->cur];
	(void)take_keyword(&arg, "FROM");
	n = copy_str(t->mail_from, sizeof(t->mail_from), take_path(&arg));
	if (smtp_address_domain(t->mail_from, n, s->domain,
	    sizeof(s->domain)) < 0)
		call->cnt->smtp_bad_address++;
}

static void
cmd_rcpt(struct smtp_session *s, const struct smtp_call *call,
    struct cursor arg)
{
	struct smtp_txn *t = &s->txn[s->cur];
	struct smtp_pending *e;
	size_t n, need;
	bool listed;

	(void)take_keyword(&arg, "TO");
	n = copy_str(s->addr, sizeof(s->addr), take_path(&arg));
	need = n + 1;
	call->cnt->smtp_rcpt++;
	if (smtp_address_domain(s->addr, n, s->domain, sizeof(s->domain)) < 0)
		call->cnt->smtp_bad_address++;

	e = pending_push(s, call, SMTP_CMD_RCPT);
	listed = !t->list_closed && t->nrcpt < s->max_rcpts &&
	    t->used + need <= SMTP_TXN_LIST_BYTES;
	if (!listed) {
		t->list_closed = true;
		call->cnt->smtp_rcpt_capped++;
		if (t->used + need > sizeof(t->arena))
			txn_compact(s, s->cur);
		if (t->used + need > sizeof(t->arena)) {
			/* Report it now, after every older RCPT. */
			flush_rcpts(s, call, -1);
			emit(s, call, t, SMTP_UNLISTED, s->addr, 0, "");
			return;
		}
	}
	e->txn = (uint8_t)s->cur;
	e->off = (uint16_t)t->used;
	e->reported = false;
	memcpy(t->arena + t->used, s->addr, need);
	t->used += need;
	t->unreported++;
	if (listed) {
		e->index = (uint16_t)t->nrcpt;
		t->rcpt[t->nrcpt++] = e->off;
	}
}

/*
 * "BDAT n [LAST]" (RFC 3030 2): n is up to 64 bits and only counted down,
 * so any size is safe.  A malformed size gets a 501 and we cannot know how
 * many bytes follow, so none are skipped.
 */
static bool
cmd_bdat(struct smtp_session *s, const struct smtp_call *call,
    struct cursor arg)
{
	struct slice num = take_token(&arg);
	struct cursor d = cur_init(num.p, num.len);
	uint64_t n = 0;
	bool last;

	skip_blanks(&arg);
	last = take_word_ci(&arg, "LAST");
	if (num.len == 0 || cur_left(&arg) > 0)
		return false;
	while (cur_left(&d) > 0) {
		uint8_t b = cur_u8(&d);
		if (b < '0' || b > '9' || n > (UINT64_MAX - (b - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(b - '0');
	}
	call->cnt->smtp_bdat_chunks++;
	if (n > 0) {
		s->chunk_left = n;
		s->cstate = SMTP_CS_CHUNK;
	}
	s->msg_bytes = n > UINT64_MAX - s->msg_bytes ? UINT64_MAX :
	    s->msg_bytes + n;
	if (last)
		txn_new(s, call);
	return last;
}

static void
command(struct smtp_session *s, const struct smtp_call *call,
    enum smtp_cmd cmd, struct cursor arg)
{
	call->cnt->smtp_commands++;
	switch (cmd) {
	case SMTP_CMD_UNKNOWN:
		call->cnt->smtp_unknown_commands++;
		break;
	case SMTP_CMD_EHLO:
	case SMTP_CMD_HELO:
		/* RFC 5321 4.1.4: EHLO also resets the transaction. */
		txn_new(s, call);
		copy_str(s->txn[s->cur].helo, sizeof(s->txn[s->cur].helo),
		    cur_rest(&arg));
		break;
	case SMTP_CMD_MAIL:
		cmd_mail(s, call, arg);
		break;
	case SMTP_CMD_RCPT:
		cmd_rcpt(s, call, arg);		/* queues itself */
		return;
	case SMTP_CMD_DATA:
		s->cstate = SMTP_CS_BODY;
		s->body_pos = SMTP_BODY_BOL;
		s->body_resync = false;
		s->msg_bytes = 0;
		pending_push(s, call, cmd)->message = true;
		return;
	case SMTP_CMD_BDAT: {
		bool last = cmd_bdat(s, call, arg);
		struct smtp_pending *e = pending_push(s, call, cmd);
		if (last) {
			e->message = true;
			e->bytes = s->msg_bytes;
			s->msg_bytes = 0;
		}
		return;
	}
	case SMTP_CMD_RSET:
		txn_new(s, call);
		break;
	case SMTP_CMD_STARTTLS:
		s->cstate = SMTP_CS_TLS_WAIT;
		break;
	case SMTP_CMD_AUTH:
		if (!auth_one_round_trip(arg))
			s->cstate = SMTP_CS_SASL;
		break;
	default:
		break;
	}
	(void)pending_push(s, call, cmd);
}

/* The end of a DATA body: the transaction is over (RFC 5321 4.1.1.4). */
static void
body_end(struct smtp_session *s, const struct smtp_call *call)
{
	/* The body's size goes with the DATA that waits for its answer. */
	for (unsigned i = s->npending; i-- > 0; ) {
		struct smtp_pending *e = pending_at(s, i);
		if (e->cmd == SMTP_CMD_DATA) {
			e->bytes = s->msg_bytes;
			break;
		}
	}
	s->msg_bytes = 0;
	s->cstate = SMTP_CS_COMMAND;
	s->body_resync = false;
	call->cnt->smtp_data_bodies++;
	txn_new(s, call);
}

static void
client_line(struct smtp_session *s, const struct smtp_call *call,
    struct slice line)
{
	struct cursor c = cur_init(line.p, line.len);
	struct slice verb = take_token(&c);
	enum smtp_cmd cmd = lookup(verb);
	struct slice rest;
	struct cursor arg;

	skip_blanks(&c);
	rest = rtrim(cur_rest(&c));
	arg = cur_init(rest.p, rest.len);

	switch (s->cstate) {
	case SMTP_CS_SASL:
		if (sasl_line(line))
			return;
		break;		/* not base64: the exchange is over */
	case SMTP_CS_BODY:
		/* Only after the server answered the DATA (body_resync). */
		if (slice_eq_ci(line, ".")) {
			body_end(s, call);
			return;
		}
		if (!resync_command(cmd, arg))
			return;
		body_end(s, call);
		break;
	case SMTP_CS_TLS_WAIT:
		/* RFC 3207 4.2: nothing is pipelined after STARTTLS. */
		if (!resync_command(cmd, arg))
			return;
		break;
	default:
		break;
	}
	s->cstate = SMTP_CS_COMMAND;
	command(s, call, cmd, arg);
}

/*
 * Scans a DATA body for the line "." (RFC 5321 4.1.1.4); "..x" is a
 * dot-stuffed body line (4.5.2).  Nothing is copied.
 */
static void
body_scan(struct smtp_session *s, const struct smtp_call *call,
    struct cursor *c)
{
	size_t start = cur_left(c);

	while (cur_left(c) > 0) {
		if (s->body_pos == SMTP_BODY_TEXT) {
			/*
			 * Inside a line, the end can only come after a
			 * '.' that starts a line: look for dots, not for
			 * every line end (base64 has no dots at all).
			 */
			struct slice rest = cur_rest(c);
			const uint8_t *p = rest.p, *end = rest.p + rest.len;
			const uint8_t *dot;
			while ((dot = memchr(p, '.', (size_t)(end - p))) != NULL &&
			    (dot == rest.p || dot[-1] != '\n'))
				p = dot + 1;
			if (dot == NULL) {
				cur_skip(c, rest.len);
				if (rest.p[rest.len - 1] == '\n')
					s->body_pos = SMTP_BODY_BOL;
				s->msg_bytes += start;
				return;
			}
			cur_skip(c, (size_t)(dot - rest.p) + 1);
			s->body_pos = SMTP_BODY_DOT;
			continue;
		}
		uint8_t b = cur_u8(c);
		if (b == '\n') {
			if (s->body_pos != SMTP_BODY_BOL) {
				/* The message's size, the final "." line included. */
				s->msg_bytes += start - cur_left(c);
				body_end(s, call);
				return;
			}
		} else if (s->body_pos == SMTP_BODY_BOL && b == '.') {
			s->body_pos = SMTP_BODY_DOT;
		} else if (s->body_pos == SMTP_BODY_DOT && b == '\r') {
			s->body_pos = SMTP_BODY_DOTCR;
		} else {
			s->body_pos = SMTP_BODY_TEXT;
		}
	}
	s->msg_bytes += start;
}

/*
 * The server answered the DATA but we are still in its body: the end was
 * lost.  From here body lines go through the line buffer so that the
 * next clear command can end the body.
 */
static void
body_to_lines(struct smtp_session *s)
{
	struct smtp_line *l = &s->line[SMTP_FROM_CLIENT];

	s->body_resync = true;
	line_reset(l);
	switch (s->body_pos) {
	case SMTP_BODY_DOTCR:
		l->buf[l->len++] = '.';
		l->buf[l->len++] = '\r';
		break;
	case SMTP_BODY_DOT:
		l->buf[l->len++] = '.';
		break;
	case SMTP_BODY_TEXT:
		l->skip = true;
		break;
	default:
		break;
	}
}

/* --- replies ---------------------------------------------------------- */

/* No more bytes are wanted: TLS has started, or the session has ended. */
static void
finish(struct smtp_session *s, const struct smtp_call *call)
{
	pending_clear(s, call);
	s->done = true;
}

static void
reply(struct smtp_session *s, const struct smtp_call *call, unsigned code)
{
	bool interim = code / 100 == 3;
	struct smtp_pending *e;

	if (!s->greeted) {
		s->greeted = true;
		/*
		 * RFC 5321 3.1: the session opens with the server's greeting.
		 * A client that spoke first (or a capture that began late)
		 * may have queued commands, but they are not answered by a
		 * 220 or 554 (a 220 to STARTTLS aside).
		 */
		if (s->npending == 0 || ((code == 220 || code == 554) &&
		    pending_at(s, 0)->cmd != SMTP_CMD_STARTTLS))
			return;
	}
	if (s->lost_replies > 0) {
		if (!interim)
			s->lost_replies--;
		return;
	}
	if (s->npending == 0) {
		/* The DATA was forgotten (server gap); this ends its body. */
		if (s->cstate == SMTP_CS_BODY && !interim && !s->body_resync)
			body_to_lines(s);
		return;
	}

	e = pending_at(s, 0);
	switch (e->cmd) {
	case SMTP_CMD_DATA:
		if (code == 354 && !e->interim) {
			e->interim = true;
			return;
		}
		if (s->cstate == SMTP_CS_BODY) {
			if (!e->interim) {
				/* Refused: no body follows (RFC 5321 3.3). */
				s->cstate = SMTP_CS_COMMAND;
				line_reset(&s->line[SMTP_FROM_CLIENT]);
			} else if (!s->body_resync) {
				body_to_lines(s);
			}
		}
		/* After a 354 and a body: the message's fate. */
		if (e->interim && !interim)
			emit_message(call, code, s->reply_text, e->bytes);
		break;
	case SMTP_CMD_BDAT:
		if (e->message && !interim)
			emit_message(call, code, s->reply_text, e->bytes);
		break;
	case SMTP_CMD_AUTH:
		if (code == 334) {
			if (s->cstate == SMTP_CS_COMMAND)
				s->cstate = SMTP_CS_SASL;
			return;
		}
		if (s->cstate == SMTP_CS_SASL)
			s->cstate = SMTP_CS_COMMAND;
		break;
	case SMTP_CMD_STARTTLS:
		if (code == 220) {
			call->cnt->smtp_starttls++;
			s->tls = true;
			finish(s, call);
			return;
		}
		if (s->cstate == SMTP_CS_TLS_WAIT)
			s->cstate = SMTP_CS_COMMAND;
		break;
	case SMTP_CMD_QUIT:
		finish(s, call);
		return;
	case SMTP_CMD_RCPT:
		pending_report(s, call, e, code, s->reply_text);
		break;
	default:
		break;
	}
	pending_pop(s);
}

/*
 * "ddd text", "ddd-text" for all but the last line of a reply (RFC 5321
 * 4.2.1).  The first line's code and text stand for the reply.  Lines that
 * do not start with a code are ignored.
 */
static void
server_line(struct smtp_session *s, const struct smtp_call *call,
    struct slice line)
{
	struct cursor c = cur_init(line.p, line.len);
	unsigned code = 0;
	bool more = false;

	if (cur_left(&c) < 3)
		return;
	for (int i = 0; i < 3; i++) {
		uint8_t b = cur_u8(&c);
		if (b < '0' || b > '9' || (i == 0 && (b < '1' || b > '5')))
			return;
		code = code * 10 + (unsigned)(b - '0');
	}
	if (cur_left(&c) > 0) {
		uint8_t sep = cur_peek(&c, 0);
		more = sep == '-';
		if (sep == '-' || sep == ' ')
			cur_skip(&c, 1);
	}
	if (!s->in_reply) {
		s->reply_code = code;
		copy_str(s->reply_text, sizeof(s->reply_text), cur_rest(&c));
	}
	s->in_reply = more;
	if (more)
		return;
	call->cnt->smtp_replies++;
	reply(s, call, s->reply_code);
}

/* --- API -------------------------------------------------------------- */

/*
 * A new session.  Its buffers (lines, the pending ring, the recipient
 * arenas: nearly all of its 23 KB) are written before they are read, so
 * only the state around them is cleared: a session per SMTP connection
 * costs no 23 KB of zeroing.
 */
struct smtp_session *
smtp_session_new(void)
{
	struct smtp_session *s = malloc(sizeof(struct smtp_session));

	if (s == NULL)
		return NULL;
	memset(s, 0, offsetof(struct smtp_session, line));
	for (int d = 0; d < 2; d++)
		line_reset(&s->line[d]);
	s->in_reply = false;
	s->reply_code = 0;
	s->reply_text[0] = '\0';
	s->phead = s->npending = 0;
	s->lost_replies = 0;
	for (unsigned i = 0; i < SMTP_TXN_SLOTS; i++) {
		s->txn[i].helo[0] = '\0';
		s->txn[i].unreported = 0;
		txn_clear(&s->txn[i]);
	}
	s->cur = 0;
	s->addr[0] = s->domain[0] = '\0';
	s->ev_rcpt[0] = NULL;
	smtp_session_limit(s, SMTP_MAX_PENDING, SMTP_MAX_RCPTS);
	return s;
}

void
smtp_session_limit(struct smtp_session *s, unsigned max_pending,
    unsigned max_rcpts)
{
	s->max_pending = max_pending < 1 ? 1 :
	    max_pending > SMTP_MAX_PENDING ? SMTP_MAX_PENDING : max_pending;
	s->max_rcpts = max_rcpts < 1 ? 1 :
	    max_rcpts > SMTP_MAX_RCPTS ? SMTP_MAX_RCPTS : max_rcpts;
}

void
smtp_session_free(struct smtp_session *s)
{
	free(s);
}

void
smtp_feed(struct smtp_session *s, enum smtp_dir dir, const uint8_t *data,
    size_t len, smtp_event_fn fn, void *ctx, struct counters *cnt)
{
	struct smtp_call call = { fn, ctx, cnt };
	struct cursor c;

	if (s == NULL || cnt == NULL ||
	    (dir != SMTP_FROM_CLIENT && dir != SMTP_FROM_SERVER))
		return;
	if (data == NULL || len == 0)
		return;
	c = cur_init(data, len);

	while (!s->done && cur_left(&c) > 0) {
		struct smtp_line *l = &s->line[dir];
		struct slice line;

		if (dir == SMTP_FROM_CLIENT && s->cstate == SMTP_CS_CHUNK) {
			size_t n = cur_left(&c);
			if ((uint64_t)n > s->chunk_left)
				n = (size_t)s->chunk_left;
			cur_skip(&c, n);
			s->chunk_left -= n;
			if (s->chunk_left == 0)
				s->cstate = SMTP_CS_COMMAND;
			continue;
		}
		if (dir == SMTP_FROM_CLIENT && s->cstate == SMTP_CS_BODY &&
		    !s->body_resync) {
			body_scan(s, &call, &c);
			continue;
		}
		if (!line_take(l, &c))
			break;
		line = line_finish(l, cnt);
		if (line.p == NULL)
			continue;
		if (dir == SMTP_FROM_SERVER)
			server_line(s, &call, line);
		else
			client_line(s, &call, line);
	}
}

void
smtp_gap(struct smtp_session *s, enum smtp_dir dir, size_t len,
    smtp_event_fn fn, void *ctx, struct counters *cnt)
{
	struct smtp_call call = { fn, ctx, cnt };

	if (s == NULL || cnt == NULL || s->done ||
	    (dir != SMTP_FROM_CLIENT && dir != SMTP_FROM_SERVER))
		return;
	cnt->smtp_gaps++;
	line_reset(&s->line[dir]);

	if (dir == SMTP_FROM_SERVER) {
		/* Replies may have been lost: stop waiting for any. */
		s->in_reply = false;
		s->greeted = true;
		pending_clear(s, &call);
		return;
	}
	switch (s->cstate) {
	case SMTP_CS_CHUNK:
		if ((uint64_t)len >= s->chunk_left) {
			s->chunk_left = 0;
			s->cstate = SMTP_CS_COMMAND;
		} else {
			s->chunk_left -= len;
		}
		break;
	case SMTP_CS_BODY:
		/*
		 * Mid-line in a body: a "." after the hole is more likely the
		 * end of a sentence than the end of the message.  A lost end
		 * is found again through the server's reply (body_to_lines).
		 */
		s->body_pos = SMTP_BODY_TEXT;
		if (s->body_resync)
			s->line[SMTP_FROM_CLIENT].skip = true;
		break;
	default:
		/*
		 * Commands usually fill whole segments, so the bytes after a
		 * hole most likely start a line.
		 */
		break;
	}
}

void
smtp_close(struct smtp_session *s, smtp_event_fn fn, void *ctx)
{
	struct counters none;
	struct smtp_call call = { fn, ctx, &none };

	if (s == NULL)
		return;
	memset(&none, 0, sizeof(none));
	pending_clear(s, &call);
}

bool
smtp_done(const struct smtp_session *s)
{
	return s != NULL && s->done;
}

bool
smtp_tls_started(const struct smtp_session *s)
{
	return s != NULL && s->tls;
}

size_t
smtp_memory(const struct smtp_session *s)
{
	return s != NULL ? sizeof(*s) : 0;
}

bool
smtp_detect(enum smtp_dir dir, const uint8_t *data, size_t len)
{
	struct cursor c;

	if (data == NULL)
		return false;
	c = cur_init(data, len);
	if (dir == SMTP_FROM_CLIENT)
		return take_word_ci(&c, "EHLO ") || take_word_ci(&c, "HELO ");
	if (dir != SMTP_FROM_SERVER || !take_word_ci(&c, "220"))
		return false;
	if (!take_word_ci(&c, " ") && !take_word_ci(&c, "-"))
		return false;
	/* "SMTP" (as in "ESMTP") somewhere in the first line. */
	while (cur_left(&c) >= 4) {
		if (cur_peek(&c, 0) == '\n')
			return false;
		if (take_word_ci(&c, "SMTP"))
			return true;
		cur_skip(&c, 1);
	}
	return false;
}
