/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-watch.h: one watched expression (Var.Watch) and what it printed at the last halt.
 *
 * A stable object: the engine keeps the same HsWatch while the expression is watched and sets
 * its value in place after each halt, notifying only what changed. Main thread only.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The machine of a watch evaluated wherever the current context is. */
#define HS_WATCH_CURRENT_MACHINE G_MAXUINT

#define HS_TYPE_WATCH (hs_watch_get_type ())
G_DECLARE_FINAL_TYPE (HsWatch, hs_watch, HS, WATCH, GObject)

const char *hs_watch_get_expression (HsWatch *self);
/* HS_WATCH_CURRENT_MACHINE, or the machine it was pinned to (Var.Watch /MACHINE, 2:::x). */
guint       hs_watch_get_machine    (HsWatch *self);
/* The value printed at the last halt ("" before the first, or when it failed). */
const char *hs_watch_get_value      (HsWatch *self);
/* Why the last evaluation failed, or NULL. */
const char *hs_watch_get_error      (HsWatch *self);
/* Whether the last halt's text differs from the one before it. */
gboolean    hs_watch_get_changed    (HsWatch *self);

#ifndef __GI_SCANNER__
/* Not introspected: engine-only API and types. */
/* For the engine, which owns these objects. */
HsWatch    *hs_watch_new            (const char *expression,
                                     guint       machine);
/* Takes one evaluation's outcome (@error NULL when @value is set); @changed is worked out
 * against the previous outcome, except for the first, which is never "changed". */
void        hs_watch_set_result     (HsWatch    *self,
                                     const char *value,
                                     const char *error);

#endif /* __GI_SCANNER__ */

G_END_DECLS
