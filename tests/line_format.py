#!/usr/bin/python3
"""line_format.py — which format the records take, where they go.

On a terminal (a pseudo-terminal made here) without -l, the default is one
line per alert; --stdout or output.stdout: true there give EVE, as does a
pipe; -l DIR with --format line writes DIR/fast.log and no eve.json.

usage: line_format.py BINARY
"""
import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile

PCAP = "pcaps/correlate-two-mistakes.pcap"


def on_terminal(binary, args):
    """Runs binary with standard output on a pseudo-terminal: its text."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([binary, "-q"] + args, stdout=slave,
                            stderr=subprocess.PIPE)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:		# EIO: the other side is closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = proc.stderr.read()
    proc.wait(timeout=60)
    if proc.returncode != 0 or b"Sanitizer" in err or b"runtime error" in err:
        raise SystemExit("%s %s: exit %d: %s" % (binary, args,
                                                  proc.returncode, err))
    return out.decode("utf-8").replace("\r\n", "\n")


def lines_format(text):
    # Per mistake: two DNS alerts, the session's opening, its recipient,
    # its end, and the incident's summary.
    lines = [l for l in text.splitlines() if l]
    if len(lines) != 12:
        raise SystemExit("expected 12 records, got %d:\n%s" % (len(lines), text))
    if all(l.startswith("{") for l in lines):
        for l in lines:
            json.loads(l)
        return "eve"
    if any(l.startswith("{") for l in lines):
        raise SystemExit("EVE and lines mixed:\n" + text)
    if not any("army.ml imitates army.mil" in l for l in lines):
        raise SystemExit("no explained alert line:\n" + text)
    return "line"


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ts-line-")
    try:
        cfg = os.path.join(tmp, "stdout.yaml")
        with open(cfg, "w") as f:
            f.write("protect:\n  tlds: [mil]\n  labels: {mil: [army]}\n"
                    "  domains: [gmail.com]\noutput:\n  stdout: true\n")
        cases = [
            ("terminal", lambda: on_terminal(binary, ["-r", PCAP]), "line"),
            ("terminal --stdout",
             lambda: on_terminal(binary, ["--stdout", "-r", PCAP]), "eve"),
            ("terminal output.stdout",
             lambda: on_terminal(binary, ["-c", cfg, "-r", PCAP]), "eve"),
            ("terminal --format eve",
             lambda: on_terminal(binary, ["--format", "eve", "-r", PCAP]),
             "eve"),
            ("pipe", lambda: subprocess.run(
                [binary, "-q", "-r", PCAP], capture_output=True,
                check=True).stdout.decode(), "eve"),
        ]
        for name, run, want in cases:
            got = lines_format(run())
            if got != want:
                raise SystemExit("%s: %s, expected %s" % (name, got, want))

        # A log directory with --format line: fast.log, and no eve.json.
        out = on_terminal(binary, ["--format", "line", "-l", tmp, "-r", PCAP])
        if out.strip():
            raise SystemExit("-l: something on standard output: " + out)
        with open(os.path.join(tmp, "fast.log")) as f:
            if lines_format(f.read()) != "line":
                raise SystemExit("fast.log does not hold lines")
        if os.path.exists(os.path.join(tmp, "eve.json")):
            raise SystemExit("--format line -l wrote eve.json")
        # Without --format, a log directory gets EVE even from a terminal.
        on_terminal(binary, ["-l", tmp, "-r", PCAP])
        with open(os.path.join(tmp, "eve.json")) as f:
            if lines_format(f.read()) != "eve":
                raise SystemExit("eve.json does not hold EVE")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
