/* SPDX-License-Identifier: ISC */
/* Curses-free layout maths for the terminal UI (see layout.h). */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"
#include "u8.h"
#include "xmalloc.h"

/* ------------------------------------------------------------- screen */

void
lay_screen(struct lay_screen *s, int cols, int rows)
{
	lay_screen_fit(s, cols, rows, 0, 0);
}

void
lay_screen_fit(struct lay_screen *s, int cols, int rows, int narr_lines,
    int main_min)
{
	int narr_h, main_h, side_w, most;

	memset(s, 0, sizeof *s);
	if (cols < LAY_MIN_COLS || rows < LAY_MIN_ROWS) {
		s->too_small = true;
		return;
	}
	/* Borders and three to five lines of narration, more when the
	 * text needs them: the main view gives way down to main_min. */
	narr_h = rows >= 40 ? 7 : rows >= 24 ? 6 : 5;
	if (main_min < LAY_MAIN_MIN)
		main_min = LAY_MAIN_MIN;
	most = rows - 2 - main_min;
	if (narr_lines + 2 > narr_h)
		narr_h = narr_lines + 2 < most ? narr_lines + 2 : most;
	if (narr_h < 3)
		narr_h = 3;
	main_h = rows - 2 - narr_h;
	s->title = (struct lay_rect){ 0, 0, cols, 1 };
	s->main = (struct lay_rect){ 0, 1, cols, main_h };
	s->narr = (struct lay_rect){ 0, 1 + main_h, cols, narr_h };
	s->status = (struct lay_rect){ 0, rows - 1, cols, 1 };
	if (cols >= LAY_SIDE_COLS && main_h >= LAY_FSM_H) {
		s->side = true;
		side_w = LAY_FSM_W + 2;
		s->main.w = cols - side_w - 1;
		s->side_fsm = (struct lay_rect){ cols - side_w + 1, 1,
		    LAY_FSM_W, LAY_FSM_H };
		if (main_h - LAY_FSM_H - 1 >= 6)
			s->side_detail = (struct lay_rect){ cols - side_w + 1,
			    1 + LAY_FSM_H + 1, side_w - 1,
			    main_h - LAY_FSM_H - 1 };
	}
}

/* ------------------------------------------------------------- ladder */

void
lay_ladder_cols(struct lay_ladder *l, int width)
{
	int w = width >= 100 ? 12 : 9;

	lay_ladder_fit(l, width, w, w);
}

void
lay_ladder_fit(struct lay_ladder *l, int width, int call_min, int call_want)
{
	int most;

	/* The call column as wide as its calls want while the arrows keep
	 * room for a data segment's label; never below call_min, so that
	 * a call's name is never cut.  No calls: no column. */
	most = (width - 36 - LAY_LABEL_WANT) / 2;
	if (call_want > most)
		call_want = most;
	l->call_w = call_want > call_min ? call_want : call_min;
	if (l->call_w < 0)
		l->call_w = 0;
	l->state_w = 12;		/* "SYN_RECEIVED" */
	l->lcall_x = 0;
	l->lstate_x = l->call_w > 0 ? l->call_w + 1 : 0;
	l->lx = l->lstate_x + l->state_w + 1;
	l->rx = width - 1 - l->lx;
	l->rstate_x = l->rx + 2;
	l->rcall_x = l->rstate_x + l->state_w + 1;
	/* "|--- LABEL --->|" or "|<-- LABEL ----|" */
	l->label_x = l->lx + 4;
	l->label_w = l->rx - 3 - l->label_x;
	if (l->label_w < 0)
		l->label_w = 0;
}

void
lay_arrow(struct lay_arrow *a, const struct lay_ladder *l, bool c2s,
    int label_len)
{
	a->x0 = l->lx + 1;
	a->x1 = l->rx - 1;
	a->head_x = c2s ? a->x1 : a->x0;
	a->label_x = l->label_x;
	a->label_w = label_len < l->label_w ? label_len : l->label_w;
	if (a->label_w < 0)
		a->label_w = 0;
}

int
lay_label(char *buf, size_t len, int width, const char *const tok[],
    const int prio[], size_t n)
{
	bool keep[16];
	size_t i, used;
	int total, worst, wi;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (n == 0 || width <= 0)
		return 0;
	if (n > sizeof keep / sizeof keep[0])
		n = sizeof keep / sizeof keep[0];
	for (i = 0; i < n; i++)
		keep[i] = tok[i] != NULL && tok[i][0] != '\0';
	keep[0] = true;
	for (;;) {
		total = -1;
		for (i = 0; i < n; i++) {
			if (keep[i])
				total += 1 + lay_width(tok[i], strlen(tok[i]));
		}
		if (total <= width)
			break;
		/* Drop the least important token still kept (not the
		 * first); the later one of equals. */
		worst = -1;
		wi = 0;
		for (i = 1; i < n; i++) {
			if (keep[i] && prio[i] >= worst) {
				worst = prio[i];
				wi = (int)i;
			}
		}
		if (wi == 0)
			break;
		keep[wi] = false;
	}
	used = 0;
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? " " : "", tok[i]);
		if (used >= len) {
			used = len - 1;
			break;
		}
	}
	/* Still too wide: only the first token is left; cut it. */
	if (lay_width(buf, used) > width) {
		used = u8_fit(buf, used, (size_t)width);
		buf[used] = '\0';
	}
	return lay_width(buf, used);
}

/* -------------------------------------------------------------- table */

int
lay_cols_fit(int n, const int want[], const int min[], int gap, int width,
    int x[], int w[])
{
	int i, total = 0, best, slack;

	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		w[i] = want[i] > min[i] ? want[i] : min[i];
		total += w[i] + (i > 0 ? gap : 0);
	}
	/* Too wide: take a cell at a time from the column with the most
	 * to give above its minimum. */
	while (total > width) {
		best = -1;
		slack = 0;
		for (i = 0; i < n; i++) {
			if (w[i] - min[i] > slack) {
				slack = w[i] - min[i];
				best = i;
			}
		}
		if (best < 0)
			break;
		w[best]--;
		total--;
	}
	x[0] = 0;
	for (i = 1; i < n; i++)
		x[i] = x[i - 1] + w[i - 1] + gap;
	/* The last column has the rest of the line. */
	if (x[n - 1] + w[n - 1] < width)
		w[n - 1] = width - x[n - 1];
	return total <= width;
}

/* ------------------------------------------------ many conversations */

bool
lay_row_has(const struct rows *r, const struct timeline *tl, size_t i,
    enum lay_mark m)
{
	struct ev evb;
	const struct rows_row *row;
	const uint8_t *before;
	const struct ev *e;

	if (i >= r->n)
		return false;
	row = &r->v[i];
	if (m == LAY_MARK_STATE) {
		before = i > 0 ? r->v[i - 1].st : r->init;
		return before[0] != row->st[0] || before[1] != row->st[1];
	}
	if (row->kind != ROWS_PKT || (e = timeline_get(tl, row->ev, &evb)) ==
	    NULL || e->type != EV_PACKET || e->conn == NULL)
		return false;
	switch (m) {
	case LAY_MARK_SYN:
		return e->conn->proto == 6 && (e->u.pkt.flags & TCP_SYN);
	case LAY_MARK_FIN:
		return e->conn->proto == 6 && (e->u.pkt.flags & TCP_FIN);
	case LAY_MARK_RST:
		return e->conn->proto == 6 && (e->u.pkt.flags & TCP_RST);
	case LAY_MARK_RETX:
		return (e->u.pkt.analysis & (AN_RETRANSMISSION |
		    AN_FAST_RETRANSMISSION | AN_SPURIOUS_RETRANSMISSION)) != 0;
	default:
		return false;
	}
}

long
lay_rows_find(const struct rows *r, const struct timeline *tl,
    size_t from, int dir, enum lay_mark m)
{
	size_t i;

	if (dir > 0) {
		for (i = from + 1; i < r->n; i++) {
			if (lay_row_has(r, tl, i, m))
				return (long)i;
		}
	} else {
		for (i = from < r->n ? from : r->n; i > 0; i--) {
			if (lay_row_has(r, tl, i - 1, m))
				return (long)(i - 1);
		}
	}
	return -1;
}

static bool
lay_word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(w, name, n) == 0;
}

/* Does one word of the filter hold for c? */
static bool
lay_conn_word(const struct tl_conn *c, const char *w, size_t n)
{
	static const struct {
		const char	*name;
		uint8_t		 bit;
	} flags[] = { { "syn", COMPL_SYN }, { "syn-ack", COMPL_SYNACK },
	    { "synack", COMPL_SYNACK }, { "ack", COMPL_ACK },
	    { "data", COMPL_DATA }, { "fin", COMPL_FIN },
	    { "rst", COMPL_RST } };
	char ep[80], word[80];
	size_t i, k;
	bool digits = n > 0;
	unsigned long port;

	if (n >= sizeof word)
		return false;
	memcpy(word, w, n);
	word[n] = '\0';
	for (i = 0; i < n; i++)
		digits = digits && word[i] >= '0' && word[i] <= '9';
	if (digits && n <= 5) {
		port = strtoul(word, NULL, 10);
		return port == c->info.cport || port == c->info.sport;
	}
	if (lay_word_is(word, n, "tcp") || lay_word_is(word, n, "udp"))
		return (c->info.proto == 6) == lay_word_is(word, n, "tcp");
	for (i = 0; i < TCP_ST_COUNT; i++) {
		if (lay_word_is(word, n, tcp_state_name((enum tcp_state)i)))
			return c->info.proto == 6 && (c->st[0] == i ||
			    c->st[1] == i);
	}
	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (lay_word_is(word, n, flags[i].name))
			return (c->completeness & flags[i].bit) != 0;
	}
	for (k = 0; k < 2; k++) {
		if (k == 0)
			pkt_endpoint_str(&c->info.caddr, c->info.cport, ep,
			    sizeof ep);
		else
			pkt_endpoint_str(&c->info.saddr, c->info.sport, ep,
			    sizeof ep);
		for (i = 0; ep[i] != '\0'; i++) {
			if (strncasecmp(ep + i, word, n) == 0)
				return true;
		}
	}
	return false;
}

bool
lay_conn_match(const struct tl_conn *c, const char *filter)
{
	const char *p = filter, *w;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return true;
		for (w = p; *p != '\0' && *p != ' '; p++)
			;
		if (!lay_conn_word(c, w, (size_t)(p - w)))
			return false;
	}
}

static int
lay_cmp_addr(const struct pkt_addr *a, uint16_t ap, const struct pkt_addr *b,
    uint16_t bp)
{
	int k = pkt_addr_cmp(a, b);

	if (k != 0)
		return k;
	return ap < bp ? -1 : ap > bp;
}

int
lay_conn_cmp(const struct tl_conn *a, const struct tl_conn *b,
    enum lay_sort how)
{
	int k = 0;

	switch (how) {
	case LAY_SORT_PACKETS:
		k = a->packets > b->packets ? -1 : a->packets < b->packets;
		break;
	case LAY_SORT_CLIENT:
		k = lay_cmp_addr(&a->info.caddr, a->info.cport,
		    &b->info.caddr, b->info.cport);
		break;
	case LAY_SORT_SERVER:
		k = lay_cmp_addr(&a->info.saddr, a->info.sport,
		    &b->info.saddr, b->info.sport);
		break;
	case LAY_SORT_CSTATE:
		k = strcmp(tcp_state_name(a->st[0]), tcp_state_name(b->st[0]));
		break;
	case LAY_SORT_SSTATE:
		k = strcmp(tcp_state_name(a->st[1]), tcp_state_name(b->st[1]));
		break;
	default:
		break;
	}
	if (k == 0)
		k = a->info.id < b->info.id ? -1 : a->info.id > b->info.id;
	return k;
}

/* ------------------------------------------------------ moving about */

size_t
lay_scroll(size_t top, size_t sel, size_t height, size_t total)
{
	if (height == 0)
		return sel;
	if (sel < top)
		top = sel;
	else if (sel >= top + height)
		top = sel - height + 1;
	if (total > height && top > total - height)
		top = total - height;
	if (total <= height)
		top = 0;
	return top;
}

static const int lay_speeds[] = { 10, 25, 50, 100, 200, 400, 1000, 10000,
    100000 };

int
lay_speed(int idx)
{
	if (idx < 0)
		idx = 0;
	if (idx >= lay_speed_count())
		idx = lay_speed_count() - 1;
	return lay_speeds[idx];
}

int
lay_speed_count(void)
{
	return (int)(sizeof lay_speeds / sizeof lay_speeds[0]);
}

void
lay_speed_str(int idx, char *buf, size_t len)
{
	int pct = lay_speed(idx);

	if (pct % 100 == 0)
		snprintf(buf, len, "%dx", pct / 100);
	else if (pct % 10 == 0)
		snprintf(buf, len, "%d.%dx", pct / 100, pct / 10 % 10);
	else
		snprintf(buf, len, "%d.%02dx", pct / 100, pct % 100);
}

int64_t
lay_play_delay(int64_t dt_ns, int pct)
{
	if (dt_ns > ROWS_GAP_NS)
		dt_ns = ROWS_GAP_NS;
	if (dt_ns < LAY_STEP_MIN_NS)
		dt_ns = LAY_STEP_MIN_NS;
	if (pct <= 0)
		pct = 100;
	return dt_ns * 100 / pct;
}

/* --------------------------------------------------------------- text */

int
lay_width(const char *s, size_t len)
{
	return (int)u8_width(s, strnlen(s, len));
}

/* Bytes of s that fill at most `cells` columns, whole characters only. */
static size_t
lay_bytes_for(const char *s, size_t len, int cells)
{
	return cells > 0 ? u8_fit(s, len, (size_t)cells) : 0;
}

/* Closing punctuation never starts a line, opening never ends one. */
static bool
lay_cp_in(uint32_t cp, const uint32_t *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (set[i] == cp)
			return true;
	}
	return false;
}

static const uint32_t lay_no_start[] = { ',', '.', ';', ':', '!', '?', ')',
    ']', '}', 0x3001, 0x3002, 0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff01,
    0xff1f, 0xff09, 0x300b, 0x3009, 0x300d, 0x300f, 0x3011, 0x201d,
    0x2019, 0x2026 };
static const uint32_t lay_no_end[] = { '(', '[', '{', 0xff08, 0x300a,
    0x3008, 0x300c, 0x300e, 0x3010, 0x201c, 0x2018 };

/*
 * May a line of s[start..len) end just before byte i?  At a space; and,
 * as Chinese has none, on either side of a wide (CJK) character, but
 * never before closing or after opening punctuation, nor inside a run of
 * Latin letters ("SYN-ACK" stays whole).
 */
static bool
lay_break_at(const char *s, size_t start, size_t len, size_t i)
{
	uint32_t a, b;
	size_t j;

	if (i <= start || i >= len)
		return i >= len;
	if (s[i] == ' ')
		return true;
	for (j = i - 1; j > start && ((unsigned char)s[j] & 0xc0) == 0x80;
	    j--)
		;
	u8_decode(s + j, len - j, &a);
	u8_decode(s + i, len - i, &b);
	if (!u8_cp_breakable(a) && !u8_cp_breakable(b))
		return false;
	if (u8_cp_width(b) == 0)
		return false;
	return !lay_cp_in(b, lay_no_start, sizeof lay_no_start /
	    sizeof lay_no_start[0]) && !lay_cp_in(a, lay_no_end,
	    sizeof lay_no_end / sizeof lay_no_end[0]);
}

size_t
lay_wrap(const char *s, int width, struct lay_span *lines, size_t max)
{
	size_t n = 0, len = strlen(s), pos = 0, end, brk, k;
	uint32_t cp;

	if (width <= 0)
		return 0;
	while (pos < len) {
		while (pos < len && s[pos] == ' ')
			pos++;
		if (pos >= len)
			break;
		end = pos + lay_bytes_for(s + pos, len - pos, width);
		if (end == pos) {
			/* One character wider than the line: take it whole. */
			end = pos + u8_decode(s + pos, len - pos, &cp);
		} else if (!lay_break_at(s, pos, len, end)) {
			/* Back up to the last place a line may end, unless
			 * the word is longer than the line. */
			for (brk = end; brk > pos &&
			    !lay_break_at(s, pos, len, brk); ) {
				brk--;
				while (brk > pos &&
				    ((unsigned char)s[brk] & 0xc0) == 0x80)
					brk--;
			}
			if (brk > pos)
				end = brk;
		}
		k = end;
		while (k > pos && s[k - 1] == ' ')
			k--;
		if (n < max) {
			lines[n].off = pos;
			lines[n].len = k - pos;
		}
		n++;
		pos = end;
	}
	return n;
}

/* ---------------------------------------------------- state diagram */

/*
 * RFC 9293 figure 5, in three columns: opening at the top, the close
 * that starts here on the left, the one that starts there on the right.
 * Each label has two free cells on either side: a space, then the
 * client's (left) or the server's (right) marker, so that a marker
 * never reads as part of the name; horizontal lines and heads stop a
 * space further out ("──▶ C ESTABLISHED S ◀──").
 */
#define LAY_NODE(st, cx, y) \
	[TCP_ST_##st] = { (cx) - (int)(sizeof #st - 1) / 2, (y), \
	    (int)sizeof #st - 1, #st }

static const struct lay_node lay_nodes[LAY_NODES] = {
	LAY_NODE(CLOSED, 30, 0),
	LAY_NODE(LISTEN, 30, 2),
	LAY_NODE(SYN_RECEIVED, 8, 4),
	LAY_NODE(SYN_SENT, 52, 4),
	LAY_NODE(ESTABLISHED, 30, 6),
	LAY_NODE(FIN_WAIT_1, 8, 8),
	LAY_NODE(CLOSE_WAIT, 52, 8),
	LAY_NODE(FIN_WAIT_2, 8, 10),
	LAY_NODE(CLOSING, 30, 10),
	LAY_NODE(LAST_ACK, 52, 10),
	LAY_NODE(TIME_WAIT, 30, 12),
	[LAY_NODE_CLOSED_END] = { 52 - 3, 12, 6, "CLOSED" },
};

#define P(x, y)	{ (x), (y) }
static const struct lay_point lay_e_closed_listen[] = { P(30, 1) };
static const struct lay_point lay_e_closed_synsent[] = { P(36, 0), P(52, 0),
    P(52, 3) };
static const struct lay_point lay_e_listen_synrcvd[] = { P(23, 2), P(8, 2),
    P(8, 3) };
static const struct lay_point lay_e_listen_synsent[] = { P(36, 2), P(50, 2),
    P(50, 3) };
static const struct lay_point lay_e_synsent_synrcvd[] = { P(44, 4),
    P(17, 4) };
static const struct lay_point lay_e_synrcvd_estab[] = { P(8, 5), P(8, 6),
    P(21, 6) };
static const struct lay_point lay_e_synsent_estab[] = { P(52, 5), P(52, 6),
    P(39, 6) };
static const struct lay_point lay_e_synrcvd_finwait1[] = { P(8, 5),
    P(8, 7) };
static const struct lay_point lay_e_estab_finwait1[] = { P(28, 7), P(28, 8),
    P(16, 8) };
static const struct lay_point lay_e_estab_closewait[] = { P(32, 7),
    P(32, 8), P(43, 8) };
static const struct lay_point lay_e_finwait1_finwait2[] = { P(8, 9) };
static const struct lay_point lay_e_finwait1_closing[] = { P(11, 9),
    P(29, 9) };
static const struct lay_point lay_e_closewait_lastack[] = { P(52, 9) };
static const struct lay_point lay_e_finwait2_timewait[] = { P(8, 11),
    P(8, 12), P(22, 12) };
static const struct lay_point lay_e_closing_timewait[] = { P(30, 11) };
static const struct lay_point lay_e_lastack_closed[] = { P(52, 11) };
static const struct lay_point lay_e_timewait_closed[] = { P(38, 12),
    P(45, 12) };
static const struct lay_point lay_e_synsent_closed[] = { P(59, 4), P(60, 4),
    P(60, 12), P(58, 12) };
#undef P

/* RFC 9293 figure 5's labels: the event, then the action ("x": none). */
#define L_CLOSED_LISTEN		"passive OPEN / create TCB"
#define L_CLOSED_SYNSENT	"active OPEN / create TCB, snd SYN"
#define L_LISTEN_SYNRCVD	"rcv SYN / snd SYN,ACK"
#define L_LISTEN_SYNSENT	"SEND / snd SYN"
#define L_SYNSENT_SYNRCVD	"rcv SYN / snd SYN,ACK"
#define L_SYNRCVD_ESTAB		"rcv ACK of SYN / x"
#define L_SYNSENT_ESTAB		"rcv SYN,ACK / snd ACK"
#define L_CLOSE_FIN		"CLOSE / snd FIN"
#define L_RCV_FIN		"rcv FIN / snd ACK"
#define L_ACK_OF_FIN		"rcv ACK of FIN / x"
#define L_TIMEOUT		"Timeout=2MSL / delete TCB"
#define L_SYNSENT_CLOSED	"CLOSE / delete TCB"

#define LAY_EDGE(f, t, pts, head, label, lx, ly) \
	{ (f), (t), (pts), (int)(sizeof (pts) / sizeof (pts)[0]), (head), \
	    (label), { (lx), (ly) } }

static const struct lay_edge lay_edges[] = {
	LAY_EDGE(TCP_ST_CLOSED, TCP_ST_LISTEN, lay_e_closed_listen, 'v',
	    L_CLOSED_LISTEN, -1, -1),
	LAY_EDGE(TCP_ST_CLOSED, TCP_ST_SYN_SENT, lay_e_closed_synsent, 'v',
	    L_CLOSED_SYNSENT, -1, -1),
	LAY_EDGE(TCP_ST_LISTEN, TCP_ST_SYN_RECEIVED, lay_e_listen_synrcvd,
	    'v', L_LISTEN_SYNRCVD, -1, -1),
	LAY_EDGE(TCP_ST_LISTEN, TCP_ST_SYN_SENT, lay_e_listen_synsent, 'v',
	    L_LISTEN_SYNSENT, -1, -1),
	LAY_EDGE(TCP_ST_SYN_SENT, TCP_ST_SYN_RECEIVED, lay_e_synsent_synrcvd,
	    '<', L_SYNSENT_SYNRCVD, -1, -1),
	LAY_EDGE(TCP_ST_SYN_RECEIVED, TCP_ST_ESTABLISHED, lay_e_synrcvd_estab,
	    '>', L_SYNRCVD_ESTAB, -1, -1),
	LAY_EDGE(TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, lay_e_synsent_estab,
	    '<', L_SYNSENT_ESTAB, -1, -1),
	LAY_EDGE(TCP_ST_SYN_RECEIVED, TCP_ST_FIN_WAIT_1,
	    lay_e_synrcvd_finwait1, 'v', L_CLOSE_FIN, -1, -1),
	LAY_EDGE(TCP_ST_ESTABLISHED, TCP_ST_FIN_WAIT_1, lay_e_estab_finwait1,
	    '<', L_CLOSE_FIN, -1, -1),
	LAY_EDGE(TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT, lay_e_estab_closewait,
	    '>', L_RCV_FIN, -1, -1),
	LAY_EDGE(TCP_ST_FIN_WAIT_1, TCP_ST_FIN_WAIT_2,
	    lay_e_finwait1_finwait2, 'v', L_ACK_OF_FIN, -1, -1),
	LAY_EDGE(TCP_ST_FIN_WAIT_1, TCP_ST_CLOSING, lay_e_finwait1_closing,
	    'v', L_RCV_FIN, -1, -1),
	LAY_EDGE(TCP_ST_CLOSE_WAIT, TCP_ST_LAST_ACK, lay_e_closewait_lastack,
	    'v', L_CLOSE_FIN, -1, -1),
	LAY_EDGE(TCP_ST_FIN_WAIT_2, TCP_ST_TIME_WAIT, lay_e_finwait2_timewait,
	    '>', L_RCV_FIN, -1, -1),
	LAY_EDGE(TCP_ST_CLOSING, TCP_ST_TIME_WAIT, lay_e_closing_timewait,
	    'v', L_ACK_OF_FIN, -1, -1),
	LAY_EDGE(TCP_ST_LAST_ACK, LAY_NODE_CLOSED_END, lay_e_lastack_closed,
	    'v', L_ACK_OF_FIN, -1, -1),
	LAY_EDGE(TCP_ST_TIME_WAIT, LAY_NODE_CLOSED_END, lay_e_timewait_closed,
	    '>', L_TIMEOUT, -1, -1),
	LAY_EDGE(TCP_ST_SYN_SENT, LAY_NODE_CLOSED_END, lay_e_synsent_closed,
	    '<', L_SYNSENT_CLOSED, -1, -1),
};

/*
 * The big drawing: the same three columns further apart (at 20, 56 and
 * 92), two free lines between node rows, and each edge's label on a
 * free line beside it.  Markers and heads keep the small one's rules.
 */
#define LAY_NODE_AT(st, cx, y) \
	[TCP_ST_##st] = { (cx) - (int)(sizeof #st - 1) / 2, (y), \
	    (int)sizeof #st - 1, #st }

static const struct lay_node lay_big_nodes[LAY_NODES] = {
	LAY_NODE_AT(CLOSED, 56, 0),
	LAY_NODE_AT(LISTEN, 56, 4),
	LAY_NODE_AT(SYN_RECEIVED, 20, 8),
	LAY_NODE_AT(SYN_SENT, 92, 8),
	LAY_NODE_AT(ESTABLISHED, 56, 12),
	LAY_NODE_AT(FIN_WAIT_1, 20, 16),
	LAY_NODE_AT(CLOSE_WAIT, 92, 16),
	LAY_NODE_AT(FIN_WAIT_2, 20, 20),
	LAY_NODE_AT(CLOSING, 56, 20),
	LAY_NODE_AT(LAST_ACK, 92, 20),
	LAY_NODE_AT(TIME_WAIT, 56, 24),
	[LAY_NODE_CLOSED_END] = { 92 - 3, 24, 6, "CLOSED" },
};

#define P(x, y)	{ (x), (y) }
static const struct lay_point lay_b_closed_listen[] = { P(56, 1), P(56, 3) };
static const struct lay_point lay_b_closed_synsent[] = { P(62, 0), P(94, 0),
    P(94, 7) };
static const struct lay_point lay_b_listen_synrcvd[] = { P(49, 4), P(20, 4),
    P(20, 7) };
static const struct lay_point lay_b_listen_synsent[] = { P(62, 4), P(90, 4),
    P(90, 7) };
static const struct lay_point lay_b_synsent_synrcvd[] = { P(84, 8),
    P(29, 8) };
static const struct lay_point lay_b_synrcvd_estab[] = { P(20, 9), P(20, 12),
    P(47, 12) };
static const struct lay_point lay_b_synsent_estab[] = { P(92, 9), P(92, 12),
    P(65, 12) };
static const struct lay_point lay_b_synrcvd_finwait1[] = { P(20, 9),
    P(20, 15) };
static const struct lay_point lay_b_estab_finwait1[] = { P(54, 13),
    P(54, 16), P(28, 16) };
static const struct lay_point lay_b_estab_closewait[] = { P(58, 13),
    P(58, 16), P(83, 16) };
static const struct lay_point lay_b_finwait1_finwait2[] = { P(20, 17),
    P(20, 19) };
static const struct lay_point lay_b_finwait1_closing[] = { P(23, 17),
    P(23, 18), P(55, 18), P(55, 19) };
static const struct lay_point lay_b_closewait_lastack[] = { P(92, 17),
    P(92, 19) };
static const struct lay_point lay_b_finwait2_timewait[] = { P(20, 21),
    P(20, 24), P(48, 24) };
static const struct lay_point lay_b_closing_timewait[] = { P(56, 21),
    P(56, 23) };
static const struct lay_point lay_b_lastack_closed[] = { P(92, 21),
    P(92, 23) };
static const struct lay_point lay_b_timewait_closed[] = { P(64, 24),
    P(85, 24) };
static const struct lay_point lay_b_synsent_closed[] = { P(99, 8), P(100, 8),
    P(100, 24), P(98, 24) };
#undef P

static const struct lay_edge lay_big_edges[] = {
	LAY_EDGE(TCP_ST_CLOSED, TCP_ST_LISTEN, lay_b_closed_listen, 'v',
	    L_CLOSED_LISTEN, 29, 2),
	LAY_EDGE(TCP_ST_CLOSED, TCP_ST_SYN_SENT, lay_b_closed_synsent, 'v',
	    L_CLOSED_SYNSENT, 60, 1),
	LAY_EDGE(TCP_ST_LISTEN, TCP_ST_SYN_RECEIVED, lay_b_listen_synrcvd,
	    'v', L_LISTEN_SYNRCVD, 22, 5),
	LAY_EDGE(TCP_ST_LISTEN, TCP_ST_SYN_SENT, lay_b_listen_synsent, 'v',
	    L_LISTEN_SYNSENT, 72, 5),
	LAY_EDGE(TCP_ST_SYN_SENT, TCP_ST_SYN_RECEIVED, lay_b_synsent_synrcvd,
	    '<', L_SYNSENT_SYNRCVD, 46, 7),
	LAY_EDGE(TCP_ST_SYN_RECEIVED, TCP_ST_ESTABLISHED, lay_b_synrcvd_estab,
	    '>', L_SYNRCVD_ESTAB, 24, 11),
	LAY_EDGE(TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, lay_b_synsent_estab,
	    '<', L_SYNSENT_ESTAB, 69, 11),
	LAY_EDGE(TCP_ST_SYN_RECEIVED, TCP_ST_FIN_WAIT_1,
	    lay_b_synrcvd_finwait1, 'v', L_CLOSE_FIN, 3, 13),
	LAY_EDGE(TCP_ST_ESTABLISHED, TCP_ST_FIN_WAIT_1, lay_b_estab_finwait1,
	    '<', L_CLOSE_FIN, 30, 15),
	LAY_EDGE(TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT, lay_b_estab_closewait,
	    '>', L_RCV_FIN, 64, 15),
	LAY_EDGE(TCP_ST_FIN_WAIT_1, TCP_ST_FIN_WAIT_2,
	    lay_b_finwait1_finwait2, 'v', L_ACK_OF_FIN, 1, 18),
	LAY_EDGE(TCP_ST_FIN_WAIT_1, TCP_ST_CLOSING, lay_b_finwait1_closing,
	    'v', L_RCV_FIN, 27, 17),
	LAY_EDGE(TCP_ST_CLOSE_WAIT, TCP_ST_LAST_ACK, lay_b_closewait_lastack,
	    'v', L_CLOSE_FIN, 75, 18),
	LAY_EDGE(TCP_ST_FIN_WAIT_2, TCP_ST_TIME_WAIT, lay_b_finwait2_timewait,
	    '>', L_RCV_FIN, 24, 23),
	LAY_EDGE(TCP_ST_CLOSING, TCP_ST_TIME_WAIT, lay_b_closing_timewait,
	    'v', L_ACK_OF_FIN, 36, 22),
	LAY_EDGE(TCP_ST_LAST_ACK, LAY_NODE_CLOSED_END, lay_b_lastack_closed,
	    'v', L_ACK_OF_FIN, 72, 22),
	LAY_EDGE(TCP_ST_TIME_WAIT, LAY_NODE_CLOSED_END, lay_b_timewait_closed,
	    '>', L_TIMEOUT, 63, 25),
	LAY_EDGE(TCP_ST_SYN_SENT, LAY_NODE_CLOSED_END, lay_b_synsent_closed,
	    '<', L_SYNSENT_CLOSED, 80, 13),
};

static const struct lay_fsm lay_fsm_s = {
	LAY_FSM_W, LAY_FSM_H, LAY_FSM_CAPTION, lay_nodes, lay_edges,
	sizeof lay_edges / sizeof lay_edges[0]
};
static const struct lay_fsm lay_fsm_b = {
	LAY_FSM_BIG_W, LAY_FSM_BIG_H, LAY_FSM_BIG_H - 2, lay_big_nodes,
	lay_big_edges, sizeof lay_big_edges / sizeof lay_big_edges[0]
};

const struct lay_fsm *
lay_fsm_small(void)
{
	return &lay_fsm_s;
}

const struct lay_fsm *
lay_fsm_big(void)
{
	return &lay_fsm_b;
}

const struct lay_fsm *
lay_fsm_pick(int w, int h)
{
	return w >= LAY_FSM_BIG_W && h >= LAY_FSM_BIG_H ? &lay_fsm_b :
	    &lay_fsm_s;
}

int
lay_fsm_find(const struct lay_fsm *f, int from, int to)
{
	size_t i;

	for (i = 0; i < f->nedges; i++) {
		if (f->edges[i].from == from && f->edges[i].to == to)
			return (int)i;
	}
	return -1;
}

const char *
lay_why_label(int why)
{
	switch (why) {
	case TCP_WHY_ACTIVE_OPEN:
		return "active OPEN / snd SYN";
	case TCP_WHY_PASSIVE_OPEN:
	case TCP_WHY_SIMULTANEOUS_OPEN:
		return "rcv SYN / snd SYN,ACK";
	case TCP_WHY_SYNACK_RECEIVED:
	case TCP_WHY_SYNACK_NOT_CAPTURED:
		return L_SYNSENT_ESTAB;
	case TCP_WHY_HANDSHAKE_ACKED:
	case TCP_WHY_ACK_NOT_CAPTURED:
		return L_SYNRCVD_ESTAB;
	case TCP_WHY_ACTIVE_CLOSE:
	case TCP_WHY_CLOSE_BEFORE_ESTABLISHED:
	case TCP_WHY_LAST_CLOSE:
		return L_CLOSE_FIN;
	case TCP_WHY_PASSIVE_CLOSE:
	case TCP_WHY_PEER_FIN_AFTER_OURS:
	case TCP_WHY_SIMULTANEOUS_CLOSE:
		return L_RCV_FIN;
	case TCP_WHY_FIN_ACKED:
	case TCP_WHY_CLOSING_ACKED:
	case TCP_WHY_LAST_ACK_ACKED:
		return L_ACK_OF_FIN;
	case TCP_WHY_RST_SENT:
	case TCP_WHY_NEVER_LISTENING:
		return "snd RST";
	case TCP_WHY_RST_RECEIVED:
	case TCP_WHY_REFUSED:
		return "rcv RST";
	default:
		return NULL;
	}
}

const struct lay_node *
lay_fsm_node(int node)
{
	if (node < 0 || node >= LAY_NODES)
		return NULL;
	return &lay_nodes[node];
}

size_t
lay_fsm_nedges(void)
{
	return sizeof lay_edges / sizeof lay_edges[0];
}

const struct lay_edge *
lay_fsm_edge(size_t i)
{
	if (i >= lay_fsm_nedges())
		return NULL;
	return &lay_edges[i];
}

int
lay_fsm_edge_find(int from, int to)
{
	size_t i;

	for (i = 0; i < lay_fsm_nedges(); i++) {
		if (lay_edges[i].from == from && lay_edges[i].to == to)
			return (int)i;
	}
	return -1;
}

int
lay_fsm_node_of(enum tcp_state st, bool ended)
{
	if (st == TCP_ST_CLOSED && ended)
		return LAY_NODE_CLOSED_END;
	if ((unsigned)st >= TCP_ST_COUNT)
		return TCP_ST_CLOSED;
	return (int)st;
}

static void
lay_fsm_link(uint8_t grid[LAY_FSM_MAXH][LAY_FSM_MAXW], struct lay_point a,
    struct lay_point b)
{
	uint8_t out, in;

	if (a.x < b.x) {
		out = LAY_RIGHT;
		in = LAY_LEFT;
	} else if (a.x > b.x) {
		out = LAY_LEFT;
		in = LAY_RIGHT;
	} else if (a.y < b.y) {
		out = LAY_DOWN;
		in = LAY_UP;
	} else {
		out = LAY_UP;
		in = LAY_DOWN;
	}
	grid[a.y][a.x] |= out;
	grid[b.y][b.x] |= in;
}

static void
lay_fsm_edge_cells(uint8_t grid[LAY_FSM_MAXH][LAY_FSM_MAXW],
    const struct lay_fsm *f, const struct lay_edge *e)
{
	const struct lay_node *from = &f->nodes[e->from];
	struct lay_point a, b, p0 = e->pts[0], head = e->pts[e->npts - 1];
	int i, dx, dy;

	/* The first cell reaches back to the node it leaves. */
	if (p0.y == from->y)
		grid[p0.y][p0.x] |= p0.x < from->x ? LAY_RIGHT : LAY_LEFT;
	else
		grid[p0.y][p0.x] |= p0.y < from->y ? LAY_DOWN : LAY_UP;
	for (i = 0; i + 1 < e->npts; i++) {
		a = e->pts[i];
		dx = e->pts[i + 1].x > a.x ? 1 : e->pts[i + 1].x < a.x ? -1 : 0;
		dy = e->pts[i + 1].y > a.y ? 1 : e->pts[i + 1].y < a.y ? -1 : 0;
		while (a.x != e->pts[i + 1].x || a.y != e->pts[i + 1].y) {
			b.x = a.x + dx;
			b.y = a.y + dy;
			lay_fsm_link(grid, a, b);
			a = b;
		}
	}
	switch (e->head) {
	case 'v':
		grid[head.y][head.x] |= LAY_HEAD_DOWN;
		break;
	case '^':
		grid[head.y][head.x] |= LAY_HEAD_UP;
		break;
	case '<':
		grid[head.y][head.x] |= LAY_HEAD_LEFT;
		break;
	default:
		grid[head.y][head.x] |= LAY_HEAD_RIGHT;
		break;
	}
}

void
lay_fsm_grid(const struct lay_fsm *f, uint8_t grid[LAY_FSM_MAXH][LAY_FSM_MAXW],
    int edge)
{
	size_t i;

	if (edge >= 0) {
		if ((size_t)edge < f->nedges)
			lay_fsm_edge_cells(grid, f, &f->edges[edge]);
		return;
	}
	for (i = 0; i < f->nedges; i++)
		lay_fsm_edge_cells(grid, f, &f->edges[i]);
}

void
lay_fsm_cells(uint8_t grid[LAY_FSM_H][LAY_FSM_W], int edge)
{
	static uint8_t big[LAY_FSM_MAXH][LAY_FSM_MAXW];
	int y, x;

	memset(big, 0, sizeof big);
	lay_fsm_grid(&lay_fsm_s, big, edge);
	for (y = 0; y < LAY_FSM_H; y++) {
		for (x = 0; x < LAY_FSM_W; x++)
			grid[y][x] |= big[y][x];
	}
}
