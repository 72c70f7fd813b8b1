/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp.h: the command language (TRACE32's syntax) on top of the engine.
 *
 * The GUI's command line, --batch scripts and -c all go through here, so
 * whatever one can do the others can.
 */
#pragma once

#include "hs-engine.h"
#include "hs-expr.h"

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

/* Evaluates the expression @text in the current machine and space, reading memory and
 * answering Var.*()'s C expressions on the engine's worker as its functions need them; never
 * blocks the main thread. Each read is made once per evaluation (at most
 * HS_INTERP_EVAL_MAX_READS of them, and HS_INTERP_EVAL_MAX_BYTES in all); Data.*() fails while
 * the target runs. After a halt, the TASK.*() functions wait for the guests' task lists. */
#define HS_INTERP_EVAL_MAX_READS 256u
#define HS_INTERP_EVAL_MAX_BYTES (1u << 20)
void        hs_interp_evaluate_async   (HsInterp             *self,
                                        const char           *text,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
/* @value is set on success (clear it with hs_value_clear()). */
gboolean    hs_interp_evaluate_finish  (HsInterp             *self,
                                        GAsyncResult         *result,
                                        HsValue              *value,
                                        GError              **error);

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
