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

static void
evaluate_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_auto(HsValue) value = { 0 };
  GError *error = NULL;
  GVariant *variant;

  if (!hs_interp_evaluate_finish (HS_INTERP (object), result, &value, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  switch (value.type)
    {
    case HS_VALUE_STRING:
      /* Var.STRing() gives a C string's bytes as they are in memory. */
      if (g_utf8_validate (value.string, -1, NULL))
        variant = g_variant_new_string (value.string);
      else
        variant = g_variant_new_take_string (g_utf8_make_valid (value.string, -1));
      break;
    case HS_VALUE_BOOLEAN:
      variant = g_variant_new_boolean (value.number != 0);
      break;
    case HS_VALUE_NUMBER:
    case HS_VALUE_TIME:
    default:
      variant = g_variant_new_uint64 (value.number);
      break;
    }
  g_task_return_pointer (task, g_variant_ref_sink (variant), (GDestroyNotify) g_variant_unref);
}

/**
 * hs_debugger_evaluate:
 * @self: a debugger
 * @expression: an expression of the command language: "Var.VALUE(2:::init_task.pid)",
 *   "Var.STRing(2:::init_task.comm)", "Data.Quad(\"2:::jiffies\")", "Register(pc)+4",
 *   "TASK.COUNT(1)"
 * @cancellable: (nullable): to stop it
 * @callback: (scope async): called on the main context with the value
 * @user_data: (closure callback): for @callback
 *
 * Evaluates @expression as PRINT and scripts do, in the current machine: memory and C
 * expressions (`Var.*()`) are read on the engine's worker, the target halted. Finish with
 * [method@Hyperscope.Debugger.evaluate_finish].
 */
void
hs_debugger_evaluate (HsDebugger          *self,
                      const char          *expression,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (expression != NULL);

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_evaluate,
                                NULL);
  hs_interp_evaluate_async (self->interp, expression, cancellable, evaluate_done, task);
}

/**
 * hs_debugger_evaluate_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the value: numbers and times (in microseconds) as "t", strings
 *   as "s", TRUE() and FALSE() as "b"; or %NULL with the error that names what failed
 */
GVariant *
hs_debugger_evaluate_finish (HsDebugger    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return _hs_debugger_pointer_finish (self, result, hs_debugger_evaluate, error);
}

/**
 * hs_debugger_evaluate_sync:
 * @self: a debugger
 * @expression: an expression, as for [method@Hyperscope.Debugger.evaluate]
 * @cancellable: (nullable): to stop it
 * @error: return location for an error
 *
 * Evaluates @expression, blocking until it is done.
 *
 * Returns: (transfer full): the value, as [method@Hyperscope.Debugger.evaluate_finish]
 *   gives it, or %NULL with its error
 */
GVariant *
hs_debugger_evaluate_sync (HsDebugger    *self,
                           const char    *expression,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (expression != NULL, NULL);

  hs_debugger_evaluate (self, expression, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_evaluate_finish (self, _hs_debugger_block_on (self, &result), error);
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
