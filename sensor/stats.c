/*
 * stats.c — our counters under Suricata's stats names.
 *
 * Where typosentry counts one thing that Suricata splits (DNS errors over
 * UDP and TCP), the sum goes under the first name, as README says.
 */
#include "eve.h"
#include "stats.h"

/* a - b, never below zero (b counts a subset of a). */
static uint64_t
minus(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static void
decoder_object(struct json *j, const struct counters *c)
{
	json_open_object(j, "decoder");
	json_uint(j, "pkts", c->packets);
	json_uint(j, "bytes", c->bytes);
	json_uint(j, "invalid", c->link_truncated + c->vlan_too_deep +
	    c->ip_truncated + c->ip_invalid + c->ip_ext_too_many +
	    c->udp_truncated + c->udp_invalid + c->tcp_invalid +
	    c->tunnel_too_deep + c->link_too_deep + c->gre_truncated +
	    c->gre_invalid + c->erspan_truncated + c->erspan_invalid +
	    c->vxlan_truncated + c->vxlan_invalid + c->geneve_truncated +
	    c->geneve_invalid + c->mpls_truncated + c->mpls_too_many_labels +
	    c->pppoe_truncated + c->pppoe_invalid + c->ppp_truncated +
	    c->chdlc_truncated);
	json_uint(j, "ipv4", c->ipv4);
	json_uint(j, "ipv6", c->ipv6);
	json_uint(j, "tcp", c->tcp);
	json_uint(j, "udp", c->udp);
	json_uint(j, "unknown_ethertype", c->link_other);
	json_uint(j, "too_many_layers", c->ip_ext_too_many +
	    c->tunnel_too_deep + c->link_too_deep);
	/* The encapsulations (decode_tunnel.c). */
	json_uint(j, "gre", c->gre);
	json_uint(j, "erspan", c->erspan);
	json_uint(j, "vxlan", c->vxlan);
	json_uint(j, "geneve", c->geneve);
	json_uint(j, "ipv4_in_ipv4", c->ipv4_in_ipv4);
	json_uint(j, "ipv6_in_ipv4", c->ipv6_in_ipv4);
	json_uint(j, "ipv4_in_ipv6", c->ipv4_in_ipv6);
	json_uint(j, "ipv6_in_ipv6", c->ipv6_in_ipv6);
	json_uint(j, "mpls", c->mpls);
	json_uint(j, "pppoe", c->pppoe);
	json_uint(j, "ppp", c->ppp);
	json_uint(j, "chdlc", c->chdlc);

	/* Malformed packets by kind. */
	json_open_object(j, "event");
	json_open_object(j, "ethernet");
	json_uint(j, "pkt_too_small", c->link_truncated);
	json_uint(j, "unknown_ethertype", c->link_other);
	json_close_object(j);
	json_open_object(j, "vlan");
	json_uint(j, "too_many_layers", c->vlan_too_deep);
	json_close_object(j);
	json_open_object(j, "ipv4");
	json_uint(j, "trunc_pkt", minus(c->ip_truncated,
	    c->ipv6_truncated + c->tcp_truncated));
	json_uint(j, "hlen_too_small", minus(c->ip_invalid, c->ipv6_invalid));
	json_uint(j, "frag_overlap", c->frag_overlaps);
	json_uint(j, "frag_pkt_too_large", c->frag_too_big);
	json_close_object(j);
	json_open_object(j, "ipv6");
	json_uint(j, "trunc_pkt", c->ipv6_truncated);
	json_uint(j, "wrong_ip_version", c->ipv6_invalid);
	json_close_object(j);
	json_open_object(j, "tcp");
	json_uint(j, "pkt_too_small", c->tcp_truncated);
	json_uint(j, "hlen_too_small", c->tcp_invalid);
	json_close_object(j);
	json_open_object(j, "udp");
	json_uint(j, "pkt_too_small", c->udp_truncated);
	json_uint(j, "len_invalid", c->udp_invalid);
	json_close_object(j);
	json_open_object(j, "gre");
	json_uint(j, "pkt_too_small", c->gre_truncated);
	json_uint(j, "version0_flags", c->gre_invalid);
	json_close_object(j);
	json_open_object(j, "erspan");
	json_uint(j, "header_too_small", c->erspan_truncated);
	json_uint(j, "unsupported_version", c->erspan_invalid);
	json_close_object(j);
	json_open_object(j, "vxlan");
	json_uint(j, "unknown_payload_type", c->vxlan_invalid);
	json_close_object(j);
	json_open_object(j, "geneve");
	json_uint(j, "unknown_payload_type", c->geneve_other +
	    c->geneve_invalid);
	json_close_object(j);
	json_open_object(j, "mpls");
	json_uint(j, "pkt_too_small", c->mpls_truncated);
	json_uint(j, "unknown_payload_type", c->mpls_other);
	json_close_object(j);
	json_open_object(j, "pppoe");
	json_uint(j, "pkt_too_small", c->pppoe_truncated);
	json_uint(j, "wrong_code", c->pppoe_invalid);
	json_close_object(j);
	json_open_object(j, "ppp");
	json_uint(j, "pkt_too_small", c->ppp_truncated);
	json_uint(j, "unsup_proto", c->ppp_other);
	json_close_object(j);
	json_open_object(j, "chdlc");
	json_uint(j, "pkt_too_small", c->chdlc_truncated);
	json_close_object(j);
	json_close_object(j);

	json_close_object(j);
}

static void
flow_objects(struct json *j, const struct counters *c,
    const struct stats_gauges *g)
{
	json_open_object(j, "flow");
	json_uint(j, "total", c->flows_created);
	json_uint(j, "tcp", c->flows_created);
	json_uint(j, "active", g->flows_active);
	json_uint(j, "memuse", g->flow_memuse);
	json_open_object(j, "mgr");
	json_uint(j, "flows_timeout", c->flows_expired);
	json_close_object(j);
	json_open_object(j, "wrk");
	json_uint(j, "flows_evicted", c->flows_evicted);
	json_close_object(j);
	json_close_object(j);

	json_open_object(j, "tcp");
	json_uint(j, "sessions", c->flows_created);
	json_uint(j, "active_sessions", g->flows_active);
	json_uint(j, "midstream_pickups", c->tcp_midstream);
	json_uint(j, "rst", c->tcp_rst);
	json_uint(j, "overlap", c->tcp_overlaps + c->tcp_retransmitted);
	json_uint(j, "reassembly_gap", c->tcp_gaps);
	json_uint(j, "segment_memcap_drop", c->tcp_memory_capped +
	    c->tcp_buffer_capped);
	json_uint(j, "no_flow", c->flows_refused);
	json_close_object(j);

	json_open_object(j, "defrag");
	json_uint(j, "memuse", g->defrag_memuse);
	json_uint(j, "max_frags_reached", c->frag_capped);
	json_open_object(j, "wrk");
	json_uint(j, "tracker_timeout", c->frag_timeouts);
	json_close_object(j);
	json_close_object(j);
}

static void
app_layer_object(struct json *j, const struct counters *c)
{
	json_open_object(j, "app_layer");
	json_open_object(j, "flow");
	json_uint(j, "smtp", c->smtp_sessions);
	json_uint(j, "tls", c->tls_sessions);
	json_close_object(j);
	json_open_object(j, "tx");
	json_uint(j, "dns_udp", minus(c->dns_messages, c->dns_tcp_messages));
	json_uint(j, "dns_tcp", c->dns_tcp_messages);
	json_uint(j, "smtp", c->smtp_commands);
	json_close_object(j);
	json_open_object(j, "error");
	json_open_object(j, "dns_udp");
	json_uint(j, "parser", c->dns_truncated + c->dns_malformed);
	json_close_object(j);
	json_open_object(j, "smtp");
	json_uint(j, "parser", c->smtp_unknown_commands +
	    c->smtp_line_too_long + c->smtp_bad_address);
	json_uint(j, "gap", c->smtp_gaps);
	/* The parser's fixed caps: pending replies, listed recipients. */
	json_uint(j, "internal", c->smtp_pending_capped + c->smtp_rcpt_capped);
	json_close_object(j);
	json_open_object(j, "tls");
	json_uint(j, "parser", c->tls_not_tls + c->tls_malformed);
	json_uint(j, "gap", c->tls_gaps);
	json_uint(j, "internal", c->tls_handshake_capped);
	json_close_object(j);
	json_close_object(j);
	json_close_object(j);
}

void
eve_stats(struct json *j, const struct timeval *ts, const char *host,
    const char *thread, const struct counters *c, const struct capture_stats *cap,
    const struct stats_gauges *g)
{
	char tbuf[48];

	json_reset(j);
	eve_timestamp(ts, tbuf, sizeof(tbuf));
	json_open_object(j, NULL);
	json_string(j, "timestamp", tbuf);
	json_string(j, "event_type", "stats");
	if (host != NULL)
		json_string(j, "host", host);
	if (thread != NULL) {
		json_open_object(j, "engine");
		json_string(j, "thread_name", thread);
		json_close_object(j);
	}
	json_open_object(j, "stats");
	json_uint(j, "uptime", g->uptime);
	if (cap->live) {
		json_open_object(j, "capture");
		json_uint(j, "kernel_packets", cap->received);
		json_uint(j, "kernel_drops", cap->dropped);
		json_uint(j, "kernel_ifdrops", cap->ifdropped);
		json_uint(j, "errors", c->capture_failures);
		json_close_object(j);
	}
	decoder_object(j, c);
	flow_objects(j, c, g);
	app_layer_object(j, c);
	json_open_object(j, "detect");
	json_uint(j, "alert", c->alerts);
	json_uint(j, "alerts_suppressed", c->alerts_suppressed);
	json_uint(j, "alert_queue_overflow", c->alerts_rate_capped);
	json_close_object(j);
	json_close_object(j);
	json_close_object(j);
}
