/*
 * tools.h — the subcommands that explain and export the typo model:
 * `typosentry check NAME...` and `typosentry variants DOMAIN...`; and
 * `typosentry config`, the configuration in force, key by key.
 */
#ifndef TS_TOOLS_H
#define TS_TOOLS_H

/* Both take the arguments after the subcommand's name; return exit status. */
int tool_check(int argc, char **argv);
int tool_variants(int argc, char **argv);
int tool_config(int argc, char **argv);

/* `typosentry report` (report_cli.c): EVE logs into an HTML report. */
int tool_report(int argc, char **argv);

#endif
