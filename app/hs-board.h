/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-board.h: the demo board (QEMU + Xen + two Linux guests), built and
 * booted by data/board/hyperscope-board.
 *
 * Starting reports the script's progress lines ("[3/7] download ...") as
 * they come, then waits until both guests print their ready markers on
 * the serial log. Stopping (or dropping the last reference, or our own
 * death) ends QEMU.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HS_TYPE_BOARD (hs_board_get_type ())
G_DECLARE_FINAL_TYPE (HsBoard, hs_board, HS, BOARD, GObject)

HsBoard    *hs_board_new               (void);
const char *hs_board_get_script        (HsBoard              *self);
/* N more tasks in each guest (hyperscope-board run --tasks N, at most 4000; 0, the
 * default, is the plain board).  Call before starting. */
void        hs_board_set_extra_tasks   (HsBoard              *self,
                                        guint                 n);
void        hs_board_set_kaslr         (HsBoard              *self,
                                        gboolean              kaslr);
void        hs_board_start_async       (HsBoard              *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean    hs_board_start_finish      (HsBoard              *self,
                                        GAsyncResult         *result,
                                        GError              **error);
void        hs_board_stop              (HsBoard              *self);
gboolean    hs_board_is_running        (HsBoard              *self);
/* QEMU's process id while it runs, else 0 (tests kill it to play a crash). */
GPid        hs_board_get_pid           (HsBoard              *self);
guint16     hs_board_get_gdb_port      (HsBoard              *self);
const char *hs_board_get_serial_path   (HsBoard              *self);
char       *hs_board_read_serial       (HsBoard              *self);
/* Keys of "hyperscope-board paths": xen, xen_syms, vmlinux, ... */
char       *hs_board_get_path          (HsBoard              *self,
                                        const char           *key,
                                        GError              **error);
const char *hs_board_get_last_progress (HsBoard              *self);
/* The demo's session script (symbols per machine), written by the board's build. */
char       *hs_board_get_session_script (HsBoard             *self);

gboolean    hs_board_parse_progress    (const char           *line,
                                        guint                *step,
                                        guint                *total);

G_END_DECLS
