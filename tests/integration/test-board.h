/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board.h: what the board tests share: the one board a binary boots and the engine
 * attached to it (board-fixture.c), and the helpers test-board.c defines.
 */
#pragma once

#include "hs-board.h"
#include "hs-engine.h"
#include "hs-interp.h"
#include "hs-probe-gdb.h"

#define WAIT_S 60

extern HsBoard *board;
extern HsEngine *engine;
extern HsInterp *interp;
extern HsProbeGdb *gdb_probe;       /* the one the engine attached with */

/* board-fixture.c: boots the board (randomised guest kernels with @kaslr), attaches. */
gboolean board_fixture_boot  (gboolean     kaslr);
/* Detaches (the board runs on without breakpoints) and stops the board. */
void     board_fixture_stop  (void);

char    *run                 (const char  *line,
                              GError     **error);
char    *run_ok              (const char  *line);
char    *board_path          (const char  *key);

/* test-board.c */
void     ensure_halted       (void);
void     ensure_tasks        (void);
guint64  reg                 (guint        core,
                              const char  *name);
/* @length bytes at @address through the engine; fails the test if the read itself fails. */
HsMemoryRead *read_mem       (const HsAddress *address,
                              gsize            length);
/* The guest machine with VMID @vmid, or 0. */
guint    machine_of_vmid     (guint        vmid);
guint64  read_quad           (HsAccessClass access,
                              guint         machine,
                              guint64       address);
/* Data.Set @where @format @value through the command line. */
void     set_bytes           (const char  *where,
                              const char  *format,
                              guint64      value);

/* test-board-breakpoints.c: breakpoints, run control in a task, breakpoints across attaches. */
void     test_board_add_breakpoint_tests (void);
/* Runs until the breakpoint on machine 2's hrtimer_nanosleep stops it there, then deletes it. */
void     go_until_machine2_sleeps (void);

/* test-board-hostile.c: a guest corrupted through the probe, and mended. */
void     test_board_add_hostile_tests (void);

/* test-board-logs.c: the kernel logs (TASK.DMESG), before and after the symbols are loaded. */
void     test_board_add_log_tests_before_symbols (void);
void     test_board_add_log_tests (void);

/* test-board-vars.c: Var.view and Var.set on the guests' kernels. */
void     test_board_add_var_tests (void);
/* test-board-modules.c: kernel modules, their symbols and the kernels' KASLR slides. */
void     test_board_add_module_tests (void);

/* test-board-locals.c: Frame.view /Locals at a breakpoint, in a sleeping task, in Xen. */
void     test_board_add_locals_tests (void);
