/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-debugger.h: the engine for scripts (GObject Introspection: Python's
 * `from gi.repository import Hyperscope`).
 *
 * One HsDebugger owns one HsEngine and the HsInterp over it, and hands out the
 * model objects the window binds to (HsMachine, HsVcpu, HsTask, HsCore,
 * HsBreakpoint). Every operation has an asynchronous form (callback on the
 * main context) and a blocking `_sync` form that iterates that context until
 * the operation completes, so a plain script needs no main loop of its own and
 * its signal handlers run while it waits. Main thread only: everything belongs
 * to the thread (and thread-default main context) that created the debugger.
 */
#pragma once

#include <gio/gio.h>

#include "hs-breakpoint.h"
#include "hs-core.h"
#include "hs-machine.h"
#include "hs-task.h"

G_BEGIN_DECLS

/**
 * HsDebuggerState:
 * @HS_DEBUGGER_STATE_DETACHED: no target
 * @HS_DEBUGGER_STATE_ATTACHING: connecting to a stub
 * @HS_DEBUGGER_STATE_RUNNING: attached, the target runs
 * @HS_DEBUGGER_STATE_HALTED: attached, every core is halted
 *
 * Where the debugger is with its target (the engine's state, one to one).
 */
typedef enum
{
  HS_DEBUGGER_STATE_DETACHED,
  HS_DEBUGGER_STATE_ATTACHING,
  HS_DEBUGGER_STATE_RUNNING,
  HS_DEBUGGER_STATE_HALTED,
} HsDebuggerState;

#define HS_TYPE_DEBUGGER (hs_debugger_get_type ())
G_DECLARE_FINAL_TYPE (HsDebugger, hs_debugger, HS, DEBUGGER, GObject)

HsDebugger      *hs_debugger_new                 (void);
#ifndef __GI_SCANNER__
/* For C callers in the tree: the engine and interpreter behind the façade (owned by it). */
struct _HsEngine *hs_debugger_get_engine         (HsDebugger          *self);
struct _HsInterp *hs_debugger_get_interp         (HsDebugger          *self);
#endif
HsDebuggerState  hs_debugger_get_state           (HsDebugger          *self);
const char      *hs_debugger_get_target_name     (HsDebugger          *self);

/* Pumping the main context, for scripts that only use the asynchronous forms. */
gboolean         hs_debugger_iterate             (HsDebugger          *self,
                                                  gboolean             may_block);
void             hs_debugger_wait                (HsDebugger          *self,
                                                  guint                timeout_ms);

/* Attach, detach, run control. */
void             hs_debugger_attach              (HsDebugger          *self,
                                                  const char          *location,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         hs_debugger_attach_finish       (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
gboolean         hs_debugger_attach_sync         (HsDebugger          *self,
                                                  const char          *location,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void             hs_debugger_detach              (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char            *hs_debugger_detach_finish       (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
char            *hs_debugger_detach_sync         (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void             hs_debugger_go                  (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         hs_debugger_go_finish           (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
gboolean         hs_debugger_go_sync             (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void             hs_debugger_halt                (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         hs_debugger_halt_finish         (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
gboolean         hs_debugger_halt_sync           (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void             hs_debugger_step                (HsDebugger          *self,
                                                  guint                core,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         hs_debugger_step_finish         (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
gboolean         hs_debugger_step_sync           (HsDebugger          *self,
                                                  guint                core,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
gboolean         hs_debugger_wait_for_halt       (HsDebugger          *self,
                                                  guint                timeout_ms,
                                                  GError             **error);
void             hs_debugger_wait_for_tasks      (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         hs_debugger_wait_for_tasks_finish (HsDebugger        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
gboolean         hs_debugger_wait_for_tasks_sync (HsDebugger          *self,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* The command language, for anything else. */
void             hs_debugger_run_command         (HsDebugger          *self,
                                                  const char          *line,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char            *hs_debugger_run_command_finish  (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
char            *hs_debugger_run_command_sync    (HsDebugger          *self,
                                                  const char          *line,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void             hs_debugger_evaluate            (HsDebugger          *self,
                                                  const char          *expression,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GVariant        *hs_debugger_evaluate_finish     (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
GVariant        *hs_debugger_evaluate_sync       (HsDebugger          *self,
                                                  const char          *expression,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* The objects the views bind to. */
GListModel      *hs_debugger_get_cores           (HsDebugger          *self);
HsCore          *hs_debugger_get_core            (HsDebugger          *self,
                                                  guint                index);
GVariant        *hs_debugger_get_core_registers  (HsDebugger          *self,
                                                  guint                index,
                                                  GError             **error);
GListModel      *hs_debugger_get_machines        (HsDebugger          *self);
HsMachine       *hs_debugger_get_machine         (HsDebugger          *self,
                                                  guint                id,
                                                  GError             **error);
GListModel      *hs_debugger_get_tasks           (HsDebugger          *self);
GPtrArray       *hs_debugger_list_tasks          (HsDebugger          *self,
                                                  guint                machine,
                                                  GError             **error);
HsTask          *hs_debugger_find_task           (HsDebugger          *self,
                                                  guint                machine,
                                                  const char          *which,
                                                  GError             **error);
HsTask          *hs_debugger_get_current_task    (HsDebugger          *self);

/* A task's registers (a{st}) and call stack (aa{sv}). */
void             hs_debugger_task_registers      (HsDebugger          *self,
                                                  HsTask              *task,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GVariant        *hs_debugger_task_registers_finish (HsDebugger        *self,
                                                  GAsyncResult        *result,
                                                  char               **source,
                                                  GError             **error);
GVariant        *hs_debugger_task_registers_sync (HsDebugger          *self,
                                                  HsTask              *task,
                                                  GCancellable        *cancellable,
                                                  char               **source,
                                                  GError             **error);
void             hs_debugger_task_frames         (HsDebugger          *self,
                                                  HsTask              *task,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GVariant        *hs_debugger_task_frames_finish  (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  char               **stop_reason,
                                                  GError             **error);
GVariant        *hs_debugger_task_frames_sync    (HsDebugger          *self,
                                                  HsTask              *task,
                                                  GCancellable        *cancellable,
                                                  char               **stop_reason,
                                                  GError             **error);

/* Memory by any address form. */
void             hs_debugger_read_memory         (HsDebugger          *self,
                                                  const char          *address,
                                                  gsize                length,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GBytes          *hs_debugger_read_memory_finish  (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
GBytes          *hs_debugger_read_memory_sync    (HsDebugger          *self,
                                                  const char          *address,
                                                  gsize                length,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void             hs_debugger_write_memory        (HsDebugger          *self,
                                                  const char          *address,
                                                  GBytes              *data,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         hs_debugger_write_memory_finish (HsDebugger          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
gboolean         hs_debugger_write_memory_sync   (HsDebugger          *self,
                                                  const char          *address,
                                                  GBytes              *data,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* Symbols of one machine (its kernel's, space 0). */
guint64          hs_debugger_lookup_symbol       (HsDebugger          *self,
                                                  guint                machine,
                                                  const char          *name,
                                                  GError             **error);
char            *hs_debugger_symbolize           (HsDebugger          *self,
                                                  guint                machine,
                                                  guint64              address);

/* Breakpoints. */
GListModel      *hs_debugger_get_breakpoints     (HsDebugger          *self);
HsBreakpoint    *hs_debugger_add_breakpoint      (HsDebugger          *self,
                                                  const char          *location,
                                                  gint                 machine,
                                                  HsTask              *task,
                                                  GError             **error);
void             hs_debugger_remove_breakpoint   (HsDebugger          *self,
                                                  HsBreakpoint        *breakpoint);

G_END_DECLS

#include "hs-api-enums.h"
