/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-source-view.h: one source file, read-only, with the current line and breakpoints in the
 * gutter.
 *
 * The view owns no breakpoints: a click in the gutter (or F9 on the cursor's line) emits
 * "toggle-breakpoint" (path, line), and the owner answers with
 * hs_source_view_set_breakpoint_lines(). Paths are local paths (see HsSourcePathMap).
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_SOURCE_VIEW (hs_source_view_get_type ())
G_DECLARE_FINAL_TYPE (HsSourceView, hs_source_view, HS, SOURCE_VIEW, GtkWidget)

GtkWidget  *hs_source_view_new                  (void);
/* Loads @path (not again when it is already shown), marks @line as current (0: none) and
 * scrolls to it. A missing, non-regular or huge file is an error and what was shown stays;
 * the contents load in the background (see hs_source_view_is_loading()), and a read error
 * then shows as a message. */
gboolean    hs_source_view_show                 (HsSourceView  *self,
                                                 const char    *path,
                                                 guint          line,
                                                 GError       **error);
/* Shows a message instead of source (no line info, file not found: say which and how to map
 * it). */
void        hs_source_view_show_message         (HsSourceView  *self,
                                                 const char    *message);
/* The breakpoints in @path (1-based lines; replaces what was set for @path before). */
void        hs_source_view_set_breakpoint_lines (HsSourceView  *self,
                                                 const char    *path,
                                                 const guint   *lines,
                                                 guint          n_lines);
/* Hovering a name (or an a.b->c chain) shows its value, evaluated in @machine's @space of
 * @engine (NULL: no values); values are kept until the target runs. */
void        hs_source_view_set_evaluation       (HsSourceView  *self,
                                                 HsEngine      *engine,
                                                 guint          machine,
                                                 guint64        space);
/* What hovering @line (1-based), @column (0-based, in characters) shows: the tooltip text
 * ("name = value"), or NULL while it is being evaluated (the tooltip is asked again when it
 * comes) or when there is nothing to show. The query-tooltip handler's own path. */
const char *hs_source_view_query_value          (HsSourceView  *self,
                                                 guint          line,
                                                 guint          column);
/* The file shown, or NULL while a message is. */
const char *hs_source_view_get_path             (HsSourceView  *self);
guint       hs_source_view_get_current_line     (HsSourceView  *self);
gboolean    hs_source_view_current_line_visible (HsSourceView  *self);
/* TRUE from hs_source_view_show() of a new file until its contents are in. */
gboolean    hs_source_view_is_loading           (HsSourceView  *self);
/* For tests: the text of line @line (1-based), or NULL. */
char       *hs_source_view_get_line_text        (HsSourceView  *self,
                                                 guint          line);
/* For tests: the lines that have a mark of @category ("hs-current", "hs-breakpoint"). */
GArray     *hs_source_view_get_mark_lines       (HsSourceView  *self,
                                                 const char    *category);
/* For tests: the text of the message shown, or NULL while source is. */
const char *hs_source_view_get_message          (HsSourceView  *self);

G_END_DECLS
