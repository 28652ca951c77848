/*
 * suppress.h — alert volume control.
 *
 * An alert identical to one that went out less than `window` seconds
 * earlier (same signature, same source address, same observed name) is
 * suppressed and counted: a host retrying a mistyped address every second
 * raises one alert per window, not one per try.  The first alert always
 * goes out; the window starts with it and is not extended by the
 * suppressed ones.
 *
 * The table is bounded (max entries, allocated once).  It holds a 64-bit
 * keyed SipHash of each key, not the key: two different alerts would have
 * to collide on 64 bits of a secret-keyed hash for one to hide the other.
 * When full, the oldest entry is evicted (counted in suppress_evicted when
 * its window was still running), so the worst case is an extra alert,
 * never a lost first one.
 *
 * Then a cap on the rate: at most `per_second` alerts go out in one
 * second of packet time (alerts.max-per-second); the others are dropped
 * and counted, so that a flood of distinct typos (a million RCPT TO)
 * cannot flood the EVE log and syslog.  Dropped alerts are not
 * remembered for suppression: the next one may go out.
 */
#ifndef TS_SUPPRESS_H
#define TS_SUPPRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../decoders/counters.h"
#include "../decoders/packet.h"

struct suppress_entry {
	uint64_t	hash;
	time_t		since;		/* time of the alert that went out */
	uint32_t	next;		/* bucket chain: index + 1, 0 ends */
	bool		live;
};

struct suppress {
	uint32_t		 window;	/* seconds; 0: off */
	uint32_t		 max;		/* entries */
	struct suppress_entry	*ring;		/* max entries, oldest at head */
	uint32_t		 head, count;
	uint32_t		*buckets;	/* index + 1 of the first entry */
	uint32_t		 mask;
	uint8_t			 key[16];
	uint32_t		 per_second;	/* alerts a second; 0: no cap */
	time_t			 second;	/* the second being counted */
	uint32_t		 sent;		/* alerts sent in it */
};

/* Returns 0, or -1 (no memory).  window 0: nothing is allocated. */
int suppress_init(struct suppress *s, uint32_t window, uint32_t max);
void suppress_free(struct suppress *s);

/*
 * Applies a new window and size (configuration reload): the table is kept
 * when the size is the same, else rebuilt empty.  Returns 0 or -1.
 */
int suppress_configure(struct suppress *s, uint32_t window, uint32_t max);

/* Sets the rate cap (0: none); kept across suppress_configure(). */
void suppress_set_rate(struct suppress *s, uint32_t per_second);

/*
 * Whether the alert (sid, src, name) at time now (seconds, packet time)
 * is a repeat within the window, or over the rate cap: true means drop it
 * (counted in cnt->alerts_suppressed or cnt->alerts_rate_capped).  false
 * means send it; it is then remembered.
 */
bool suppress_check(struct suppress *s, uint32_t sid,
    const struct ip_addr *src, const char *name, time_t now,
    struct counters *cnt);

#endif
