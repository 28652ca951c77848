/*
 * signatures.c — the signature table (see signatures.h).
 */
#include "signatures.h"

const struct signature signatures[SIG_COUNT] = {
#define TS_SIG_ROW(e, sid, rev, sev, msg) [e] = { sid, rev, sev, msg },
	TS_SIGNATURES(TS_SIG_ROW)
#undef TS_SIG_ROW
};
