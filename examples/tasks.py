#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tasks.py: every task of every guest of a live board, as JSON.

    python3 examples/tasks.py [HOST:PORT]

Attaches to the gdbstub at HOST:PORT (default: the board running here, started with
`data/board/hyperscope-board run --gdb-port PORT --serial serial.log`, found by its QEMU
command line; else 127.0.0.1:1234), halts it, loads the symbols the way the demo session does (`DO` of the board's
demo-session.cmm, from `hyperscope-board paths`), waits for the guests' task lists and
prints them, then lets the board run again (if it ran) and detaches. The session
script's own output goes to stderr; stdout has only the JSON.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hyperscope_env import GLib, Hyperscope, default_location  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def board_paths():
    """`hyperscope-board paths` as a dict (the tree's script, else the installed one)."""
    script = os.environ.get("HYPERSCOPE_BOARD") or os.path.join(TOP, "data", "board", "hyperscope-board")
    if not os.path.exists(script):
        script = "/usr/local/share/hyperscope/board/hyperscope-board"
    out = subprocess.run([script, "paths"], check=True, capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def task_json(machine, task):
    return {
        "machine": machine.get_id(),
        "guest": machine.get_name(),
        "domain_id": machine.get_domain_id(),
        "pid": task.get_pid(),
        "tgid": task.get_tgid(),
        "ppid": task.get_ppid(),
        "name": task.get_name(),
        "state": task.get_state_text(),
        "cpu": task.get_cpu(),
        "kernel_thread": task.is_kernel_thread(),
        "thread": task.is_thread(),
        "current_vcpu": task.get_current_vcpu(),
        "core": task.get_core(),
        "task_struct": "0x%x" % task.get_address(),
    }


def main():
    location = sys.argv[1] if len(sys.argv) > 1 else default_location()
    dbg = Hyperscope.Debugger()
    try:
        dbg.attach_sync(location, None)
    except GLib.Error as e:
        sys.exit(f"tasks.py: {e.message}")
    was_running = dbg.get_state() == Hyperscope.DebuggerState.RUNNING
    try:
        if was_running:
            dbg.halt_sync(None)
        session = board_paths()["session"]
        print(dbg.run_command_sync(f'DO "{session}"', None), end="", file=sys.stderr)
        dbg.wait_for_tasks_sync(None)
        tasks = []
        for machine in dbg.get_machines():
            if machine.get_kind() != Hyperscope.MachineKind.GUEST:
                continue
            for task in dbg.list_tasks(machine.get_id()):
                tasks.append(task_json(machine, task))
        json.dump({"target": dbg.get_target_name(), "tasks": tasks}, sys.stdout, indent=1)
        print()
    finally:
        # Leave the board as found: running if it ran, and without anything of ours.
        if was_running and dbg.get_state() == Hyperscope.DebuggerState.HALTED:
            dbg.go_sync(None)
        print(dbg.detach_sync(None), file=sys.stderr)


if __name__ == "__main__":
    main()
