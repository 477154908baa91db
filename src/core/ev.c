/* SPDX-License-Identifier: ISC */
/* Names of the things events carry: analysis notes and TCP flags. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ev.h"
#include "msg.h"

static const char *ev_an_names[AN_COUNT] = {
	"retransmission", "fast_retransmission", "spurious_retransmission",
	"out_of_order", "lost_segment", "duplicate_ack", "zero_window",
	"window_update", "keep_alive", "ack_lost_segment",
	"zero_window_probe", "rst_ignored", "ip_fragment", "truncated",
	"not_processed",
};

static const char *ev_unproc_keys[EV_UNPROC_COUNT] = {
	"receiver_sent_again", "sender_sent_again", "dropped_by_filter",
};

const char *
ev_unproc_key(enum ev_unproc_why why)
{
	if ((unsigned)why >= EV_UNPROC_COUNT)
		return "?";
	return ev_unproc_keys[why];
}

const char *
ev_analysis_name(uint32_t bit)
{
	unsigned i;

	for (i = 0; i < AN_COUNT; i++) {
		if (bit == (1U << i))
			return ev_an_names[i];
	}
	return NULL;
}

static const char *ev_flag_names[] = {
	"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE",
};

const char *
ev_flag_name(unsigned bit)
{
	if (bit >= sizeof ev_flag_names / sizeof ev_flag_names[0])
		return NULL;
	return ev_flag_names[bit];
}

void
ev_flags_label(uint16_t flags, char *buf, size_t len)
{
	/* As the textbook ladders write them: ACK last ("FIN-ACK"). */
	static const uint16_t order[] = { TCP_SYN, TCP_FIN, TCP_RST, TCP_PSH,
	    TCP_URG, TCP_ECE, TCP_CWR, TCP_AE, TCP_ACK };
	static const char *names[] = { "SYN", "FIN", "RST", "PSH", "URG",
	    "ECE", "CWR", "AE", "ACK" };
	size_t i, used = 0, n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (!(flags & order[i]))
			continue;
		n = strlen(names[i]) + (used > 0);
		if (used + n + 1 > len)
			break;
		if (used > 0)
			buf[used++] = '-';
		memcpy(buf + used, names[i], strlen(names[i]) + 1);
		used += strlen(names[i]);
	}
	if (used == 0 && len > 4)
		memcpy(buf, "NONE", 5);
}

/* English, marked N_(): a view that shows it to people translates it
 * (narrate.c has its own words for it, in context). */
const char *
ev_icmp_desc(uint8_t family, uint8_t type, uint8_t code)
{
	static const char *unreach4[] = { N_("network unreachable"),
	    N_("host unreachable"), N_("protocol unreachable"),
	    N_("port unreachable"), N_("fragmentation needed"),
	    N_("source route failed") };
	static const char *unreach6[] = { N_("no route to destination"),
	    N_("administratively prohibited"),
	    N_("beyond scope of source address"), N_("address unreachable"),
	    N_("port unreachable") };

	if (family == 6) {
		switch (type) {
		case 1:
			return code < 5 ? unreach6[code] : N_("unreachable");
		case 2:
			return N_("packet too big");
		case 3:
			return N_("time exceeded");
		case 4:
			return N_("parameter problem");
		}
		return N_("error");
	}
	switch (type) {
	case 3:
		return code < 6 ? unreach4[code] : N_("unreachable");
	case 4:
		return N_("source quench");
	case 5:
		return N_("redirect");
	case 11:
		return N_("time exceeded");
	case 12:
		return N_("parameter problem");
	}
	return N_("error");
}

const char *
ev_errno_name(int err)
{
	static char buf[16];
	const char *name = strerrorname_np(err);

	if (name != NULL)
		return name;
	snprintf(buf, sizeof buf, "E%d", err);
	return buf;
}

size_t
ev_payload_text(const uint8_t *p, size_t n, char *buf, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	buf[i] = '\0';
	return i;
}

void
ev_payload_hexline(const uint8_t *p, size_t n, size_t off, size_t per,
    char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, k, used;

	if (len == 0)
		return;
	used = (size_t)snprintf(buf, len, "%04zx ", off);
	for (i = 0; i < per && used + 4 < len; i++) {
		k = off + i;
		buf[used++] = ' ';
		buf[used++] = k < n ? hex[p[k] >> 4] : ' ';
		buf[used++] = k < n ? hex[p[k] & 15] : ' ';
	}
	if (used + 2 < len) {
		buf[used++] = ' ';
		buf[used++] = ' ';
		ev_payload_text(p + (off < n ? off : n), off < n ?
		    (n - off < per ? n - off : per) : 0, buf + used,
		    len - used);
	} else if (used < len)
		buf[used] = '\0';
	else
		buf[len - 1] = '\0';
}
