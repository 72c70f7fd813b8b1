#!/usr/bin/env python3
"""Write a gzip-compressed "newc" cpio archive (a Linux initramfs) without root.

Why not `cpio`/`find`: a usable initramfs needs a /dev/console character
device, which only root can mknod on the host.  The newc format simply
*describes* the device node (mode + rdev), so we write the archive ourselves.

The input is a spec on stdin in the same line format as the kernel's
usr/gen_init_cpio, so it is familiar and easy to generate from bash:

    dir   <name> <mode> <uid> <gid>
    file  <name> <source-path> <mode> <uid> <gid>
    slink <name> <target> <mode> <uid> <gid>
    nod   <name> <mode> <uid> <gid> <c|b> <major> <minor>

Modes are octal.  Blank lines and lines starting with '#' are ignored.
All timestamps are 0 and inode numbers are assigned in order, so the same
inputs always give a byte-identical archive (which keeps the board's DTB,
which records the module size, stable across rebuilds).

Usage: mkcpio.py OUTPUT.cpio.gz < spec
"""
import gzip
import os
import stat
import sys


def _hdr(ino, mode, uid, gid, nlink, size, rmaj, rmin, name):
    """One newc header + NUL-terminated name, padded to a 4-byte boundary."""
    namez = name.encode() + b"\0"
    fields = (ino, mode, uid, gid, nlink, 0, size, 0, 0, rmaj, rmin, len(namez), 0)
    h = b"070701" + b"".join(b"%08X" % f for f in fields) + namez
    return h + b"\0" * (-len(h) % 4)


def build(spec_lines):
    out = bytearray()
    ino = 1
    for lineno, raw in enumerate(spec_lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split()
        kind, name = f[0], f[1].lstrip("/")  # archive names are relative
        data = b""
        rmaj = rmin = 0
        nlink = 1
        try:
            if kind == "dir":
                mode, uid, gid = stat.S_IFDIR | int(f[2], 8), int(f[3]), int(f[4])
                nlink = 2
            elif kind == "file":
                # the source path may contain spaces: it is everything
                # between the name and the last three fields
                src, m, u, g = line.split(None, 2)[2].rsplit(None, 3)
                with open(src, "rb") as fh:
                    data = fh.read()
                mode, uid, gid = stat.S_IFREG | int(m, 8), int(u), int(g)
            elif kind == "slink":
                data = f[2].encode()
                mode, uid, gid = stat.S_IFLNK | int(f[3], 8), int(f[4]), int(f[5])
            elif kind == "nod":
                typ = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[f[5]]
                mode, uid, gid = typ | int(f[2], 8), int(f[3]), int(f[4])
                rmaj, rmin = int(f[6]), int(f[7])
            else:
                raise ValueError("unknown entry type %r" % kind)
        except (IndexError, KeyError, ValueError, OSError) as e:
            sys.exit("mkcpio: spec line %d (%s): %s" % (lineno, line, e))
        out += _hdr(ino, mode, uid, gid, nlink, len(data), rmaj, rmin, name)
        out += data + b"\0" * (-len(data) % 4)
        ino += 1
    out += _hdr(0, 0, 0, 0, 1, 0, 0, 0, "TRAILER!!!")
    return bytes(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    dest = sys.argv[1]
    archive = gzip.compress(build(sys.stdin.readlines()), compresslevel=9, mtime=0)
    tmp = dest + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(archive)
    os.replace(tmp, dest)  # atomic: a half-written initramfs never looks "built"


if __name__ == "__main__":
    main()
