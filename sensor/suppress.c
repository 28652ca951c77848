/*
 * suppress.c — a fixed-size table of recent alerts, oldest first.
 *
 * Entries live in a ring in the order their alerts went out, which is also
 * the order their windows end, so expiry and eviction both take from the
 * head.  A hash index (chains of ring indexes) finds an entry by key.  An
 * entry replaced before reaching the head is marked dead in place.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "../decoders/siphash.h"
#include "suppress.h"

int
suppress_init(struct suppress *s, uint32_t window, uint32_t max)
{
	memset(s, 0, sizeof(*s));
	s->window = window;
	s->max = max;
	if (window == 0 || max == 0)
		return 0;
	uint32_t nb = 16;
	while (nb < max && nb < (1U << 30))
		nb <<= 1;
	s->ring = calloc(max, sizeof(*s->ring));
	s->buckets = calloc(nb, sizeof(*s->buckets));
	if (s->ring == NULL || s->buckets == NULL) {
		suppress_free(s);
		return -1;
	}
	s->mask = nb - 1;
	for (size_t got = 0; got < sizeof(s->key); ) {
		ssize_t r = getrandom(s->key + got, sizeof(s->key) - got, 0);
		if (r <= 0) {
			suppress_free(s);
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

void
suppress_free(struct suppress *s)
{
	free(s->ring);
	free(s->buckets);
	memset(s, 0, sizeof(*s));
}

int
suppress_configure(struct suppress *s, uint32_t window, uint32_t max)
{
	uint32_t per_second = s->per_second;
	int rc;

	if (s->ring != NULL && window != 0 && max == s->max) {
		s->window = window;
		return 0;
	}
	suppress_free(s);
	rc = suppress_init(s, window, max);
	s->per_second = per_second;
	return rc;
}

void
suppress_set_rate(struct suppress *s, uint32_t per_second)
{
	s->per_second = per_second;
	s->sent = 0;
}

/* Whether one more alert may go out in the second now; counts it. */
static bool
rate_allows(struct suppress *s, time_t now, struct counters *cnt)
{
	if (s->per_second == 0)
		return true;
	if (now != s->second) {
		s->second = now;
		s->sent = 0;
	}
	if (s->sent >= s->per_second) {
		cnt->alerts_rate_capped++;
		return false;
	}
	s->sent++;
	return true;
}

/* Unlinks ring entry i from its bucket chain. */
static void
unlink_entry(struct suppress *s, uint32_t i)
{
	uint32_t *pp = &s->buckets[s->ring[i].hash & s->mask];

	while (*pp != 0) {
		if (*pp == i + 1) {
			*pp = s->ring[i].next;
			break;
		}
		pp = &s->ring[*pp - 1].next;
	}
	s->ring[i].live = false;
}

/* Drops the head entry (expired, or evicted to make room). */
static void
pop_head(struct suppress *s)
{
	if (s->ring[s->head].live)
		unlink_entry(s, s->head);
	s->head = (s->head + 1) % s->max;
	s->count--;
}

static bool
within(const struct suppress *s, const struct suppress_entry *e, time_t now)
{
	/* A clock (or a capture) going backwards ends the window. */
	return now >= e->since && now - e->since < (time_t)s->window;
}

bool
suppress_check(struct suppress *s, uint32_t sid, const struct ip_addr *src,
    const char *name, time_t now, struct counters *cnt)
{
	uint8_t buf[4 + 1 + 16 + 256];
	size_t n = strlen(name);

	if (s->window == 0 || s->ring == NULL || s->max == 0)
		return !rate_allows(s, now, cnt);
	if (n > 255)
		n = 255;
	memcpy(buf, &sid, 4);
	buf[4] = src->family;
	memcpy(buf + 5, src->bytes, 16);
	memcpy(buf + 21, name, n);
	uint64_t h = siphash24(buf, 21 + n, s->key);

	/* Windows that have ended leave from the head. */
	while (s->count > 0 && (!s->ring[s->head].live ||
	    !within(s, &s->ring[s->head], now)))
		pop_head(s);

	for (uint32_t i = s->buckets[h & s->mask]; i != 0;
	    i = s->ring[i - 1].next) {
		struct suppress_entry *e = &s->ring[i - 1];
		if (e->hash != h)
			continue;
		if (within(s, e, now)) {
			cnt->alerts_suppressed++;
			return true;
		}
		unlink_entry(s, i - 1);
		break;
	}

	if (!rate_allows(s, now, cnt))
		return true;
	if (s->count == s->max) {
		if (s->ring[s->head].live)
			cnt->suppress_evicted++;
		pop_head(s);
	}
	uint32_t t = (s->head + s->count) % s->max;
	s->ring[t].hash = h;
	s->ring[t].since = now;
	s->ring[t].live = true;
	s->ring[t].next = s->buckets[h & s->mask];
	s->buckets[h & s->mask] = t + 1;
	s->count++;
	return false;
}
