#!/usr/bin/env python3
"""Time from starting the reader to its first list page, in a pseudo-terminal.

    scripts/bench-app-start.py [LIBRARY] [RUNS]
    scripts/bench-app-start.py --folder FOLDER [RUNS]

LIBRARY defaults to the 10,000-post library `cargo bench --bench library` builds; with
--folder, the reader opens FOLDER directly (`sofa-weekly FOLDER`), reading it as it starts.
The reader runs at 200x50 with an empty config, the dark theme and no pictures (so it asks
the terminal nothing, and waits for no answer that a pseudo-terminal never gives); the time
is taken when the post list's position counter ("1/200+", "1/9999") is written. Prints each run and the median, in milliseconds, and the reader's peak memory
(VmHWM) two seconds after its first page, when the work started behind it (indexing a
folder read directly) has had time to run.
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


def peak_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def first_page_ms(args, config):
    """The time to the first page, and the peak memory in KB two seconds later."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["SOFA_WEEKLY_CONFIG"] = config
        os.execv(BINARY, [BINARY, "--theme", "dark", "--images", "off"] + args)
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
    # Keep reading its output (a full pty would stop it) while the work behind the page runs.
    settle = time.monotonic()
    while time.monotonic() - settle < 2:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if fd in ready:
            try:
                os.read(fd, 65536)
            except OSError:
                break
    peak = peak_kb(pid)
    os.write(fd, b"q")
    time.sleep(0.3)
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed, peak


def main():
    argv = sys.argv[1:]
    if argv[:1] == ["--folder"]:
        if len(argv) < 2:
            sys.exit("bench-app-start: --folder needs a folder")
        args, argv = [argv[1]], argv[2:]
    else:
        libraries = sorted(
            glob.glob(os.path.join(ROOT, "target", "bench-library", "*-10000", "library"))
        )
        library = argv[0] if argv else (libraries[-1] if libraries else None)
        if library is None:
            sys.exit("bench-app-start: run 'cargo bench --bench library' first, or name a library")
        args, argv = ["--library", library], argv[1:]
    runs = int(argv[0]) if argv else 10
    if not os.path.exists(BINARY):
        sys.exit("bench-app-start: build the reader first: cargo build --release")
    with tempfile.NamedTemporaryFile(suffix=".toml") as config:
        results = [first_page_ms(args, config.name) for _ in range(runs)]
    times = [t for t, _ in results]
    print("start to first list page (ms):", [None if t is None else round(t, 1) for t in times])
    measured = [t for t in times if t is not None]
    if measured:
        print(f"median: {statistics.median(measured):.1f} ms")
    peaks = [p for _, p in results if p is not None]
    if peaks:
        print(f"peak memory: median {statistics.median(peaks) / 1024:.1f} MB, max {max(peaks) / 1024:.1f} MB")


if __name__ == "__main__":
    main()
