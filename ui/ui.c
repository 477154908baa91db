/* SPDX-License-Identifier: ISC */
/* The terminal UI's shell: set-up, signals, resize, the one poll() loop. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "u8.h"
#include "ui_int.h"
#include "xmalloc.h"

/*
 * Invariants: only this file reads keys, polls and calls doupdate(); it
 * sleeps in poll() with no timeout unless playback is running, so an idle
 * UI uses no CPU.  Signal handlers only write the signal number into a
 * pipe the loop polls (the self-pipe trick); the terminal is restored by
 * the loop, never from a handler.  Views are borrowed from a table.
 */

static const struct ui_view *const ui_views[UI_VIEW_COUNT] = {
	[UI_VIEW_LADDER] = &view_ladder,
	[UI_VIEW_FSM] = &view_fsm,
	[UI_VIEW_DETAIL] = &view_detail,
	[UI_VIEW_CONNS] = &view_conns,
	[UI_VIEW_OUTPUT] = &view_output,
	[UI_VIEW_HELP] = &view_help,
};

static int ui_sigpipe[2] = { -1, -1 };

/* ------------------------------------------------------------- state */

void
ui_state_init(struct ui *ui, struct timeline *tl, const struct ui_opts *opts,
    const struct ui_feed *feed)
{
	memset(ui, 0, sizeof *ui);
	ui->tl = tl;
	ui->opts = opts;
	ui->feed = feed;
	ui->g = theme_glyphs();
	ui->conn = -1;
	ui->speed = LAY_SPEED_DEFAULT;
	ui->source_live = feed != NULL && feed->on_ready != NULL;
	ui->follow = opts->start == UI_START_LIVE;
	ui->view = UI_VIEW_LADDER;
	ui->mode = opts->mode != 0 ? opts->mode :
	    opts->start == UI_START_LIVE ? UI_MODE_LIVE : UI_MODE_REPLAY;
	rows_init(&ui->rows, 0);
	ui_sync(ui);
	if (opts->start == UI_START_REPLAY && timeline_nconns(tl) > 1)
		ui->view = UI_VIEW_CONNS;
}

void
ui_state_clear(struct ui *ui)
{
	rows_clear(&ui->rows);
}

unsigned
ui_keys_mode(const struct ui *ui)
{
	if (ui->feed != NULL && ui->feed->mode != NULL)
		return ui->feed->mode(ui->feed->karg, ui->mode);
	return ui->mode;
}

const struct rows_row *
ui_row(const struct ui *ui)
{
	if (ui->rows.n == 0)
		return NULL;
	return &ui->rows.v[ui->sel < ui->rows.n ? ui->sel : ui->rows.n - 1];
}

void
ui_select(struct ui *ui, size_t n)
{
	size_t k;

	if (ui->rows.n == 0) {
		ui->sel = 0;
		return;
	}
	if (n >= ui->rows.n)
		n = ui->rows.n - 1;
	if (ui->feed != NULL && ui->feed->gate != NULL && n > ui->sel) {
		/* A question before a step: stop just before it. */
		for (k = ui->sel + 1; k <= n; k++) {
			if (ui->feed->gate(ui->feed->karg, ui->rows.v[k].ev)) {
				n = k - 1;
				ui->playing = false;
				break;
			}
		}
	}
	ui->sel = n;
	ui->manual_top = false;
	if (ui->source_live) {
		ui->follow = n == ui->rows.n - 1;
		if (ui->follow)
			ui->waiting = 0;
	}
}

void
ui_pick_conn(struct ui *ui, size_t idx)
{
	const struct tl_conn *c = timeline_conn(ui->tl, idx);
	enum tcp_state st[2];

	if (c == NULL)
		return;
	ui->conn = (long)idx;
	ui->conns_sel = idx;
	rows_clear(&ui->rows);
	rows_init(&ui->rows, c->info.id);
	/* Its first events may be evicted: start from what they left. */
	timeline_states_before(ui->tl, c, 0, st);
	ui->rows.init[0] = (uint8_t)st[0];
	ui->rows.init[1] = (uint8_t)st[1];
	rows_update(&ui->rows, ui->tl);
	ui->sel = 0;
	ui->top = 0;
	ui->waiting = 0;
	ui->playing = false;
	if (ui->follow && ui->rows.n > 0 && ui->feed != NULL &&
	    ui->feed->gate != NULL)
		ui_select(ui, ui->rows.n - 1);	/* a question may come first */
	else if (ui->follow && ui->rows.n > 0)
		ui->sel = ui->rows.n - 1;
}

/*
 * The memory cap evicted the oldest events: forget the rows that showed
 * them.  When nothing of the conn shown is left (or the conn itself went),
 * show another: live, the newest, following again; else the oldest held.
 */
static void
ui_trim(struct ui *ui)
{
	size_t n = timeline_nconns(ui->tl), k;
	uint32_t lines;

	if (timeline_evicted(ui->tl) == 0)
		return;
	k = rows_trim(&ui->rows, timeline_first(ui->tl), &lines);
	if (ui->conn >= 0 && (timeline_conn(ui->tl, (size_t)ui->conn) == NULL ||
	    (k > 0 && ui->rows.n == 0))) {
		ui->conn = -1;
		rows_clear(&ui->rows);
		rows_init(&ui->rows, 0);
		ui->sel = ui->top = ui->waiting = 0;
		if (ui->source_live) {
			ui->follow = true;
			ui_pick_conn(ui, n - 1);
		}
		return;
	}
	ui->sel = ui->sel > k ? ui->sel - k : 0;
	ui->top = ui->top > lines ? ui->top - lines : 0;
	/* The steps waiting come after the selection; some may be gone. */
	if (ui->rows.n == 0)
		ui->waiting = 0;
	else if (ui->waiting > ui->rows.n - 1 - ui->sel)
		ui->waiting = ui->rows.n - 1 - ui->sel;
}

/* Read what the timeline gained: new conns, new rows. */
void
ui_sync(struct ui *ui)
{
	const struct tl_conn *c;
	size_t added, n = timeline_nconns(ui->tl);

	ui_trim(ui);
	if (ui->conn < 0 && timeline_conn_first(ui->tl) < n)
		ui_pick_conn(ui, timeline_conn_first(ui->tl));
	/* Following a demo: when its conn is over, show the next one. */
	if (ui->follow && ui->conn >= 0 && (size_t)ui->conn + 1 < n &&
	    (c = timeline_conn(ui->tl, (size_t)ui->conn)) != NULL && c->over)
		ui_pick_conn(ui, n - 1);
	/* Following live traffic: a new conn while the newest was shown
	 * (not one picked from the list) is shown at once. */
	if (ui->opts->newest && ui->follow && ui->conn >= 0 &&
	    (size_t)ui->conn + 1 == ui->nconns_seen && n > ui->nconns_seen)
		ui_pick_conn(ui, n - 1);
	ui->nconns_seen = n;
	added = rows_update(&ui->rows, ui->tl);
	if (ui->follow && ui->rows.n > 0 && ui->feed != NULL &&
	    ui->feed->gate != NULL)
		ui_select(ui, ui->rows.n - 1);	/* a question may come first */
	else if (ui->follow && ui->rows.n > 0)
		ui->sel = ui->rows.n - 1;
	else if (ui->source_live)
		ui->waiting += added;
}

int64_t
ui_t0(const struct ui *ui)
{
	struct ev evb;
	if (ui->rows.n == 0)
		return 0;
	return timeline_get(ui->tl, ui->rows.v[0].ev, &evb)->ts_ns;
}

size_t
ui_dropped(const struct ui *ui)
{
	const struct tl_conn *c;

	if (ui->rows.n > 0 || ui->conn < 0 ||
	    (c = timeline_conn(ui->tl, (size_t)ui->conn)) == NULL)
		return 0;
	return c->nevicted;
}

bool
ui_ended(const struct ui *ui, size_t n, enum ev_side side)
{
	size_t i;

	if (ui->rows.init[side] != TCP_ST_CLOSED)
		return true;
	for (i = 0; i <= n && i < ui->rows.n; i++) {
		if (ui->rows.v[i].st[side] != TCP_ST_CLOSED)
			return true;
	}
	return false;
}

#define UI_MAX_CHG	16

/* The changes of endpoint `side` the row's step holds (the timeline
 * folds them in), from `before` to the row's state. */
static size_t
ui_changes_side(const struct ui *ui, const struct rows_row *row, int side,
    uint8_t before, struct ui_change *ch, size_t max)
{
	struct ev_state chg[UI_MAX_CHG];
	size_t j, n = 0, nchg;
	uint8_t at = before;

	nchg = timeline_changes(ui->tl, row->ev, chg, UI_MAX_CHG);
	for (j = 0; j < nchg && j < UI_MAX_CHG && n < max; j++) {
		if ((int)chg[j].endpoint != side ||
		    (uint8_t)chg[j].from != at)
			continue;
		ch[n].side = (enum ev_side)side;
		ch[n].from = chg[j].from;
		ch[n].to = chg[j].to;
		ch[n].why = chg[j].why;
		at = (uint8_t)chg[j].to;
		n++;
		if (at == row->st[side])
			return n;
	}
	/* The changes do not lead there: the step's own states say. */
	ch[0].side = (enum ev_side)side;
	ch[0].from = before;
	ch[0].to = row->st[side];
	ch[0].why = TCP_WHY_COUNT;
	return 1;
}

size_t
ui_changes(const struct ui *ui, size_t n, struct ui_change *ch, size_t max)
{
	struct ev evb;
	const struct rows_row *row;
	const uint8_t *before;
	const struct ev *p;
	size_t k = 0;
	int side;

	if (n >= ui->rows.n)
		return 0;
	row = &ui->rows.v[n];
	before = n > 0 ? ui->rows.v[n - 1].st : ui->rows.init;
	p = timeline_get(ui->tl, row->ev, &evb);
	if (p == NULL || p->conn == NULL || p->conn->proto != 6)
		return 0;
	/* The sender first: its change comes before its segment leaves. */
	for (side = 0; side < 2; side++) {
		int s = row->kind == ROWS_PKT && p->type == EV_PACKET &&
		    p->u.pkt.dir == EV_S2C ? 1 - side : side;

		if (before[s] == row->st[s] || k >= max)
			continue;
		if (row->kind != ROWS_PKT || p->type != EV_PACKET) {
			ch[k].side = (enum ev_side)s;
			ch[k].from = before[s];
			ch[k].to = row->st[s];
			ch[k].why = TCP_WHY_COUNT;
			k++;
			continue;
		}
		k += ui_changes_side(ui, row, s, before[s], ch + k, max - k);
	}
	return k;
}

/* ----------------------------------------------------------- drawing */

/* Bytes of s that fill at most `w` columns, whole characters only. */
static size_t
ui_clip(const char *s, int w)
{
	return w > 0 ? u8_fit(s, strlen(s), (size_t)w) : 0;
}

/*
 * Text that does not fit is never cut silently: its last cells become an
 * ellipsis, so a reader (and tests/ui_layout.sh) can tell a clipped word
 * from a whole one.
 */
void
ui_put(int y, int x, int w, const char *s)
{
	const char *ell = theme_glyphs()->ell;
	int ew;

	if (w <= 0 || y < 0 || x < 0)
		return;
	if ((int)u8_strwidth(s) <= w) {
		mvaddstr(y, x, s);
		return;
	}
	ew = (int)u8_strwidth(ell);
	if (w <= ew) {
		mvaddnstr(y, x, s, (int)ui_clip(s, w));
		return;
	}
	mvaddnstr(y, x, s, (int)ui_clip(s, w - ew));
	addstr(ell);
}

void
ui_fill(int y, int x, int w, const char *glyph)
{
	int i;

	if (w <= 0)
		return;
	move(y, x);
	for (i = 0; i < w; i++)
		addstr(glyph);
}

void
ui_frame(const struct lay_rect *r, const char *title)
{
	const struct theme_glyphs *g = theme_glyphs();
	int y;

	if (r->w < 2 || r->h < 2)
		return;
	attrset(theme_attr(TH_BOX));
	mvaddstr(r->y, r->x, g->tl);
	ui_fill(r->y, r->x + 1, r->w - 2, g->h);
	mvaddstr(r->y, r->x + r->w - 1, g->tr);
	for (y = r->y + 1; y < r->y + r->h - 1; y++) {
		mvaddstr(y, r->x, g->v);
		mvaddstr(y, r->x + r->w - 1, g->v);
	}
	mvaddstr(r->y + r->h - 1, r->x, g->bl);
	ui_fill(r->y + r->h - 1, r->x + 1, r->w - 2, g->h);
	mvaddstr(r->y + r->h - 1, r->x + r->w - 1, g->br);
	if (title != NULL && *title != '\0') {
		attrset(theme_attr(TH_KEY));
		mvaddstr(r->y, r->x + 2, " ");
		ui_put(r->y, r->x + 3, r->w - 6, title);
		addstr(" ");
	}
	attrset(A_NORMAL);
}

static void
ui_draw_title(struct ui *ui)
{
	const struct tl_conn *c = NULL;
	char buf[512], cli[64], srv[64], right[96];
	int rw;

	attrset(theme_attr(TH_TITLE));
	ui_fill(0, 0, ui->cols, " ");
	if (ui->conn >= 0)
		c = timeline_conn(ui->tl, (size_t)ui->conn);
	if (c != NULL) {
		pkt_endpoint_str(&c->info.caddr, c->info.cport, cli,
		    sizeof cli);
		pkt_endpoint_str(&c->info.saddr, c->info.sport, srv,
		    sizeof srv);
		snprintf(buf, sizeof buf, " synfin %s %s %s %s %s %s",
		    ui->g->sep, ui->opts->title, ui->g->sep, cli,
		    ui->g->bidir, srv);
		right[0] = '\0';
		if (timeline_nconns(ui->tl) > 1)
			snprintf(right, sizeof right, _("conn %zu/%zu "),
			    (size_t)ui->conn + 1, timeline_nconns(ui->tl));
	} else {
		snprintf(buf, sizeof buf, " synfin %s %s", ui->g->sep,
		    ui->opts->title);
		snprintf(right, sizeof right, _("no connection yet "));
	}
	if (timeline_evicted(ui->tl) > 0) {
		/* The memory cap was reached: say what is gone. */
		size_t k = strlen(right);

		snprintf(right + k, sizeof right - k, P_("oldest %zu event "
		    "dropped (memory cap) ", "oldest %zu events dropped "
		    "(memory cap) ", timeline_evicted(ui->tl)),
		    timeline_evicted(ui->tl));
	}
	rw = lay_width(right, strlen(right));
	ui_put(0, 0, ui->cols - rw - 1, buf);
	ui_put(0, ui->cols - rw, rw, right);
	attrset(A_NORMAL);
}

static void
ui_draw_status(struct ui *ui)
{
	struct ev evb;
	const struct rows_row *row = ui_row(ui);
	const char *held = NULL, *mode, *prompt;
	char left[256], speed[16], t[48], hint[320], lost[96];
	int64_t rel;
	int lw, y = ui->lines - 1;
	bool running = ui->playing || (ui->source_live && ui->follow);

	if (ui->feed != NULL && ui->feed->held != NULL)
		held = ui->feed->held(ui->feed->arg);
	if (ui->source_live && ui->follow)
		mode = _("LIVE");
	else if (ui->playing)
		mode = _("REPLAY");
	else
		mode = _("PAUSED");
	lay_speed_str(ui->speed, speed, sizeof speed);
	t[0] = '\0';
	if (row != NULL) {
		rel = timeline_get(ui->tl, row->ev, &evb)->ts_ns - ui_t0(ui);
		snprintf(t, sizeof t, "t=%" PRId64 ".%06" PRId64 "s",
		    rel / 1000000000, (rel % 1000000000) / 1000);
	}
	if (ui_dropped(ui) > 0) {
		/* Not "step 0/0": the steps were there, the cap took them. */
		snprintf(t, sizeof t, P_("%zu event dropped", "%zu events "
		    "dropped", ui_dropped(ui)), ui_dropped(ui));
		snprintf(left, sizeof left, " %s %s %s  %s ", mode,
		    ui->source_live && ui->follow ? ui->g->live :
		    ui->playing ? ui->g->play : ui->g->pause, speed, t);
	} else
		snprintf(left, sizeof left, " %s %s %s  %s %zu/%zu  %s ",
		    mode, ui->source_live && ui->follow ? ui->g->live :
		    ui->playing ? ui->g->play : ui->g->pause, speed,
		    _("step"), ui->rows.n > 0 ? ui->sel + 1 : 0, ui->rows.n,
		    t);
	attrset(theme_attr(TH_TITLE));
	ui_fill(y, 0, ui->cols, " ");
	ui_put(y, 0, ui->cols, left);
	lw = lay_width(left, strlen(left));
	if (ui->opts->lang_missing != NULL && lw < ui->cols) {
		/* The stderr warning is gone under the full screen. */
		snprintf(lost, sizeof lost, _(" no %s translation: English "),
		    ui->opts->lang_missing);
		attrset(theme_attr(TH_WARN) | A_BOLD);
		ui_put(y, lw, ui->cols - lw, lost);
		lw += lay_width(lost, strlen(lost));
		if (lw > ui->cols)
			lw = ui->cols;
	}
	attrset(theme_attr(TH_TITLE));
	if (ui->feed != NULL && ui->feed->prompt != NULL &&
	    (prompt = ui->feed->prompt(ui->feed->karg)) != NULL)
		snprintf(hint, sizeof hint, " %s ", prompt);
	else if (ui->filtering)
		snprintf(hint, sizeof hint, _(" /%s_  Enter keep  Esc cancel "),
		    ui->filter);
	else if (ui->note != NULL)
		snprintf(hint, sizeof hint, "%s", ui->note);
	else if (held != NULL && ui->follow)
		snprintf(hint, sizeof hint, _(" %s: Enter "), held);
	else if (ui->source_live && !ui->follow && ui->waiting > 0)
		snprintf(hint, sizeof hint, P_(" %zu new step waits: End ",
		    " %zu new steps wait: End ", ui->waiting), ui->waiting);
	else {
		/* The most useful hints first, as many as fit. */
		static const int prio[] = { 0, 0, 2, 3, 4, 1, 1 };
		const char *tok[7];
		char step[32];

		snprintf(step, sizeof step, _(" %s/%s step"), ui->g->left,
		    ui->g->right);
		tok[0] = "";
		tok[1] = running ? _(" Space pause") : _(" Space play");
		tok[2] = step;
		tok[3] = _(" +/- speed");
		tok[4] = _(" Tab views");
		tok[5] = _(" ? help");
		tok[6] = _(" q quit");
		lay_label(hint, sizeof hint, ui->cols - lw, tok, prio, 7);
	}
	attrset(theme_attr(TH_TITLE) | A_BOLD);
	ui_put(y, lw, ui->cols - lw, hint);
	attrset(A_NORMAL);
}

static void
ui_draw_small(struct ui *ui)
{
	char buf[160];
	int y = ui->lines / 2, w;

	snprintf(buf, sizeof buf, _("Terminal too small: enlarge to "
	    "%d%s%d"), LAY_MIN_COLS, ui->g->times, LAY_MIN_ROWS);
	w = lay_width(buf, strlen(buf));
	attrset(A_BOLD);
	ui_put(y > 0 ? y - 1 : 0, w < ui->cols ? (ui->cols - w) / 2 : 0,
	    ui->cols, buf);
	snprintf(buf, sizeof buf, _("(now %d%s%d; q quits)"), ui->cols,
	    ui->g->times, ui->lines);
	w = lay_width(buf, strlen(buf));
	attrset(A_NORMAL);
	ui_put(y, w < ui->cols ? (ui->cols - w) / 2 : 0, ui->cols, buf);
}

void
ui_draw(struct ui *ui)
{
	const struct lay_screen *s = &ui->scr;

	struct lay_rect main;
	int need = 0, keep = 0;

	ui->cols = COLS;
	ui->lines = LINES;
	/* The narration is never cut while the main view can give way:
	 * the ladder down to a few lines, the diagram not below its size
	 * (beside the ladder or in its own view). */
	if (ui->cols >= LAY_MIN_COLS)
		need = view_detail_narration_lines(ui, ui->cols);
	if (ui->view == UI_VIEW_FSM || (ui->view == UI_VIEW_LADDER &&
	    ui->cols >= LAY_SIDE_COLS))
		keep = LAY_FSM_H;
	lay_screen_fit(&ui->scr, ui->cols, ui->lines, need, keep);
	erase();
	if (s->too_small) {
		ui_draw_small(ui);
		wnoutrefresh(stdscr);
		return;
	}
	ui_draw_title(ui);
	/* Only the ladder shares its width with the diagram. */
	main = s->main;
	if (ui->view != UI_VIEW_LADDER)
		main.w = ui->cols;
	ui_views[ui->view]->draw(ui, &main);
	if (ui->view == UI_VIEW_LADDER && s->side) {
		view_fsm.draw(ui, &s->side_fsm);
		if (s->side_detail.h > 0)
			view_detail.draw(ui, &s->side_detail);
	}
	view_detail_narration(ui, &s->narr);
	ui_draw_status(ui);
	if (ui->help) {
		struct lay_rect all = { 0, 0, ui->cols, ui->lines };

		view_help.draw(ui, &all);
	}
	wnoutrefresh(stdscr);
}

/* ------------------------------------------------------------ input */

static int64_t
ui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
ui_play_arm(struct ui *ui)
{
	struct ev evb, evb2;
	const struct ev *a, *b;
	int64_t dt = 0;

	if (ui->sel + 1 >= ui->rows.n) {
		ui->playing = false;
		return;
	}
	a = timeline_get(ui->tl, ui->rows.v[ui->sel].ev, &evb);
	b = timeline_get(ui->tl, ui->rows.v[ui->sel + 1].ev, &evb2);
	dt = b->ts_ns - a->ts_ns;
	ui->due_ns = ui_now() + lay_play_delay(dt, lay_speed(ui->speed));
}

static void
ui_release(struct ui *ui)
{
	if (ui->feed != NULL && ui->feed->held != NULL &&
	    ui->feed->release != NULL && ui->feed->held(ui->feed->arg) != NULL)
		ui->feed->release(ui->feed->arg);
}

static bool
ui_holding(const struct ui *ui)
{
	return ui->feed != NULL && ui->feed->held != NULL && ui->follow &&
	    ui->feed->held(ui->feed->arg) != NULL;
}

/* A key while the filter is typed: it edits it, the list follows. */
static void
ui_filter_key(struct ui *ui, int ch)
{
	size_t n = strlen(ui->filter);

	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		ui->filtering = false;
		break;
	case 27:	/* Esc: as it was */
		snprintf(ui->filter, sizeof ui->filter, "%s", ui->filter_was);
		ui->filtering = false;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (n > 0)
			ui->filter[n - 1] = '\0';
		break;
	case 21:	/* Ctrl-U */
		ui->filter[0] = '\0';
		break;
	default:
		if (ch >= 0x20 && ch < 0x7f && n + 1 < sizeof ui->filter) {
			ui->filter[n] = (char)ch;
			ui->filter[n + 1] = '\0';
		}
		break;
	}
}

/* s f r t c and their capitals: the next or previous step that has it. */
static void
ui_jump(struct ui *ui, enum ui_action a)
{
	static const char *const what[LAY_MARK_COUNT] = { "SYN", "FIN",
	    "RST", N_("retransmission"), N_("state change") };
	static char note[96];
	enum lay_mark m = (enum lay_mark)((a - UI_A_JUMP) / 2);
	int dir = (a - UI_A_JUMP) % 2 == 0 ? 1 : -1;
	long i;

	if (ui->view == UI_VIEW_CONNS)
		ui->view = UI_VIEW_LADDER;
	i = lay_rows_find(&ui->rows, ui->tl, ui->sel, dir, m);
	if (i < 0) {
		snprintf(note, sizeof note, dir > 0 ? _(" no %s after this "
		    "step ") : _(" no %s before this step "),
		    m <= LAY_MARK_RST ? what[m] : _(what[m]));
		ui->note = note;
		return;
	}
	ui->playing = false;
	ui_select(ui, (size_t)i);
}

static void
ui_action(struct ui *ui, enum ui_action a)
{
	int views = timeline_nconns(ui->tl) > 1 ? UI_VIEW_CONNS + 1 :
	    UI_VIEW_CONNS;

	switch (a) {
	case UI_A_QUIT:
		ui->quit = true;
		break;
	case UI_A_HELP:
		ui->help = true;
		break;
	case UI_A_REDRAW:
		clearok(curscr, TRUE);
		break;
	case UI_A_VIEW:
		ui->view = ui->view >= UI_VIEW_OUTPUT ? UI_VIEW_LADDER :
		    (ui->view + 1) % views;
		break;
	case UI_A_OUTPUT:
		ui->view = ui->view == UI_VIEW_OUTPUT ? UI_VIEW_LADDER :
		    UI_VIEW_OUTPUT;
		break;
	case UI_A_PLAY:
		if (ui_holding(ui)) {
			ui_release(ui);
			break;
		}
		if (ui->source_live) {
			/* Live: hold here, or catch up and follow. */
			if (ui->follow)
				ui->follow = false;
			else
				ui_select(ui, ui->rows.n);
			break;
		}
		if (ui->playing) {
			ui->playing = false;
			break;
		}
		if (ui->sel + 1 >= ui->rows.n)
			ui_select(ui, 0);
		ui->playing = true;
		ui_play_arm(ui);
		break;
	case UI_A_NEXT:
	case UI_A_DOWN:
		if (ui_holding(ui)) {
			ui_release(ui);
			break;
		}
		ui_select(ui, ui->sel + 1);
		if (ui->playing)
			ui_play_arm(ui);
		break;
	case UI_A_PREV:
	case UI_A_UP:
		if (ui->sel > 0)
			ui_select(ui, ui->sel - 1);
		else if (ui->source_live)
			ui->follow = false;
		if (ui->playing)
			ui_play_arm(ui);
		break;
	case UI_A_PGDN:
		ui_select(ui, ui->sel + 10);
		break;
	case UI_A_PGUP:
		ui_select(ui, ui->sel > 10 ? ui->sel - 10 : 0);
		break;
	case UI_A_FIRST:
		ui_select(ui, 0);
		if (ui->source_live)
			ui->follow = false;
		if (ui->playing)
			ui_play_arm(ui);
		break;
	case UI_A_LAST:
		ui_select(ui, ui->rows.n);
		ui->playing = false;
		break;
	case UI_A_FASTER:
		if (ui->speed + 1 < lay_speed_count())
			ui->speed++;
		if (ui->playing)
			ui_play_arm(ui);
		break;
	case UI_A_SLOWER:
		if (ui->speed > 0)
			ui->speed--;
		if (ui->playing)
			ui_play_arm(ui);
		break;
	case UI_A_PICK:
		ui_release(ui);
		break;
	case UI_A_FILTER:
		ui->view = UI_VIEW_CONNS;
		ui->filtering = true;
		snprintf(ui->filter_was, sizeof ui->filter_was, "%s",
		    ui->filter);
		break;
	case UI_A_SORT:
		ui->view = UI_VIEW_CONNS;
		ui->sort = (ui->sort + 1) % LAY_SORT_COUNT;
		break;
	default:
		if (a >= UI_A_JUMP && a < UI_A_COUNT)
			ui_jump(ui, a);
		break;
	}
}

static void
ui_mouse(struct ui *ui)
{
	MEVENT m;
	long row;

	if (getmouse(&m) != OK)
		return;
	if (m.bstate & BUTTON4_PRESSED) {
		if (ui->view == UI_VIEW_CONNS)
			ui_views[ui->view]->key(ui, UI_A_UP, 0);
		else if (ui->top > 0) {
			ui->top--;
			ui->manual_top = true;
		}
		return;
	}
	if (m.bstate & BUTTON5_PRESSED) {
		if (ui->view == UI_VIEW_CONNS)
			ui_views[ui->view]->key(ui, UI_A_DOWN, 0);
		else {
			ui->top++;
			ui->manual_top = true;
		}
		return;
	}
	if (!(m.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (ui->view == UI_VIEW_CONNS) {
		if ((row = view_conns_row_at(ui, m.y)) >= 0) {
			ui->conns_sel = (size_t)row;
			ui_views[ui->view]->key(ui, UI_A_PICK, 0);
		}
		return;
	}
	if (ui->view == UI_VIEW_LADDER && m.x < ui->scr.main.w &&
	    (row = view_ladder_row_at(ui, m.y)) >= 0)
		ui_select(ui, (size_t)row);
}

/* A curses key as the key table names it (keys.h). */
static int
ui_keycode(int ch)
{
	static const struct {
		int	curses, key;
	} map[] = {
		{ KEY_RIGHT, KEYS_RIGHT }, { KEY_LEFT, KEYS_LEFT },
		{ KEY_UP, KEYS_UP }, { KEY_DOWN, KEYS_DOWN },
		{ KEY_HOME, KEYS_HOME }, { KEY_END, KEYS_END },
		{ KEY_PPAGE, KEYS_PGUP }, { KEY_NPAGE, KEYS_PGDN },
		{ KEY_ENTER, KEYS_ENTER }, { '\n', KEYS_ENTER },
		{ '\r', KEYS_ENTER }, { KEY_F(1), KEYS_F1 },
		{ KEY_MOUSE, KEYS_MOUSE },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].curses == ch)
			return map[i].key;
	}
	return ch >= KEYS_SPECIAL ? -1 : ch;
}

/* A key, as the key table binds it in the mode the UI is in now. */
static void
ui_key(struct ui *ui, int ch)
{
	const struct keys_entry *e;
	enum ui_action a;
	int k;

	if (ch == KEY_RESIZE)
		return;
	e = keys_find(ui_keys_mode(ui), ui_keycode(ch));
	a = e != NULL ? e->action : UI_A_NONE;
	if (a == UI_A_MOUSE) {
		ui_mouse(ui);
		return;
	}
	ui->note = NULL;
	if (ui->filtering) {
		ui_filter_key(ui, ch);
		return;
	}
	if (ui->help) {
		/* Any key closes the help; q then still quits. */
		ui->help = false;
		if (a == UI_A_QUIT)
			ui->quit = true;
		return;
	}
	if (ui->scr.too_small) {
		if (a == UI_A_QUIT)
			ui->quit = true;
		return;
	}
	if (a == UI_A_FEED) {
		/* The source's key (the lab's, a quiz's): nothing else. */
		if (ui->feed == NULL || ui->feed->key == NULL)
			return;
		k = ui->feed->key(ui->feed->karg, e->fkey);
		if (k == 2)
			ui_select(ui, ui->sel + 1);
		else if (k == 3)
			ui_select(ui, ui->rows.n);
		return;
	}
	if (ui_views[ui->view]->key != NULL &&
	    ui_views[ui->view]->key(ui, a, ch))
		return;
	ui_action(ui, a);
}

/* ----------------------------------------------------------- signals */

static void
ui_on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(ui_sigpipe[1], &b, 1) < 0) {
		/* The pipe is full: the loop has work queued anyway. */
	}
	errno = saved;
}

static int
ui_signals(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
	struct sigaction sa;
	size_t i;
	int fl;

	if (on) {
		if (pipe(ui_sigpipe) != 0)
			return -1;
		for (i = 0; i < 2; i++) {
			fl = fcntl(ui_sigpipe[i], F_GETFL);
			fcntl(ui_sigpipe[i], F_SETFL, fl | O_NONBLOCK);
			fcntl(ui_sigpipe[i], F_SETFD, FD_CLOEXEC);
		}
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? ui_on_signal : SIG_DFL;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	if (!on) {
		close(ui_sigpipe[0]);
		close(ui_sigpipe[1]);
		ui_sigpipe[0] = ui_sigpipe[1] = -1;
	}
	return 0;
}

static void
ui_resize(struct ui *ui, int fd)
{
	struct winsize ws;
	int i;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	for (i = 0; i < UI_VIEW_COUNT; i++) {
		if (ui_views[i]->resize != NULL)
			ui_views[i]->resize(ui);
	}
	clearok(curscr, TRUE);
}

static void
ui_fatal_hook(void)
{
	endwin();
}

/* -------------------------------------------------------------- main */

static int
ui_loop(struct ui *ui, int infd, int ttyfd)
{
	struct pollfd p[3];
	unsigned char sigs[16];
	const char *held, *last_held = NULL;
	int64_t now, wait;
	int n, nfds, i, ch, timeout;
	bool dirty = true;
	ssize_t got;

	while (!ui->quit) {
		if (dirty) {
			ui_draw(ui);
			doupdate();
			dirty = false;
		}
		timeout = -1;
		if (ui->playing) {
			wait = ui->due_ns - ui_now();
			timeout = wait <= 0 ? 0 : (int)(wait / 1000000) + 1;
		}
		if (ui->source_live && ui->feed->tick_ms > 0 &&
		    (timeout < 0 || timeout > ui->feed->tick_ms))
			timeout = ui->feed->tick_ms;
		p[0].fd = infd;
		p[0].events = POLLIN;
		p[1].fd = ui_sigpipe[0];
		p[1].events = POLLIN;
		nfds = 2;
		if (ui->source_live && ui->feed->fd >= 0) {
			p[2].fd = ui->feed->fd;
			p[2].events = POLLIN;
			nfds = 3;
		}
		n = poll(p, (nfds_t)nfds, timeout);
		if (n < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		if (n < 0)
			continue;
		if (n > 0 && (p[1].revents & POLLIN)) {
			got = read(ui_sigpipe[0], sigs, sizeof sigs);
			for (i = 0; i < got; i++) {
				if (sigs[i] == SIGWINCH)
					ui_resize(ui, ttyfd);
				else {
					ui->sig = sigs[i];
					ui->quit = true;
				}
			}
			dirty = true;
		}
		if ((n > 0 && nfds == 3 && (p[2].revents & (POLLIN | POLLHUP |
		    POLLERR))) || (n == 0 && ui->source_live &&
		    ui->feed->tick_ms > 0)) {
			i = ui->feed->on_ready(ui->feed->arg);
			ui_sync(ui);
			if (i != 0) {
				ui->source_live = false;
				ui->follow = false;
				ui->waiting = 0;
			}
			dirty = true;
		}
		if (n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (p[0].revents & (POLLHUP | POLLERR) &&
			    !(p[0].revents & POLLIN)) {
				/* The terminal went away. */
				ui->sig = SIGHUP;
				ui->quit = true;
			}
			while ((ch = getch()) != ERR)
				ui_key(ui, ch);
			/* A released call may have added to the timeline. */
			ui_sync(ui);
			dirty = true;
		}
		if (ui->playing && (now = ui_now()) >= ui->due_ns) {
			ui_select(ui, ui->sel + 1);
			ui_play_arm(ui);
			dirty = true;
		}
		if (ui->feed != NULL && ui->feed->held != NULL) {
			held = ui->feed->held(ui->feed->arg);
			if (held != last_held)
				dirty = true;
			last_held = held;
		}
	}
	return ui->sig != 0 ? 128 + ui->sig : 0;
}

int
ui_main(struct timeline *tl, const struct ui_opts *opts,
    const struct ui_feed *feed)
{
	struct ui ui;
	SCREEN *scr;
	FILE *in = stdin;
	bool opened = false;
	const char *cs;
	int rc;

	if (!isatty(STDIN_FILENO)) {
		/* The capture came on stdin: keys come from the terminal. */
		if ((in = fopen("/dev/tty", "r")) == NULL)
			return UI_NO_TERMINAL;
		opened = true;
	}
	/* main() chose the locale (i18n_init, maybe C.UTF-8 for --lang);
	 * a program that did not (tests/ui_feed) gets the environment's. */
	cs = setlocale(LC_CTYPE, NULL);
	if (cs == NULL || strcmp(cs, "C") == 0 || strcmp(cs, "POSIX") == 0)
		setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	if ((scr = newterm(NULL, stdout, in)) == NULL) {
		if (opened)
			fclose(in);
		return UI_NO_TERMINAL;
	}
	xmalloc_set_fatal_hook(ui_fatal_hook);
	if (ui_signals(true) != 0) {
		endwin();
		delscreen(scr);
		if (opened)
			fclose(in);
		xmalloc_set_fatal_hook(NULL);
		return UI_NO_TERMINAL;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	theme_init(cs != NULL && strcmp(cs, "UTF-8") == 0);

	ui_state_init(&ui, tl, opts, feed);
	ui.utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	/* A resize between newterm() and the SIGWINCH handler sent no
	 * signal we could see: take the size the terminal has now. */
	ui_resize(&ui, fileno(stdout));
	rc = ui_loop(&ui, fileno(in), fileno(stdout));

	endwin();
	delscreen(scr);
	ui_signals(false);
	xmalloc_set_fatal_hook(NULL);
	if (opened)
		fclose(in);
	ui_state_clear(&ui);
	return rc;
}
