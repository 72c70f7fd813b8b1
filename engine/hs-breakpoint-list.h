/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-breakpoint-list.h: the user's breakpoints, as a list model.
 *
 * Main thread. The list changes at any time, also while the target runs;
 * "changed" says so (added, removed, enabled or disabled), and the engine
 * then gives the worker a new plan of what to plant. Each breakpoint's source
 * line is looked up once, off the GUI thread, and stored on it.
 */
#pragma once

#include <gio/gio.h>

#include "hs-breakpoint.h"
#include "hs-symbol-scope.h"

G_BEGIN_DECLS

#define HS_TYPE_BREAKPOINT_LIST (hs_breakpoint_list_get_type ())
G_DECLARE_FINAL_TYPE (HsBreakpointList, hs_breakpoint_list, HS, BREAKPOINT_LIST, GObject)

HsBreakpointList *hs_breakpoint_list_new         (HsSymbolScope    *symbols);
GListModel       *hs_breakpoint_list_get_model   (HsBreakpointList *self);
HsBreakpoint     *hs_breakpoint_list_find        (HsBreakpointList *self,
                                                  guint             id);
/* A new breakpoint (the next id), unless one with the same address and scope exists. */
HsBreakpoint     *hs_breakpoint_list_add         (HsBreakpointList *self,
                                                  const HsAddress  *address,
                                                  const char       *location,
                                                  HsBreakpointType  kind,
                                                  gint              machine_scope,
                                                  gint              task_pid,
                                                  const char       *task_name,
                                                  GError          **error);
void              hs_breakpoint_list_remove      (HsBreakpointList *self,
                                                  HsBreakpoint     *breakpoint);
void              hs_breakpoint_list_remove_all  (HsBreakpointList *self);
/* The breakpoint the last stop came from, or NULL. */
HsBreakpoint     *hs_breakpoint_list_get_last    (HsBreakpointList *self);
/* A stop's tallies (breakpoint id -> hits stepped past; -> passes toward /COUNT) and, for a
 * breakpoint stop, the id of the one whose scope it matched (0: none of them). */
void              hs_breakpoint_list_count_stop  (HsBreakpointList *self,
                                                  GHashTable       *filtered,
                                                  GHashTable       *passed,
                                                  gboolean          breakpoint_stop,
                                                  guint             hit_id);

G_END_DECLS
