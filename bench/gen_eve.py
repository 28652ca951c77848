#!/usr/bin/python3
"""gen_eve.py — a large EVE log for `typosentry report`, generated.

Writes SIZE_MB megabytes of typosentry EVE lines to OUT (seeded, so the
same arguments give the same file): incidents of one client and one typo
domain each — an MX query and its response, for some an SMTP RCPT TO
(accepted or refused), then the incident summary — with many distinct
clients and typo domains (more than the report's top-N tables hold), some
incidents left open (no summary), a stats record now and then, and
every JUNK_EVERY lines a line that is not JSON or not typosentry's.  The
records have the shape of the sensor's own (tests/e2e checks those).

Prints what the file holds, as JSON on standard output, for a test to
compare with the report.

usage: gen_eve.py OUT SIZE_MB [SEED]
"""
import json
import random
import sys

JUNK_EVERY = 5000

TLD_TYPOS = [("army.ml", "army.mil", "mil", "tld-omission",
              "TLD 'mil' typed as 'ml', omission of 'i'"),
             ("navy.ml", "navy.mil", "mil", "tld-omission",
              "TLD 'mil' typed as 'ml', omission of 'i'"),
             ("irs.gob", "irs.gov", "gov", "substitution",
              "TLD 'gov' typed as 'gob', substitution of 'v' by 'b'")]
DOMAIN_TYPOS = [("gmial.com", "gmail.com", "transposition",
                 "label 'gmail' typed as 'gmial', transposition of 'ai'"),
                ("gmai.com", "gmail.com", "omission",
                 "label 'gmail' typed as 'gmai', omission of 'l'"),
                ("hotmial.com", "hotmail.com", "transposition",
                 "label 'hotmail' typed as 'hotmial', transposition of 'ai'"),
                ("yaho.com", "yahoo.com", "omission",
                 "label 'yahoo' typed as 'yaho', omission of 'o'")]


def ts(sec, usec):
    import time
    t = time.gmtime(sec)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06d+0000" % (
        t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, usec)


def alert_obj(sid, sig, sev, observed, protected, rule, target, cls, expl,
              field, inc_id, extra=""):
    return ('"alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":1,'
            '"signature":"%s","category":"Potential Corporate Privacy '
            'Violation","severity":%d,"metadata":{"typo_observed":["%s"],'
            '"typo_protected":["%s"],"typo_rule":["%s"],"typo_target":["%s"],'
            '"typo_class":["%s"],"typo_distance":["1"]},"context":{"typo":{'
            '"observed":"%s","protected":"%s","rule":"%s","target":"%s",'
            '"class":"%s","distance":1,"explanation":"%s imitates %s: %s",'
            '"field":"%s"},"incident":{"id":%d}%s}}' % (
                sid, sig, sev, observed, protected, rule, target, cls,
                observed, protected, rule, target, cls, observed, protected,
                expl, field, inc_id, extra))


def main():
    out, size_mb = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    limit = int(size_mb * 1e6)
    stats = {"lines": 0, "alerts": 0, "summaries": 0, "incidents": 0,
             "open": 0, "not_json": 0, "foreign": 0, "stats": 0,
             "verdicts": {"delivered": 0, "not-delivered": 0,
                          "lookup-only": 0}}
    sec = 1795400000
    written = 0
    inc_seq = 0
    pending = []		# summaries not yet written (closed later)
    with open(out, "w") as f:
        def put(line):
            nonlocal written
            f.write(line)
            f.write("\n")
            written += len(line) + 1
            stats["lines"] += 1
            if stats["lines"] % JUNK_EVERY == 0:
                if (stats["lines"] // JUNK_EVERY) % 2:
                    f.write("this line is not JSON {\n")
                    stats["not_json"] += 1
                else:
                    f.write('{"timestamp":"%s","event_type":"flow",'
                            '"src_ip":"10.0.0.1"}\n' % ts(sec, 0))
                    stats["foreign"] += 1
                stats["lines"] += 1
                written += 30
        while written < limit:
            sec += rng.randint(0, 3)
            inc_seq += 1
            inc_id = (sec << 20) | (inc_seq & 0xfffff)
            # A few clients make most mistakes; many make one.
            if rng.random() < 0.3:
                client = "10.200.0.%d" % rng.randint(1, 20)
            else:
                client = "10.%d.%d.%d" % (rng.randint(0, 15),
                                          rng.randint(0, 255),
                                          rng.randint(1, 254))
            if rng.random() < 0.5:
                observed, protected, rule, cls, expl = rng.choice(TLD_TYPOS)
                target = "tld"
                sids = (1610001, 1610003, 1610101)
            else:
                observed, protected, cls, expl = rng.choice(DOMAIN_TYPOS)
                rule, target = protected, "domain"
                sids = (1610002, 1610004, 1610102)
            # Many distinct names: a host label in front, now and then.
            if rng.random() < 0.3:
                observed = "h%d.%s" % (rng.randint(0, 200000), observed)
                protected = observed[:observed.index(".") + 1] + protected
            flow = rng.randint(1, 1 << 50)
            usec = rng.randint(0, 999999)
            head = ('{"timestamp":"%s","flow_id":%d,"pcap_cnt":%d,'
                    '"pcap_filename":"gen.pcap","event_type":"alert",')
            for kind, sid in (("request", sids[0]), ("response", sids[1])):
                src, dst = (client, "10.99.0.53") if kind == "request" else \
                    ("10.99.0.53", client)
                put((head % (ts(sec, usec), flow, stats["lines"])) +
                    '"src_ip":"%s","src_port":53000,"dest_ip":"%s",'
                    '"dest_port":53,"ip_v":4,"proto":"UDP","app_proto":"dns",'
                    % (src, dst) +
                    alert_obj(sid, "TYPOSENTRY DNS %s for a typo" % kind, 2,
                              observed, protected, rule, target, cls, expl,
                              "dns.queries[0].rrname", inc_id) +
                    ',"dns":{"version":3,"type":"%s","id":1,"flags":"100",'
                    '"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"%s",'
                    '"rrtype":"MX"}]}}' % (kind, observed))
                stats["alerts"] += 1
            r = rng.random()
            if r < 0.25:
                verdict = "lookup-only"
                smtp = None
            else:
                accepted = r < 0.7
                verdict = "delivered" if accepted else "not-delivered"
                rcpt = "<u%d@%s>" % (rng.randint(0, 999), observed)
                code = 250 if accepted else 550
                put((head % (ts(sec, usec + 1 if usec < 999999 else usec),
                             flow + 1, stats["lines"])) +
                    '"src_ip":"%s","src_port":40000,"dest_ip":"10.99.0.25",'
                    '"dest_port":25,"ip_v":4,"proto":"TCP","app_proto":"smtp",'
                    % client +
                    alert_obj(sids[2], "TYPOSENTRY SMTP RCPT TO a typo", 1,
                              observed, protected, rule, target, cls, expl,
                              "smtp.rcpt_to[0]", inc_id,
                              ',"smtp":{"reply_seen":true,"reply_code":%d,'
                              '"reply_text":"x","accepted":%s}' %
                              (code, "true" if accepted else "false")) +
                    ',"smtp":{"helo":"h","mail_from":"<a@example.org>",'
                    '"rcpt_to":["%s"]}}' % rcpt)
                stats["alerts"] += 1
                smtp = (rcpt, accepted)
            stats["incidents"] += 1
            if rng.random() < 0.001 and len(pending) < 100:
                stats["open"] += 1	# never closed: no summary
                continue
            stats["verdicts"][verdict] += 1
            summary = ((head % (ts(sec + 600, usec), flow, stats["lines"])) +
                       '"src_ip":"%s","src_port":0,"dest_ip":"%s",'
                       '"dest_port":0,"ip_v":4,"proto":"%s","app_proto":"%s",'
                       % (client, "10.99.0.25" if smtp else client,
                          "TCP" if smtp else "UDP",
                          "smtp" if smtp else "dns") +
                       '"alert":{"action":"allowed","gid":1,'
                       '"signature_id":1610200,"rev":1,"signature":'
                       '"TYPOSENTRY incident summary: mail to a typo domain",'
                       '"category":"Potential Corporate Privacy Violation",'
                       '"severity":%d,"context":{"typo":{"observed":"%s",'
                       '"protected":"%s","rule":"%s","class":"%s",'
                       '"distance":1,"explanation":"%s imitates %s: %s"},'
                       '"incident":{"id":%d,"summary":true,"first_seen":"%s",'
                       '"last_seen":"%s","client":"%s","observed":"%s",'
                       '"protected":"%s",%s"recipients":[%s],"lookups":2,'
                       '"smtp_sessions":%d,"recipient_accepted":%s,'
                       '"message_accepted":%s,"bytes_sent":%d}}}}' % (
                           1 if smtp and smtp[1] else 3, observed, protected,
                           rule, cls, observed, protected, expl, inc_id,
                           ts(sec, usec), ts(sec, usec), client, observed,
                           protected,
                           '"sender":"<a@example.org>",' if smtp else "",
                           '"%s"' % smtp[0] if smtp else "",
                           1 if smtp else 0,
                           "true" if smtp and smtp[1] else "false",
                           "true" if smtp and smtp[1] else "false",
                           rng.randint(500, 50000) if smtp and smtp[1] else 0))
            # Summaries come when the window closes: after later alerts.
            pending.append(summary)
            if len(pending) > 50:
                put(pending.pop(0))
                stats["alerts"] += 1
                stats["summaries"] += 1
            if stats["lines"] % 20000 == 0:
                put('{"timestamp":"%s","event_type":"stats","stats":'
                    '{"uptime":1,"decoder":{"pkts":1},"detect":{"alert":1}}}'
                    % ts(sec, 0))
                stats["stats"] += 1
        for s in pending:
            put(s)
            stats["alerts"] += 1
            stats["summaries"] += 1
    stats["bytes"] = written
    json.dump(stats, sys.stdout)
    print()


if __name__ == "__main__":
    main()
