/*
 * fanout.h — which worker a packet belongs to.
 *
 * Every packet of one client goes to one worker, so that its DNS lookups
 * and its SMTP sessions meet in one correlator: the hash is of the
 * client's address, the side that is not on a DNS or SMTP server port
 * (configured ports); with neither port a server port (SMTP detected on
 * any port), the side with the higher port, the ephemeral one; IP
 * fragments (which but the first have no ports) by their destination, as
 * the fragmented datagrams on these ports are DNS responses to the client.
 *
 * Tunnelled traffic is hashed on the inner packet: one level of VXLAN,
 * GENEVE, GRE (plain, over UDP, ERSPAN I-III) or IP in IP, as far as the
 * decoder.* keys enable them, the inner frame Ethernet with at most one
 * VLAN tag or IP.  A tunnel inside a tunnel, or one whose header is not
 * read here (GRE with routing, PPTP's GRE, other payloads), gives the
 * symmetric hash of the innermost endpoints reached (source XOR
 * destination): both directions still meet in one worker, at the cost of
 * balance.  MPLS and PPPoE below IP are not followed: worker 0.
 *
 * Offline, the reader computes it in C (fanout_hash()); live, the kernel
 * runs the same rule as a classic BPF program (fanout_program()) for a
 * PACKET_FANOUT group of one socket per worker; both give
 * ((h * 0x9e3779b1) >> 16) % workers, h the client's address (IPv6: its
 * four words XORed).  README "Workers" explains the choice and its limits.
 */
#ifndef TS_FANOUT_H
#define TS_FANOUT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "../decoders/counters.h"
#include "../rules/config.h"

/* The rule of a configuration, with its server ports as a bitmap. */
struct fanout_rule {
	const struct ts_config	*cfg;
	uint8_t			 server[65536 / 8];	/* DNS and SMTP ports */
};

void fanout_rule_init(struct fanout_rule *r, const struct ts_config *cfg);

/*
 * The client's 32-bit hash of one captured frame of link type dlt (0 for
 * what is not IP: worker 0).
 */
uint32_t fanout_hash(const struct fanout_rule *rule, int dlt,
    const uint8_t *data, size_t caplen);

/* The worker of a hash. */
static inline unsigned
fanout_worker(uint32_t h, unsigned workers)
{
	return workers > 1 ? ((h * 0x9e3779b1u) >> 16) % workers : 0;
}

/*
 * The classic BPF program of the same rule, reading the packet from its
 * network header (SKF_NET_OFF), for PACKET_FANOUT_CBPF; net_base other
 * than SKF_NET_OFF (a fixed link header length) makes a program for
 * userspace (pcap's bpf_filter(), the tests).  Returns the number of
 * instructions put in prog (at most FANOUT_PROG_MAX), 0 on overflow.
 */
#define FANOUT_PROG_MAX	2048
size_t fanout_program(const struct ts_config *cfg, int32_t net_base,
    struct sock_filter *prog);

/*
 * Joins the packet socket fd to fanout group id (hash by the program,
 * IPv4 fragments reassembled by the kernel first).  Returns 0, or -1 with
 * errno.
 */
int fanout_join(int fd, uint16_t id, const struct ts_config *cfg);

#endif
