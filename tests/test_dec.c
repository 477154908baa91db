/* SPDX-License-Identifier: ISC */
/*
 * Tests for the frame decoders (dec.c, dec_*.c), on frames built with
 * pktbuild.  Every decode runs on a malloc'd copy of exactly the frame's
 * length, so AddressSanitizer catches any read past the captured bytes.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "pktbuild.h"

/* The last frame decoded, kept so p->payload stays valid until the next. */
static uint8_t	*td_copy;

static enum dec_status
td_decode_wire(struct pkt *p, int lt, const uint8_t *b, size_t n,
    size_t wire)
{
	free(td_copy);
	td_copy = n > 0 ? malloc(n) : NULL;
	if (n > 0) {
		cr_assert_not_null(td_copy);
		memcpy(td_copy, b, n);
	}
	return dec_frame(p, lt, td_copy, n, wire);
}

static enum dec_status
td_decode(struct pkt *p, int lt, const uint8_t *b, size_t n)
{
	return td_decode_wire(p, lt, b, n, n);
}

/* Offset of the payload in the frame, or -1. */
static long
td_payoff(const struct pkt *p)
{
	return p->payload != NULL ? (long)(p->payload - td_copy) : -1;
}

static void
td_assert_ok(const struct pkt *p, const char *label)
{
	cr_assert_eq(p->status, DEC_OK, "%s: status %d (%s)", label,
	    p->status, p->why != NULL ? p->why : "");
	cr_assert_null(p->why, "%s", label);
}

static void
td_assert_status(const struct pkt *p, enum dec_status st, const char *why)
{
	cr_assert_eq(p->status, st, "status %d, wanted %d (%s)", p->status,
	    st, p->why != NULL ? p->why : "");
	cr_assert_not_null(p->why);
	if (why != NULL)
		cr_assert_str_eq(p->why, why);
}

static void
td_assert_addr(const struct pkt_addr *a, const char *want)
{
	char	buf[64];

	pkt_addr_str(a, buf, sizeof buf);
	cr_assert_str_eq(buf, want);
}

/* A plain TCP segment over Ethernet, for tests that vary one thing. */
static struct pb_tcp
td_tcp(void)
{
	struct pb_tcp	t = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "192.0.2.1", .dst = "198.51.100.2" },
		.sport = 40000,
		.dport = 80,
		.seq = 1000,
		.ack = 2000,
		.flags = TCP_ACK,
		.win = 512,
	};

	return t;
}

static size_t
td_build_tcp(uint8_t *buf, const struct pb_tcp *t)
{
	size_t	n = pb_tcp(buf, PB_MAX, t);

	cr_assert_gt(n, 0, "pktbuild could not build the frame");
	return n;
}

/* ------------------------------------------------------------ links */

/*
 * Criterion may run each parameter in a freshly exec'd worker, where
 * pointers into the parent's data would dangle: parameters hold arrays.
 */
struct td_link_case {
	char		 label[40];
	int		 linktype;
	char		 src[48];
	char		 dst[48];
	bool		 swap;
	bool		 noac;
	bool		 prefix;
};

ParameterizedTestParameters(dec_link, decodes_tcp_over_every_link_type)
{
	static struct td_link_case cases[] = {
		{ "ethernet v4", DEC_LT_ETHERNET, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "ethernet v6", DEC_LT_ETHERNET, "2001:db8::1",
		    "2001:db8::2", false, false, false },
		{ "sll v4", DEC_LT_LINUX_SLL, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "sll v6", DEC_LT_LINUX_SLL, "2001:db8::1", "2001:db8::2",
		    false, false, false },
		{ "sll2 v4", DEC_LT_LINUX_SLL2, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "sll2 v6", DEC_LT_LINUX_SLL2, "2001:db8::1",
		    "2001:db8::2", false, false, false },
		{ "null v4 host order", DEC_LT_NULL, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "null v4 swapped", DEC_LT_NULL, "10.1.1.1", "10.2.2.2",
		    true, false, false },
		{ "null v6 host order", DEC_LT_NULL, "2001:db8::1",
		    "2001:db8::2", false, false, false },
		{ "null v6 swapped", DEC_LT_NULL, "2001:db8::1",
		    "2001:db8::2", true, false, false },
		{ "loop v4", DEC_LT_LOOP, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "loop v6", DEC_LT_LOOP, "2001:db8::1", "2001:db8::2",
		    false, false, false },
		{ "raw v4", DEC_LT_RAW, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "raw v6", DEC_LT_RAW, "2001:db8::1", "2001:db8::2",
		    false, false, false },
		{ "ipv4", DEC_LT_IPV4, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "ipv6", DEC_LT_IPV6, "2001:db8::1", "2001:db8::2",
		    false, false, false },
		{ "ppp v4", DEC_LT_PPP, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "ppp v6 without address/control", DEC_LT_PPP,
		    "2001:db8::1", "2001:db8::2", false, true, false },
		{ "nflog v4", DEC_LT_NFLOG, "10.1.1.1", "10.2.2.2",
		    false, false, false },
		{ "nflog v6 after a prefix tlv", DEC_LT_NFLOG, "2001:db8::1",
		    "2001:db8::2", false, false, true },
	};

	return cr_make_param_array(struct td_link_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct td_link_case *c, dec_link,
    decodes_tcp_over_every_link_type)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = {
		.link = { .linktype = c->linktype, .swap = c->swap,
		    .ppp_noac = c->noac, .nflog_prefix = c->prefix },
		.ip = { .src = c->src, .dst = c->dst },
		.sport = 1234, .dport = 443, .seq = 0xfffffff0U,
		.flags = TCP_SYN, .paylen = 5,
	};
	size_t		n = td_build_tcp(buf, &t);
	char		s[64];

	td_decode(&p, c->linktype, buf, n);
	td_assert_ok(&p, c->label);
	cr_assert(dec_linktype_supported(c->linktype), "%s", c->label);
	cr_assert_eq(p.linktype, c->linktype, "%s", c->label);
	cr_assert_eq(p.kind, PKT_TCP, "%s", c->label);
	cr_assert_eq(p.ipver, strchr(c->src, ':') ? 6 : 4, "%s", c->label);
	pkt_addr_str(&p.src, s, sizeof s);
	cr_assert_str_eq(s, c->src, "%s", c->label);
	pkt_addr_str(&p.dst, s, sizeof s);
	cr_assert_str_eq(s, c->dst, "%s", c->label);
	cr_assert_eq(p.sport, 1234, "%s", c->label);
	cr_assert_eq(p.dport, 443, "%s", c->label);
	cr_assert_eq(p.seq, 0xfffffff0U, "%s", c->label);
	cr_assert_eq(p.flags, TCP_SYN, "%s", c->label);
	cr_assert_eq(p.paylen, 5, "%s", c->label);
	cr_assert_eq(p.paycap, 5, "%s", c->label);
	cr_assert_eq(p.payload[0], pb_pattern(0), "%s", c->label);
	cr_assert_eq(td_payoff(&p), (long)(pb_link_len(&t.link) +
	    pb_ip_len(&t.ip) + 20), "%s: payload offset", c->label);
	cr_assert_leq(td_payoff(&p) + 5, (long)n, "%s", c->label);
}

Test(dec_link, records_an_802_1q_tag)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.link.nvlan = 1;
	t.link.vlan[0] = 100;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "vlan");
	cr_assert_eq(p.nvlan, 1);
	cr_assert_eq(p.vlan[0], 100);
	cr_assert_eq(p.kind, PKT_TCP);
}

struct td_qinq_case {
	char		 label[40];
	uint16_t	 outer_tpid;
	uint16_t	 inner_tpid;
};

ParameterizedTestParameters(dec_link, records_qinq_tags_outermost_first)
{
	static struct td_qinq_case cases[] = {
		{ "802.1ad over 802.1Q", 0x88a8, 0x8100 },
		{ "pre-standard 0x9100", 0x9100, 0x8100 },
		{ "two 802.1Q tags", 0x8100, 0x8100 },
	};

	return cr_make_param_array(struct td_qinq_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct td_qinq_case *c, dec_link,
    records_qinq_tags_outermost_first)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.link.nvlan = 2;
	t.link.vlan[0] = 10;
	t.link.vlan[1] = 4094;
	t.link.tpid[0] = c->outer_tpid;
	t.link.tpid[1] = c->inner_tpid;
	t.ip.src = "2001:db8::a";
	t.ip.dst = "2001:db8::b";
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, c->label);
	cr_assert_eq(p.nvlan, 2, "%s", c->label);
	cr_assert_eq(p.vlan[0], 10, "%s", c->label);
	cr_assert_eq(p.vlan[1], 4094, "%s", c->label);
	cr_assert_eq(p.kind, PKT_TCP, "%s", c->label);
	cr_assert_eq(p.ipver, 6, "%s", c->label);
}

Test(dec_link, keeps_two_vlan_ids_of_a_deeper_stack)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.link.nvlan = 3;
	t.link.vlan[0] = 1;
	t.link.vlan[1] = 2;
	t.link.vlan[2] = 3;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "three tags");
	cr_assert_eq(p.nvlan, 2);
	cr_assert_eq(p.vlan[0], 1);
	cr_assert_eq(p.vlan[1], 2);
	cr_assert_eq(p.kind, PKT_TCP);
}

Test(dec_link, records_vlan_tags_in_a_cooked_capture)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.link.linktype = DEC_LT_LINUX_SLL2;
	t.link.nvlan = 1;
	t.link.vlan[0] = 42;
	td_decode(&p, DEC_LT_LINUX_SLL2, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "sll2 vlan");
	cr_assert_eq(p.nvlan, 1);
	cr_assert_eq(p.vlan[0], 42);
	cr_assert_eq(p.kind, PKT_TCP);
}

Test(dec_link, pops_mpls_labels_down_to_the_bottom_of_stack)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.link.nmpls = 3;
	t.link.mpls[0] = 16;
	t.link.mpls[1] = 17;
	t.link.mpls[2] = 18;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "mpls v4");
	cr_assert_eq(p.nmpls, 3);
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.dport, 80);

	t.ip.src = "2001:db8::1";
	t.ip.dst = "2001:db8::2";
	t.link.nmpls = 1;
	t.link.nvlan = 1;
	t.link.vlan[0] = 7;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "mpls v6 over a vlan");
	cr_assert_eq(p.nmpls, 1);
	cr_assert_eq(p.nvlan, 1);
	cr_assert_eq(p.ipver, 6);
	cr_assert_eq(p.kind, PKT_TCP);
}

Test(dec_link, decodes_mpls_over_ppp)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.link.linktype = DEC_LT_PPP;
	t.link.nmpls = 2;
	td_decode(&p, DEC_LT_PPP, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "ppp mpls");
	cr_assert_eq(p.nmpls, 2);
	cr_assert_eq(p.kind, PKT_TCP);
}

Test(dec_link, mpls_without_ip_underneath_is_not_tracked)
{
	static const uint8_t f[] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x47,
		0x00, 0x01, 0x01, 0x40,		/* label 16, bottom */
		0x00, 0x00, 0x00, 0x00,		/* pseudowire control word */
		0xaa, 0xbb,
	};
	struct pkt	p;

	td_decode(&p, DEC_LT_ETHERNET, f, sizeof f);
	td_assert_ok(&p, "pseudowire");
	cr_assert_eq(p.kind, PKT_NONE);
	cr_assert_eq(p.nmpls, 1);
}

Test(dec_link, mpls_stack_without_bottom_is_truncated)
{
	static const uint8_t f[] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x47,
		0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
	};
	struct pkt	p;

	td_decode(&p, DEC_LT_ETHERNET, f, sizeof f);
	td_assert_status(&p, DEC_TRUNC, "frame ends inside a header");
	cr_assert_eq(p.nmpls, 2);
}

Test(dec_link, arp_is_ok_but_not_tracked)
{
	static const uint8_t f[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
		0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0, 1,
	};
	struct pkt	p;

	cr_assert_eq(td_decode(&p, DEC_LT_ETHERNET, f, sizeof f), DEC_OK);
	cr_assert_eq(p.kind, PKT_NONE);
	cr_assert_null(p.why);
	cr_assert_eq(p.ipver, 0);
}

Test(dec_link, rejects_an_unknown_link_type)
{
	static const uint8_t f[] = { 0x45, 0, 0, 20 };
	struct pkt	p;

	cr_assert_eq(td_decode(&p, 147, f, sizeof f), DEC_UNSUPPORTED);
	cr_assert_str_eq(p.why, "unsupported link type");
	cr_assert_eq(p.linktype, 147);
	cr_assert_not(dec_linktype_supported(147));
	cr_assert_not(dec_linktype_supported(-1));
	cr_assert(dec_linktype_supported(DEC_LT_ETHERNET));
}

Test(dec_link, null_with_an_unknown_family_is_not_tracked)
{
	static const uint8_t f[] = { 7, 0, 0, 0, 0x45, 0, 0, 20 };
	struct pkt	p;

	cr_assert_eq(td_decode(&p, DEC_LT_NULL, f, sizeof f), DEC_OK);
	cr_assert_eq(p.kind, PKT_NONE);
}

Test(dec_link, ppp_accepts_a_compressed_protocol_field)
{
	uint8_t		buf[PB_MAX], f[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.link.linktype = DEC_LT_RAW;
	n = td_build_tcp(buf, &t);
	f[0] = 0x21;			/* IPv4, one byte (RFC 1661 6.5) */
	memcpy(f + 1, buf, n);
	td_decode(&p, DEC_LT_PPP, f, n + 1);
	td_assert_ok(&p, "compressed");
	cr_assert_eq(p.kind, PKT_TCP);
}

Test(dec_link, ppp_control_protocols_are_not_tracked)
{
	static const uint8_t f[] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	struct pkt	p;

	cr_assert_eq(td_decode(&p, DEC_LT_PPP, f, sizeof f), DEC_OK);
	cr_assert_eq(p.kind, PKT_NONE);
}

Test(dec_link, raw_ip_with_an_unknown_version_is_invalid)
{
	static const uint8_t f[] = { 0x55, 0, 0, 20, 0, 0, 0, 0 };
	struct pkt	p;

	td_decode(&p, DEC_LT_RAW, f, sizeof f);
	td_assert_status(&p, DEC_INVALID, "IP version neither 4 nor 6");
	td_decode(&p, DEC_LT_IPV6, f, sizeof f);
	td_assert_status(&p, DEC_INVALID,
	    "IPv6 header with a version other than 6");
}

Test(dec_link, nflog_tlv_shorter_than_its_header_is_invalid)
{
	static const uint8_t f[] = {
		2, 0, 0, 0,
		8, 0, 1, 0, 0x08, 0x00, 0, 0,	/* a good TLV */
		3, 0, 9, 0,			/* length 3 */
	};
	struct pkt	p;

	td_decode(&p, DEC_LT_NFLOG, f, sizeof f);
	td_assert_status(&p, DEC_INVALID, "NFLOG TLV length below 4 bytes");
}

Test(dec_link, nflog_tlv_past_the_frame_is_invalid)
{
	static const uint8_t f[] = {
		2, 0, 0, 0,
		40, 0, 9, 0, 0x45, 0, 0, 20,	/* claims 36 value bytes */
	};
	struct pkt	p;

	td_decode(&p, DEC_LT_NFLOG, f, sizeof f);
	td_assert_status(&p, DEC_INVALID,
	    "NFLOG TLV beyond the end of the frame");
}

Test(dec_link, nflog_without_a_payload_tlv_is_not_tracked)
{
	static const uint8_t f[] = {
		2, 0, 0, 0,
		8, 0, 1, 0, 0x08, 0x00, 3, 0,
		5, 0, 10, 0, 'e', 0, 0, 0,	/* prefix, padded */
	};
	struct pkt	p;

	cr_assert_eq(td_decode(&p, DEC_LT_NFLOG, f, sizeof f), DEC_OK);
	cr_assert_eq(p.kind, PKT_NONE);
}

Test(dec_link, ignores_the_ethernet_trailer)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n = td_build_tcp(buf, &t);

	cr_assert_eq(n, 54);
	memset(buf + n, 0xee, 6);	/* padded to the 60-byte minimum */
	td_decode(&p, DEC_LT_ETHERNET, buf, 60);
	td_assert_ok(&p, "trailer");
	cr_assert_eq(p.paylen, 0);
	cr_assert_eq(p.paycap, 0);
	cr_assert_null(p.payload);
}

Test(dec_link, decodes_an_empty_frame_as_truncated)
{
	struct pkt	p;

	cr_assert_eq(dec_frame(&p, DEC_LT_ETHERNET, NULL, 0, 0), DEC_TRUNC);
	cr_assert_not_null(p.why);
	cr_assert_eq(dec_frame(&p, DEC_LT_RAW, NULL, 0, 60), DEC_TRUNC);
	cr_assert_str_eq(p.why, "frame cut short by the capture's snaplen");
}

/* ------------------------------------------------------------- IPv4 */

Test(dec_ip4, skips_options_within_the_header_length)
{
	static const uint8_t opts[] = { 1, 1, 0x44, 4, 5, 0 }; /* NOP, TS */
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.ip.opts = opts;
	t.ip.optlen = sizeof opts;
	t.ip.ttl = 3;
	t.paylen = 10;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "options");
	cr_assert_eq(p.ttl, 3);
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.sport, 40000);
	cr_assert_eq(p.paylen, 10);
	cr_assert_eq(td_payoff(&p), 14 + 28 + 20);
}

Test(dec_ip4, rejects_a_header_length_below_five)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n = td_build_tcp(buf, &t);

	buf[14] = 0x44;
	td_decode(&p, DEC_LT_ETHERNET, buf, n);
	td_assert_status(&p, DEC_INVALID, "IPv4 header length below 20 bytes");
	cr_assert_eq(p.kind, PKT_NONE);
}

Test(dec_ip4, rejects_the_wrong_version)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.link.linktype = DEC_LT_IPV4;
	n = td_build_tcp(buf, &t);
	buf[0] = 0x65;
	td_decode(&p, DEC_LT_IPV4, buf, n);
	td_assert_status(&p, DEC_INVALID,
	    "IPv4 header with a version other than 4");
}

Test(dec_ip4, rejects_a_total_length_below_the_header)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.ip.len_adj = -30;		/* 40 - 30 = 10 < 20 */
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_status(&p, DEC_INVALID,
	    "IPv4 total length below its header length");
}

Test(dec_ip4, uses_the_frame_when_the_total_length_is_zero)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.ip.len_zero = true;		/* TSO */
	t.paylen = 1000;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "tso");
	cr_assert_eq(p.paylen, 1000);
	cr_assert_eq(p.paycap, 1000);
}

Test(dec_ip4, total_length_past_the_frame_is_truncated_after_decoding)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.paylen = 100;
	t.ip.len_adj = 8;		/* 8 bytes never on the wire */
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_status(&p, DEC_TRUNC,
	    "IPv4 total length beyond the end of the frame");
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.seq, 1000);
	cr_assert_eq(p.paylen, 100, "as tshark: only what was on the wire");
	cr_assert_eq(p.paycap, 100);
}

Test(dec_ip4, payload_cut_by_the_snaplen_alone_is_ok)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.paylen = 1000;
	n = td_build_tcp(buf, &t);
	td_decode_wire(&p, DEC_LT_ETHERNET, buf, 14 + 20 + 20 + 96, n);
	td_assert_ok(&p, "snaplen 150");
	cr_assert_eq(p.paylen, 1000);
	cr_assert_eq(p.paycap, 96);
	cr_assert_eq(p.caplen, 150);
	cr_assert_eq(p.wirelen, n);
}

Test(dec_ip4, header_cut_by_the_snaplen_is_truncated)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.paylen = 100;
	n = td_build_tcp(buf, &t);
	td_decode_wire(&p, DEC_LT_ETHERNET, buf, 14 + 20 + 8, n);
	td_assert_status(&p, DEC_TRUNC,
	    "frame cut short by the capture's snaplen");
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.sport, 40000, "ports and seq were captured");
	cr_assert_eq(p.seq, 1000);
	cr_assert_eq(p.ack, 0, "the ack was not");
	cr_assert_eq(p.paycap, 0);
	cr_assert_null(p.payload);
}

Test(dec_ip4, decodes_the_transport_of_a_first_fragment)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.ip.frag_more = true;
	t.paylen = 16;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "first fragment");
	cr_assert(p.frag);
	cr_assert(p.frag_more);
	cr_assert_eq(p.frag_off, 0);
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.dport, 80);
	cr_assert_eq(p.paylen, 16);
}

Test(dec_ip4, later_fragment_keeps_addresses_but_not_ports)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.ip.frag_off = 1480;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "later fragment");
	cr_assert(p.frag);
	cr_assert_not(p.frag_more);
	cr_assert_eq(p.frag_off, 1480);
	cr_assert_eq(p.kind, PKT_OTHER_IP);
	cr_assert_eq(p.proto, 6);
	td_assert_addr(&p.src, "192.0.2.1");
	td_assert_addr(&p.dst, "198.51.100.2");
	cr_assert_eq(p.sport, 0);
	cr_assert_eq(p.seq, 0);
}

Test(dec_ip4, tcp_header_split_across_fragments_is_unsupported)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.ip.frag_more = true;
	t.ip.len_adj = -8;		/* 12 bytes of TCP in this fragment */
	n = td_build_tcp(buf, &t);
	td_decode(&p, DEC_LT_ETHERNET, buf, n - 8);
	td_assert_status(&p, DEC_UNSUPPORTED,
	    "TCP header split across IP fragments");
	cr_assert_eq(p.sport, 40000);
}

Test(dec_ip4, other_protocols_are_other_ip)
{
	static const uint8_t gre[] = { 0, 0, 0x08, 0x00 };
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_link	l = { .linktype = DEC_LT_ETHERNET };
	struct pb_ip	ip = { .src = "10.0.0.1", .dst = "10.0.0.2" };
	size_t		n = pb_ip(buf, sizeof buf, &l, &ip, 47, gre,
			    sizeof gre);

	td_decode(&p, DEC_LT_ETHERNET, buf, n);
	td_assert_ok(&p, "gre");
	cr_assert_eq(p.kind, PKT_OTHER_IP);
	cr_assert_eq(p.proto, 47);
}

/* ------------------------------------------------------------- IPv6 */

static struct pb_tcp
td_tcp6(void)
{
	struct pb_tcp	t = td_tcp();

	t.ip.src = "2001:db8::1";
	t.ip.dst = "2001:db8::2";
	return t;
}

Test(dec_ip6, walks_the_extension_header_chain)
{
	static const uint8_t rh[] = { 0, 0, 0, 0, 0, 0 };
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp6();

	t.ip.next = 5;
	t.ip.ext[0] = (struct pb_ext){ .type = 0, .len = 6 };
	t.ip.ext[1] = (struct pb_ext){ .type = 43, .len = 6, .body = rh };
	t.ip.ext[2] = (struct pb_ext){ .type = 60, .len = 14 };
	t.ip.ext[3] = (struct pb_ext){ .type = 51, .len = 14 };
	t.ip.ext[4] = (struct pb_ext){ .type = 135, .len = 6 };
	t.paylen = 7;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "chain");
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.proto, 6);
	cr_assert_eq(p.sport, 40000);
	cr_assert_eq(p.paylen, 7);
	cr_assert_eq(td_payoff(&p), 14 + 40 + 8 + 8 + 16 + 16 + 8 + 20);
}

Test(dec_ip6, decodes_the_transport_of_a_first_fragment)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp6();

	t.ip.frag_more = true;
	t.ip.next = 1;
	t.ip.ext[0] = (struct pb_ext){ .type = 60, .len = 6 };
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "first fragment");
	cr_assert(p.frag);
	cr_assert(p.frag_more);
	cr_assert_eq(p.frag_off, 0);
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.dport, 80);
}

Test(dec_ip6, later_fragment_stops_at_the_fragment_header)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "2001:db8::1", .dst = "2001:db8::2",
		    .frag_off = 1232, .frag_more = true },
		.sport = 53, .dport = 5353, .paylen = 20,
	};

	td_decode(&p, DEC_LT_ETHERNET, buf, pb_udp(buf, sizeof buf, &u));
	td_assert_ok(&p, "later fragment");
	cr_assert(p.frag);
	cr_assert(p.frag_more);
	cr_assert_eq(p.frag_off, 1232);
	cr_assert_eq(p.kind, PKT_OTHER_IP);
	cr_assert_eq(p.proto, 17);
	cr_assert_eq(p.sport, 0);
	td_assert_addr(&p.dst, "2001:db8::2");
}

Test(dec_ip6, atomic_fragment_is_not_a_fragment)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp6();

	t.ip.frag_hdr = true;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "atomic");
	cr_assert_not(p.frag);
	cr_assert_eq(p.kind, PKT_TCP);
}

struct td_stop_case {
	char		 label[40];
	uint8_t		 nh;
};

ParameterizedTestParameters(dec_ip6, esp_and_no_next_header_stop_the_chain)
{
	static struct td_stop_case cases[] = {
		{ "ESP", 50 },
		{ "No Next Header", 59 },
	};

	return cr_make_param_array(struct td_stop_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct td_stop_case *c, dec_ip6,
    esp_and_no_next_header_stop_the_chain)
{
	static const uint8_t body[16];
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_link	l = { .linktype = DEC_LT_RAW };
	struct pb_ip	ip = { .src = "2001:db8::1", .dst = "2001:db8::2",
			    .next = 1, .ext = { { .type = 60, .len = 6 } } };
	size_t		n = pb_ip(buf, sizeof buf, &l, &ip, c->nh, body,
			    sizeof body);

	td_decode(&p, DEC_LT_RAW, buf, n);
	td_assert_ok(&p, c->label);
	cr_assert_eq(p.kind, PKT_OTHER_IP, "%s", c->label);
	cr_assert_eq(p.proto, c->nh, "%s", c->label);
}

Test(dec_ip6, uses_the_jumbo_payload_option)
{
	uint8_t		*buf;
	struct pkt	 p;
	struct pb_tcp	 t = td_tcp6();
	size_t		 n, cap = 70000 + 200;

	buf = malloc(cap);
	cr_assert_not_null(buf);
	t.paylen = 70000;
	t.ip.jumbo = 8 + 20 + 70000;	/* Hop-by-Hop, TCP, data */
	n = pb_tcp(buf, cap, &t);
	cr_assert_eq(n, 14 + 40 + 8 + 20 + 70000);
	td_decode(&p, DEC_LT_ETHERNET, buf, n);
	td_assert_ok(&p, "jumbo");
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.paylen, 70000);
	cr_assert_eq(p.paycap, 70000);

	/* The option, not the frame, sets the length. */
	td_decode(&p, DEC_LT_ETHERNET, buf, n - 100);
	td_assert_status(&p, DEC_TRUNC,
	    "IPv6 payload length beyond the end of the frame");
	cr_assert_eq(p.paycap, 70000 - 100);
	free(buf);
}

Test(dec_ip6, zero_payload_length_without_jumbo_uses_the_frame)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp6();

	t.ip.len_zero = true;
	t.paylen = 300;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "tso v6");
	cr_assert_eq(p.paylen, 300);
}

Test(dec_ip6, walks_a_chain_of_eight_headers)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp6();
	size_t		i;

	t.ip.next = PB_MAX_EXT;
	for (i = 0; i < PB_MAX_EXT; i++)
		t.ip.ext[i] = (struct pb_ext){ .type = 60, .len = 6 };
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "8 headers");
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(td_payoff(&p), -1, "no payload");
	cr_assert_eq(p.dport, 80);
}

Test(dec_ip6, stops_a_chain_of_more_than_sixteen_headers)
{
	uint8_t		buf[14 + 40 + 8 * 20];
	struct pkt	p;
	size_t		i;

	memset(buf, 0, sizeof buf);
	memcpy(buf + 12, (const uint8_t []){ 0x86, 0xdd }, 2);
	buf[14] = 0x60;
	buf[14 + 4] = 0;
	buf[14 + 5] = 8 * 20;
	buf[14 + 6] = 60;
	for (i = 0; i < 20; i++)
		buf[14 + 40 + 8 * i] = 60;	/* next: Dst Options again */
	td_decode(&p, DEC_LT_ETHERNET, buf, sizeof buf);
	td_assert_status(&p, DEC_UNSUPPORTED,
	    "IPv6 extension header chain too long");
	cr_assert_eq(p.kind, PKT_OTHER_IP);
}

Test(dec_ip6, extension_header_past_the_payload_length_is_invalid)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp6();
	size_t		n;

	t.ip.next = 1;
	t.ip.ext[0] = (struct pb_ext){ .type = 0, .len = 6 };
	n = td_build_tcp(buf, &t);
	buf[14 + 40 + 1] = 10;		/* now 88 bytes long */
	td_decode(&p, DEC_LT_ETHERNET, buf, n);
	td_assert_status(&p, DEC_INVALID,
	    "IPv6 extension header beyond the payload length");
}

Test(dec_ip6, payload_length_past_the_frame_is_truncated)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp6();

	t.ip.len_adj = 4;
	t.paylen = 10;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_status(&p, DEC_TRUNC,
	    "IPv6 payload length beyond the end of the frame");
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.paylen, 10);
}

/* -------------------------------------------------------------- TCP */

Test(dec_tcp, decodes_the_fixed_header)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.seq = 0xdeadbeefU;
	t.ack = 0x01020304U;
	t.flags = TCP_PSH | TCP_ACK | TCP_URG;
	t.win = 0xfffe;
	t.urp = 9;
	t.paylen = 20;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "fixed");
	cr_assert_eq(p.seq, 0xdeadbeefU);
	cr_assert_eq(p.ack, 0x01020304U);
	cr_assert_eq(p.flags, TCP_PSH | TCP_ACK | TCP_URG);
	cr_assert_eq(p.win, 0xfffe);
	cr_assert_eq(p.urp, 9);
	cr_assert_eq(p.doff, 20);
	cr_assert_eq(p.proto, 6);
	cr_assert_eq(p.ttl, 64);
	cr_assert_eq(p.opt.present, 0);
}

Test(dec_tcp, reads_all_nine_flags_but_not_the_reserved_bits)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.flags = 0x0fff;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "flags");
	cr_assert_eq(p.flags, 0x01ff);
	cr_assert(p.flags & TCP_AE);
}

Test(dec_tcp, rejects_data_offset_below_five)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.doff = 4;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_status(&p, DEC_INVALID, "TCP data offset below 20 bytes");
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.sport, 40000);
	cr_assert_eq(p.paylen, 0);
}

Test(dec_tcp, rejects_data_offset_beyond_the_ip_payload)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.doff = 15;			/* 60 bytes, IP says 20 + 10 */
	t.paylen = 10;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_status(&p, DEC_INVALID,
	    "TCP data offset beyond the IP payload");
	cr_assert_eq(p.paylen, 0);
	cr_assert_eq(p.paycap, 0);
}

Test(dec_tcp, rejects_a_header_longer_than_the_ip_payload)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.ip.len_adj = -8;
	n = td_build_tcp(buf, &t);
	td_decode(&p, DEC_LT_ETHERNET, buf, n);
	td_assert_status(&p, DEC_INVALID, "TCP header beyond the IP payload");
	cr_assert_eq(p.sport, 40000);
}

Test(dec_tcp, options_cut_by_the_snaplen_are_truncated)
{
	static const uint8_t opts[] = {
		2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10,
		0, 0, 0, 1, 0, 0, 0, 2,
	};
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.opts = opts;
	t.optlen = sizeof opts;
	n = td_build_tcp(buf, &t);
	td_decode_wire(&p, DEC_LT_ETHERNET, buf, n - 6, n);
	td_assert_status(&p, DEC_TRUNC,
	    "frame cut short by the capture's snaplen");
	cr_assert_eq(p.opt.mss, 1460, "options before the cut are kept");
	cr_assert_eq(p.opt.wscale, 7);
	cr_assert(p.opt.present & TCPOPT_F_SACK_PERM);
	cr_assert_not(p.opt.present & TCPOPT_F_TS);
	cr_assert_not(p.opt.present & TCPOPT_F_MALFORMED,
	    "a cut is not a malformed option");
}

struct td_opt_case {
	char		 label[40];
	uint8_t		 opts[40];
	uint8_t		 len;
	uint16_t	 present;
};

ParameterizedTestParameters(dec_tcp, decodes_each_option)
{
	static struct td_opt_case cases[] = {
		{ "mss", { 2, 4, 0x05, 0xb4 }, 4, TCPOPT_F_MSS },
		{ "window scale", { 1, 3, 3, 14 }, 4, TCPOPT_F_WSCALE },
		{ "sack permitted", { 4, 2 }, 2, TCPOPT_F_SACK_PERM },
		{ "sack one block", { 1, 1, 5, 10, 0, 0, 0, 10, 0, 0, 0, 20 },
		    12, TCPOPT_F_SACK },
		{ "sack four blocks", { 1, 1, 5, 34,
		    0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
		    0, 0, 0, 5, 0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff,
		    0, 0, 0, 8 }, 36, TCPOPT_F_SACK },
		{ "empty sack", { 5, 2 }, 2, TCPOPT_F_SACK },
		{ "timestamps", { 1, 1, 8, 10, 0, 0, 0x12, 0x34,
		    0xff, 0xff, 0xff, 0xfe }, 12, TCPOPT_F_TS },
		{ "fast open cookie", { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, 10,
		    TCPOPT_F_TFO },
		{ "fast open request", { 34, 2 }, 2, TCPOPT_F_TFO },
		{ "experimental fast open", { 254, 8, 0xf9, 0x89,
		    1, 2, 3, 4 }, 8, TCPOPT_F_TFO },
		{ "md5", { 19, 18 }, 18, TCPOPT_F_MD5 },
		{ "mptcp", { 30, 12, 0x01, 0x81, 1, 2, 3, 4, 5, 6, 7, 8 }, 12,
		    TCPOPT_F_MPTCP },
		{ "tcp-ao", { 29, 6, 1, 2, 0xaa, 0xbb }, 6, TCPOPT_F_AO },
		{ "unknown kind", { 76, 3, 0 }, 3, TCPOPT_F_UNKNOWN },
		{ "other experiment", { 254, 4, 0x12, 0x34 }, 4,
		    TCPOPT_F_UNKNOWN },
		{ "options after eol are ignored", { 0, 2, 4, 0x05, 0xb4 },
		    5, 0 },
		{ "a full option space", { 2, 4, 0x05, 0xb4, 1, 3, 3, 7,
		    4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 34, 18,
		    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		    1, 1 }, 40, TCPOPT_F_MSS | TCPOPT_F_WSCALE |
		    TCPOPT_F_SACK_PERM | TCPOPT_F_TS | TCPOPT_F_TFO },
	};

	return cr_make_param_array(struct td_opt_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct td_opt_case *c, dec_tcp, decodes_each_option)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.opts = c->opts;
	t.optlen = c->len;
	t.paylen = 3;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, c->label);
	cr_assert_eq(p.opt.present, c->present, "%s: present %#x", c->label,
	    p.opt.present);
	cr_assert_eq(p.paylen, 3, "%s", c->label);
	cr_assert_eq(p.doff, 20 + (c->len + 3) / 4 * 4, "%s", c->label);
}

Test(dec_tcp, keeps_option_values)
{
	static const uint8_t opts[] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		1, 3, 3, 9,			/* wscale 9 */
		8, 10, 0, 0, 0x12, 0x34, 0xff, 0xff, 0xff, 0xfe,
		5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 8,
	};
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.opts = opts;
	t.optlen = sizeof opts;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "values");
	cr_assert_eq(p.opt.mss, 1460);
	cr_assert_eq(p.opt.wscale, 9);
	cr_assert_eq(p.opt.ts_val, 0x1234);
	cr_assert_eq(p.opt.ts_ecr, 0xfffffffeU);
	cr_assert_eq(p.opt.nsack, 2);
	cr_assert_eq(p.opt.sack[0][0], 1);
	cr_assert_eq(p.opt.sack[0][1], 2);
	cr_assert_eq(p.opt.sack[1][0], 0xffffffffU);
	cr_assert_eq(p.opt.sack[1][1], 8);
}

Test(dec_tcp, keeps_fast_open_cookies)
{
	static const uint8_t tfo[] = { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t exp[] = { 254, 8, 0xf9, 0x89, 9, 8, 7, 6 };
	static const uint8_t req[] = { 34, 2 };
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.opts = tfo;
	t.optlen = sizeof tfo;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	cr_assert_eq(p.opt.tfo_len, 8);
	cr_assert_arr_eq(p.opt.tfo_cookie, tfo + 2, 8);

	t.opts = exp;
	t.optlen = sizeof exp;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	cr_assert(p.opt.present & TCPOPT_F_TFO);
	cr_assert_eq(p.opt.tfo_len, 4);
	cr_assert_arr_eq(p.opt.tfo_cookie, exp + 4, 4);

	t.opts = req;
	t.optlen = sizeof req;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	cr_assert(p.opt.present & TCPOPT_F_TFO);
	cr_assert_eq(p.opt.tfo_len, 0, "a cookie request");
}

Test(dec_tcp, records_up_to_four_unknown_kinds)
{
	static const uint8_t opts[] = {
		70, 2, 71, 2, 72, 2, 73, 2, 74, 2, 2, 4, 0x01, 0x00,
	};
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();

	t.opts = opts;
	t.optlen = sizeof opts;
	td_decode(&p, DEC_LT_ETHERNET, buf, td_build_tcp(buf, &t));
	td_assert_ok(&p, "unknowns");
	cr_assert(p.opt.present & TCPOPT_F_UNKNOWN);
	cr_assert_eq(p.opt.nunknown, 4);
	cr_assert_eq(p.opt.unknown[0], 70);
	cr_assert_eq(p.opt.unknown[3], 73);
	cr_assert_eq(p.opt.mss, 256, "parsing goes on after them");
}

struct td_bad_opt_case {
	char		 label[40];
	uint8_t		 opts[40];
	uint8_t		 len;
	uint16_t	 present;	/* besides TCPOPT_F_MALFORMED */
};

ParameterizedTestParameters(dec_tcp, flags_malformed_option_lengths)
{
	static struct td_bad_opt_case cases[] = {
		{ "length 0 stops", { 2, 0, 3, 3, 7 }, 5, 0 },
		{ "length 1 stops", { 1, 8, 1, 4, 2 }, 5, 0 },
		{ "length past the option space", { 4, 2, 8, 12, 0, 0 }, 6,
		    TCPOPT_F_SACK_PERM },
		{ "no room for the length", { 1, 1, 1, 2 }, 4, 0 },
		{ "mss of length 3 is skipped", { 2, 3, 5, 3, 3, 7 }, 6,
		    TCPOPT_F_WSCALE },
		{ "window scale of length 4", { 3, 4, 7, 7, 4, 2 }, 6,
		    TCPOPT_F_SACK_PERM },
		{ "sack permitted of length 3", { 4, 3, 0, 2, 4, 5, 0xdc },
		    7, TCPOPT_F_MSS },
		{ "sack of length 11", { 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0,
		    4, 2 }, 13, TCPOPT_F_SACK_PERM },
		{ "timestamps of length 9", { 8, 9, 0, 0, 0, 1, 0, 0, 0,
		    3, 3, 1 }, 12, TCPOPT_F_WSCALE },
		{ "fast open of length 20", { 34, 20, 1, 2, 3, 4, 5, 6, 7, 8,
		    9, 10, 11, 12, 13, 14, 15, 16, 17, 18 }, 20, 0 },
		{ "md5 of length 10", { 19, 10, 0, 0, 0, 0, 0, 0, 0, 0 }, 10,
		    0 },
		{ "mptcp of length 2", { 30, 2, 4, 2 }, 4,
		    TCPOPT_F_SACK_PERM },
		{ "tcp-ao of length 3", { 29, 3, 1 }, 3, 0 },
	};

	return cr_make_param_array(struct td_bad_opt_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct td_bad_opt_case *c, dec_tcp,
    flags_malformed_option_lengths)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_tcp	t = td_tcp();
	size_t		n;

	t.opts = c->opts;
	t.optlen = c->len;
	t.paylen = 4;
	n = td_build_tcp(buf, &t);
	/* Pad with NOPs, not EOL, so nothing ends the walk early. */
	memset(buf + 14 + 20 + 20 + c->len, 1, (4 - c->len % 4) % 4);
	td_decode(&p, DEC_LT_ETHERNET, buf, n);
	td_assert_ok(&p, c->label);
	cr_assert_eq(p.opt.present, TCPOPT_F_MALFORMED | c->present,
	    "%s: present %#x", c->label, p.opt.present);
	cr_assert_eq(p.paylen, 4, "%s: the segment still decodes",
	    c->label);
	cr_assert_eq(p.paycap, 4, "%s", c->label);
}

/* -------------------------------------------------------------- UDP */

static struct pb_udp
td_udp(void)
{
	struct pb_udp	u = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "192.0.2.1", .dst = "192.0.2.53" },
		.sport = 33333, .dport = 53, .paylen = 30,
	};

	return u;
}

Test(dec_udp, decodes_ports_and_length)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = td_udp();

	td_decode(&p, DEC_LT_ETHERNET, buf, pb_udp(buf, sizeof buf, &u));
	td_assert_ok(&p, "udp");
	cr_assert_eq(p.kind, PKT_UDP);
	cr_assert_eq(p.proto, 17);
	cr_assert_eq(p.sport, 33333);
	cr_assert_eq(p.dport, 53);
	cr_assert_eq(p.paylen, 30);
	cr_assert_eq(p.paycap, 30);
	cr_assert_eq(td_payoff(&p), 14 + 20 + 8);
}

Test(dec_udp, rejects_a_length_below_eight)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = td_udp();

	u.len_adj = -31;		/* 38 - 31 = 7 */
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_udp(buf, sizeof buf, &u));
	td_assert_status(&p, DEC_INVALID, "UDP length below 8 bytes");
	cr_assert_eq(p.sport, 33333);
}

Test(dec_udp, rejects_a_length_beyond_the_ip_payload_but_keeps_ports)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = td_udp();

	u.len_adj = 1;
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_udp(buf, sizeof buf, &u));
	td_assert_status(&p, DEC_INVALID, "UDP length beyond the IP payload");
	cr_assert_eq(p.kind, PKT_UDP);
	cr_assert_eq(p.sport, 33333);
	cr_assert_eq(p.dport, 53);
	cr_assert_eq(p.paylen, 30, "what IP carries, not the claim");
	cr_assert_leq(p.paycap, p.paylen);
}

Test(dec_udp, ignores_bytes_past_its_length)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = td_udp();

	u.len_adj = -10;
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_udp(buf, sizeof buf, &u));
	td_assert_ok(&p, "short udp length");
	cr_assert_eq(p.paylen, 20);
	cr_assert_eq(p.paycap, 20);
}

Test(dec_udp, first_fragment_may_claim_more_than_it_carries)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = td_udp();

	u.ip.frag_more = true;
	u.len_adj = 1000;
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_udp(buf, sizeof buf, &u));
	td_assert_ok(&p, "first fragment");
	cr_assert_eq(p.paylen, 1030);
	cr_assert_eq(p.paycap, 30);
}

Test(dec_udp, rejects_a_header_longer_than_the_ip_payload)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = td_udp();

	u.paylen = 0;
	u.ip.len_adj = -4;
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_udp(buf, sizeof buf, &u));
	td_assert_status(&p, DEC_INVALID, "UDP header beyond the IP payload");
}

/* ------------------------------------------------------------- ICMP */

/* A quoted packet: a TCP or UDP datagram as raw IP. */
static size_t
td_quote(uint8_t *buf, bool v6, bool tcp)
{
	struct pb_tcp	t = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = { .src = v6 ? "2001:db8::1" : "192.0.2.1",
		    .dst = v6 ? "2001:db8::99" : "203.0.113.9" },
		.sport = 40001, .dport = 443, .seq = 0x11223344U,
		.flags = TCP_SYN, .paylen = 20,
	};
	struct pb_udp	u = {
		.link = { .linktype = DEC_LT_RAW },
		.ip = t.ip,
		.sport = 40002, .dport = 53, .paylen = 20,
	};

	if (v6) {
		t.ip.next = u.ip.next = 1;
		t.ip.ext[0] = u.ip.ext[0] =
		    (struct pb_ext){ .type = 60, .len = 6 };
	}
	return tcp ? pb_tcp(buf, PB_MAX, &t) : pb_udp(buf, PB_MAX, &u);
}

struct td_icmp_case {
	char		 label[40];
	bool		 v6;
	bool		 tcp;
	uint8_t		 type;
	uint8_t		 code;
};

ParameterizedTestParameters(dec_icmp, parses_the_quoted_header)
{
	static struct td_icmp_case cases[] = {
		{ "v4 unreachable quoting tcp", false, true, 3, 3 },
		{ "v4 frag needed quoting tcp", false, true, 3, 4 },
		{ "v4 time exceeded quoting udp", false, false, 11, 0 },
		{ "v4 source quench quoting udp", false, false, 4, 0 },
		{ "v4 redirect quoting tcp", false, true, 5, 1 },
		{ "v4 parameter problem quoting tcp", false, true, 12, 0 },
		{ "v6 unreachable quoting tcp", true, true, 1, 4 },
		{ "v6 unreachable quoting udp", true, false, 1, 3 },
		{ "v6 packet too big quoting tcp", true, true, 2, 0 },
		{ "v6 time exceeded quoting udp", true, false, 3, 0 },
		{ "v6 parameter problem quoting tcp", true, true, 4, 1 },
	};

	return cr_make_param_array(struct td_icmp_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct td_icmp_case *c, dec_icmp, parses_the_quoted_header)
{
	uint8_t		q[PB_MAX], buf[PB_MAX];
	struct pkt	p;
	struct pb_icmp	m = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = c->v6 ? "2001:db8::fe" : "198.51.100.254",
		    .dst = c->v6 ? "2001:db8::1" : "192.0.2.1" },
		.type = c->type, .code = c->code,
	};
	char		s[64];

	m.quote = q;
	m.quotelen = td_quote(q, c->v6, c->tcp);
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_icmp(buf, sizeof buf, &m));
	td_assert_ok(&p, c->label);
	cr_assert_eq(p.kind, PKT_ICMP, "%s", c->label);
	cr_assert_eq(p.proto, c->v6 ? 58 : 1, "%s", c->label);
	cr_assert_eq(p.icmp_type, c->type, "%s", c->label);
	cr_assert_eq(p.icmp_code, c->code, "%s", c->label);
	cr_assert_eq(p.inner.ipver, c->v6 ? 6 : 4, "%s", c->label);
	cr_assert_eq(p.inner.proto, c->tcp ? 6 : 17, "%s", c->label);
	pkt_endpoint_str(&p.inner.src, p.inner.sport, s, sizeof s);
	cr_assert_str_eq(s, c->v6 ? (c->tcp ? "[2001:db8::1]:40001" :
	    "[2001:db8::1]:40002") : (c->tcp ? "192.0.2.1:40001" :
	    "192.0.2.1:40002"), "%s", c->label);
	pkt_endpoint_str(&p.inner.dst, p.inner.dport, s, sizeof s);
	cr_assert_str_eq(s, c->v6 ? (c->tcp ? "[2001:db8::99]:443" :
	    "[2001:db8::99]:53") : (c->tcp ? "203.0.113.9:443" :
	    "203.0.113.9:53"), "%s", c->label);
	cr_assert_eq(p.inner.seq, c->tcp ? 0x11223344U : 0, "%s", c->label);
	cr_assert_eq(p.sport, 0, "%s: ICMP has no ports", c->label);
}

struct td_short_case {
	char		 label[40];
	bool		 v6;
	size_t		 quotelen;
	uint8_t		 ipver;
	bool		 ports;
	bool		 seq;
};

ParameterizedTestParameters(dec_icmp, short_quotes_are_never_an_error)
{
	static struct td_short_case cases[] = {
		{ "v4 nothing quoted", false, 0, 0, false, false },
		{ "v4 half an ip header", false, 10, 0, false, false },
		{ "v4 19 bytes", false, 19, 0, false, false },
		{ "v4 ip header only", false, 20, 4, false, false },
		{ "v4 one port", false, 22, 4, false, false },
		{ "v4 both ports", false, 24, 4, true, false },
		{ "v4 ports and half a seq", false, 26, 4, true, false },
		{ "v4 the rfc 792 minimum", false, 28, 4, true, true },
		{ "v6 nothing quoted", true, 0, 0, false, false },
		{ "v6 39 bytes", true, 39, 0, false, false },
		{ "v6 fixed header only", true, 40, 6, false, false },
		{ "v6 half an extension header", true, 44, 6, false, false },
		{ "v6 extension header only", true, 48, 6, false, false },
		{ "v6 both ports", true, 52, 6, true, false },
		{ "v6 with seq", true, 56, 6, true, true },
	};

	return cr_make_param_array(struct td_short_case, cases,
	    sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct td_short_case *c, dec_icmp,
    short_quotes_are_never_an_error)
{
	uint8_t		q[PB_MAX], buf[PB_MAX];
	struct pkt	p;
	struct pb_icmp	m = {
		.link = { .linktype = DEC_LT_LINUX_SLL },
		.ip = { .src = c->v6 ? "2001:db8::fe" : "198.51.100.254",
		    .dst = c->v6 ? "2001:db8::1" : "192.0.2.1" },
		.type = c->v6 ? 1 : 3, .code = 1,
	};

	td_quote(q, c->v6, true);
	m.quote = q;
	m.quotelen = c->quotelen;
	td_decode(&p, DEC_LT_LINUX_SLL, buf, pb_icmp(buf, sizeof buf, &m));
	td_assert_ok(&p, c->label);
	cr_assert_eq(p.kind, PKT_ICMP, "%s", c->label);
	cr_assert_eq(p.inner.ipver, c->ipver, "%s", c->label);
	cr_assert_eq(p.inner.sport, c->ports ? 40001 : 0, "%s", c->label);
	cr_assert_eq(p.inner.dport, c->ports ? 443 : 0, "%s", c->label);
	cr_assert_eq(p.inner.seq, c->seq ? 0x11223344U : 0, "%s", c->label);
}

Test(dec_icmp, quoted_later_fragment_has_no_ports)
{
	uint8_t		q[PB_MAX], buf[PB_MAX];
	struct pkt	p;
	struct pb_udp	u = td_udp();
	struct pb_icmp	m = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "198.51.100.254", .dst = "192.0.2.1" },
		.type = 11, .code = 1,
	};

	u.link.linktype = DEC_LT_RAW;
	u.ip.frag_off = 8;
	m.quote = q;
	m.quotelen = pb_udp(q, sizeof q, &u);
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_icmp(buf, sizeof buf, &m));
	td_assert_ok(&p, "fragment quote");
	cr_assert_eq(p.inner.ipver, 4);
	cr_assert_eq(p.inner.proto, 17);
	cr_assert_eq(p.inner.sport, 0);
}

Test(dec_icmp, echo_is_other_ip)
{
	static const uint8_t echo[] = { 1, 2, 3, 4 };
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_icmp	m = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "192.0.2.1", .dst = "192.0.2.2" },
		.type = 8, .rest = 0x00010001, .quote = echo,
		.quotelen = sizeof echo,
	};

	td_decode(&p, DEC_LT_ETHERNET, buf, pb_icmp(buf, sizeof buf, &m));
	td_assert_ok(&p, "echo");
	cr_assert_eq(p.kind, PKT_OTHER_IP);
	cr_assert_eq(p.icmp_type, 8);
	cr_assert_eq(p.inner.ipver, 0);

	m.ip.src = "2001:db8::1";
	m.ip.dst = "2001:db8::2";
	m.type = 128;
	td_decode(&p, DEC_LT_ETHERNET, buf, pb_icmp(buf, sizeof buf, &m));
	td_assert_ok(&p, "echo6");
	cr_assert_eq(p.kind, PKT_OTHER_IP);
	cr_assert_eq(p.icmp_type, 128);
}

Test(dec_icmp, header_past_the_ip_payload_is_invalid)
{
	uint8_t		buf[PB_MAX];
	struct pkt	p;
	struct pb_icmp	m = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "192.0.2.1", .dst = "192.0.2.2",
		    .len_adj = -4 },
		.type = 3,
	};

	td_decode(&p, DEC_LT_ETHERNET, buf, pb_icmp(buf, sizeof buf, &m));
	td_assert_status(&p, DEC_INVALID,
	    "ICMP header beyond the IP payload");
}

/* ---------------------------------------------------- address helpers */

Test(pkt_addr, formats_addresses_and_endpoints)
{
	struct pkt_addr	a4 = { .family = 4, .a = { 192, 0, 2, 1 } };
	struct pkt_addr	a6 = { .family = 6,
			    .a = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct pkt_addr	none = { 0 };
	char		buf[64];

	pkt_addr_str(&a4, buf, sizeof buf);
	cr_assert_str_eq(buf, "192.0.2.1");
	pkt_addr_str(&a6, buf, sizeof buf);
	cr_assert_str_eq(buf, "2001:db8::1");
	pkt_endpoint_str(&a4, 80, buf, sizeof buf);
	cr_assert_str_eq(buf, "192.0.2.1:80");
	pkt_endpoint_str(&a6, 443, buf, sizeof buf);
	cr_assert_str_eq(buf, "[2001:db8::1]:443");
	pkt_addr_str(&none, buf, sizeof buf);
	cr_assert_str_eq(buf, "?");
	pkt_endpoint_str(&a6, 65535, buf, 8);
	cr_assert_str_eq(buf, "[2001:d", "cut to the buffer, terminated");
}

Test(pkt_addr, compares_family_then_bytes)
{
	struct pkt_addr	a = { .family = 4, .a = { 10, 0, 0, 1 } };
	struct pkt_addr	b = { .family = 4, .a = { 10, 0, 0, 2 } };
	struct pkt_addr	a2 = { .family = 4, .a = { 10, 0, 0, 1, 0xff } };
	struct pkt_addr	c = { .family = 6, .a = { 0 } };

	cr_assert_lt(pkt_addr_cmp(&a, &b), 0);
	cr_assert_gt(pkt_addr_cmp(&b, &a), 0);
	cr_assert_eq(pkt_addr_cmp(&a, &a2), 0, "bytes past IPv4 ignored");
	cr_assert_lt(pkt_addr_cmp(&b, &c), 0, "IPv4 sorts before IPv6");
	cr_assert_gt(pkt_addr_cmp(&c, &a), 0);
}

/* ------------------------------------------ truncation at every byte */

struct td_trunc_case {
	const char	*label;
	int		 linktype;
	size_t		 frame;		/* total length */
	size_t		 hdr_end;	/* where the headers end */
	uint8_t		 buf[PB_MAX];
	bool		 nflog;		/* TLV lengths make short frames bad */
};

/* Field by field: a prefix may know less, never something different. */
static void
td_assert_subset(const struct pkt *p, const struct pkt *full, size_t n,
    const char *label)
{
#define TD_SAME(f)	cr_assert(p->f == 0 || p->f == full->f,	\
			    "%s, %zu bytes: " #f, label, n)
	TD_SAME(ipver);
	if (p->kind == full->kind)	/* else where an IPv6 chain stopped */
		TD_SAME(proto);
	TD_SAME(ttl);
	TD_SAME(sport);
	TD_SAME(dport);
	TD_SAME(seq);
	TD_SAME(ack);
	TD_SAME(flags);
	TD_SAME(win);
	cr_assert_leq(p->nvlan, full->nvlan, "%s, %zu bytes", label, n);
	cr_assert_leq(p->nmpls, full->nmpls, "%s, %zu bytes", label, n);
	cr_assert_eq(memcmp(p->vlan, full->vlan, p->nvlan * sizeof p->vlan[0]),
	    0, "%s, %zu bytes: vlan", label, n);
	TD_SAME(icmp_type);
	TD_SAME(inner.ipver);
	TD_SAME(inner.sport);
	TD_SAME(inner.dport);
	TD_SAME(inner.seq);
	TD_SAME(opt.mss);
	TD_SAME(opt.ts_val);
#undef TD_SAME
	if (p->src.family != 0)
		cr_assert_eq(pkt_addr_cmp(&p->src, &full->src), 0,
		    "%s, %zu bytes: src", label, n);
	if (p->dst.family != 0)
		cr_assert_eq(pkt_addr_cmp(&p->dst, &full->dst), 0,
		    "%s, %zu bytes: dst", label, n);
	cr_assert_eq(p->opt.present & TCPOPT_F_MALFORMED, 0,
	    "%s, %zu bytes: a cut option is not malformed", label, n);
}

static void
td_trunc_every_offset(const struct td_trunc_case *c)
{
	struct pkt	full, p;
	size_t		n;
	uint8_t		*b;

	cr_assert_gt(c->frame, 0, "%s: built", c->label);
	dec_frame(&full, c->linktype, c->buf, c->frame, c->frame);
	td_assert_ok(&full, c->label);

	for (n = 0; n <= c->frame; n++) {
		b = n > 0 ? malloc(n) : NULL;
		if (n > 0)
			memcpy(b, c->buf, n);

		/* Cut by the snaplen: the wire had the whole frame. */
		dec_frame(&p, c->linktype, b, n, c->frame);
		cr_assert_eq(p.status, n < c->hdr_end ? DEC_TRUNC : DEC_OK,
		    "%s, snaplen %zu: status %d (%s)", c->label, n, p.status,
		    p.why != NULL ? p.why : "");
		if (n < c->hdr_end)
			cr_assert_str_eq(p.why,
			    "frame cut short by the capture's snaplen",
			    "%s, snaplen %zu", c->label, n);
		cr_assert_leq(p.paycap, p.paylen, "%s, %zu", c->label, n);
		if (p.payload != NULL)
			cr_assert(p.payload >= b &&
			    p.payload + p.paycap <= b + n,
			    "%s, %zu: payload outside the frame", c->label, n);
		if (n >= c->hdr_end && full.kind != PKT_ICMP) {
			cr_assert_eq(p.paylen, full.paylen, "%s, %zu",
			    c->label, n);
			cr_assert_eq(p.paycap, n - c->hdr_end, "%s, %zu",
			    c->label, n);
		}
		td_assert_subset(&p, &full, n, c->label);

		/* A frame that really was this short. */
		dec_frame(&p, c->linktype, b, n, n);
		if (n == c->frame)
			cr_assert_eq(p.status, DEC_OK);
		else if (c->nflog && n >= 4)
			/* A TLV may fit exactly, or claim too much. */
			cr_assert_neq(p.status, DEC_UNSUPPORTED,
			    "%s, short %zu", c->label, n);
		else
			cr_assert_eq(p.status, DEC_TRUNC,
			    "%s, short %zu: status %d (%s)", c->label, n,
			    p.status, p.why != NULL ? p.why : "");
		cr_assert_leq(p.paycap, p.paylen);
		if (p.payload != NULL)
			cr_assert(p.payload >= b &&
			    p.payload + p.paycap <= b + n);
		if (p.status == DEC_TRUNC && n >= c->hdr_end &&
		    full.kind == PKT_TCP)
			cr_assert_eq(p.paylen, n - c->hdr_end,
			    "%s, short %zu: only what was there", c->label, n);
		td_assert_subset(&p, &full, n, c->label);
		free(b);
	}
}

static const uint8_t td_opts_full[] = {
	2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10,
	0, 0, 0, 1, 0, 0, 0, 2, 5, 10, 0, 0, 0, 5, 0, 0, 0, 9,
};

Test(dec_trunc, every_prefix_of_an_ethernet_ipv4_tcp_frame)
{
	static struct td_trunc_case c;
	struct pb_tcp	t = td_tcp();
	static const uint8_t ipopts[] = { 1, 1, 1, 0 };

	t.opts = td_opts_full;
	t.optlen = sizeof td_opts_full;
	t.ip.opts = ipopts;
	t.ip.optlen = sizeof ipopts;
	t.paylen = 16;
	c.label = "ether ipv4 tcp";
	c.linktype = DEC_LT_ETHERNET;
	c.frame = pb_tcp(c.buf, sizeof c.buf, &t);
	c.hdr_end = 14 + 24 + 20 + 32;
	td_trunc_every_offset(&c);
}

Test(dec_trunc, every_prefix_of_an_sll2_ipv6_tcp_frame_with_extensions)
{
	static struct td_trunc_case c;
	struct pb_tcp	t = td_tcp6();

	t.link.linktype = DEC_LT_LINUX_SLL2;
	t.ip.next = 2;
	t.ip.ext[0] = (struct pb_ext){ .type = 0, .len = 6 };
	t.ip.ext[1] = (struct pb_ext){ .type = 51, .len = 10 };
	t.ip.frag_more = true;
	t.opts = td_opts_full;
	t.optlen = 10;		/* MSS, NOP, wscale, SACK-permitted, EOL */
	t.paylen = 9;
	c.label = "sll2 ipv6 ext tcp";
	c.linktype = DEC_LT_LINUX_SLL2;
	c.frame = pb_tcp(c.buf, sizeof c.buf, &t);
	c.hdr_end = 20 + 40 + 8 + 12 + 8 + 20 + 12;
	td_trunc_every_offset(&c);
}

Test(dec_trunc, every_prefix_of_a_qinq_udp_frame)
{
	static struct td_trunc_case c;
	struct pb_udp	u = td_udp();

	u.link.nvlan = 2;
	u.link.vlan[0] = 5;
	u.link.vlan[1] = 6;
	c.label = "qinq udp";
	c.linktype = DEC_LT_ETHERNET;
	c.frame = pb_udp(c.buf, sizeof c.buf, &u);
	c.hdr_end = 14 + 8 + 20 + 8;
	td_trunc_every_offset(&c);
}

Test(dec_trunc, every_prefix_of_an_mpls_ipv6_tcp_frame)
{
	static struct td_trunc_case c;
	struct pb_tcp	t = td_tcp6();

	t.link.nmpls = 2;
	t.paylen = 3;
	c.label = "mpls ipv6 tcp";
	c.linktype = DEC_LT_ETHERNET;
	c.frame = pb_tcp(c.buf, sizeof c.buf, &t);
	c.hdr_end = 14 + 8 + 40 + 20;
	td_trunc_every_offset(&c);
}

Test(dec_trunc, every_prefix_of_an_icmp_error_quoting_tcp)
{
	static struct td_trunc_case c;
	uint8_t		q[PB_MAX];
	struct pb_icmp	m = {
		.link = { .linktype = DEC_LT_NULL },
		.ip = { .src = "198.51.100.254", .dst = "192.0.2.1" },
		.type = 3, .code = 3,
	};

	m.quote = q;
	m.quotelen = td_quote(q, false, true);
	c.label = "icmp quoting tcp";
	c.linktype = DEC_LT_NULL;
	c.frame = pb_icmp(c.buf, sizeof c.buf, &m);
	c.hdr_end = 4 + 20 + 8;
	td_trunc_every_offset(&c);
}

Test(dec_trunc, every_prefix_of_an_icmpv6_error_quoting_udp)
{
	static struct td_trunc_case c;
	uint8_t		q[PB_MAX];
	struct pb_icmp	m = {
		.link = { .linktype = DEC_LT_PPP },
		.ip = { .src = "2001:db8::fe", .dst = "2001:db8::1" },
		.type = 1, .code = 4,
	};

	m.quote = q;
	m.quotelen = td_quote(q, true, false);
	c.label = "icmpv6 quoting udp";
	c.linktype = DEC_LT_PPP;
	c.frame = pb_icmp(c.buf, sizeof c.buf, &m);
	c.hdr_end = 4 + 40 + 8;
	td_trunc_every_offset(&c);
}

Test(dec_trunc, every_prefix_of_an_nflog_tcp_frame)
{
	static struct td_trunc_case c;
	struct pb_tcp	t = td_tcp();

	t.link.linktype = DEC_LT_NFLOG;
	t.link.nflog_prefix = true;
	t.paylen = 8;		/* 48 bytes of IP: no TLV padding */
	c.label = "nflog tcp";
	c.linktype = DEC_LT_NFLOG;
	c.frame = pb_tcp(c.buf, sizeof c.buf, &t);
	c.hdr_end = 4 + 8 + 4 + 20 + 20;
	c.nflog = true;
	td_trunc_every_offset(&c);
}

Test(dec_udp, vxlan_yields_the_inner_tcp_segment)
{
	uint8_t inner[PB_MAX], payload[PB_MAX], buf[PB_MAX];
	struct pb_tcp t = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "172.16.0.1", .dst = "172.16.0.2" },
		.sport = 40000, .dport = 80, .seq = 7, .flags = TCP_SYN,
	};
	size_t n = pb_tcp(inner, sizeof inner, &t);
	struct pb_udp u = {
		.link = { .linktype = DEC_LT_ETHERNET },
		.ip = { .src = "10.0.0.1", .dst = "10.0.0.2" },
		.sport = 50000, .dport = 4789, .payload = payload,
		.paylen = 8 + n,
	};
	struct pkt p;
	size_t m;

	memset(payload, 0, 8);
	payload[0] = 0x08;		/* I: the VNI is valid */
	memcpy(payload + 8, inner, n);
	m = pb_udp(buf, sizeof buf, &u);
	cr_assert_gt(m, 0);
	cr_assert_eq(dec_frame(&p, DEC_LT_ETHERNET, buf, m, m), DEC_OK);
	cr_assert_eq(p.kind, PKT_TCP);
	cr_assert_eq(p.nencap, 1);
	cr_assert_eq(p.dport, 80);
	cr_assert_eq(p.seq, 7);
	cr_assert_eq(p.src.a[0], 172);
	cr_assert_eq(p.linktype, DEC_LT_ETHERNET);

	/* Without the I flag it is just UDP. */
	payload[0] = 0;
	m = pb_udp(buf, sizeof buf, &u);
	cr_assert_eq(dec_frame(&p, DEC_LT_ETHERNET, buf, m, m), DEC_OK);
	cr_assert_eq(p.kind, PKT_UDP);
	cr_assert_eq(p.dport, 4789);
}
