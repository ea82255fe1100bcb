#!/usr/bin/env python3
"""Time from starting the reader to its first list page, in a pseudo-terminal.

    scripts/bench-app-start.py [LIBRARY] [RUNS]

LIBRARY defaults to the 10,000-post library `cargo bench --bench library` builds. The reader
runs at 200x50 with an empty config and the dark theme (so it asks the terminal nothing);
the time is taken when the post list's position counter ("1/200+", "1/9999") is written.
Prints each run and the median, in milliseconds.
"""

import glob
import os
import pty
import re
import select
import statistics
import struct
import sys
import tempfile
import time
import fcntl
import termios

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "sofa-weekly")
COUNTER = re.compile(rb"1/\d+")


def first_page_ms(library, config):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["SOFA_WEEKLY_CONFIG"] = config
        os.execv(BINARY, [BINARY, "--library", library, "--theme", "dark"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    start = time.monotonic()
    seen = b""
    elapsed = None
    while time.monotonic() - start < 10:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if fd not in ready:
            continue
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
        if COUNTER.search(seen):
            elapsed = (time.monotonic() - start) * 1000
            break
    os.write(fd, b"q")
    time.sleep(0.3)
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed


def main():
    libraries = sorted(glob.glob(os.path.join(ROOT, "target", "bench-library", "*-10000", "library")))
    library = sys.argv[1] if len(sys.argv) > 1 else (libraries[-1] if libraries else None)
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    if library is None:
        sys.exit("bench-app-start: run 'cargo bench --bench library' first, or name a library")
    if not os.path.exists(BINARY):
        sys.exit("bench-app-start: build the reader first: cargo build --release")
    with tempfile.NamedTemporaryFile(suffix=".toml") as config:
        times = [first_page_ms(library, config.name) for _ in range(runs)]
    print("start to first list page (ms):", [None if t is None else round(t, 1) for t in times])
    measured = [t for t in times if t is not None]
    if measured:
        print(f"median: {statistics.median(measured):.1f} ms")


if __name__ == "__main__":
    main()
