/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-task-breakpoint-dialog.h: "Set breakpoint for this task…": asks for a
 * function (offering the task's machine's functions as one types) or any
 * address form, and gives back the Break.Set command that stops only that
 * task (::set-requested). Closes itself either way.
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_TASK_BREAKPOINT_DIALOG (hs_task_breakpoint_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HsTaskBreakpointDialog, hs_task_breakpoint_dialog, HS,
                      TASK_BREAKPOINT_DIALOG, GtkWindow)

GtkWidget *hs_task_breakpoint_dialog_new (HsEngine  *engine,
                                          HsTask    *task,
                                          GtkWindow *parent);
HsTask    *hs_task_breakpoint_dialog_get_task (HsTaskBreakpointDialog *self);

G_END_DECLS
