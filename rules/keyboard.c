/*
 * keyboard.c — key neighbourhoods of the QWERTY, QWERTZ and AZERTY
 * layouts (letters and the digit row; the same tables dnstwist uses).
 */
#include <string.h>

#include "keyboard.h"


/* Neighbours of each key, in the order of keys[]. */
static const char keys[] = "1234567890qwertyuiopasdfghjklzxcvbnm";

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

/* AZERTY, indexed by the same keys[] characters. */
static const char *const azerty[36] = {
	"2a", "3za1", "4ez2", "5re3", "6tr4", "7yt5", "8uy6", "9iu7", "0oi8", "po9",
	"zswa", "sxq", "4rdsz3", "5tfde4", "6ygfr5", "7uhgt6", "8ijhy7",
	"9okju8", "0plki9", "lo0m",
	"2zq1", "edxwqz", "rfcxse", "tgvcdr", "yhbvft", "ujnbgy", "iknhu",
	"olji", "kopm",
	"3esqa2", "wsdc", "xdfv", "cfgb", "vghn", "bhj", "lp",
};

static bool
near_on(const char *const table[36], char a, char b)
{
	const char *k = strchr(keys, a);

	if (a == '\0' || k == NULL)
		return false;
	return b != '\0' && strchr(table[k - keys], b) != NULL;
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
