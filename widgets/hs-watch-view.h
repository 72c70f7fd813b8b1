/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_WATCH_VIEW (hs_watch_view_get_type ())
G_DECLARE_FINAL_TYPE (HsWatchView, hs_watch_view, HS, WATCH_VIEW, GtkWidget)

/* The engine's watch list (Var.Watch): what scripts add shows here and the other way round. */
GtkWidget  *hs_watch_view_new            (HsEngine    *engine);
/* What the entry at the bottom does: "[machine:::]expression"; FALSE (and @error) when it is
 * not an expression a watch can hold. */
gboolean    hs_watch_view_add            (HsWatchView *self,
                                          const char  *text,
                                          GError     **error);
/* For tests: the value cell of @position's row as shown, and whether it is marked changed. */
const char *hs_watch_view_get_shown_value (HsWatchView *self,
                                           guint        position);
gboolean    hs_watch_view_is_marked       (HsWatchView *self,
                                           guint        position);

G_END_DECLS
