/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-context.h"
#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_LOG_VIEW (hs_log_view_get_type ())
G_DECLARE_FINAL_TYPE (HsLogView, hs_log_view, HS, LOG_VIEW, GtkWidget)

/* The kernel log of the machine in view (the context's machine: a guest's printk ring, or Xen's
 * console ring for machine 0), read again at every halt (coalesced, cancelled when the target
 * runs on, never on the GUI thread). Lines added since the previous halt are highlighted; the
 * view follows the end of the log while it is scrolled to the end, and stays where the user
 * put it otherwise.
 *
 * ::updated () is emitted each time a read has been shown (or has failed: see the status). */
GtkWidget     *hs_log_view_new            (HsEngine    *engine,
                                           HsContext   *context);
/* Shows @log as a read would: the lines it shares with the log shown stay where they are. */
void           hs_log_view_show_log       (HsLogView   *self,
                                           HsLog       *log);
/* The log shown, or NULL. */
HsLog         *hs_log_view_get_log        (HsLogView   *self);
guint          hs_log_view_get_n_lines    (HsLogView   *self);
/* Line @index as the view shows it (as TASK.DMESG prints it). */
char          *hs_log_view_get_line_text  (HsLogView   *self,
                                           guint        index);
gboolean       hs_log_view_is_line_new    (HsLogView   *self,
                                           guint        index);
/* Why there is no log, or what it leaves out; NULL when there is nothing to say. */
const char    *hs_log_view_get_status     (HsLogView   *self);
/* For tests: where the list is scrolled. */
GtkAdjustment *hs_log_view_get_vadjustment (HsLogView  *self);

G_END_DECLS
