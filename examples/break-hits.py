#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""break-hits.py: a breakpoint for one task of one guest, and a Python callback on each hit.

    python3 examples/break-hits.py [HOST:PORT] [--hits N] [--machine M] [--task NAME|PID]
                                   [--function NAME]

Attaches to the gdbstub at HOST:PORT (default: the board running here, started with
`data/board/hyperscope-board run --gdb-port PORT --serial serial.log`, found by its QEMU
command line; else 127.0.0.1:1234), loads the demo
session's symbols, sets a breakpoint on FUNCTION in machine M for the task NAME only
(default: machine 1's dummy_get_stats64, which linux1_counter runs about once a second
when it reads /sys/class/net/dummy0/statistics/tx_packets) and lets the board run until
N hits (default 3). Each hit reaches `on_hit` through the breakpoint's own `hit` signal
while the script waits in wait_for_halt(), and is printed as one line of JSON. (The
debugger's `breakpoint-hit` signal says the same for every breakpoint.)
Then the breakpoint is removed and the board left running, detached, as it was found.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hyperscope_env import GLib, Hyperscope, default_location  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HIT_TIMEOUT_MS = 20000


def board_session():
    script = os.environ.get("HYPERSCOPE_BOARD") or os.path.join(TOP, "data", "board", "hyperscope-board")
    if not os.path.exists(script):
        script = "/usr/local/share/hyperscope/board/hyperscope-board"
    out = subprocess.run([script, "paths"], check=True, capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)["session"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("location", nargs="?", default=None,
                    help="HOST:PORT of the gdbstub (default: the board running here)")
    ap.add_argument("--hits", type=int, default=3, help="how many hits to wait for (3)")
    ap.add_argument("--machine", type=int, default=1, help="the guest machine (1)")
    ap.add_argument("--task", default=None, help="the task's name or pid (linuxM_counter)")
    ap.add_argument("--function", default="dummy_get_stats64", help="where to break")
    args = ap.parse_args()
    args.location = args.location or default_location()
    task_name = args.task or f"linux{args.machine}_counter"

    dbg = Hyperscope.Debugger()
    hits = []

    def on_hit(breakpoint, task):
        # Runs on the main context, inside wait_for_halt() below.
        hit = {
            "hit": len(hits) + 1,
            "breakpoint": breakpoint.get_id(),
            "location": breakpoint.get_location(),
            "symbol": breakpoint.get_symbol(),
            "machine": task.get_machine() if task else None,
            "task": task.get_name() if task else None,
            "pid": task.get_pid() if task else None,
            "tgid": task.get_tgid() if task else None,
            "filtered_hits": breakpoint.get_filtered_hits(),
        }
        hits.append(hit)
        print(json.dumps(hit), flush=True)

    try:
        dbg.attach_sync(args.location, None)
    except GLib.Error as e:
        sys.exit(f"break-hits.py: {e.message}")
    bp = None
    status = 0
    try:
        if dbg.get_state() == Hyperscope.DebuggerState.RUNNING:
            dbg.halt_sync(None)
        print(dbg.run_command_sync(f'DO "{board_session()}"', None), end="", file=sys.stderr)
        dbg.wait_for_tasks_sync(None)
        task = dbg.find_task(args.machine, task_name)
        bp = dbg.add_breakpoint(f"{args.machine}:::{args.function}", args.machine, task)
        bp.connect("hit", on_hit)
        print(f"breakpoint {bp.get_id()} at {bp.get_location()} for {bp.describe_scope()}",
              file=sys.stderr)
        while len(hits) < args.hits:
            dbg.go_sync(None)
            dbg.wait_for_halt(HIT_TIMEOUT_MS)
    except GLib.Error as e:
        print(f"break-hits.py: {e.message}", file=sys.stderr)
        status = 1
    finally:
        # Leave the board as found: no breakpoint of ours, running, detached.
        if bp is not None:
            dbg.remove_breakpoint(bp)
        print(dbg.detach_sync(None), file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
