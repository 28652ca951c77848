/*
 * name.c — normalising and checking domain names.
 */
#include "name.h"

static bool
name_byte_ok(unsigned char b)
{
	return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
	    b == '_';
}

int
name_normalise(const char *in, size_t inlen, char *out, size_t outsize)
{
	size_t label = 0;

	if (inlen > 0 && in[inlen - 1] == '.')
		inlen--;
	if (inlen == 0 || inlen > NAME_MAX_LEN || outsize < inlen + 1)
		return -1;
	for (size_t i = 0; i < inlen; i++) {
		unsigned char b = (unsigned char)in[i];
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (b == '.') {
			if (label == 0)
				return -1;
			label = 0;
		} else if (name_byte_ok(b)) {
			if (++label > 63)
				return -1;
		} else {
			return -1;
		}
		out[i] = (char)b;
	}
	if (label == 0)
		return -1;
	out[inlen] = '\0';
	return (int)inlen;
}

bool
name_label_ok(const char *label, size_t len)
{
	if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char b = label[i];
		if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
		    b == '-'))
			return false;
	}
	return true;
}

bool
name_ok(const char *name, size_t len)
{
	size_t start = 0;

	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || name[i] == '.') {
			if (!name_label_ok(name + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}
