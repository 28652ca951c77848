/*
 * packet.h — what the decoders learn about one captured packet.
 *
 * Filled layer by layer (link → IP → UDP) and handed up the pipeline.  All
 * pointers borrow the capture buffer: they are valid only during the
 * callback for this packet; whatever must outlive it is copied.
 */
#ifndef TS_PACKET_H
#define TS_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "cursor.h"

#define TS_MAX_VLAN	2	/* 802.1Q, and QinQ's outer 802.1ad tag */

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10

enum ts_status {
	TS_OK = 0,
	TS_TRUNCATED,		/* the capture ended before the field did */
	TS_INVALID,		/* the field is present but wrong */
	TS_UNSUPPORTED,		/* valid, but not something we decode */
	TS_NOMEM,
	TS_FRAGMENT,		/* an IP fragment: see struct packet's frag */
};

/* What an IP fragment says about itself (decode_ip() fills it). */
struct ip_frag {
	uint32_t	 id;		/* IPv4: 16 bits; IPv6: 32 bits */
	uint32_t	 offset;	/* in bytes */
	bool		 more;		/* more fragments follow */
	uint8_t		 proto;		/* the datagram's upper-layer protocol */
	struct slice	 data;		/* this fragment's payload */
};

struct ip_addr {
	uint8_t		family;		/* AF_INET or AF_INET6 */
	uint8_t		bytes[16];	/* IPv4 uses the first 4 */
};

/*
 * The encapsulations a packet came through (decode_tunnel.c): what keeps
 * tenants apart and what EVE's "tunnel" object shows.  tenant and depth
 * are 0 for a packet that came through none; the other fields are set,
 * and read, only when depth is not.
 */
struct tunnel_info {
	uint64_t	 tenant;	/* keyed hash of the stack; 0: none */
	uint8_t		 depth;		/* tunnels decoded (VXLAN, GRE, ...) */
	uint8_t		 proto;		/* outermost carrier: IPPROTO_UDP, _GRE, ... */
	uint16_t	 sport, dport;	/* the outermost UDP ports, when UDP */
	struct ip_addr	 src, dst;	/* the outermost IP addresses */
};

struct packet {
	/* Set from the capture for every packet. */
	struct timeval	 ts;
	uint64_t	 pcap_cnt;	/* 1-based index in the capture */
	int		 datalink;	/* DLT_* of the capture */

	/*
	 * From vlan to tun's depth: zero before decoding (PACKET_BLANK_FROM
	 * to PACKET_BLANK_TO), the decoders fill what they find.
	 */
	uint16_t	 vlan[TS_MAX_VLAN];
	uint8_t		 vlan_count;

	struct ip_addr	 src, dst;
	uint8_t		 ip_version;	/* 4 or 6 */
	uint8_t		 ip_proto;	/* IPPROTO_UDP, IPPROTO_TCP, ... */
	bool		 udp_cut;	/* decode_udp(): the capture ends inside
					   the datagram (TS_TRUNCATED) */
	struct slice	 l3;		/* IP header onwards, clamped to IP length */
	struct slice	 l4;		/* transport header onwards */

	uint16_t	 sport, dport;
	struct slice	 payload;	/* transport payload */

	/* How it was encapsulated: tenant and depth are zeroed, the rest
	 * is read only when depth is not 0. */
	struct tunnel_info tun;

	/*
	 * Not zeroed: read only where the decoder that sets them said so.
	 * frag: when decode_ip() said TS_FRAGMENT.
	 */
	struct ip_frag	 frag;
	/* TCP: set by decode_tcp() before anything reads them. */
	uint32_t	 tcp_seq, tcp_ack;
	uint8_t		 tcp_flags;	/* TH_SYN, TH_ACK, ... as on the wire */
};

/* The part of struct packet to zero before decoding a frame. */
#define PACKET_BLANK_FROM	offsetof(struct packet, vlan)
#define PACKET_BLANK_TO		(offsetof(struct packet, tun) + \
				 offsetof(struct tunnel_info, proto))

#endif /* TS_PACKET_H */
