/*
 * cppcheck-defs.h — macros of system headers that cppcheck does not read
 * (scripts/lint.sh gives it no system include path), where their use
 * cannot be parsed without them.
 */
#define timercmp(a, b, CMP)	((a)->tv_sec CMP (b)->tv_sec)
