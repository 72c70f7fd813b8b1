/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-breakpoint-view.h: the breakpoints, their scopes and hits, with
 * buttons to switch or delete the selected one. The view changes nothing
 * itself: it asks (::toggle-requested, ::delete-requested), and the window
 * runs the command, so the command line shows what happened.
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-breakpoint.h"

G_BEGIN_DECLS

#define HS_TYPE_BREAKPOINT_VIEW (hs_breakpoint_view_get_type ())
G_DECLARE_FINAL_TYPE (HsBreakpointView, hs_breakpoint_view, HS, BREAKPOINT_VIEW, GtkWidget)

/* @breakpoints: a list model of HsBreakpoint (the engine's). */
GtkWidget    *hs_breakpoint_view_new          (GListModel       *breakpoints);
HsBreakpoint *hs_breakpoint_view_get_selected (HsBreakpointView *self);
void          hs_breakpoint_view_select       (HsBreakpointView *self,
                                               guint             position);
/* The table, for tests (its cells' texts). */
GtkWidget    *hs_breakpoint_view_get_table    (HsBreakpointView *self);

G_END_DECLS
