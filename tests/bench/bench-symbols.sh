#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-symbols.sh BENCH-SYMBOLS [VMLINUX]: Hyperscope's symbols layer against gdb on the
# board's vmlinux. Times load + DWARF index + the first awareness query (bench-symbols), then
# gdb-multiarch -batch -ex 'ptype struct task_struct' on the same file, both under
# /usr/bin/time (wall time and peak RSS), and prints the ratio. Exits 77 (skipped) when the
# board has not been built.
set -eu

bench=$1
vmlinux=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/hyperscope/board/out/vmlinux}

if [ ! -f "$vmlinux" ]; then
  echo "$vmlinux is absent: build the board first (hyperscope-board build)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Read the file once so that neither side pays for the first trip to the disk.
cat "$vmlinux" > /dev/null

echo "== Hyperscope: load + index + first awareness query"
/usr/bin/time -f '%e s %M KB' -o "$tmp/hs" "$bench" "$vmlinux"
echo "   wall time, peak RSS: $(cat "$tmp/hs")"

echo
echo "== gdb-multiarch -batch -ex 'ptype struct task_struct' $(basename "$vmlinux")"
if command -v gdb-multiarch > /dev/null; then
  /usr/bin/time -f '%e s %M KB' -o "$tmp/gdb" \
    gdb-multiarch -nx -batch -ex 'ptype struct task_struct' "$vmlinux" > "$tmp/gdb.out" 2>&1
  echo "   $(grep -c ';' "$tmp/gdb.out") lines of ptype"
  echo "   wall time, peak RSS: $(cat "$tmp/gdb")"
  echo
  awk -v hs="$(cat "$tmp/hs")" -v gdb="$(cat "$tmp/gdb")" 'BEGIN {
    split (hs, h, " "); split (gdb, g, " ");
    printf "== ratio: Hyperscope takes %.1f%% of gdb'"'"'s time (%.1fx faster) and %.1f%% of its peak RSS\n",
           100 * h[1] / g[1], g[1] / h[1], 100 * h[3] / g[3];
  }'
else
  echo "   gdb-multiarch is not installed: no comparison"
fi
