/*
 * config_decoder.c — the decoder section of the configuration: which
 * encapsulations are decoded (decoders/decode_tunnel.c), on which UDP
 * ports, how deep.  A disabled one is left as the outer packet.
 */
#include <stdint.h>
#include <string.h>

#include "config_keys.h"

static int
load_decoder_ports(struct loader *l, yaml_node_t *n, const char *key,
    uint16_t *ports, uint8_t *count)
{
	uint16_t v[CONFIG_MAX_PORTS];
	size_t got;

	if (load_ports(l, n, key, v, &got) != 0)
		return -1;
	if (got > DECODE_MAX_PORTS)
		return fail(l, n, "%s: give at most %d ports", key,
		    DECODE_MAX_PORTS);
	memcpy(ports, v, got * sizeof(v[0]));
	*count = (uint8_t)got;
	return 0;
}

#define DECODER_BOOL(fn, field, key)					\
static int								\
fn(struct loader *l, yaml_node_t *n, struct ts_config *c)		\
{									\
	return load_bool(l, n, key, &c->decoder.field);			\
}
DECODER_BOOL(ld_dec_vxlan, vxlan, "decoder.vxlan.enabled")
DECODER_BOOL(ld_dec_geneve, geneve, "decoder.geneve.enabled")
DECODER_BOOL(ld_dec_gre, gre, "decoder.gre.enabled")
DECODER_BOOL(ld_dec_erspan, erspan, "decoder.erspan.enabled")
DECODER_BOOL(ld_dec_ipip, ipip, "decoder.ipip.enabled")
DECODER_BOOL(ld_dec_mpls, mpls, "decoder.mpls.enabled")
DECODER_BOOL(ld_dec_pppoe, pppoe, "decoder.pppoe.enabled")
#undef DECODER_BOOL

static int
ld_dec_vxlan_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_decoder_ports(l, n, "decoder.vxlan.ports",
	    c->decoder.vxlan_ports, &c->decoder.n_vxlan_ports);
}

static int
ld_dec_geneve_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_decoder_ports(l, n, "decoder.geneve.ports",
	    c->decoder.geneve_ports, &c->decoder.n_geneve_ports);
}

static int
ld_dec_gre_udp_ports(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	return load_decoder_ports(l, n, "decoder.gre.udp-ports",
	    c->decoder.gre_udp_ports, &c->decoder.n_gre_udp_ports);
}

static int
ld_dec_max_depth(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	uint32_t v;

	if (load_u32(l, n, "decoder.max-depth", 1, DECODE_DEPTH_MAX, &v) != 0)
		return -1;
	c->decoder.max_depth = (uint8_t)v;
	return 0;
}

static int
ld_dec_mpls_labels(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	uint32_t v;

	if (load_u32(l, n, "decoder.mpls.max-labels", 1, 64, &v) != 0)
		return -1;
	c->decoder.mpls_max_labels = (uint8_t)v;
	return 0;
}

/* --dump-config: the decoder's ports and small counts. */
static void
show_u16s(FILE *f, const uint16_t *v, unsigned n)
{
	fputc('[', f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s%u", i > 0 ? ", " : "", v[i]);
	fputc(']', f);
}

static void
show_vxlan_ports(FILE *f, const struct ts_config *c)
{
	show_u16s(f, c->decoder.vxlan_ports, c->decoder.n_vxlan_ports);
}

static void
show_geneve_ports(FILE *f, const struct ts_config *c)
{
	show_u16s(f, c->decoder.geneve_ports, c->decoder.n_geneve_ports);
}

static void
show_gre_udp_ports(FILE *f, const struct ts_config *c)
{
	show_u16s(f, c->decoder.gre_udp_ports, c->decoder.n_gre_udp_ports);
}

static void
show_max_depth(FILE *f, const struct ts_config *c)
{
	fprintf(f, "%u", c->decoder.max_depth);
}

static void
show_mpls_labels(FILE *f, const struct ts_config *c)
{
	fprintf(f, "%u", c->decoder.mpls_max_labels);
}

static const struct key_handler dec_vxlan_keys[] = {
	KEY("enabled", ld_dec_vxlan, BOOL, decoder.vxlan),
	KEY_FN("ports", ld_dec_vxlan_ports, show_vxlan_ports),
	END_KEYS,
};
static const struct key_handler dec_geneve_keys[] = {
	KEY("enabled", ld_dec_geneve, BOOL, decoder.geneve),
	KEY_FN("ports", ld_dec_geneve_ports, show_geneve_ports),
	END_KEYS,
};
static const struct key_handler dec_gre_keys[] = {
	KEY("enabled", ld_dec_gre, BOOL, decoder.gre),
	KEY_FN("udp-ports", ld_dec_gre_udp_ports, show_gre_udp_ports),
	END_KEYS,
};
static const struct key_handler dec_erspan_keys[] = {
	KEY("enabled", ld_dec_erspan, BOOL, decoder.erspan),
	END_KEYS,
};
static const struct key_handler dec_ipip_keys[] = {
	KEY("enabled", ld_dec_ipip, BOOL, decoder.ipip),
	END_KEYS,
};
static const struct key_handler dec_mpls_keys[] = {
	KEY("enabled", ld_dec_mpls, BOOL, decoder.mpls),
	KEY_FN("max-labels", ld_dec_mpls_labels, show_mpls_labels),
	END_KEYS,
};
static const struct key_handler dec_pppoe_keys[] = {
	KEY("enabled", ld_dec_pppoe, BOOL, decoder.pppoe),
	END_KEYS,
};

#define DECODER_SECTION(fn, name)					\
static int								\
fn(struct loader *l, yaml_node_t *n, struct ts_config *c)		\
{									\
	if (config_empty_section(n))						\
		return 0;						\
	return config_walk(l, n, "decoder." #name, dec_##name##_keys, c); \
}
DECODER_SECTION(ld_dec_vxlan_section, vxlan)
DECODER_SECTION(ld_dec_geneve_section, geneve)
DECODER_SECTION(ld_dec_gre_section, gre)
DECODER_SECTION(ld_dec_erspan_section, erspan)
DECODER_SECTION(ld_dec_ipip_section, ipip)
DECODER_SECTION(ld_dec_mpls_section, mpls)
DECODER_SECTION(ld_dec_pppoe_section, pppoe)
#undef DECODER_SECTION

const struct key_handler config_decoder_keys[] = {
	KEY_FN("max-depth", ld_dec_max_depth, show_max_depth),
	SECTION("vxlan", ld_dec_vxlan_section, dec_vxlan_keys),
	SECTION("geneve", ld_dec_geneve_section, dec_geneve_keys),
	SECTION("gre", ld_dec_gre_section, dec_gre_keys),
	SECTION("erspan", ld_dec_erspan_section, dec_erspan_keys),
	SECTION("ipip", ld_dec_ipip_section, dec_ipip_keys),
	SECTION("mpls", ld_dec_mpls_section, dec_mpls_keys),
	SECTION("pppoe", ld_dec_pppoe_section, dec_pppoe_keys),
	END_KEYS,
};

int
config_ld_decoder(struct loader *l, yaml_node_t *n, struct ts_config *c)
{
	if (config_empty_section(n))
		return 0;
	if (config_walk(l, n, "decoder", config_decoder_keys, c) != 0)
		return -1;
	decode_opts_finish(&c->decoder);
	return 0;
}

