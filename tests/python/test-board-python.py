#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-board-python.py: the Python examples against a real demo board (issue 16's checks).

Boots its own board (`hyperscope-board run` on a free port, its own serial log), runs
examples/tasks.py and checks that the JSON has every process each guest's own `ps`
printed on the serial line (the oracle), in the right machine, and kernel threads too;
then examples/break-hits.py, whose callback must get 3 hits, each in the one task the
breakpoint is scoped to; then board-api.py, the rest of the API on the same board. QEMU is stopped at the end, whatever happened.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOARD = os.path.join(TOP, "data", "board", "hyperscope-board")
BOOT_S = 120           # a cached board boots in ~10 s; a busy host is slower
SCRIPT_S = 120


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def console_processes(serial, domain, with_ps=False):
    """{pid: name} of the ps listing guest DOM<domain> printed at boot (ps itself, which has
    exited since, only @with_ps)."""
    prefix = f"(XEN) DOM{domain}: "
    procs, in_ps = {}, False
    for line in serial.splitlines():
        if not line.startswith(prefix):
            continue
        line = line[len(prefix):]
        if "PID" in line and "COMMAND" in line:
            in_ps = True
            continue
        m = re.match(r"\s*(\d+)\s+(\d+)\s+(\S+)", line)
        if in_ps and m:
            if m.group(3) != "ps" or with_ps:
                procs[int(m.group(1))] = m.group(3)
        elif in_ps:
            in_ps = False
    return procs


def fail(message, *outputs):
    print(f"FAIL: {message}")
    for out in outputs:
        print("----\n" + out[-4000:])
    sys.exit(1)


def run_example(name, *args):
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, os.path.join(TOP, "examples", name), *args],
                       capture_output=True, text=True, timeout=SCRIPT_S)
    print(f"{name}: exit {r.returncode} in {time.monotonic() - t0:.1f} s")
    if r.returncode != 0:
        fail(f"{name} exited with {r.returncode}", r.stdout, r.stderr)
    return r


def main():
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="hs-python-board-")
    serial_path = os.path.join(tmp, "serial.log")
    open(serial_path, "w").close()
    t0 = time.monotonic()
    board = subprocess.Popen([BOARD, "run", "--gdb-port", str(port), "--serial", serial_path],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        # Booted when both guests have printed their ps listing (ps lists itself last).
        deadline = time.monotonic() + BOOT_S
        while True:
            serial = open(serial_path, errors="replace").read()
            if all("ps" in console_processes(serial, d, with_ps=True).values() for d in (1, 2)):
                break
            if board.poll() is not None:
                fail(f"the board exited with {board.returncode}", board.stderr.read().decode())
            if time.monotonic() > deadline:
                fail(f"the board did not boot in {BOOT_S} s", serial)
            time.sleep(0.2)
        time.sleep(0.5)
        serial = open(serial_path, errors="replace").read()
        print(f"board booted in {time.monotonic() - t0:.1f} s (gdbstub 127.0.0.1:{port})")
        location = f"127.0.0.1:{port}"

        # 1. Every task of both guests, as JSON; the guests' own ps is the oracle.
        r = run_example("tasks.py", location)
        try:
            data = json.loads(r.stdout)
        except ValueError as e:
            fail(f"tasks.py printed no JSON: {e}", r.stdout, r.stderr)
        tasks = data["tasks"]
        for domain in (1, 2):
            procs = console_processes(serial, domain)
            if len(procs) < 5:
                fail(f"DOM{domain} printed {len(procs)} processes", serial)
            mine = [t for t in tasks if t["domain_id"] == domain]
            if not mine:
                fail(f"no tasks of domain {domain} in the JSON", r.stdout)
            guest = mine[0]["guest"]
            by_pid = {t["pid"]: t for t in mine}
            for pid, name in procs.items():
                t = by_pid.get(pid)
                if t is None or t["name"] != name:
                    fail(f"{guest}: the console's {pid} {name} is not in the JSON as such: {t}",
                         r.stdout)
            if not any(t["name"] == "kthreadd" and t["kernel_thread"] for t in mine):
                fail(f"{guest}: no kthreadd", r.stdout)
            other = "linux2_" if guest == "linux1" else "linux1_"
            if any(t["name"].startswith(other) for t in mine):
                fail(f"{guest}: a task of the other guest", r.stdout)
            print(f"{guest}: {len(mine)} tasks, all {len(procs)} console processes match")
        if "the target runs" not in r.stderr:
            fail("tasks.py did not leave the board running", r.stderr)

        # 2. A breakpoint for one task, 3 hits through the Python callback.
        counter_pid = [p for p, n in console_processes(serial, 1).items() if n == "linux1_counter"]
        r = run_example("break-hits.py", location, "--hits", "3", "--machine", "1",
                        "--task", "linux1_counter", "--function", "dummy_get_stats64")
        hits = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        if len(hits) != 3:
            fail(f"{len(hits)} hits, not 3", r.stdout, r.stderr)
        for hit in hits:
            if (hit["task"], hit["machine"], hit["symbol"]) != ("linux1_counter", 1,
                                                                "dummy_get_stats64") \
                    or [hit["pid"]] != counter_pid:
                fail(f"a hit outside the breakpoint's scope: {hit}", r.stdout)
        if "the target runs" not in r.stderr:
            fail("break-hits.py did not leave the board running", r.stderr)
        print(f"break-hits.py: 3 hits in linux1_counter (pid {counter_pid[0]}), "
              f"{hits[-1]['filtered_hits']} filtered")

        # 3. The rest of the API: async forms only, registers, frames, memory, symbols.
        session = dict(line.split("=", 1) for line in subprocess.run(
            [BOARD, "paths"], capture_output=True, text=True, check=True).stdout.splitlines()
            if "=" in line)["session"]
        t1 = time.monotonic()
        r = subprocess.run([sys.executable, os.path.join(TOP, "tests", "python", "board-api.py"),
                            location, session], capture_output=True, text=True, timeout=SCRIPT_S)
        if r.returncode != 0 or r.stdout.strip().splitlines()[-1:] != ["ok"]:
            fail(f"board-api.py exited with {r.returncode}", r.stdout, r.stderr)
        print(f"board-api.py: ok in {time.monotonic() - t1:.1f} s")
    finally:
        try:
            os.killpg(board.pid, signal.SIGTERM)
            board.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(board.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            board.wait()
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    print(f"ok in {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    main()
