#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-api.py: the scripting library (Hyperscope-0) from Python, without a target.

meson runs it with GI_TYPELIB_PATH and LD_LIBRARY_PATH on the build tree. It checks
what a script sees before it attaches: the objects, the command language, errors
(hostile addresses, unknown machines and tasks, a closed port) raised as GLib.Error
with messages that say what to do, never a crash, and the documentation in help().
"""
import pydoc
import socket
import time
import unittest

import gi

gi.require_version("Hyperscope", "0")
from gi.repository import GLib, Hyperscope  # noqa: E402


def closed_port():
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Objects(unittest.TestCase):
    def setUp(self):
        self.dbg = Hyperscope.Debugger()

    def test_new(self):
        self.assertEqual(self.dbg.get_state(), Hyperscope.DebuggerState.DETACHED)
        self.assertEqual(self.dbg.props.state, Hyperscope.DebuggerState.DETACHED)
        self.assertIsNone(self.dbg.get_target_name())
        self.assertIsInstance(Hyperscope.Debugger.new(), Hyperscope.Debugger)

    def test_models(self):
        machines = list(self.dbg.get_machines())
        # Machine 0, the hypervisor, is always there.
        self.assertEqual([m.get_id() for m in machines], [0])
        self.assertEqual(machines[0].get_kind(), Hyperscope.MachineKind.HYPERVISOR)
        self.assertEqual(len(machines[0].get_vcpus()), 0)
        self.assertIs(self.dbg.get_machine(0), machines[0])
        self.assertEqual(len(self.dbg.get_cores()), 0)
        self.assertIsNone(self.dbg.get_core(0))
        self.assertEqual(len(self.dbg.get_tasks()), 0)
        self.assertEqual(len(self.dbg.get_breakpoints()), 0)
        self.assertIsNone(self.dbg.get_current_task())
        self.assertEqual(Hyperscope.CoreState.to_string(Hyperscope.CoreState.HALTED), "halted")

    def test_commands(self):
        self.assertIn("TASK.List", self.dbg.run_command_sync("HELP", None))
        self.assertEqual(self.dbg.run_command_sync("PRINT 1+1", None).strip(), "0x2")
        with self.assertRaisesRegex(GLib.Error, "Regster.view.*did you mean Register.view"):
            self.dbg.run_command_sync("Regster.view", None)

    def test_evaluate(self):
        """Values as Python gets them: numbers, strings, booleans; errors raised."""
        self.assertEqual(self.dbg.evaluate_sync("0x10+2", None).unpack(), 18)
        self.assertEqual(self.dbg.evaluate_sync('STRing.UPpeR("abc")', None).unpack(), "ABC")
        self.assertIs(self.dbg.evaluate_sync("1==1", None).unpack(), True)
        self.assertEqual(self.dbg.evaluate_sync("10.ms", None).unpack(), 10000)
        with self.assertRaisesRegex(GLib.Error, "not attached"):
            self.dbg.evaluate_sync("Var.VALUE(init_task.pid)", None)
        with self.assertRaisesRegex(GLib.Error, "ends too early"):
            self.dbg.evaluate_sync("(1+", None)
        results = []
        self.dbg.evaluate("6*7", None, lambda d, res: results.append(d.evaluate_finish(res)))
        deadline = time.monotonic() + 10
        while not results and time.monotonic() < deadline:
            self.dbg.iterate(True)
        self.assertEqual(results[0].unpack(), 42)

    def test_command_async(self):
        """The asynchronous form, pumped with iterate() only."""
        results = []
        self.dbg.run_command("PRINT 6*7", None,
                             lambda d, res: results.append(d.run_command_finish(res)))
        deadline = time.monotonic() + 10
        while not results and time.monotonic() < deadline:
            self.dbg.iterate(True)
        self.assertEqual(results[0].strip(), "0x2a")

    def test_wait(self):
        t0 = time.monotonic()
        self.dbg.wait(50)
        self.assertGreaterEqual(time.monotonic() - t0, 0.045)
        self.assertIn(self.dbg.iterate(False), (True, False))


class Errors(unittest.TestCase):
    def setUp(self):
        self.dbg = Hyperscope.Debugger()

    def test_attach_closed_port(self):
        port = closed_port()
        with self.assertRaisesRegex(GLib.Error, f"cannot connect to the gdbstub at 127.0.0.1:{port}"):
            self.dbg.attach_sync(f"127.0.0.1:{port}", None)
        self.assertEqual(self.dbg.get_state(), Hyperscope.DebuggerState.DETACHED)

    def test_attach_closed_port_async(self):
        errors = []

        def done(dbg, result):
            try:
                dbg.attach_finish(result)
            except GLib.Error as e:
                errors.append(e.message)

        self.dbg.attach(f"127.0.0.1:{closed_port()}", None, done)
        deadline = time.monotonic() + 20
        while not errors and time.monotonic() < deadline:
            self.dbg.iterate(True)
        self.assertRegex(errors[0], "cannot connect to the gdbstub")

    def test_attach_malformed(self):
        for text in ("nonsense", "", "127.0.0.1:", ":99999999", "host:port:x"):
            with self.subTest(text=text), self.assertRaises(GLib.Error) as cm:
                self.dbg.attach_sync(text, None)
            self.assertTrue(cm.exception.message)

    def test_run_control_detached(self):
        for call in (lambda: self.dbg.go_sync(None), lambda: self.dbg.halt_sync(None),
                     lambda: self.dbg.step_sync(0, None)):
            with self.assertRaises(GLib.Error) as cm:
                call()
            self.assertIn("attach", cm.exception.message.lower())
        with self.assertRaisesRegex(GLib.Error, "not attached"):
            self.dbg.wait_for_halt(100)

    def test_bad_addresses(self):
        for text in ("2:::init_task", "zz:::1", "2:::0x1f3::", "0:::no_such_symbol", "A:",
                     "1:::(", "::::::", "A:0x10+", "\x7f"):
            with self.subTest(text=text), self.assertRaises(GLib.Error) as cm:
                self.dbg.read_memory_sync(text, 4, None)
            self.assertTrue(cm.exception.message)
            with self.subTest(text=text), self.assertRaises(GLib.Error):
                self.dbg.write_memory_sync(text, GLib.Bytes.new(b"\0"), None)
        with self.assertRaisesRegex(GLib.Error, "length of 1 or more"):
            self.dbg.read_memory_sync("A:0x40000000", 0, None)
        with self.assertRaisesRegex(GLib.Error, "below the top"):
            self.dbg.read_memory_sync("A:0xffffffffffffffff", 2, None)
        # A good address with no target: an error that says why.
        with self.assertRaises(GLib.Error):
            self.dbg.read_memory_sync("A:0x40000000", 4, None)

    def test_unknown_machine_and_task(self):
        with self.assertRaisesRegex(GLib.Error, "machine 7 does not exist"):
            self.dbg.get_machine(7)
        with self.assertRaisesRegex(GLib.Error, "machine 7 does not exist"):
            self.dbg.list_tasks(7)
        with self.assertRaisesRegex(GLib.Error, "machine 7 does not exist"):
            self.dbg.find_task(7, "init")
        with self.assertRaises(GLib.Error):
            self.dbg.find_task(0, "no_such_task")
        with self.assertRaisesRegex(GLib.Error, "machine 0 has no symbols"):
            self.dbg.lookup_symbol(0, "init_task")
        with self.assertRaisesRegex(GLib.Error, "machine 5 does not exist"):
            self.dbg.lookup_symbol(5, "init_task")
        self.assertIsNone(self.dbg.symbolize(0, 0x1000))
        self.assertIsNone(self.dbg.symbolize(9, 0x1000))
        with self.assertRaisesRegex(GLib.Error, "no core 0"):
            self.dbg.get_core_registers(0)

    def test_breakpoints(self):
        with self.assertRaisesRegex(GLib.Error, "machine 9 does not exist"):
            self.dbg.add_breakpoint("9:::0x1000", -1, None)
        with self.assertRaisesRegex(GLib.Error, "give a machine number"):
            self.dbg.add_breakpoint("0:::0x1000", -5, None)
        with self.assertRaises(GLib.Error):
            self.dbg.add_breakpoint("0:::no_such_function", -1, None)
        # Kept while detached, planted at the next attach.
        bp = self.dbg.add_breakpoint("0:::0x2000", 0, None)
        self.assertEqual(bp.get_location(), "0:::0x2000")
        self.assertEqual(bp.get_machine_scope(), 0)
        self.assertEqual(bp.get_task_pid(), -1)
        self.assertIsNone(bp.get_task_name())
        self.assertEqual(bp.get_hits(), 0)
        self.assertEqual(list(self.dbg.get_breakpoints()), [bp])
        self.dbg.remove_breakpoint(bp)
        self.assertEqual(len(self.dbg.get_breakpoints()), 0)


class Docs(unittest.TestCase):
    def test_help(self):
        text = pydoc.render_doc(Hyperscope.Debugger, renderer=pydoc.plaintext)
        for expected in ("The live debugger, for scripts", "breakpoint-hit",
                         "attach_sync", "Attaches to a GDB remote stub",
                         "wait_for_halt", "G_IO_ERROR_TIMED_OUT", "Raises GLib.Error"):
            self.assertIn(expected, text)
        self.assertIn("Returns: its pid", Hyperscope.Task.get_pid.__doc__)
        self.assertIn("pc", Hyperscope.Core.get_pc.__doc__)
        self.assertIn("hypervisor", Hyperscope.Machine.__doc__)


if __name__ == "__main__":
    unittest.main(verbosity=2)
