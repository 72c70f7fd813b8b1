/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-debugger-private.h: what the files of HsDebugger share: its struct and the helpers
 * that wrap an engine operation in a GTask of the debugger's and block on it.
 *
 * Files: hs-debugger.c (the object, its signals, waiting and iterating, attach and
 * detach), hs-debugger-control.c (go, halt, step, the task lists, commands),
 * hs-debugger-tasks.c (cores, machines, tasks, a task's registers and frames),
 * hs-debugger-memory.c (memory, symbols, breakpoints).
 *
 * Threads: main thread only, like the whole class: every field and helper belongs to the
 * thread that created the debugger and runs on its thread-default main context.
 */
#pragma once

#include "hs-debugger.h"

#include "hs-engine.h"
#include "hs-interp.h"

G_BEGIN_DECLS

struct _HsDebugger
{
  GObject parent_instance;

  /* Immutable after construction; main thread only, like every field here. */
  GMainContext *context;
  HsEngine *engine;
  HsInterp *interp;

  /* Main thread only, owned */
  GQueue halts;                 /* of Halt: halts whose signals are still to be emitted */
  GSource *emit_source;         /* the idle on @context that emits them, or NULL */
  gboolean emitting;            /* emit_halts() runs: it takes halts queued meanwhile too */
  gulong handlers[4];           /* on @engine: halted, resumed, detached, notify */
};

/* The helpers below are shared by the files of the class, and hidden from the library's ABI
 * (G_GNUC_INTERNAL): scripts reach the class only through hs-debugger.h. */

/* Stores the result given to a GAsyncReadyCallback in the GAsyncResult * at @user_data. */
G_GNUC_INTERNAL
void          _hs_debugger_store_result   (GObject              *object,
                                           GAsyncResult         *result,
                                           gpointer              user_data);
/* Iterates the debugger's context until @slot holds a result; returns it (owned by @slot). */
G_GNUC_INTERNAL
GAsyncResult *_hs_debugger_block_on       (HsDebugger           *self,
                                           GAsyncResult        **slot);
/* The _finish function of the engine's or interpreter's operation that a task of ours
 * wraps, given as G_CALLBACK (hs_engine_go_finish): a gboolean one for
 * _hs_debugger_boolean_done(), a string one for _hs_debugger_string_done(). */
typedef gboolean (*HsDebuggerBooleanFinish) (gpointer       source,
                                             GAsyncResult  *result,
                                             GError       **error);
typedef char *   (*HsDebuggerStringFinish)  (gpointer       source,
                                             GAsyncResult  *result,
                                             GError       **error);

/* A GTask of @self's for one public asynchronous operation, @tag its source tag, @finish
 * (or NULL) the wrapped operation's _finish function for the _done callbacks below. */
G_GNUC_INTERNAL
GTask        *_hs_debugger_new_task       (HsDebugger           *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data,
                                           gpointer              tag,
                                           GCallback             finish);
/* GAsyncReadyCallbacks for the engine or interpreter, @user_data the task (taken): they
 * finish the wrapped operation and return its gboolean, or its string, or its error. */
G_GNUC_INTERNAL
void          _hs_debugger_boolean_done   (GObject              *object,
                                           GAsyncResult         *result,
                                           gpointer              user_data);
G_GNUC_INTERNAL
void          _hs_debugger_string_done    (GObject              *object,
                                           GAsyncResult         *result,
                                           gpointer              user_data);
/* The result of a task of ours, checked against @tag: the public _finish functions' body. */
G_GNUC_INTERNAL
gboolean      _hs_debugger_boolean_finish (HsDebugger           *self,
                                           GAsyncResult         *result,
                                           gpointer              tag,
                                           GError              **error);
G_GNUC_INTERNAL
gpointer      _hs_debugger_pointer_finish (HsDebugger           *self,
                                           GAsyncResult         *result,
                                           gpointer              tag,
                                           GError              **error);

G_END_DECLS
