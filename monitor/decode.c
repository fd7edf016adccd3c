/*
 * decode.c: the decoders' entry point.
 *
 * Jobs: reset the per-packet fields of struct packet, pick the link decoder
 * for the capture's link type from one table (tcpdump's print.c printers[]),
 * and name anomalies and tunnel types. Protocol logic lives in decode_*.c.
 *
 * Must never: allocate, keep state between packets, clear more of struct
 * packet than a packet needs (it is on the per-packet path).
 */
#include <pcap/dlt.h>

#include "cursor.h"
#include "decode.h"
#include "decode_int.h"
#include "packet.h"

/*
 * Raw IP has three numbers: DLT_RAW is 12 on Linux libpcap and 14 on some
 * BSDs, and LINKTYPE_RAW (101) is what capture files carry (libpcap on Linux
 * maps it back to 12, other readers may not).
 */
enum {
	LINKTYPE_RAW_12 = 12,
	LINKTYPE_RAW_14 = 14,
	LINKTYPE_RAW_101 = 101,
};

static void decode_raw(struct decode_ctx *ctx, struct cursor *c)
{
	if (!cursor_has(c, 1)) {
		decode_anomaly(ctx, ANOMALY_LINK_TRUNCATED);
		return;
	}
	decode_ip_any(ctx, c, ANOMALY_IP_BAD_VERSION);
}

/* One table from link type to link decoder. */
static const struct link_decoder {
	int linktype;
	void (*decode)(struct decode_ctx *ctx, struct cursor *c);
} link_decoders[] = {
	{ DLT_EN10MB, decode_ether },
	{ DLT_LINUX_SLL, decode_sll },
	{ DLT_LINUX_SLL2, decode_sll2 },
	{ LINKTYPE_RAW_12, decode_raw },
	{ LINKTYPE_RAW_14, decode_raw },
	{ LINKTYPE_RAW_101, decode_raw },
	{ DLT_IPV4, decode_ipv4 },
	{ DLT_IPV6, decode_ipv6 },
	{ DLT_NULL, decode_null },
	{ DLT_LOOP, decode_loop },
};

static const struct link_decoder *link_decoder_find(int linktype)
{
	size_t i;

	/* Ethernet first: the common case costs one comparison. */
	for (i = 0; i < sizeof(link_decoders) / sizeof(link_decoders[0]); i++)
		if (link_decoders[i].linktype == linktype)
			return &link_decoders[i];
	return NULL;
}

bool decode_linktype_supported(int linktype)
{
	return link_decoder_find(linktype) != NULL;
}

void decode_packet(struct packet *pkt, int linktype, const uint8_t *data,
		   uint32_t caplen, uint32_t wirelen)
{
	const struct link_decoder *ld;
	struct decode_ctx ctx;
	struct cursor c;

	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->linktype = linktype;
	pkt->nlayers = 0;
	pkt->anomaly = ANOMALY_NONE;
	pkt->non_ip = false;

	ctx.pkt = pkt;
	ctx.cut = caplen < wirelen;
	ctx.nvlan = 0;
	ctx.vlan_inherited = false;
	ctx.tunnel = TUNNEL_NONE;
	ctx.vni = 0;
	ctx.has_vni = false;
	ctx.walk = 0;

	ld = link_decoder_find(linktype);
	if (!ld) {
		/* The caller checks decode_linktype_supported(); should a frame
		 * of another type slip through, it is simply not IP to us. */
		pkt->non_ip = true;
		return;
	}
	cursor_init(&c, data, caplen);
	ld->decode(&ctx, &c);
}

static const char *const anomaly_names[ANOMALY_COUNT] = {
	[ANOMALY_NONE] = "none",
#define X(sym, name) [ANOMALY_##sym] = name,
	DECODE_ANOMALIES(X)
#undef X
};

const char *decode_anomaly_name(enum decode_anomaly a)
{
	if ((unsigned)a >= ANOMALY_COUNT)
		return "unknown";
	return anomaly_names[a];
}

const char *tunnel_type_name(enum tunnel_type t)
{
	switch (t) {
	case TUNNEL_GRE:
		return "gre";
	case TUNNEL_VXLAN:
		return "vxlan";
	case TUNNEL_GENEVE:
		return "geneve";
	case TUNNEL_IPIP:
		return "ipip";
	case TUNNEL_6IN4:
		return "6in4";
	case TUNNEL_GTPU:
		return "gtp-u";
	case TUNNEL_NONE:
		break;
	}
	return NULL;
}
