# SPDX-License-Identifier: GPL-3.0-or-later
"""hyperscope_env: import Hyperscope from an installed typelib, or else from the build tree.

    from hyperscope_env import Hyperscope, GLib

Installed (libhyperscope-0 and Hyperscope-0.typelib under the system's prefix), this is
plain `gi.require_version("Hyperscope", "0")`. In the source tree, after `./scripts/test`
or `./scripts/demo` built it, the build directory (`build/`, or $HYPERSCOPE_BUILD_DIR)
is put first on GObject Introspection's typelib and library search paths. Python's own
`gi` comes from Debian's python3-gi: an interpreter without it (a pyenv or venv python)
is swapped for /usr/bin/python3, which has it.
"""
import os
import sys

_top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import gi
except ImportError:
    # `python3` may be another interpreter than Debian's (pyenv, a venv without
    # --system-site-packages); Debian's has python3-gi.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
            and not os.environ.get("HYPERSCOPE_NO_REEXEC"):
        os.environ["HYPERSCOPE_NO_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("hyperscope_env: no Python GObject Introspection (install python3-gi)")

gi.require_version("GIRepository", "2.0")
from gi.repository import GIRepository  # noqa: E402


def build_dir():
    """The build directory whose library scripts load, or None when the installed one is used."""
    build = os.environ.get("HYPERSCOPE_BUILD_DIR") or os.path.join(_top, "build")
    api = os.path.join(build, "engine", "api")
    return api if os.path.exists(os.path.join(api, "Hyperscope-0.typelib")) else None


_api = build_dir()
if _api is not None:
    # The build tree wins over an installed copy: scripts in the tree run what was just built.
    GIRepository.Repository.prepend_search_path(_api)
    GIRepository.Repository.prepend_library_path(_api)
    # help() shows the documentation of the .gir (gi/overrides/Hyperscope.py).
    import gi.overrides  # noqa: E402
    _overrides = os.path.join(_top, "engine", "api", "python", "gi", "overrides")
    if _overrides not in gi.overrides.__path__:
        gi.overrides.__path__.insert(0, _overrides)
    os.environ.setdefault("HYPERSCOPE_GIR_DIR", _api)

try:
    gi.require_version("Hyperscope", "0")
except ValueError:
    sys.exit("hyperscope_env: no Hyperscope-0 typelib: build the tree first (./scripts/test or "
             "meson setup build && ninja -C build), or set HYPERSCOPE_BUILD_DIR")

from gi.repository import GLib, Hyperscope  # noqa: E402,F401



def running_boards():
    """The gdbstub locations of the demo boards running here (`hyperscope-board run
    --gdb-port PORT`: QEMU booting the board's Xen), newest first."""
    boards = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
            started = os.stat(f"/proc/{pid}").st_mtime
        except OSError:
            continue
        if not argv or not os.path.basename(argv[0]).startswith("qemu-system-aarch64"):
            continue
        kernel = argv[argv.index("-kernel") + 1] if "-kernel" in argv[:-1] else ""
        gdb = argv[argv.index("-gdb") + 1] if "-gdb" in argv[:-1] else ""
        if kernel.endswith("/hyperscope/board/out/xen") and gdb.startswith("tcp:"):
            boards.append((started, gdb[len("tcp:"):]))
    return [location for _, location in sorted(boards, reverse=True)]


def default_location():
    """HOST:PORT for scripts given none: the newest demo board running here, else the
    conventional 127.0.0.1:1234."""
    boards = running_boards()
    if len(boards) > 1:
        print(f"hyperscope_env: {len(boards)} boards run ({', '.join(boards)}); "
              f"using the newest, {boards[0]}", file=sys.stderr)
    return boards[0] if boards else "127.0.0.1:1234"


__all__ = ["GLib", "Hyperscope", "build_dir", "default_location", "running_boards"]
