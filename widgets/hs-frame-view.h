/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_FRAME_VIEW (hs_frame_view_get_type ())
G_DECLARE_FINAL_TYPE (HsFrameView, hs_frame_view, HS, FRAME_VIEW, GtkWidget)

/* The call stack of the engine's current context (its current task, or Xen's stack on the
 * current core), refreshed at every halt and context switch.
 *
 * ::frame-selected (const HsFrame *frame, guint machine) follows the selection; frame 0 is
 * selected after every refresh. */
GtkWidget     *hs_frame_view_new          (HsEngine    *engine);
guint          hs_frame_view_get_n_frames (HsFrameView *self);
const HsFrame *hs_frame_view_get_frame    (HsFrameView *self,
                                           guint        level);
/* The machine the frames belong to. */
guint          hs_frame_view_get_machine  (HsFrameView *self);
void           hs_frame_view_select       (HsFrameView *self,
                                           guint        level);
/* The line the view shows for @level, for tests. */
char          *hs_frame_view_get_text     (HsFrameView *self,
                                           guint        level);
/* Why the stack ends where it does, or why there is none; or what an edit did. */
const char    *hs_frame_view_get_status   (HsFrameView *self);

/* Each frame expands to its parameters and locals, read (once per halt, while the view is on
 * screen) with one hs_engine_task_locals_async() for the whole stack. */
void           hs_frame_view_set_expanded (HsFrameView *self,
                                           guint        level,
                                           gboolean     expanded);
gboolean       hs_frame_view_get_expanded (HsFrameView *self,
                                           guint        level);
/* TRUE once the variables of this halt have been read (or failed). */
gboolean       hs_frame_view_has_variables (HsFrameView *self);
/* Opens a variable that is a struct in memory to its members (which can be edited as
 * variables are: "t.tv_nsec"), as a click on its expander does. */
gboolean       hs_frame_view_set_variable_expanded (HsFrameView *self,
                                                    guint        level,
                                                    const char  *path,
                                                    gboolean     expanded);
/* "name = value  (type)" of a variable of frame @level as its row shows it, or NULL. */
char          *hs_frame_view_get_variable_text (HsFrameView *self,
                                                guint        level,
                                                const char  *name);
/* What a double-click on that variable's row does: opens the inline editor (TRUE), or says
 * in the status line why the variable cannot be written (FALSE). */
gboolean       hs_frame_view_edit_variable (HsFrameView *self,
                                            guint        level,
                                            const char  *name);
/* TRUE while a write from the editor is under way. */
gboolean       hs_frame_view_is_writing   (HsFrameView *self);

G_END_DECLS
