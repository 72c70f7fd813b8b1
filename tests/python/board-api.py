#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""board-api.py HOST:PORT SESSION: the rest of the scripting API on a live board.

Run by test-board-python.py against its board: an attach, halt and memory read through
the asynchronous forms only (pumped with iterate()), then registers, frames, memory
written and read back by several address forms, symbols both ways, wait_for_halt's
timeout while the board runs, hostile input on a live target, and a detach that leaves
it running. Prints "ok" last; any failure raises.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
from hyperscope_env import GLib, Hyperscope  # noqa: E402

location, session = sys.argv[1], sys.argv[2]
dbg = Hyperscope.Debugger()


def pump(results, what, seconds=60):
    """The asynchronous forms' way to wait: iterate() until a callback stored a result."""
    deadline = GLib.get_monotonic_time() + seconds * 1000000
    while not results:
        assert GLib.get_monotonic_time() < deadline, f"no result for {what}"
        dbg.iterate(True)
    return results.pop()


results = []
halts = []
dbg.connect("halted", lambda d, core, bp: halts.append(core.get_index()))
dbg.attach(location, None, lambda d, r: results.append(d.attach_finish(r)))
assert pump(results, "attach") is True
assert dbg.get_state() == Hyperscope.DebuggerState.RUNNING, dbg.get_state()
try:
    # wait_for_halt() on a running board: a timeout that says so.
    try:
        dbg.wait_for_halt(300)
        raise AssertionError("wait_for_halt returned on a running board")
    except GLib.Error as e:
        assert "did not halt within 300 ms" in e.message, e.message
    dbg.halt(None, lambda d, r: results.append(d.halt_finish(r)))
    assert pump(results, "halt") is True
    dbg.wait(100)
    assert halts, "no halted signal"
    print(dbg.run_command_sync(f'DO "{session}"', None), end="", file=sys.stderr)
    dbg.wait_for_tasks(None, lambda d, r: results.append(d.wait_for_tasks_finish(r)))
    assert pump(results, "tasks") is True

    # Memory, asynchronously, through a guest's symbols.
    dbg.read_memory("2:::linux_banner", 64, None,
                    lambda d, r: results.append(d.read_memory_finish(r)))
    banner = pump(results, "read").get_data()
    assert banner.startswith(b"Linux version 6."), banner
    # The same bytes by other address forms: a virtual address, and host physical.
    address = dbg.lookup_symbol(2, "linux_banner")
    assert dbg.symbolize(2, address + 4) == "linux_banner+0x4", dbg.symbolize(2, address + 4)
    assert dbg.read_memory_sync(f"2:::0x{address:x}", 64, None).get_data() == banner
    translated = dbg.run_command_sync(f"MMU.Translate 2:::0x{address:x}", None)
    phys = [w for w in translated.split() if w.startswith("A:0x")][-1]
    assert dbg.read_memory_sync(phys, 64, None).get_data() == banner, translated
    # Written and read back (the same bytes: the guest never sees a change).
    word = dbg.read_memory_sync("2:::linux_banner+0x10", 8, None)
    assert dbg.write_memory_sync("2:::linux_banner+0x10", GLib.Bytes.new(b"HYPERSCO"), None)
    assert dbg.read_memory_sync("2:::linux_banner+0x10", 8, None).get_data() == b"HYPERSCO"
    assert dbg.write_memory_sync("2:::linux_banner+0x10", word, None)
    assert dbg.read_memory_sync("2:::linux_banner", 64, None).get_data() == banner

    # Expressions as scripts evaluate them: C expressions over a guest's debug information.
    assert dbg.evaluate_sync("Var.VALUE(2:::init_task.pid)", None).unpack() == 0
    assert dbg.evaluate_sync("Var.STRing(2:::init_task.comm)", None).unpack() == "swapper/0"
    assert dbg.evaluate_sync("Var.ADDRESS(2:::linux_banner)", None).unpack() == address
    text = dbg.evaluate_sync('Data.String("2:::linux_banner")', None).unpack()
    assert text.startswith(banner.decode("ascii")), (text, banner)

    # Machines, vCPUs, cores and their registers.
    machines = {m.get_id(): m for m in dbg.get_machines()}
    assert machines[1].get_name() == "linux1" and machines[2].get_name() == "linux2", machines
    assert len(machines[1].get_vcpus()) == 2 and len(machines[2].get_vcpus()) == 1
    assert len(dbg.get_cores()) == 4
    regs = dbg.get_core_registers(0).unpack()
    assert "pc" in regs and "x0" in regs, sorted(regs)[:10]
    ok, pc = dbg.get_core(0).get_pc()
    assert ok and pc == regs["pc"], (pc, regs["pc"])

    # A sleeping task's registers and frames.
    task = dbg.find_task(2, "linux2_ticker")
    regs, source = dbg.task_registers_sync(task, None)
    regs = regs.unpack()
    assert "pc" in regs and "sp" in regs and source, (source, sorted(regs))
    frames, why = dbg.task_frames_sync(task, None)
    frames = frames.unpack()
    functions = [f.get("function") for f in frames]
    assert frames[0]["level"] == 0 and "schedule" in " ".join(filter(None, functions)), functions
    assert any("file" in f for f in frames), frames

    # Hostile input on a live target: errors, never a crash.
    for bad in ("2:::no_such_symbol", "7:::init_task", "2:::(", "I:9:::0x1000"):
        try:
            dbg.read_memory_sync(bad, 8, None)
            raise AssertionError(f"{bad} was read")
        except GLib.Error as e:
            assert e.message, bad
    for call in (lambda: dbg.find_task(2, "no_such_task"), lambda: dbg.find_task(9, "init"),
                 lambda: dbg.add_breakpoint("2:::do_nanosleep", 1, task),
                 lambda: dbg.run_command_sync("TASK.List /MACHINE 9", None)):
        try:
            call()
            raise AssertionError("no error")
        except GLib.Error as e:
            assert e.message
    assert len(dbg.get_breakpoints()) == 0

    # A halted handler that steps and waits for the halt, blocking: the step's own halt is
    # signalled after the handler returns, never inside it (no recursion however many steps
    # a handler takes).
    depth, deepest, steps, stepped = [0], [0], [3], []

    def step_on_halt(d, core, bp):
        depth[0] += 1
        deepest[0] = max(deepest[0], depth[0])
        if steps[0] > 0:
            steps[0] -= 1
            stepped.append(d.step_sync(core.get_index(), None) and d.wait_for_halt(5000))
        depth[0] -= 1

    handler = dbg.connect("halted", step_on_halt)
    before = len(halts)
    dbg.step_sync(0, None)
    assert dbg.wait_for_halt(10000)
    dbg.disconnect(handler)
    assert stepped == [True] * 3, stepped
    assert len(halts) - before == 4, (before, halts)
    assert deepest[0] == 1, f"halted emitted inside its own handler, {deepest[0]} deep"

    # A hit reaches the debugger's breakpoint-hit, then the breakpoint's own hit, with the
    # same task; a handler that resumes the target from there is fine.
    order = []
    bp = dbg.add_breakpoint("2:::do_nanosleep", 2, None)
    dbg.connect("breakpoint-hit", lambda d, b, t: order.append(("debugger", b.get_id(), t)))
    bp.connect("hit", lambda b, t: order.append(("breakpoint", b.get_id(), t)))
    dbg.go_sync(None)
    assert dbg.wait_for_halt(20000)
    assert [o[:2] for o in order] == [("debugger", bp.get_id()), ("breakpoint", bp.get_id())], order
    assert order[0][2] is not None and order[0][2] == order[1][2], order
    assert order[1][2].get_machine() == 2, order[1][2].get_machine()
    dbg.remove_breakpoint(bp)
    dbg.go_sync(None)
    assert dbg.get_state() == Hyperscope.DebuggerState.RUNNING
finally:
    report = dbg.detach_sync(None)
    print(report, file=sys.stderr)
assert "the target runs" in report, report

# A debugger dropped while attached, with a halt's signals still queued: it detaches itself,
# and no handler runs on it while it goes.
late, dropping = [], []
dbg2 = Hyperscope.Debugger()
dbg2.connect("halted", lambda d, core, bp: dropping and late.append("halted"))
dbg2.connect("resumed", lambda d: dropping and late.append("resumed"))
dbg2.connect("detached", lambda d, why: dropping and late.append("detached"))
assert dbg2.attach_sync(location, None)
assert dbg2.halt_sync(None)
dropping.append(True)
del dbg2
assert late == [], late
dbg3 = Hyperscope.Debugger()
assert dbg3.attach_sync(location, None)
assert dbg3.get_state() == Hyperscope.DebuggerState.RUNNING, dbg3.get_state()
# A halted handler that steps, then detaches: the step's halt, still to be signalled when
# the connection closes, is dropped; nothing is signalled after "detached".
events = []

def step_then_detach(d, core, bp):
    events.append("halted")
    if events.count("halted") == 1:
        d.step_sync(core.get_index(), None)
        d.detach_sync(None)


dbg3.connect("halted", step_then_detach)
dbg3.connect("detached", lambda d, why: events.append("detached"))
assert dbg3.halt_sync(None)
dbg3.wait(500)
assert events == ["halted", "detached"], events
assert dbg3.get_state() == Hyperscope.DebuggerState.DETACHED
dbg3 = Hyperscope.Debugger()
assert dbg3.attach_sync(location, None)
assert dbg3.get_state() == Hyperscope.DebuggerState.RUNNING, dbg3.get_state()
assert "the target runs" in dbg3.detach_sync(None)
print("ok")
