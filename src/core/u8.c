/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include "u8.h"

size_t
u8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t need, i;
	uint32_t c, min;

	if (n == 0) {
		*cp = 0xfffd;
		return 0;
	}
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		need = 1;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		need = 2;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		need = 3;
		c &= 0x07;
		min = 0x10000;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if (need >= n) {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = 0xfffd;
		return need + 1;
	}
	*cp = c;
	return need + 1;
}

/* East Asian Wide and Fullwidth blocks that text in synfin can meet. */
static const struct { uint32_t lo, hi; } u8_wide[] = {
	{ 0x1100, 0x115f },	/* Hangul Jamo initials */
	{ 0x2e80, 0x303e },	/* CJK radicals .. CJK symbols, punctuation */
	{ 0x3041, 0x33ff },	/* kana, bopomofo, CJK compatibility */
	{ 0x3400, 0x4dbf },	/* CJK extension A */
	{ 0x4e00, 0x9fff },	/* CJK unified ideographs */
	{ 0xa000, 0xa4cf },	/* Yi */
	{ 0xac00, 0xd7a3 },	/* Hangul syllables */
	{ 0xf900, 0xfaff },	/* CJK compatibility ideographs */
	{ 0xfe30, 0xfe4f },	/* CJK compatibility forms */
	{ 0xff00, 0xff60 },	/* fullwidth forms */
	{ 0xffe0, 0xffe6 },
	{ 0x1f300, 0x1f64f },	/* pictographs, emoticons */
	{ 0x1f900, 0x1f9ff },
	{ 0x20000, 0x3fffd },	/* CJK extensions B.. */
};

int
u8_cp_width(uint32_t cp)
{
	size_t i;

	if (cp == 0 || (cp >= 0x300 && cp <= 0x36f) || cp == 0x200b ||
	    (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if (cp < 0x1100)
		return 1;
	for (i = 0; i < sizeof u8_wide / sizeof u8_wide[0]; i++) {
		if (cp >= u8_wide[i].lo && cp <= u8_wide[i].hi)
			return 2;
	}
	return 1;
}

bool
u8_cp_breakable(uint32_t cp)
{
	return u8_cp_width(cp) == 2;
}

size_t
u8_width(const char *s, size_t n)
{
	size_t i = 0, w = 0, k;
	uint32_t cp;

	while (i < n) {
		k = u8_decode(s + i, n - i, &cp);
		w += (size_t)u8_cp_width(cp);
		i += k;
	}
	return w;
}

size_t
u8_strwidth(const char *s)
{
	return u8_width(s, strlen(s));
}

size_t
u8_fit(const char *s, size_t n, size_t cols)
{
	size_t i = 0, w = 0, k;
	uint32_t cp;
	int cw;

	while (i < n) {
		k = u8_decode(s + i, n - i, &cp);
		cw = u8_cp_width(cp);
		if (w + (size_t)cw > cols)
			break;
		w += (size_t)cw;
		i += k;
	}
	return i;
}
