/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_REGISTER_VIEW (hs_register_view_get_type ())
G_DECLARE_FINAL_TYPE (HsRegisterView, hs_register_view, HS, REGISTER_VIEW, GtkWidget)

/* @machine -1: the current context (the engine's current task, or core); else that machine's
 * pCPUs (0) or vCPUs, whatever the current context is. */
GtkWidget  *hs_register_view_new            (HsEngine       *engine,
                                             gint            machine);
HsEngine   *hs_register_view_get_engine     (HsRegisterView *self);
gint        hs_register_view_get_machine    (HsRegisterView *self);
/* Machine mode: the pCPU or vCPU shown. */
guint       hs_register_view_get_unit       (HsRegisterView *self);
void        hs_register_view_set_unit       (HsRegisterView *self,
                                             guint           unit);
/* Context mode: a caller's registers as unwinding found them; NULL or frame 0: the context's. */
void        hs_register_view_show_frame     (HsRegisterView *self,
                                             const HsFrame  *frame);
/* Where the values come from ("live registers of core 1", "saved by Xen: ..."), and the title. */
const char *hs_register_view_get_source     (HsRegisterView *self);
const char *hs_register_view_get_title      (HsRegisterView *self);
/* A double-click on a live core register edits it: ::write-requested (name, core, text) asks
 * the owner to write it. This does the same for tests; FALSE when @name is not writable here. */
gboolean    hs_register_view_edit           (HsRegisterView *self,
                                             const char     *name,
                                             const char     *text);
/* For tests and the window's title: the row's value text, or NULL. */
char       *hs_register_view_get_value_text (HsRegisterView *self,
                                             const char     *name);
gboolean    hs_register_view_is_changed     (HsRegisterView *self,
                                             const char     *name);

G_END_DECLS
