/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_REGISTER_VIEW (hs_register_view_get_type ())
G_DECLARE_FINAL_TYPE (HsRegisterView, hs_register_view, HS, REGISTER_VIEW, GtkWidget)

GtkWidget  *hs_register_view_new            (HsEngine       *engine,
                                             guint           machine);
HsEngine   *hs_register_view_get_engine     (HsRegisterView *self);
guint       hs_register_view_get_machine    (HsRegisterView *self);
/* The core shown; follows the engine's current core unless set. */
guint       hs_register_view_get_core       (HsRegisterView *self);
/* For tests and the window's title: the row's value text, or NULL. */
char       *hs_register_view_get_value_text (HsRegisterView *self,
                                             const char     *name);
gboolean    hs_register_view_is_changed     (HsRegisterView *self,
                                             const char     *name);

G_END_DECLS
