/*
 * addr_text.h — IP addresses in text, byte for byte as inet_ntop() writes
 * them (RFC 5952 for IPv6), without its cost: glibc formats each IPv6
 * group with sprintf(), thousands of instructions an address, and every
 * EVE record has two.
 */
#ifndef TS_ADDR_TEXT_H
#define TS_ADDR_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Room for the longest text and its NUL (INET6_ADDRSTRLEN). */
#define ADDR_TEXT_MAX	46

/*
 * Writes the address of family AF_INET (4 bytes) or AF_INET6 (16 bytes)
 * to out, which holds ADDR_TEXT_MAX bytes; returns its length, or 0 (and
 * "") for another family.
 */
size_t addr_text(int family, const uint8_t *bytes, char *out);

#endif
