/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-debugger-control.c: HsDebugger's run control and commands: go, halt
 * and step, waiting for a halt's task lists, and the command language.
 *
 * Part of HsDebugger, one class over several files sharing hs-debugger-private.h.
 * Threads: main thread only. Everything here runs on the thread that created the
 * debugger, on its thread-default main context; the engine's callbacks arrive there.
 */
#define G_LOG_DOMAIN "hs-debugger"

#include "config.h"

#include "hs-debugger-private.h"

/* go, halt, step */

/**
 * hs_debugger_go:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context once the target runs
 * @user_data: (closure callback): for @callback
 *
 * Lets the halted target run (the breakpoints planted). Finish with
 * [method@Hyperscope.Debugger.go_finish]; then wait for the next halt with
 * [method@Hyperscope.Debugger.wait_for_halt] or the
 * [signal@Hyperscope.Debugger::halted] signal.
 */
void
hs_debugger_go (HsDebugger          *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_go,
                                G_CALLBACK (hs_engine_go_finish));
  hs_engine_go_async (self->engine, cancellable, _hs_debugger_boolean_done, task);
}

/**
 * hs_debugger_go_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the target runs
 */
gboolean
hs_debugger_go_finish (HsDebugger    *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return _hs_debugger_boolean_finish (self, result, hs_debugger_go, error);
}

/**
 * hs_debugger_go_sync:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Lets the target run, blocking until it does.
 *
 * Returns: whether the target runs
 */
gboolean
hs_debugger_go_sync (HsDebugger    *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_go (self, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_go_finish (self, _hs_debugger_block_on (self, &result), error);
}

/**
 * hs_debugger_halt:
 * @self: a debugger
 * @cancellable: (nullable): to stop waiting (a busy host may take seconds)
 * @callback: (scope async): called on the main context once halted
 * @user_data: (closure callback): for @callback
 *
 * Halts every core (TRACE32's `Break`); the registers are read when it
 * completes. Finish with [method@Hyperscope.Debugger.halt_finish].
 */
void
hs_debugger_halt (HsDebugger          *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_halt,
                                G_CALLBACK (hs_engine_halt_finish));
  hs_engine_halt_async (self->engine, cancellable, _hs_debugger_boolean_done, task);
}

/**
 * hs_debugger_halt_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the target is halted
 */
gboolean
hs_debugger_halt_finish (HsDebugger    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return _hs_debugger_boolean_finish (self, result, hs_debugger_halt, error);
}

/**
 * hs_debugger_halt_sync:
 * @self: a debugger
 * @cancellable: (nullable): to stop waiting
 * @error: return location for an error
 *
 * Halts every core, blocking until they are halted and their registers read.
 *
 * Returns: whether the target is halted
 */
gboolean
hs_debugger_halt_sync (HsDebugger    *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_halt (self, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_halt_finish (self, _hs_debugger_block_on (self, &result), error);
}

/**
 * hs_debugger_step:
 * @self: a debugger
 * @core: the core to step
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context after the step
 * @user_data: (closure callback): for @callback
 *
 * Executes one instruction on one core of the halted target; the other cores
 * stay halted. Finish with [method@Hyperscope.Debugger.step_finish].
 */
void
hs_debugger_step (HsDebugger          *self,
                  guint                core,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_step,
                                G_CALLBACK (hs_engine_step_finish));
  hs_engine_step_async (self->engine, core, cancellable, _hs_debugger_boolean_done, task);
}

/**
 * hs_debugger_step_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the core stepped
 */
gboolean
hs_debugger_step_finish (HsDebugger    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return _hs_debugger_boolean_finish (self, result, hs_debugger_step, error);
}

/**
 * hs_debugger_step_sync:
 * @self: a debugger
 * @core: the core to step
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * One instruction on @core, blocking until the target is halted again.
 *
 * Returns: whether the core stepped
 */
gboolean
hs_debugger_step_sync (HsDebugger    *self,
                       guint          core,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_step (self, core, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_step_finish (self, _hs_debugger_block_on (self, &result), error);
}

/* wait for tasks */

/**
 * hs_debugger_wait_for_tasks:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context when the task lists
 *   are whole
 * @user_data: (closure callback): for @callback
 *
 * Completes when this halt's guests and tasks have all been read: at once,
 * unless a symbol file they need was still being indexed at the halt. Finish
 * with [method@Hyperscope.Debugger.wait_for_tasks_finish].
 */
void
hs_debugger_wait_for_tasks (HsDebugger          *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_wait_for_tasks,
                                G_CALLBACK (hs_engine_wait_for_tasks_finish));
  hs_engine_wait_for_tasks_async (self->engine, cancellable, _hs_debugger_boolean_done, task);
}

/**
 * hs_debugger_wait_for_tasks_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the task lists are whole
 */
gboolean
hs_debugger_wait_for_tasks_finish (HsDebugger    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _hs_debugger_boolean_finish (self, result, hs_debugger_wait_for_tasks, error);
}

/**
 * hs_debugger_wait_for_tasks_sync:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Blocks until this halt's task lists are whole.
 *
 * Returns: whether the task lists are whole
 */
gboolean
hs_debugger_wait_for_tasks_sync (HsDebugger    *self,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_wait_for_tasks (self, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_wait_for_tasks_finish (self, _hs_debugger_block_on (self, &result), error);
}

/* commands */

/**
 * hs_debugger_run_command:
 * @self: a debugger
 * @line: one command line, TRACE32's syntax ("TASK.List /MACHINE 2", "DO file.cmm")
 * @cancellable: (nullable): to stop it (a WAIT, a Break on a busy host)
 * @callback: (scope async): called on the main context when it is done
 * @user_data: (closure callback): for @callback
 *
 * Runs one command, exactly as the window's command line and `--batch` do.
 * Finish with [method@Hyperscope.Debugger.run_command_finish].
 */
void
hs_debugger_run_command (HsDebugger          *self,
                         const char          *line,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (line != NULL);

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_run_command,
                                G_CALLBACK (hs_interp_execute_finish));
  hs_interp_execute_async (self->interp, line, cancellable, _hs_debugger_string_done, task);
}

/**
 * hs_debugger_run_command_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): what the command printed (possibly empty), or
 *   %NULL with its error
 */
char *
hs_debugger_run_command_finish (HsDebugger    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return _hs_debugger_pointer_finish (self, result, hs_debugger_run_command, error);
}

/**
 * hs_debugger_run_command_sync:
 * @self: a debugger
 * @line: one command line ("TASK.List", "Register.view /CORE 0", ...)
 * @cancellable: (nullable): to stop it
 * @error: return location for an error
 *
 * Runs one command, blocking until it is done.
 *
 * Returns: (transfer full): what the command printed, or %NULL with its error
 */
char *
hs_debugger_run_command_sync (HsDebugger    *self,
                              const char    *line,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (line != NULL, NULL);

  hs_debugger_run_command (self, line, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_run_command_finish (self, _hs_debugger_block_on (self, &result), error);
}
