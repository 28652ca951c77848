/*
 * output.c — EVE file and standard-output sinks.
 *
 * The file is opened in append mode and never truncated, so a restart or a
 * second run adds to what is there.  Each record is written with a single
 * fwrite and flushed: a reader never sees half of our line unless the disk
 * fills mid-write, and then the error is reported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

int
output_open(struct output *o, const char *dir, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (dir == NULL) {
		o->eve = stdout;
		o->path = strdup("-");
		return o->path == NULL ? -1 : 0;
	}
	size_t n = strlen(dir) + sizeof("/eve.json");
	if ((o->path = malloc(n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(o->path, n, "%s/eve.json", dir);
	if ((o->eve = fopen(o->path, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		free(o->path);
		o->path = NULL;
		return -1;
	}
	o->owned = true;
	return 0;
}

int
output_write(struct output *o, const char *line, size_t len)
{
	if (o->eve == NULL)
		return 0;
	if (fwrite(line, 1, len, o->eve) != len || fputc('\n', o->eve) == EOF ||
	    fflush(o->eve) != 0) {
		if (!o->error_reported) {
			fprintf(stderr, "typosentry: %s: write error: %s\n",
			    o->path, strerror(errno));
			o->error_reported = true;
		}
		clearerr(o->eve);
		return -1;
	}
	return 0;
}

void
output_close(struct output *o)
{
	if (o->owned && o->eve != NULL && fclose(o->eve) != 0)
		fprintf(stderr, "typosentry: %s: %s\n", o->path, strerror(errno));
	free(o->path);
	memset(o, 0, sizeof(*o));
}
