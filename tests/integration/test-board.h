/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board.h: what the board tests in several files share: the one board the binary boots,
 * the engine attached to it, and the helpers test-board.c defines.
 */
#pragma once

#include "hs-board.h"
#include "hs-engine.h"
#include "hs-interp.h"

#define WAIT_S 60

extern HsBoard *board;
extern HsEngine *engine;
extern HsInterp *interp;

char    *run                 (const char  *line,
                              GError     **error);
char    *run_ok              (const char  *line);
void     ensure_halted       (void);
void     ensure_tasks        (void);
guint64  reg                 (guint        core,
                              const char  *name);
char    *board_path          (const char  *key);
guint64  read_quad           (HsAccessClass access,
                              guint         machine,
                              guint64       address);
/* Data.Set @where @format @value through the command line. */
void     set_bytes           (const char  *where,
                              const char  *format,
                              guint64      value);

/* test-board-modules.c: kernel modules, their symbols and the kernels' KASLR slides. */
void     test_board_add_module_tests (void);
