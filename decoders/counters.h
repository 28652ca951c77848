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
	X(ip_fragment,		"IP fragments seen")	\
	X(ip_ext_too_many,	"IPv6 extension header chain too long")	\
	X(ip_other_proto,	"IP payload neither UDP nor TCP")	\
	X(tcp,			"TCP segments")				\
	X(udp,			"UDP datagrams")			\
	X(udp_truncated,	"UDP header or payload cut short")	\
	X(udp_invalid,		"UDP length field invalid")		\
	X(tunnel_too_deep,	"packets nested past decoder.max-depth (all kinds)") \
	X(link_too_deep,	"link encapsulations (PPP, PPPoE, MPLS, Ethernet) nested too deep") \
	X(gre,			"GRE packets decoded (also over UDP)")	\
	X(gre_truncated,	"GRE headers cut short")		\
	X(gre_invalid,		"GRE headers invalid (version, flags, routing)") \
	X(gre_other,		"GRE payloads of a protocol we do not decode") \
	X(gre_too_deep,		"GRE packets past decoder.max-depth")	\
	X(erspan,		"ERSPAN packets decoded (type I, II, III)") \
	X(erspan_truncated,	"ERSPAN headers cut short")		\
	X(erspan_invalid,	"ERSPAN headers of an unknown version or frame type") \
	X(vxlan,		"VXLAN packets decoded")		\
	X(vxlan_truncated,	"VXLAN headers cut short")		\
	X(vxlan_invalid,	"datagrams on a VXLAN port without the VNI flag") \
	X(vxlan_too_deep,	"VXLAN packets past decoder.max-depth")	\
	X(geneve,		"GENEVE packets decoded")		\
	X(geneve_truncated,	"GENEVE headers or options cut short")	\
	X(geneve_invalid,	"GENEVE headers of an unknown version")	\
	X(geneve_other,		"GENEVE payloads of a protocol we do not decode") \
	X(geneve_too_deep,	"GENEVE packets past decoder.max-depth") \
	X(ipv4_in_ipv4,		"IPv4 packets inside IPv4 (protocol 4)") \
	X(ipv6_in_ipv4,		"IPv6 packets inside IPv4 (protocol 41)") \
	X(ipv4_in_ipv6,		"IPv4 packets inside IPv6 (protocol 4)") \
	X(ipv6_in_ipv6,		"IPv6 packets inside IPv6 (protocol 41)") \
	X(ipip_too_deep,	"IP-in-IP packets past decoder.max-depth") \
	X(mpls,			"MPLS label stacks decoded")		\
	X(mpls_truncated,	"MPLS label stacks cut short")		\
	X(mpls_too_many_labels,	"MPLS stacks past decoder.mpls.max-labels") \
	X(mpls_other,		"MPLS payloads neither IP nor Ethernet") \
	X(pppoe,		"PPPoE session packets decoded")	\
	X(pppoe_truncated,	"PPPoE headers cut short")		\
	X(pppoe_invalid,	"PPPoE headers of a wrong version, type or code") \
	X(ppp,			"PPP frames decoded")			\
	X(ppp_truncated,	"PPP headers cut short")		\
	X(ppp_other,		"PPP frames of a protocol other than IP or MPLS (LCP, IPCP, ...)") \
	X(chdlc,		"Cisco HDLC frames decoded")		\
	X(chdlc_truncated,	"Cisco HDLC headers cut short")		\
	X(ip_in_gre,		"IP packets reached inside GRE (Ethernet or IP payload)") \
	X(ip_in_erspan,		"IP packets reached inside ERSPAN")	\
	X(ip_in_vxlan,		"IP packets reached inside VXLAN")	\
	X(ip_in_geneve,		"IP packets reached inside GENEVE")	\
	X(ip_in_ip,		"IP packets reached inside IP (IP-in-IP)") \
	X(ip_in_mpls,		"IP packets reached inside MPLS")	\
	X(ip_in_ppp,		"IP packets reached inside PPP (PPPoE, PPTP, serial)") \
	X(dns_messages,		"DNS messages on a DNS port")		\
	X(dns_queries,		"DNS queries decoded")			\
	X(dns_responses,	"DNS responses decoded")		\
	X(dns_not_query_opcode,	"DNS messages with an opcode other than QUERY") \
	X(dns_no_question,	"DNS messages without a question")	\
	X(dns_truncated,	"DNS messages shorter than their header, or cut by the capture in their questions") \
	X(dns_malformed,	"DNS messages with a bad name or length, or that ldns refused") \
	X(dns_partial,		"DNS messages with whole questions but a later record cut short or malformed (questions checked)") \
	X(dns_mx_questions,	"DNS MX questions")			\
	X(dns_mx_answers,	"DNS MX answer records")		\
	X(dns_records_capped,	"DNS records beyond the logged cap")	\
	X(flows_created,	"flows created")			\
	X(flows_expired,	"flows expired after their timeout")	\
	X(flows_evicted,	"flows evicted to stay under the caps")	\
	X(flows_refused,	"packets with no flow: the table was full") \
	X(tcp_invalid,		"TCP header invalid (offset)")		\
	X(tcp_midstream,	"TCP flows picked up without a SYN")	\
	X(tcp_retransmitted,	"TCP segments already delivered (retransmissions)") \
	X(tcp_overlaps,		"TCP overlaps (first data kept)")	\
	X(tcp_out_of_order,	"TCP segments queued out of order")	\
	X(tcp_gaps,		"TCP holes skipped (data never seen)")	\
	X(tcp_buffer_capped,	"TCP segments dropped: per-flow buffer cap") \
	X(tcp_memory_capped,	"TCP segments dropped: total memory cap") \
	X(tcp_rst,		"TCP resets")				\
	X(frag_reassembled,	"IP datagrams reassembled from fragments") \
	X(frag_overlaps,	"IP fragments overlapping (datagram dropped)") \
	X(frag_too_big,		"IP fragments reaching past 65535 bytes") \
	X(frag_timeouts,	"IP datagrams never completed (timed out)") \
	X(frag_capped,		"IP fragments dropped: pending cap")	\
	X(dns_tcp_messages,	"DNS messages over TCP")		\
	X(smtp_sessions,	"SMTP sessions")			\
	X(smtp_commands,	"SMTP commands")			\
	X(smtp_replies,		"SMTP replies")				\
	X(smtp_unknown_commands, "SMTP lines that are no command we know") \
	X(smtp_line_too_long,	"SMTP lines over the RFC 5321 limit (capped)") \
	X(smtp_rcpt,		"SMTP RCPT TO commands")		\
	X(smtp_rcpt_capped,	"SMTP recipients beyond the per-transaction cap") \
	X(smtp_pending_capped,	"SMTP commands beyond the pending-reply cap") \
	X(smtp_bad_address,	"SMTP addresses that could not be parsed") \
	X(smtp_data_bodies,	"SMTP DATA bodies skipped")		\
	X(smtp_bdat_chunks,	"SMTP BDAT chunks skipped")		\
	X(smtp_starttls,	"SMTP sessions that went to TLS")	\
	X(smtp_gaps,		"SMTP streams resynchronised after a gap") \
	X(tls_sessions,		"TLS connections read (STARTTLS or implicit)") \
	X(tls_records,		"TLS records")				\
	X(tls_client_hellos,	"TLS ClientHello messages")		\
	X(tls_server_hellos,	"TLS ServerHello messages")		\
	X(tls_certificates,	"TLS certificates read in the clear")	\
	X(tls_not_tls,		"TLS streams with bytes that are not TLS (reading stopped)") \
	X(tls_malformed,	"TLS handshake messages or certificates that do not parse") \
	X(tls_handshake_capped,	"TLS handshake messages over the buffer cap (reading stopped)") \
	X(tls_gaps,		"TLS streams with a hole (reading stopped)") \
	X(mail_sessions,	"sessions followed to a typo domain's exchange") \
	X(incidents_opened,	"incidents opened")			\
	X(incidents_closed,	"incidents closed by the window or the end of input (summary written)") \
	X(incidents_closed_early, "incidents closed early, table full (summary written)") \
	X(names_checked,	"names given to the typo matcher")	\
	X(names_invalid,	"names the matcher refused (too long, bad bytes)") \
	X(alerts,		"alerts raised")			\
	X(output_errors,	"alert writes that failed")		\
	X(alerts_suppressed,	"alerts suppressed: same rule, source and name within the window") \
	X(suppress_evicted,	"suppression entries evicted before their window ended (table full)") \
	X(alerts_rate_capped,	"alerts dropped: over alerts.max-per-second") \
	X(syslog_alerts,	"alerts sent to syslog")		\
	X(stats_records,	"stats records written")		\
	X(capture_failures,	"live captures that failed (interface down or gone)") \
	X(capture_reopens,	"live captures opened again after a failure") \
	X(eve_reopens,		"EVE log reopened (SIGHUP)")		\
	X(config_reloads,	"configurations reloaded (SIGHUP)")	\
	X(config_reload_errors,	"configuration reloads refused (the old one kept)") \
	X(ipv6_truncated,	"IPv6 headers cut short (also in ip_truncated)") \
	X(ipv6_invalid,		"IPv6 headers invalid (also in ip_invalid)") \
	X(tcp_truncated,	"TCP headers cut short (also in ip_truncated)")

struct counters {
#define TS_COUNTER_FIELD(name, desc) uint64_t name;
	TS_COUNTERS(TS_COUNTER_FIELD)
#undef TS_COUNTER_FIELD
};

#endif /* TS_COUNTERS_H */
