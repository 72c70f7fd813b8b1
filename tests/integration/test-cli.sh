#!/usr/bin/env bash
# The headless commands exactly as the issues' checks type them, on a freshly booted demo board.
set -euo pipefail
hyperscope=${1:?usage: test-cli.sh path/to/hyperscope}
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

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

# A failing command: non-zero exit, the error on stderr, nothing half-done on stdout.
if "$hyperscope" -c 'PRINT 1' -c 'Regster.view' >"$out" 2>"$err"; then
  fail "a bad command exited 0"
fi
grep -q 'did you mean Register.view' "$err" || fail "no suggestion for a typo"
grep -qx '0x1' "$out" || fail "the command before the failure did not run"

# A refused connection is an error, not a hang.
if timeout 20 "$hyperscope" --attach 127.0.0.1:1 -c Break >"$out" 2>"$err"; then
  fail "attaching to a closed port exited 0"
fi
grep -q 'cannot connect to the gdbstub at 127.0.0.1:1' "$err" || fail "no clear error for a refused connection"
echo "ok"
