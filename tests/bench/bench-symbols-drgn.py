# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-symbols-drgn.py VMLINUX: drgn's side of bench-symbols.sh. Loads the DWARF of VMLINUX
# as an AArch64 program (drgn indexes it on all cores) and asks for struct task_struct, as
# Hyperscope's first awareness query does. Prints "drgn-total <seconds>" (both steps, not
# counting Python's start-up and the import) and "drgn-load <seconds>". Exits 77 when drgn
# cannot be imported: run it with Debian's /usr/bin/python3 (python3-drgn).
import sys
import time

try:
    import drgn
except ImportError:
    print("drgn is not importable by", sys.executable)
    sys.exit(77)

start = time.monotonic()
platform = drgn.Platform(
    drgn.Architecture.AARCH64,
    drgn.PlatformFlags.IS_64_BIT | drgn.PlatformFlags.IS_LITTLE_ENDIAN,
)
prog = drgn.Program(platform)
prog.load_debug_info([sys.argv[1]])
loaded = time.monotonic()
task_struct = prog.type("struct task_struct")
done = time.monotonic()
print("sizeof (struct task_struct) =", task_struct.size)
print("drgn-load %.4f" % (loaded - start))
print("drgn-total %.4f" % (done - start))
