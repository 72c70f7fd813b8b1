/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-board.h"
#include "hs-context.h"
#include "hs-engine.h"
#include "hs-interp.h"

G_BEGIN_DECLS

#define HS_TYPE_WINDOW (hs_window_get_type ())
G_DECLARE_FINAL_TYPE (HsWindow, hs_window, HS, WINDOW, GtkApplicationWindow)

HsWindow  *hs_window_new               (GtkApplication *application,
                                        HsInterp       *interp);
HsEngine  *hs_window_get_engine        (HsWindow       *self);
HsInterp  *hs_window_get_interp        (HsWindow       *self);
/* The context every view follows: current core, task, the picked frame and its line. */
HsContext *hs_window_get_context       (HsWindow       *self);
/* Shows the board's build and boot progress in the banner. */
void       hs_window_watch_board       (HsWindow       *self,
                                        HsBoard        *board);
void       hs_window_show_message      (HsWindow       *self,
                                        const char     *text,
                                        gboolean        is_error);
/* Runs a session script through the command line, where the user sees it; a line of it that
 * fails does not stop the rest. */
void       hs_window_run_script        (HsWindow       *self,
                                        const char     *path);
/* Reopens the register windows and runs the session script the last window saved. */
void       hs_window_restore_session   (HsWindow       *self);
GtkWidget *hs_window_get_register_view (HsWindow       *self);
GtkWidget *hs_window_get_command_line  (HsWindow       *self);
GtkWidget *hs_window_get_core_list     (HsWindow       *self);
GtkWidget *hs_window_get_guest_list    (HsWindow       *self);
GtkWidget *hs_window_get_task_list     (HsWindow       *self);
GtkWidget *hs_window_get_memory_view   (HsWindow       *self);
GtkWidget *hs_window_get_frame_view    (HsWindow       *self);
GtkWidget *hs_window_get_source_view   (HsWindow       *self);
GtkWidget *hs_window_get_disasm_view   (HsWindow       *self);
/* The kernel log of the machine in view (an HsLogView). */
GtkWidget *hs_window_get_log_view      (HsWindow       *self);
/* The breakpoint list (an HsBreakpointView over the engine's breakpoints). */
GtkWidget *hs_window_get_breakpoint_list (HsWindow     *self);
/* A machine's register window (machine 0: pCPUs and EL2; a guest: its vCPUs and EL1), opened
 * or raised; @unit -1 keeps the pCPU/vCPU it shows. */
GtkWindow *hs_window_open_register_window (HsWindow    *self,
                                           guint        machine,
                                           gint         unit);
GtkWindow *hs_window_get_register_window (HsWindow     *self,
                                          guint         machine);
GArray    *hs_window_get_register_window_machines (HsWindow *self);
/* "Set breakpoint for this task…": asks for a function or address, then runs Break.Set with
 * the task's machine and pid. */
GtkWindow *hs_window_ask_task_breakpoint (HsWindow     *self,
                                          HsTask       *task);

G_END_DECLS
