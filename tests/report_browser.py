#!/usr/bin/python3
"""report_browser.py — the HTML report of the bundled captures, in Chromium.

Each correlation capture (and the demo) is replayed to its own EVE file;
`typosentry report` makes one HTML file of them all (with a file of lines
that are not typosentry's).  Checked:

- the file names no outside resource (no http:// or https:// at all, no
  src=, href=, url(), @import, <link>);
- headless Chromium (Debian's, offline: no network features, a fresh
  profile) loads it, and its DOM (--dump-dom, after the page's script ran)
  lists each incident with the verdict the captures' truth says, the
  counts of alerts, incidents and verdicts, and the refused lines by
  number;
- a screenshot is not blank: many colours, and the badge colours of the
  verdicts are there.

With --screenshot PATH the screenshot is kept (the README's picture).

usage: report_browser.py BINARY [--screenshot PATH]
"""
import collections
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# What each capture holds (scripts/record-correlation-pcaps.sh and the
# e2e cases): the incidents, by typo domain, and their verdicts.
TRUTH = {
    "correlate-delivered": [("army.ml", "delivered")],
    "correlate-lookup-only": [("army.ml", "lookup-only")],
    "correlate-rejected": [("gmial.com", "not-delivered")],
    "correlate-relay": [("army.ml", "delivered")],
    "correlate-two-mistakes": [("army.ml", "delivered"),
                               ("gmial.com", "not-delivered")],
    "demo": [("gmial.com", "lookup-only"), ("army.ml", "lookup-only"),
             ("us.army.ml", "lookup-only")],
}

JUNK = ('not json at all\n'
        '{"timestamp":"2026-11-23T04:20:57.000000+0000","event_type":"flow"}\n'
        '\n'
        '{"event_type":"alert","alert":{"gid":1,"signature_id":2100498}}\n')

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-quic", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--disable-default-apps",
                  "--hide-scrollbars"]


class Dom(html.parser.HTMLParser):
    """Incident rows, elements by id, verdict counts, bad lines."""

    def __init__(self):
        super().__init__()
        self.rows = []		# dicts of cell class -> text
        self.by_id = {}
        self.verdict_counts = {}
        self.bad_lines = []
        self.stack = []
        self.row = None
        self.cell = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        self.stack.append((tag, a, len(self.text)))
        if tag == "tr" and "incident" in cls:
            self.row = {"verdict": a.get("data-verdict"), "cells": {}}
        if tag == "td" and self.row is not None and self.cell is None:
            self.cell = (cls[-1] if cls else "", len(self.text))
        if tag == "li" and "bad-line" in cls:
            self.bad_lines.append(int(a["data-line"]))

    def handle_endtag(self, tag):
        while self.stack:
            t, a, start = self.stack.pop()
            text = "".join(self.text[start:]).strip()
            if "id" in a:
                self.by_id[a["id"]] = text
            if "verdict-count" in (a.get("class") or ""):
                self.verdict_counts[a["data-verdict"]] = int(
                    text.replace(",", ""))
            if t == "td" and self.cell is not None and \
                    self.cell[1] == start and self.row is not None:
                self.row["cells"].setdefault(self.cell[0], text)
                self.cell = None
            if t == "tr" and self.row is not None and "data-verdict" in a:
                self.rows.append(self.row)
                self.row = None
            if t == tag:
                break

    def handle_data(self, data):
        self.text.append(data)


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("screenshot is not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise SystemExit("unexpected PNG type %d/%d" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def chromium(args, profile, timeout=120):
    env = dict(os.environ, HOME=profile)
    proc = subprocess.run(["chromium"] + CHROMIUM_FLAGS +
                          ["--user-data-dir=" + profile] + args,
                          capture_output=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        raise SystemExit("chromium failed (%d): %s" % (
            proc.returncode, proc.stderr.decode(errors="replace")[-2000:]))
    return proc.stdout.decode("utf-8")


def main():
    binary = sys.argv[1]
    keep = None
    if len(sys.argv) > 3 and sys.argv[2] == "--screenshot":
        keep = sys.argv[3]
    if shutil.which("chromium") is None:
        raise SystemExit("chromium is missing (scripts/install-deps.sh "
                         "--test installs it)")
    tmp = tempfile.mkdtemp(prefix="ts-report-")
    try:
        files, alerts = [], 0
        for name in TRUTH:
            path = os.path.join(tmp, name + ".json")
            with open(path, "wb") as f:
                subprocess.run([binary, "-q", "--stdout", "-r",
                                "pcaps/%s.pcap" % name], stdout=f, check=True)
            for line in open(path):
                if json.loads(line).get("event_type") == "alert":
                    alerts += 1
            files.append(path)
        junk = os.path.join(tmp, "junk.json")
        with open(junk, "w") as f:
            f.write(JUNK)
        files.append(junk)
        out = os.path.join(tmp, "report.html")
        # From the directory of the EVE files: the page names them short.
        proc = subprocess.run([os.path.abspath(binary), "report", "-o", out] +
                              [os.path.basename(f) for f in files],
                              capture_output=True, cwd=tmp)
        if proc.returncode != 0 or proc.stderr:
            raise SystemExit("report: exit %d: %s" % (proc.returncode,
                                                      proc.stderr.decode()))
        page = open(out, encoding="utf-8").read()
        for bad in (r"https?://", r"\bsrc\s*=", r"\bhref\s*=", r"url\(",
                    r"@import", r"<link\b", r"<iframe\b", r"<img\b"):
            if re.search(bad, page, re.I):
                raise SystemExit("the report refers outside: %s" % bad)

        profile = os.path.join(tmp, "profile")
        os.mkdir(profile)
        dom = Dom()
        dom.feed(chromium(["--dump-dom", "file://" + out], profile))
        errors = []
        want = collections.Counter(v for inc in TRUTH.values() for v in inc)
        got = collections.Counter(
            (r["cells"].get("names", "").split(" ")[0], r["verdict"])
            for r in dom.rows)
        if got != want:
            errors.append("incident rows %s, expected %s" %
                          (sorted(got.items()), sorted(want.items())))
        # The label shown agrees with the row's verdict.
        for r in dom.rows:
            label = r["cells"].get("verdict", "")
            if label.replace(" ", "-").split("\n")[0] != r["verdict"]:
                errors.append("row shows %r for %s" % (label, r["verdict"]))
        # Worst first: verdict ranks never go down.
        order = ["delivered", "likely-delivered", "unknown", "lookup-only",
                 "not-delivered"]
        ranks = [order.index(r["verdict"]) for r in dom.rows]
        if ranks != sorted(ranks):
            errors.append("incidents not worst first: %s" % ranks)
        if dom.by_id.get("count-alerts") != str(alerts):
            errors.append("count-alerts %r, expected %d" %
                          (dom.by_id.get("count-alerts"), alerts))
        if dom.by_id.get("count-incidents") != str(sum(want.values())):
            errors.append("count-incidents %r" %
                          dom.by_id.get("count-incidents"))
        for v in order:
            n = sum(c for (d, vv), c in want.items() if vv == v)
            if dom.verdict_counts.get(v) != n:
                errors.append("verdict count %s: %r, expected %d" %
                              (v, dom.verdict_counts.get(v), n))
        if dom.by_id.get("count-not-json") != "1" or \
                dom.by_id.get("count-foreign") != "2":
            errors.append("bad line counts %r %r" % (
                dom.by_id.get("count-not-json"),
                dom.by_id.get("count-foreign")))
        if dom.bad_lines != [1, 2, 4]:
            errors.append("bad lines listed %s, expected [1, 2, 4]" %
                          dom.bad_lines)
        if "timeline-chart" not in dom.by_id and \
                'id="timeline-chart"' not in page:
            errors.append("no timeline")
        if errors:
            raise SystemExit("\n".join(errors))

        shot = os.path.join(tmp, "shot.png")
        chromium(["--window-size=1700,1500", "--screenshot=" + shot,
                  "file://" + out], profile)
        width, height, bpp, rows = png_pixels(shot)
        colors = collections.Counter()
        for y in range(0, height, 2):
            row = rows[y]
            for x in range(0, width * bpp, 2 * bpp):
                colors[row[x:x + 3]] += 1
        total = sum(colors.values())
        background = colors.most_common(1)[0][1]
        if len(colors) < 50 or background > 0.95 * total:
            raise SystemExit("screenshot looks blank: %d colours, "
                             "background %.0f%%" % (len(colors),
                                                   100.0 * background / total))
        for name, rgb in (("delivered", b"\xb7\x1c\x1c"),
                          ("lookup only", b"\x15\x65\xc0"),
                          ("not delivered", b"\x2e\x7d\x32")):
            if colors[rgb] < 20:
                raise SystemExit("screenshot: no %s badge colour" % name)
        if keep:
            shutil.copyfile(shot, keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
