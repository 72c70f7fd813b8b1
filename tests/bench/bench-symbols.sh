#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-symbols.sh BENCH-SYMBOLS [VMLINUX]: Hyperscope's symbols layer against drgn and gdb on
# the board's vmlinux, in one run:
#
#   1. Hyperscope's first load: load + DWARF index + the first awareness query (bench-symbols),
#      with the on-disk index cache off;
#   2. drgn: load_debug_info + prog.type('struct task_struct') (bench-symbols-drgn.py, with
#      Debian's /usr/bin/python3; skipped when drgn cannot be imported);
#   3. Hyperscope's second load, with the index cache written by a previous run present;
#   4. gdb-multiarch -batch -ex 'ptype struct task_struct', as before.
#
# 1 and 2 alternate, three rounds, and the best of each counts: the machine is shared, and the
# best run is the one least disturbed. Times are measured inside each program (bench-symbols'
# "total", drgn's own clock after the import), so Python's start-up does not count against
# drgn. The cache lives in a private temporary directory, so earlier runs do not matter.
# Prints RESULT lines:
#   RESULT symbols_vs_drgn <ratio> x     our first load / drgn's time (lower is better)
#   RESULT symbols_reopen_s <seconds> s  our second load
# Exits 77 (skipped) when the board has not been built.
set -eu

bench=$1
vmlinux=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/hyperscope/board/out/vmlinux}
here=$(dirname "$0")
rounds=3

if [ ! -f "$vmlinux" ]; then
  echo "$vmlinux is absent: build the board first (hyperscope-board build)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
HYPERSCOPE_INDEX_CACHE_DIR=$tmp/index-cache
export HYPERSCOPE_INDEX_CACHE_DIR
unset HYPERSCOPE_NO_INDEX_CACHE || true

# The smaller of two numbers (awk: sh has no floating point).
min() {
  if [ -z "$1" ]; then echo "$2"; else awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? a : b }'; fi
}

# Read the file once so that no side pays for the first trip to the disk.
cat "$vmlinux" > /dev/null

have_drgn=no
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import drgn' > /dev/null 2>&1; then
  have_drgn=yes
fi

hs_best=
drgn_best=
for round in $(seq $rounds); do
  HYPERSCOPE_NO_INDEX_CACHE=1 /usr/bin/time -f '%e s %M KB' -o "$tmp/hs.time" \
    "$bench" "$vmlinux" > "$tmp/hs.out"
  hs=$(awk '$1 == "hs-total" { print $2 }' "$tmp/hs.out")
  hs_best=$(min "$hs_best" "$hs")
  echo "round $round: Hyperscope first load $hs s (process: $(cat "$tmp/hs.time"))"
  if [ $have_drgn = yes ]; then
    /usr/bin/time -f '%e s %M KB' -o "$tmp/drgn.time" \
      /usr/bin/python3 "$here/bench-symbols-drgn.py" "$vmlinux" > "$tmp/drgn.out"
    drgn=$(awk '$1 == "drgn-total" { print $2 }' "$tmp/drgn.out")
    drgn_best=$(min "$drgn_best" "$drgn")
    echo "round $round: drgn                  $drgn s (process, with Python's start-up:" \
      "$(cat "$tmp/drgn.time"))"
  fi
done

echo
echo "== Hyperscope: load + index + first awareness query, no index cache (last run)"
sed -n '/^phases:/,$p' "$tmp/hs.out" | grep -v '^hs-total'

echo
if [ $have_drgn = yes ]; then
  echo "== drgn $(/usr/bin/python3 -c 'import drgn; print(drgn.__version__)'):" \
    "load_debug_info + prog.type('struct task_struct'), best of $rounds: $drgn_best s"
  echo "== Hyperscope, best of $rounds: $hs_best s"
  awk -v hs="$hs_best" -v drgn="$drgn_best" \
    'BEGIN { printf "RESULT symbols_vs_drgn %.2f x\n", hs / drgn }'
else
  echo "== drgn is not importable by /usr/bin/python3 (python3-drgn): no comparison"
fi

# The second load: one run writes the cache, then the best of three that read it.
echo
"$bench" "$vmlinux" > /dev/null
reopen_best=
for round in $(seq $rounds); do
  "$bench" "$vmlinux" > "$tmp/reopen.out"
  if ! grep -q 'from the index cache' "$tmp/reopen.out"; then
    echo "the second load did not use the index cache:"
    grep 'DWARF name index' "$tmp/reopen.out"
    exit 1
  fi
  reopen=$(awk '$1 == "hs-total" { print $2 }' "$tmp/reopen.out")
  reopen_best=$(min "$reopen_best" "$reopen")
done
echo "== Hyperscope: second load (index cache present), best of $rounds"
sed -n '/^phases:/,/total/p' "$tmp/reopen.out"
echo "RESULT symbols_reopen_s $reopen_best s"

echo
echo "== gdb-multiarch -batch -ex 'ptype struct task_struct' $(basename "$vmlinux")"
if command -v gdb-multiarch > /dev/null; then
  /usr/bin/time -f '%e s %M KB' -o "$tmp/gdb" \
    gdb-multiarch -nx -batch -ex 'ptype struct task_struct' "$vmlinux" > "$tmp/gdb.out" 2>&1
  echo "   $(grep -c ';' "$tmp/gdb.out") lines of ptype"
  echo "   wall time, peak RSS: $(cat "$tmp/gdb")"
  echo
  awk -v hs="$(cat "$tmp/hs.time")" -v gdb="$(cat "$tmp/gdb")" 'BEGIN {
    split (hs, h, " "); split (gdb, g, " ");
    printf "== ratio: Hyperscope (first load, last run) takes %.1f%% of gdb'"'"'s time (%.1fx faster) and %.1f%% of its peak RSS\n",
           100 * h[1] / g[1], g[1] / h[1], 100 * h[3] / g[3];
  }'
else
  echo "   gdb-multiarch is not installed: no comparison"
fi
