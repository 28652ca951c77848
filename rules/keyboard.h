/*
 * keyboard.h — which keys sit next to each other on common layouts.
 *
 * A slip of the finger hits a neighbouring key: those substitutions and
 * insertions are likelier than others and are ranked higher.
 */
#ifndef TS_KEYBOARD_H
#define TS_KEYBOARD_H

#include <stdbool.h>

enum keyboard_layout {
	KB_NONE = 0,
	KB_QWERTY,
	KB_QWERTZ,
	KB_AZERTY,
};

/* The first layout on which a and b are neighbours, or KB_NONE. */
enum keyboard_layout keyboard_adjacent(char a, char b);

const char *keyboard_name(enum keyboard_layout kb);

#endif
