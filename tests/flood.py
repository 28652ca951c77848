#!/usr/bin/python3
"""flood.py — a million one-packet TCP flows must not grow memory past the cap.

Writes a capture of N SYN packets (raw IP link type), each from its own
address and port to port 25, and replays it with a configuration capping
the flow table's memory.  Peak resident memory (GNU time's %M) must stay
under the cap plus the baseline of a run on an empty capture, and the
evictions must be counted.

usage: flood.py BINARY [N]
"""
import os
import struct
import subprocess
import sys
import tempfile

CAP_MB = 16


def write_flood(path, n):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for i in range(n):
            src = bytes([10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff])
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xffff, 0,
                             64, 6, 0, src, bytes([192, 0, 2, 25]))
            tcp = struct.pack("!HHIIBBHHH", 1024 + (i % 60000), 25, i, 0,
                              0x50, 0x02, 65535, 0, 0)
            ts = 1700000000 + i // 100000
            f.write(struct.pack("<IIII", ts, i % 1000000, 40, 40) + ip + tcp)


def peak_kb(binary, config, capture):
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "-c", config,
                           "-r", capture],
                          capture_output=True, timeout=600)
    err = proc.stderr.decode()
    return int(err.strip().splitlines()[-1]), err, proc.returncode


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    with tempfile.TemporaryDirectory(prefix="ts-flood-") as d:
        cfg = os.path.join(d, "flood.yaml")
        with open(cfg, "w") as f:
            f.write("protect: {tlds: [mil]}\n"
                    "flow:\n  max-flows: 4000000\n  max-memory: %dmb\n"
                    % CAP_MB)
        empty = os.path.join(d, "empty.pcap")
        write_flood(empty, 1)
        flood = os.path.join(d, "flood.pcap")
        write_flood(flood, n)
        base, _, _ = peak_kb(binary, cfg, empty)
        peak, err, rc = peak_kb(binary, cfg, flood)
        print("flood: %d flows, peak RSS %d KiB, baseline %d KiB, cap %d MiB"
              % (n, peak, base, CAP_MB))
        problems = []
        if rc != 0:
            problems.append("exit status %d" % rc)
        if peak > base + CAP_MB * 1024 + 1024:
            problems.append("peak RSS over baseline + cap")
        if "flows_evicted" not in err:
            problems.append("no evictions counted")
        if problems:
            print("flood: " + "; ".join(problems))
            print(err)
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
