/*
 * counters.h — the named event counters of one worker.
 *
 * Decoders never log or exit on bad input: they bump one of these and return.
 * The list is an X-macro so that the struct, the names printed in the exit
 * summary (and later the EVE stats record) cannot drift apart.  A counter
 * belongs to the worker that owns the packet path; nothing here is global.
 */
#ifndef TS_COUNTERS_H
#define TS_COUNTERS_H

#include <stdint.h>

#define TS_COUNTERS(X)							\
	X(packets,		"packets read from the capture")	\
	X(bytes,		"bytes captured")			\
	X(link_unsupported,	"packets of an unsupported link type")	\
	X(link_truncated,	"link header cut short")		\
	X(link_other,		"link payload neither IPv4 nor IPv6")	\
	X(vlan_too_deep,	"more VLAN tags than we follow")	\
	X(ipv4,			"IPv4 packets")				\
	X(ipv6,			"IPv6 packets")				\
	X(ip_truncated,		"IP header cut short by the snap length") \
	X(ip_invalid,		"IP header invalid (version, length)")	\
	X(ip_fragment,		"IP fragments (not reassembled yet)")	\
	X(ip_ext_too_many,	"IPv6 extension header chain too long")	\
	X(ip_other_proto,	"IP payload neither UDP nor TCP")	\
	X(tcp,			"TCP segments")				\
	X(udp,			"UDP datagrams")			\
	X(udp_truncated,	"UDP header or payload cut short")	\
	X(udp_invalid,		"UDP length field invalid")		\
	X(dns_messages,		"DNS messages on a DNS port")		\
	X(dns_queries,		"DNS queries decoded")			\
	X(dns_responses,	"DNS responses decoded")		\
	X(dns_not_query_opcode,	"DNS messages with an opcode other than QUERY") \
	X(dns_no_question,	"DNS messages without a question")	\
	X(dns_truncated,	"DNS messages shorter than their header") \
	X(dns_malformed,	"DNS messages ldns could not parse")	\
	X(dns_mx_questions,	"DNS MX questions")			\
	X(dns_mx_answers,	"DNS MX answer records")		\
	X(dns_records_capped,	"DNS records beyond the logged cap")	\
	X(names_checked,	"names given to the typo matcher")	\
	X(names_invalid,	"names the matcher refused (too long, bad bytes)") \
	X(alerts,		"alerts raised")			\
	X(output_errors,	"alert writes that failed")

struct counters {
#define TS_COUNTER_FIELD(name, desc) uint64_t name;
	TS_COUNTERS(TS_COUNTER_FIELD)
#undef TS_COUNTER_FIELD
};

#endif /* TS_COUNTERS_H */
