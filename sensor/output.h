/*
 * output.h — where EVE lines go: a file appended to, or standard output.
 */
#ifndef TS_OUTPUT_H
#define TS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct output {
	FILE	*eve;		/* NULL when EVE output is off */
	char	*path;		/* for messages; "-" for standard output */
	bool	 owned;		/* we opened it and must close it */
	bool	 error_reported;
};

/*
 * Opens DIR/eve.json for appending (dir != NULL) or standard output.
 * Returns 0, or -1 with a message in err.
 */
int output_open(struct output *o, const char *dir, char *err, size_t errlen);

/*
 * Writes one record and a newline, flushed so that an alert reaches the
 * file at once.  Returns 0, or -1 (the first failure is reported on
 * standard error; the caller counts every one).
 */
int output_write(struct output *o, const char *line, size_t len);

void output_close(struct output *o);

#endif
