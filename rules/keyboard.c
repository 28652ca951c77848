/*
 * keyboard.c — key neighbourhoods of the QWERTY, QWERTZ and AZERTY
 * layouts (letters and the digit row; the same tables dnstwist uses).
 */
#include <stdint.h>
#include <string.h>

#include "keyboard.h"


/* Neighbours of each key, keys in the order 1234567890qwertyuiopasdfghjklzxcvbnm
 * (key_at[] below). */

static const char *const qwerty[36] = {
	"2q", "3wq1", "4ew2", "5re3", "6tr4", "7yt5", "8uy6", "9iu7", "0oi8", "po9",
	"12wa", "3esaq2", "4rdsw3", "5tfde4", "6ygfr5", "7uhgt6", "8ijhy7",
	"9okju8", "0plki9", "lo0",
	"qwsz", "edxzaw", "rfcxse", "tgvcdr", "yhbvft", "ujnbgy", "ikmnhu",
	"olmji", "kop",
	"asx", "zsdc", "xdfv", "cfgb", "vghn", "bhjm", "njk",
};

/* QWERTZ: as QWERTY with y and z exchanged. */
static const char *const qwertz[36] = {
	"2q", "3wq1", "4ew2", "5re3", "6tr4", "7zt5", "8uz6", "9iu7", "0oi8", "po9",
	"12wa", "3esaq2", "4rdsw3", "5tfde4", "6zgfr5", "7uhgt6", "8ijhz7",
	"9okju8", "0plki9", "lo0",
	"qwsy", "edxyaw", "rfcxse", "tgvcdr", "zhbvft", "ujnbgz", "ikmnhu",
	"olmji", "kop",
	"asx", "ysdc", "xdfv", "cfgb", "vghn", "bhjm", "njk",
};

/* AZERTY, indexed by the same characters. */
static const char *const azerty[36] = {
	"2a", "3za1", "4ez2", "5re3", "6tr4", "7yt5", "8uy6", "9iu7", "0oi8", "po9",
	"zswa", "sxq", "4rdsz3", "5tfde4", "6ygfr5", "7uhgt6", "8ijhy7",
	"9okju8", "0plki9", "lo0m",
	"2zq1", "edxwqz", "rfcxse", "tgvcdr", "yhbvft", "ujnbgy", "iknhu",
	"olji", "kopm",
	"3esqa2", "wsdc", "xdfv", "cfgb", "vghn", "bhj", "lp",
};

/* Where each key is in that order, plus one; 0 for another character. */
static const uint8_t key_at[128] = {
	['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5, ['6'] = 6,
	['7'] = 7, ['8'] = 8, ['9'] = 9, ['0'] = 10,
	['q'] = 11, ['w'] = 12, ['e'] = 13, ['r'] = 14, ['t'] = 15,
	['y'] = 16, ['u'] = 17, ['i'] = 18, ['o'] = 19, ['p'] = 20,
	['a'] = 21, ['s'] = 22, ['d'] = 23, ['f'] = 24, ['g'] = 25,
	['h'] = 26, ['j'] = 27, ['k'] = 28, ['l'] = 29,
	['z'] = 30, ['x'] = 31, ['c'] = 32, ['v'] = 33, ['b'] = 34,
	['n'] = 35, ['m'] = 36,
};

/* The model asks this for every edit it generates: a table, no strchr(). */
static bool
near_on(const char *const table[36], char a, char b)
{
	unsigned char ka = (unsigned char)a;

	if (ka >= 128 || key_at[ka] == 0 || b == '\0')
		return false;
	for (const char *n = table[key_at[ka] - 1]; *n != '\0'; n++)
		if (*n == b)
			return true;
	return false;
}

enum keyboard_layout
keyboard_adjacent(char a, char b)
{
	if (near_on(qwerty, a, b))
		return KB_QWERTY;
	if (near_on(qwertz, a, b))
		return KB_QWERTZ;
	if (near_on(azerty, a, b))
		return KB_AZERTY;
	return KB_NONE;
}

const char *
keyboard_name(enum keyboard_layout kb)
{
	switch (kb) {
	case KB_QWERTY:	return "QWERTY";
	case KB_QWERTZ:	return "QWERTZ";
	case KB_AZERTY:	return "AZERTY";
	default:	return "";
	}
}
