#!/usr/bin/python3
"""detect.py — the detection benchmark of the typo model.

For each protected domain (the default configuration's mail providers,
plus army.mil and irs.gov, known labels of the protected TLDs):

  (a) dnstwist's own variants (dnstwist --format list, run offline), every
      fuzzer but "dictionary" and "tld-swap";
  (b) the full one-edit space, generated here independently of typosentry:
      every omission, insertion, substitution (over [a-z0-9-] and the dot)
      and adjacent transposition anywhere in the whole name, dots included
      (chasec.om, chase.c.om, c.ase.com, yahooxco.uk for yahoo.co.uk),
      kept when the result is a valid name under a suffix of the Public
      Suffix List's ICANN section (a label edit gives a valid label; a
      suffix edit gives a suffix, or a name under a shorter one);

all go through `typosentry check` with the default configuration.  Recall
counts a variant found when it alerts; variants the policy exempts on
purpose (a protected or allowed name such as mail.com, one edit from
gmail.com, or a name under a protected TLD such as arny.mil, which only
the registry can hold) are listed apart and left out of the denominator.
Then the false-alarm count on the shared list of legitimate domains.

usage: detect.py BINARY [PROVIDERS BENIGN PSL]
"""
import subprocess
import sys

FUZZERS = ("addition,bitsquatting,cyrillic,homoglyph,hyphenation,insertion,"
           "omission,repetition,replacement,subdomain,transposition,"
           "vowel-swap,various")
LDH = "abcdefghijklmnopqrstuvwxyz0123456789-"
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def icann_suffixes(path):
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if "===BEGIN PRIVATE DOMAINS===" in line:
                break
            if line and not line.startswith("//") and not line.startswith("!"):
                out.add(line)
    return out


def split(domain, suffixes):
    labels = domain.split(".")
    for i in range(1, len(labels)):
        if ".".join(labels[i:]) in suffixes:
            return labels[i - 1], ".".join(labels[i:])
    return labels[0], ".".join(labels[1:])


def edits(s, alphabet):
    out = set()
    for i in range(len(s)):
        out.add(s[:i] + s[i + 1:])
        for c in alphabet:
            out.add(s[:i] + c + s[i + 1:])
    for i in range(len(s) + 1):
        for c in alphabet:
            out.add(s[:i] + c + s[i:])
    for i in range(len(s) - 1):
        out.add(s[:i] + s[i + 1] + s[i] + s[i + 2:])
    out.discard(s)
    return out


def dot_edits(s):
    """The edits of s that type, drop, move or replace a dot."""
    out = set()
    for i, ch in enumerate(s):
        if ch == ".":
            out.add(s[:i] + s[i + 1:])
            out |= {s[:i] + c + s[i + 1:] for c in LDH}
        else:
            out.add(s[:i] + "." + s[i + 1:])
    out |= {s[:i] + "." + s[i:] for i in range(len(s) + 1)}
    out |= {s[:i] + s[i + 1] + s[i] + s[i + 2:] for i in range(len(s) - 1)
            if "." in (s[i], s[i + 1])}
    out.discard(s)
    return out


def label_ok(l):
    return 0 < len(l) <= 63 and l[0] != "-" and l[-1] != "-" and \
        all(c in LDH for c in l)


def valid_name(name, suffixes):
    """Every label valid, and a suffix shorter than the name in the ICANN
    section: a name someone can register, or hold under one."""
    labels = name.split(".")
    if not all(label_ok(p) for p in labels):
        return False
    return any(".".join(labels[i:]) in suffixes
               for i in range(1, len(labels)))


def one_edit_space(domain, suffixes):
    return {e for e in edits(domain, LDH + ".") if valid_name(e, suffixes)}


def dnstwist(domain):
    proc = subprocess.run(["dnstwist", "--format", "list", "--fuzzers",
                           FUZZERS, domain], capture_output=True, timeout=300)
    names = set(proc.stdout.decode("utf-8", "replace").split())
    names.discard(domain)
    return names


def check(binary, names):
    proc = subprocess.run([binary, "check", "-"], capture_output=True,
                          input="\n".join(sorted(names)).encode(),
                          timeout=600)
    verdict = {}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        name, _, rest = line.partition(": ")
        if rest.startswith("alert"):
            verdict[name] = "alert"
        elif "protected or allowed" in rest:
            verdict[name] = "exempt"
        elif "not a valid" in rest:
            verdict[name] = "invalid"
        else:
            verdict[name] = "miss"
    return verdict


def report(title, per_domain, binary):
    allnames = set()
    for names in per_domain.values():
        allnames |= names
    verdict = check(binary, allnames)
    hits = misses = exempt = invalid = 0
    missed = []
    for domain, names in sorted(per_domain.items()):
        for n in sorted(names):
            v = verdict.get(n, "miss")
            if v == "alert":
                hits += 1
            elif v == "exempt":
                exempt += 1
            elif v == "invalid":
                invalid += 1
            else:
                misses += 1
                missed.append("%s (of %s)" % (n, domain))
    total = hits + misses
    print("%-34s %7d variants, %7d alert, %5d exempt by policy, "
          "%3d invalid: recall %.2f%%" % (title, total + exempt + invalid,
                                          hits, exempt, invalid,
                                          100.0 * hits / total if total else 0))
    for m in missed[:50]:
        print("    missed: " + m)
    if len(missed) > 50:
        print("    ... and %d more" % (len(missed) - 50))
    return misses


def main():
    binary = sys.argv[1]
    providers = sys.argv[2] if len(sys.argv) > 2 else \
        "../shared/data/mail-providers.txt"
    benign = sys.argv[3] if len(sys.argv) > 3 else \
        "../shared/data/benign-domains.txt"
    psl = sys.argv[4] if len(sys.argv) > 4 else \
        "/usr/share/publicsuffix/public_suffix_list.dat"
    suffixes = icann_suffixes(psl)
    domains = [l.strip() for l in open(providers) if l.strip()]
    domains += ["army.mil", "irs.gov"]

    print("detection benchmark: %d protected domains, default configuration"
          % len(domains))
    bad = report("(a) dnstwist variants", {d: dnstwist(d) for d in domains},
                 binary)
    space = {d: one_edit_space(d, suffixes) for d in domains}
    bad += report("(b) one-edit space, dots included", space, binary)
    dots = {d: names & dot_edits(d) for d, names in space.items()}
    bad += report("    of which the dot moved or typed", dots, binary)

    names = [l.strip() for l in open(benign) if l.strip()]
    verdict = check(binary, set(names))
    alarms = sorted(n for n in names if verdict.get(n) == "alert")
    print("%-34s %7d domains, %d false alarms" %
          ("(c) benign-domains.txt", len(names), len(alarms)))
    for a in alarms[:50]:
        print("    false alarm: " + a)
    return 1 if bad or alarms else 0


if __name__ == "__main__":
    sys.exit(main())
