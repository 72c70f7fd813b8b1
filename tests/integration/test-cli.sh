#!/usr/bin/env bash
# The headless commands exactly as the issues' checks type them, on a freshly booted demo board.
set -euo pipefail
hyperscope=${1:?usage: test-cli.sh path/to/hyperscope}
board=$(cd "$(dirname "$0")/../.." && pwd)/data/board/hyperscope-board
out=$(mktemp) err=$(mktemp) serial=$(mktemp) pause=$(mktemp --suffix=.cmm)
qemu_pid=""
cleanup() { [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null; rm -f "$out" "$err" "$serial" "$pause"; }
trap cleanup EXIT

fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$out"; echo "--- stderr"; tail -20 "$err"; exit 1; }

"$hyperscope" --demo -c Break -c 'Register.view /CORE 0' \
  -c 'Data.dump 2:::linux_banner /Length 0x40' -c 'MMU.Translate 1:::init_task' \
  -c 'MACHINE.List' >"$out" 2>"$err" || fail "hyperscope exited with $?"

grep -q '^VTTBR_EL2  *0x[0-9a-f]\{16\}.*VMID' "$out" || fail "Register.view shows no VTTBR_EL2"
grep -q '^SCTLR  ' "$out" || fail "Register.view shows no SCTLR"
grep -q '2:::0xffff.*Linux version 6\.' "$out" || fail "no banner from machine 2"
grep -q 'stage 1: VA  0xffff' "$out" || fail "MMU.Translate shows no stage 1"
grep -q 'stage 2: IPA 0x' "$out" || fail "MMU.Translate shows no stage 2"
grep -q 'result: A:0x' "$out" || fail "MMU.Translate shows no physical address"
grep -q '^ *2  linux2 ' "$out" || fail "MACHINE.List does not list linux2"
# The session script's chatter goes to stderr, not between the user's results.
! grep -q '^vmlinux (' "$out" || fail "the session script's output is on stdout"

# Issue 6's check: a breakpoint for machine 2, set while the board runs, stops in machine 2 only.
"$hyperscope" --demo -c 'Break.Set 2:::hrtimer_nanosleep /MACHINE 2' -c Go \
  -c 'WAIT !STATE.RUN() 20.s' -c 'Frame.view' -c 'Break.List' >"$out" 2>"$err" \
  || fail "the machine breakpoint run exited with $?"
grep -q '^stopped at 2:::0xffff[0-9a-f]* hrtimer_nanosleep .*machine 2 (linux2), core [0-9], breakpoint 1$' \
  "$out" || fail "no stop report in machine 2"
grep -q '^#0  2:::0xffff[0-9a-f]* hrtimer_nanosleep+0x0 ' "$out" || fail "Frame.view is not at the breakpoint"
grep -q '^#1  2:::0xffff[0-9a-f]* common_nsleep+0x' "$out" || fail "Frame.view has no caller"

# Issue 16's check: the setup script on the demo board (its session bound the symbols) counts
# machine 2's tasks in a WHILE over TASK.FIRST()/TASK.NEXT(): as many as TASK.List /MACHINE 2
# lists at that halt.
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
"$hyperscope" --demo --batch "$examples/demo-setup.cmm" -c 'TASK.List /MACHINE 2' \
  -c 'PRINT "var " Var.VALUE(2:::init_task.pid) " " Var.STRing(2:::init_task.comm) " " Var.SIZEOF(2:::init_task.comm)' \
  -c 'PRINT "var " Var.VALUE(2:::init_task.comm[1])==0x77 " " Var.EXIST(2:::init_task.nosuch) " " Var.EXIST(2:::jiffies)' \
  -c 'PRINT "var " Var.ADDRESS(2:::init_task.comm)-Var.ADDRESS(2:::init_task)==Var.VALUE(2:::&((struct task_struct *)0)->comm)' \
  -c 'Data.dump 2:::init_task /Length 0x10' -c 'PRINT "init_task at " Var.ADDRESS(2:::init_task)' \
  -c 'Data.dump 2:::Var.ADDRESS(init_task.comm) /Length Var.SIZEOF(2:::init_task.comm)' \
  -c 'Break.Set Var.ADDRESS(hrtimer_nanosleep) /MACHINE 2' \
  >"$out" 2>"$err" || fail "demo-setup.cmm exited with $?"
# Var.*(): C expressions over a guest's debug information, in PRINT.
grep -qx 'var 0x0 swapper/0 0x10' "$out" || fail "Var.VALUE/STRing/SIZEOF of machine 2's init_task"
grep -qx 'var TRUE() FALSE() TRUE()' "$out" || fail "Var.VALUE of a member's element, or Var.EXIST"
grep -qx 'var TRUE()' "$out" || fail "Var.ADDRESS does not agree with offsetof"
at=$(sed -n 's/^init_task at \(0x[0-9a-f]*\)$/\1/p' "$out")
[ -n "$at" ] && grep -qi "^2:::0x0*${at#0x} " "$out" || fail "Var.ADDRESS(2:::init_task) is not where Data.dump finds it"
# A command's own arguments read the target too (before it runs), in the machine it uses.
grep -q '^breakpoint   1 on  program  2:::0x0::0xffff[0-9a-f]*  hrtimer_nanosleep  \[machine 2, any task\]' \
  "$out" || fail "Break.Set Var.ADDRESS(hrtimer_nanosleep) /MACHINE 2 did not set it in machine 2"
grep -q '^2:::0xffff[0-9a-f]*  73 77 61 70 70 65 72 2f  30 00 .*swapper/0' "$out" \
  || fail "Data.dump 2:::Var.ADDRESS(init_task.comm) does not show swapper/0"
counted=$(sed -n 's/^machine 2: Linux version 6\.[^,]*, \([0-9]*\) tasks$/\1/p' "$out")
# A row starts with '*' when its task runs on a core at the halt.
listed=$(grep -Ec '^[ *] 2 linux2 ' "$out" || true)
[ -n "$counted" ] && [ "$counted" -gt 10 ] || fail "demo-setup.cmm printed no task count for machine 2"
[ "$counted" = "$listed" ] || fail "demo-setup.cmm counted $counted tasks in machine 2, TASK.List lists $listed"
grep -q '^machine 1: Linux version 6\.[^,]*, [0-9]* tasks$' "$out" || fail "demo-setup.cmm says nothing of machine 1"
grep -q '^machine 0: symbols already bound$' "$out" || fail "demo-setup.cmm bound Xen's symbols again"

# A failing command: non-zero exit, the error on stderr, nothing half-done on stdout.
if "$hyperscope" -c 'PRINT 1' -c 'Regster.view' >"$out" 2>"$err"; then
  fail "a bad command exited 0"
fi
grep -q 'did you mean Register.view' "$err" || fail "no suggestion for a typo"
grep -qx '0x1' "$out" || fail "the command before the failure did not run"

# A script left at a STOP with nothing after it to resume it: said so, and the rest not run.
printf '%s\n' 'PRINT "one"' 'STOP' 'PRINT "two"' >"$pause"
"$hyperscope" --batch "$pause" >"$out" 2>"$err" || fail "a script left at its STOP exited with $?"
grep -qx 'one' "$out" && ! grep -q 'two' "$out" || fail "a script ran past its STOP"
grep -q "$pause stopped at line 2 and was not resumed" "$err" || fail "no word that the stopped script was not resumed"

# A refused connection is an error, not a hang.
if timeout 20 "$hyperscope" --attach 127.0.0.1:1 -c Break >"$out" 2>"$err"; then
  fail "attaching to a closed port exited 0"
fi
grep -q 'cannot connect to the gdbstub at 127.0.0.1:1' "$err" || fail "no clear error for a refused connection"
# Issue 10: a board started by hand, attached to and left the way a debugger should leave it.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$board" run --gdb-port "$port" --serial "$serial" >/dev/null 2>&1 &
qemu_pid=$!
for _ in $(seq 600); do
  [ "$(grep -c 'HYPERSCOPE-READY' "$serial" 2>/dev/null)" -ge 2 ] && break
  sleep 0.1
done
[ "$(grep -c 'HYPERSCOPE-READY' "$serial" || true)" -ge 2 ] || fail "the hand-started board did not boot"
ticks() { grep -ac '_ticker: tick' "$serial" || true; }
# The guests' tickers print every 10 s while the board runs: a new line within 15 s says so.
assert_runs() {
  local before=$1 what=$2
  for _ in $(seq 150); do
    [ "$(ticks)" -gt "$before" ] && return 0
    sleep 0.1
  done
  fail "the board is not running after $what (no new ticker line in 15 s)"
}
attach=(timeout 60 "$hyperscope" --attach "127.0.0.1:$port" --no-session)

before=$(ticks)
"${attach[@]}" -c Break -c 'PRINT STATE.RUN()' >"$out" 2>"$err" || fail "Break + PRINT exited with $?"
grep -q 'detached from gdbstub 127.0.0.1:[0-9]*; the target runs' "$err" || fail "quitting did not say it left the board running"
assert_runs "$before" "quitting a halted session"

before=$(ticks)
"${attach[@]}" -c Break -c Go >"$out" 2>"$err" || fail "Break + Go exited with $?"
assert_runs "$before" "quitting a running session"

# Symbols loaded while halted: the guest's tasks are read then and there.
vmlinux=$("$board" paths | sed -n 's/^vmlinux=//p')
"${attach[@]}" -c Break -c "Data.LOAD.Elf $vmlinux 1:::0 /NoCODE" -c 'TASK.List /MACHINE 1' \
  >"$out" 2>"$err" || fail "Break + Data.LOAD.Elf + TASK.List exited with $?"
grep -q ' linux1_ticker ' "$out" || fail "TASK.List /MACHINE 1 has no linux1_ticker after loading vmlinux while halted"
grep -Eq '^[ *] +1 [^ ]+ +1 +1 +1  init ' "$out" || fail "TASK.List /MACHINE 1 has no init"

# A script paused by STOP on the halted board: what is typed meanwhile sees its macros and
# the board, CONTinue runs it on (its Go), and the board runs after it.
printf '%s\n' 'Break' '&pc=Register(PC)' 'STOP' 'PRINT "resumed, the board halted at " &pc' 'Go' \
  >"$pause"
before=$(ticks)
"${attach[@]}" --batch "$pause" -c 'PRINT "paused at " &pc' -c 'PRINT STATE.RUN()' \
  -c CONTinue -c 'PRINT STATE.RUN()' >"$out" 2>"$err" || fail "the STOP/CONTinue script exited with $?"
grep -q "^STOP at $pause:3: CONTinue resumes the script" "$out" || fail "STOP did not say where it paused"
pc=$(sed -n 's/^paused at \(0x[0-9a-f]*\)$/\1/p' "$out")
[ -n "$pc" ] || fail "a line typed while the script was stopped did not see its &pc"
grep -qx "resumed, the board halted at $pc" "$out" || fail "CONTinue did not run the script on with its macros"
[ "$(grep -cx 'FALSE()' "$out")" = 1 ] && [ "$(grep -cx 'TRUE()' "$out")" = 1 ] \
  || fail "the board was not halted while the script was stopped, and running after it"
assert_runs "$before" "a script resumed with CONTinue"

# Issue 16: the regression check binds the symbols itself here (no session: it runs
# demo-setup.cmm, which loads them), exits 0 when the board is as it should be, and the board
# runs after it.
before=$(ticks)
"${attach[@]}" --batch "$examples/check-tasks.cmm" >"$out" 2>"$err" \
  || fail "check-tasks.cmm failed on a good board (exit $?)"
grep -q '^all checks passed$' "$out" || fail "check-tasks.cmm did not say it passed"
grep -q '^machine 2: host linux2$' "$out" || fail "check-tasks.cmm did not read machine 2's host name with Var.STRing()"
grep -q '^machine 2: Linux version 6\.[^,]*, [0-9]* tasks$' "$out" || fail "check-tasks.cmm did not run demo-setup.cmm to bind the symbols"
assert_runs "$before" "the regression check"
# ... and exit 1, naming what failed, when a check fails (a third guest that is not there).
status=0
"${attach[@]}" --batch "$examples/check-tasks.cmm" 3 >"$out" 2>"$err" || status=$?
[ "$status" = 1 ] || fail "check-tasks.cmm 3 exited $status, not 1"
grep -q '^error: machine 3: 0 tasks, fewer than ' "$out" || fail "check-tasks.cmm 3 does not say what failed"

kill "$qemu_pid" && wait "$qemu_pid" 2>/dev/null || true
qemu_pid=""

# The guest kernel's own source, in a mixed listing.
"$hyperscope" --demo -c 'Break.Set 1:::hrtimer_nanosleep /MACHINE 1' -c Go \
  -c 'WAIT !STATE.RUN() 20.s' -c 'Data.List 1:::hrtimer_nanosleep /Mix' >"$out" 2>"$err" \
  || fail "the mixed listing run exited with $?"
grep -q '^ *hrtimer\.c:[0-9]*  long hrtimer_nanosleep(ktime_t rqtp, ' "$out" || fail "Data.List /Mix shows no source line of the guest kernel"
grep -q '^1:::0xffff[0-9a-f]*  hrtimer_nanosleep  ' "$out" || fail "Data.List /Mix shows no instructions"

# A path that does not exist is a missing file, not an option.
if "$hyperscope" -c 'Data.LOAD.Elf /no/such/file 1:::0 /NoCODE' >"$out" 2>"$err"; then
  fail "loading a missing file exited 0"
fi
grep -q 'no such file: /no/such/file' "$err" || fail "a missing file is not named as one"
! grep -q 'option' "$err" || fail "a missing file is reported as an option"

# Killed (-9) while it writes its session: the file is the last whole session, never half of
# one. 3,000 breakpoints make each save ~120 KB; the saves run back to back.
session_dir=$(mktemp -d)
script="$session_dir/saves.cmm"
session="$session_dir/session.cmm"
for i in $(seq 1 3000); do printf 'Break.Set 0:::0x%x\n' $((0xffff000000010000 + 4 * i)); done >"$script"
for i in $(seq 1 400); do echo "SESSion.Save $session"; done >>"$script"
for round in 1 2 3 4 5 6 7 8; do
  "$hyperscope" --no-session --batch "$script" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -e "$session" ]; then
    n=$(grep -c '^Break.Set ' "$session" || true)
    [ "$n" = 3000 ] || { rm -rf "$session_dir"; fail "a session killed while saving holds $n of 3000 breakpoints (round $round)"; }
  fi
done
[ -e "$session" ] || { rm -rf "$session_dir"; fail "no session was saved in 8 rounds"; }
rm -rf "$session_dir"
echo "ok"
