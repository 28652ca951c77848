/*
 * policyd.h — `typosentry policyd`: the typo model as a Postfix SMTP
 * access policy service (check_policy_service in
 * smtpd_recipient_restrictions), answering REJECT, DEFER, HOLD, WARN,
 * PREPEND or DUNNO for recipients that are typos of protected names, and
 * logging each such decision as an EVE alert.
 */
#ifndef TS_POLICYD_H
#define TS_POLICYD_H

/*
 * argv[0] is "policyd".  Returns the process's exit status.  Never
 * inlined: with link-time optimisation, main() absorbing it stops
 * inlining the capture loop, about 0.5% more instructions per packet.
 */
int policyd_main(int argc, char **argv) __attribute__((noinline));

#endif
