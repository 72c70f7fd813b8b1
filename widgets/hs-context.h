/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-context.h: what the views show: the current core and task (the
 * engine's, which the command language shares) and the stack frame picked
 * in the stack view, with that frame's source line once it is known.
 *
 * Views follow its notifications: "core" and "task" when the user or a
 * halt changes the context, "frame" when another frame is picked, "line"
 * when the frame's source line has been looked up (off the GUI thread).
 */
#pragma once

#include <glib-object.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_CONTEXT (hs_context_get_type ())
G_DECLARE_FINAL_TYPE (HsContext, hs_context, HS, CONTEXT, GObject)

HsContext     *hs_context_new          (HsEngine      *engine);
HsEngine      *hs_context_get_engine   (HsContext     *self);
guint          hs_context_get_core     (HsContext     *self);
void           hs_context_set_core     (HsContext     *self,
                                        guint          core);
HsTask        *hs_context_get_task     (HsContext     *self);
void           hs_context_set_task     (HsContext     *self,
                                        HsTask        *task);
/* The frame the code views show (copied), in @machine; NULL before the first. */
const HsFrame *hs_context_get_frame    (HsContext     *self);
void           hs_context_set_frame    (HsContext     *self,
                                        const HsFrame *frame,
                                        guint          machine);
guint          hs_context_get_machine  (HsContext     *self);
/* The address space the frame's user-space addresses are read in (the task's), or 0. */
guint64        hs_context_get_space    (HsContext     *self);
/* The frame's source line as DWARF names its file; NULL and 0 when it has none, or while it
 * is being looked up (hs_context_is_line_pending()). */
const char    *hs_context_get_file     (HsContext     *self);
guint          hs_context_get_line     (HsContext     *self);
gboolean       hs_context_is_line_pending (HsContext  *self);

G_END_DECLS
