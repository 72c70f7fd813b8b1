/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp.h: the command language (TRACE32's syntax) on top of the engine.
 *
 * The GUI's command line, --batch scripts and -c all go through here, so
 * whatever one can do the others can.
 */
#pragma once

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_INTERP (hs_interp_get_type ())
G_DECLARE_FINAL_TYPE (HsInterp, hs_interp, HS, INTERP, GObject)

HsInterp   *hs_interp_new              (HsEngine             *engine);
HsEngine   *hs_interp_get_engine       (HsInterp             *self);

/* Runs one line: a command, or any line of a PRACTICE script (a macro assignment, a
 * declaration, DO ...); the result is the text it printed (possibly empty). */
void        hs_interp_execute_async    (HsInterp             *self,
                                        const char           *line,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char       *hs_interp_execute_finish   (HsInterp             *self,
                                        GAsyncResult         *result,
                                        GError              **error);

/* The script STOP paused (its path), or NULL; CONTinue resumes it, END ends it. @line: the
 * STOP's line, @n_lines: the script's. The "script-stopped" property says when this changes. */
const char *hs_interp_get_stopped_script (HsInterp           *self,
                                          guint              *line,
                                          guint              *n_lines);

/* Scripts' output as they print it (::printed), rather than all of it in their DO's result. */
void        hs_interp_set_streaming    (HsInterp             *self,
                                        gboolean              streaming);

/* Any address form ("2:::init_task+0x10", "A:0x40200000"), symbols resolved in the machine it
 * names; for address entries in views. Symbol tables only: never blocks. */
gboolean    hs_interp_resolve_address  (HsInterp             *self,
                                        const char           *text,
                                        HsAddress            *address,
                                        GError              **error);

/* Command names starting with @prefix (any accepted spelling), for completion. */
GStrv       hs_interp_complete         (HsInterp             *self,
                                        const char           *prefix);
/* Where SESSion.Save writes and the GUI restores from: $XDG_STATE_HOME/hyperscope/session.cmm. */
char       *hs_interp_default_session_path (void);
/* The canonical name of the command @typed resolves to, or NULL. */
const char *hs_interp_resolve          (HsInterp             *self,
                                        const char           *typed);

G_END_DECLS
