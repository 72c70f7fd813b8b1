/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-debugger-tasks.c: HsDebugger's view of the target: cores and their
 * registers, machines, tasks, and a task's registers and frames.
 *
 * Part of HsDebugger, one class over several files sharing hs-debugger-private.h.
 * Threads: main thread only. Everything here runs on the thread that created the
 * debugger, on its thread-default main context; the engine's callbacks arrive there.
 */
#define G_LOG_DOMAIN "hs-debugger"

#include "config.h"

#include "hs-debugger-private.h"

/* ---- the objects ---------------------------------------------------------------------------- */

/**
 * hs_debugger_get_cores:
 * @self: a debugger
 *
 * Returns: (transfer none): the target's cores ([class@Hyperscope.Core]),
 *   updated in place at each halt; empty before attach
 */
GListModel *
hs_debugger_get_cores (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_cores (self->engine);
}

/**
 * hs_debugger_get_core:
 * @self: a debugger
 * @index: the core's number, from 0
 *
 * Returns: (transfer none) (nullable): the core, or %NULL if there is no such core
 */
HsCore *
hs_debugger_get_core (HsDebugger *self,
                      guint       index)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_core (self->engine, index);
}

/**
 * hs_debugger_get_core_registers:
 * @self: a debugger
 * @index: the core's number, from 0
 * @error: return location for an error
 *
 * The registers of a halted core, as read at the last halt: a dictionary
 * from the register's name ("x0", "pc", "cpsr", "VTTBR_EL2", ...) to its
 * value. Registers that could not be read are left out.
 *
 * Returns: (transfer full): an `a{st}` dictionary, or %NULL with an error
 */
GVariant *
hs_debugger_get_core_registers (HsDebugger  *self,
                                guint        index,
                                GError     **error)
{
  HsCore *core;
  GPtrArray *infos;
  GVariantBuilder builder;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);

  core = hs_engine_get_core (self->engine, index);
  infos = hs_engine_get_register_infos (self->engine);
  if (core == NULL || infos == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "no core %u: the target has %u cores (attach first)", index,
                   hs_engine_get_n_cores (self->engine));
      return NULL;
    }
  if (hs_core_get_state (core) != HS_CORE_STATE_HALTED)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                   "core %u is not halted: halt the target first", index);
      return NULL;
    }
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{st}"));
  for (guint i = 0; i < MIN (infos->len, hs_core_get_n_registers (core)); i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (infos, i);
      guint64 value;

      if (hs_core_get_register (core, i, &value))
        g_variant_builder_add (&builder, "{st}", info->name, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * hs_debugger_get_machines:
 * @self: a debugger
 *
 * Returns: (transfer none): the machines ([class@Hyperscope.Machine]): 0 the
 *   hypervisor, then one per guest, updated in place at each halt
 */
GListModel *
hs_debugger_get_machines (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_machines (self->engine);
}

/**
 * hs_debugger_get_machine:
 * @self: a debugger
 * @id: the machine's number (0: the hypervisor)
 * @error: return location for an error
 *
 * Returns: (transfer none): the machine, or %NULL with an error naming the
 *   machines there are
 */
HsMachine *
hs_debugger_get_machine (HsDebugger  *self,
                         guint        id,
                         GError     **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);

  if (!hs_engine_check_machine (self->engine, id, error))
    return NULL;
  return hs_engine_get_machine (self->engine, id);
}

/**
 * hs_debugger_get_tasks:
 * @self: a debugger
 *
 * Returns: (transfer none): every task of every guest ([class@Hyperscope.Task]),
 *   as read at the last halt and updated in place at each halt
 */
GListModel *
hs_debugger_get_tasks (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_tasks (self->engine);
}

/**
 * hs_debugger_list_tasks:
 * @self: a debugger
 * @machine: a guest machine's number
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type HsTask): the tasks of one
 *   guest, or %NULL with an error when there is no such machine
 */
GPtrArray *
hs_debugger_list_tasks (HsDebugger  *self,
                        guint        machine,
                        GError     **error)
{
  GListModel *tasks;
  GPtrArray *list;
  guint n;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);

  if (!hs_engine_check_machine (self->engine, machine, error))
    return NULL;
  tasks = hs_engine_get_tasks (self->engine);
  n = g_list_model_get_n_items (tasks);
  list = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (tasks, i);

      if (hs_task_get_machine (task) == machine)
        g_ptr_array_add (list, g_steal_pointer (&task));
    }
  return list;
}

/**
 * hs_debugger_find_task:
 * @self: a debugger
 * @machine: the guest machine's number
 * @which: the task's name or pid ("linux1_counter", "94")
 * @error: return location for an error
 *
 * Returns: (transfer none): the task, or %NULL with an error
 */
HsTask *
hs_debugger_find_task (HsDebugger  *self,
                       guint        machine,
                       const char  *which,
                       GError     **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (which != NULL, NULL);

  if (!hs_engine_check_machine (self->engine, machine, error))
    return NULL;
  return hs_engine_find_task (self->engine, machine, which, error);
}

/**
 * hs_debugger_get_current_task:
 * @self: a debugger
 *
 * Returns: (transfer none) (nullable): the task the stopping core ran at the
 *   last halt, or %NULL (in the hypervisor, running, or not attached)
 */
HsTask *
hs_debugger_get_current_task (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_current_task (self->engine);
}

/* ---- a task's registers and frames -------------------------------------------------------- */

typedef struct
{
  GVariant *value;
  char *text;
} Pair;

static void
pair_free (gpointer data)
{
  Pair *p = data;

  g_clear_pointer (&p->value, g_variant_unref);
  g_free (p->text);
  g_free (p);
}

/* The value of a task of ours that returned a Pair, with its text in @text (optional). */
static GVariant *
pair_finish (HsDebugger    *self,
             GAsyncResult  *result,
             gpointer       tag,
             char         **text,
             GError       **error)
{
  Pair *p = _hs_debugger_pointer_finish (self, result, tag, error);
  GVariant *value;

  if (p == NULL)
    return NULL;
  value = g_steal_pointer (&p->value);
  if (text != NULL)
    *text = g_steal_pointer (&p->text);
  pair_free (p);
  return value;
}

static GVariant *
registers_variant (const HsTaskRegisters *regs)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{st}"));
  for (guint i = 0; i < 31; i++)
    if (regs->x_valid[i])
      {
        g_autofree char *name = g_strdup_printf ("x%u", i);

        g_variant_builder_add (&builder, "{st}", name, regs->x[i]);
      }
  if (regs->sp_valid)
    g_variant_builder_add (&builder, "{st}", "sp", regs->sp);
  if (regs->pc_valid)
    g_variant_builder_add (&builder, "{st}", "pc", regs->pc);
  if (regs->cpsr_valid)
    g_variant_builder_add (&builder, "{st}", "cpsr", regs->cpsr);
  if (regs->has_user)
    {
      for (guint i = 0; i < 31; i++)
        {
          g_autofree char *name = g_strdup_printf ("user.x%u", i);

          g_variant_builder_add (&builder, "{st}", name, regs->user_x[i]);
        }
      g_variant_builder_add (&builder, "{st}", "user.sp", regs->user_sp);
      g_variant_builder_add (&builder, "{st}", "user.pc", regs->user_pc);
      g_variant_builder_add (&builder, "{st}", "user.pstate", regs->user_pstate);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
registers_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(HsTaskRegisters) regs = hs_engine_task_registers_finish (HS_ENGINE (object), result,
                                                                     &error);
  Pair *p;

  if (regs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  p = g_new0 (Pair, 1);
  p->value = registers_variant (regs);
  p->text = g_strdup (regs->source);
  g_task_return_pointer (task, p, pair_free);
}

/**
 * hs_debugger_task_registers:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context with the registers
 * @user_data: (closure callback): for @callback
 *
 * Reads a task's registers where the task keeps them: live from the core
 * that runs it, as Xen saved them for the vCPU it is current on, or its saved
 * switch context if it sleeps. The target must be halted. Finish with
 * [method@Hyperscope.Debugger.task_registers_finish].
 */
void
hs_debugger_task_registers (HsDebugger          *self,
                            HsTask              *task,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *gtask;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (HS_IS_TASK (task));

  gtask = _hs_debugger_new_task (self, cancellable, callback, user_data,
                                 hs_debugger_task_registers, NULL);
  hs_engine_task_registers_async (self->engine, task, cancellable, registers_done, gtask);
}

/**
 * hs_debugger_task_registers_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @source: (out) (optional) (transfer full): where they came from, in words
 * @error: return location for an error
 *
 * The registers as a dictionary from name to value: "x0" ... "x30", "sp",
 * "pc", "cpsr" (those known where the task keeps them) and, when the task
 * entered the kernel from user space, "user.x0" ... "user.pc",
 * "user.pstate" from its pt_regs.
 *
 * Returns: (transfer full): an `a{st}` dictionary, or %NULL with an error
 */
GVariant *
hs_debugger_task_registers_finish (HsDebugger    *self,
                                   GAsyncResult  *result,
                                   char         **source,
                                   GError       **error)
{
  return pair_finish (self, result, hs_debugger_task_registers, source, error);
}

/**
 * hs_debugger_task_registers_sync:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @source: (out) (optional) (transfer full): where they came from, in words
 * @error: return location for an error
 *
 * Reads a task's registers, blocking; see
 * [method@Hyperscope.Debugger.task_registers_finish].
 *
 * Returns: (transfer full): an `a{st}` dictionary, or %NULL with an error
 */
GVariant *
hs_debugger_task_registers_sync (HsDebugger    *self,
                                 HsTask        *task,
                                 GCancellable  *cancellable,
                                 char         **source,
                                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (HS_IS_TASK (task), NULL);

  hs_debugger_task_registers (self, task, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_task_registers_finish (self, _hs_debugger_block_on (self, &result), source,
                                            error);
}

static GVariant *
frames_variant (GArray *frames)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < frames->len; i++)
    {
      const HsFrame *f = &g_array_index (frames, HsFrame, i);
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "level", "u", f->level);
      g_variant_dict_insert (&dict, "pc", "t", f->pc);
      g_variant_dict_insert (&dict, "sp", "t", f->sp);
      g_variant_dict_insert (&dict, "method", "s", hs_frame_method_to_string (f->method));
      if (f->function != NULL)
        {
          g_variant_dict_insert (&dict, "function", "s", f->function);
          g_variant_dict_insert (&dict, "offset", "t", f->offset);
        }
      if (f->file != NULL)
        {
          g_variant_dict_insert (&dict, "file", "s", f->file);
          g_variant_dict_insert (&dict, "line", "u", f->line);
        }
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
frames_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(GArray) frames = hs_engine_task_frames_finish (HS_ENGINE (object), result, &stop,
                                                           &error);
  Pair *p;

  if (frames == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  p = g_new0 (Pair, 1);
  p->value = frames_variant (frames);
  p->text = g_steal_pointer (&stop);
  g_task_return_pointer (task, p, pair_free);
}

/**
 * hs_debugger_task_frames:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context with the frames
 * @user_data: (closure callback): for @callback
 *
 * Unwinds a task's call stack from its registers (as `Frame.view` does). The
 * target must be halted. Finish with
 * [method@Hyperscope.Debugger.task_frames_finish].
 */
void
hs_debugger_task_frames (HsDebugger          *self,
                         HsTask              *task,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *gtask;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (HS_IS_TASK (task));

  gtask = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_task_frames,
                                 NULL);
  hs_engine_task_frames_async (self->engine, task, cancellable, frames_done, gtask);
}

/**
 * hs_debugger_task_frames_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @stop_reason: (out) (optional) (transfer full) (nullable): why the unwind
 *   stopped, in words
 * @error: return location for an error
 *
 * The frames, innermost first, each a dictionary: "level" (u), "pc" (t),
 * "sp" (t, 0 when unknown), "method" (s: how it was found), and where known
 * "function" (s) with "offset" (t), "file" (s) with "line" (u).
 *
 * Returns: (transfer full): an `aa{sv}` array, or %NULL with an error
 */
GVariant *
hs_debugger_task_frames_finish (HsDebugger    *self,
                                GAsyncResult  *result,
                                char         **stop_reason,
                                GError       **error)
{
  return pair_finish (self, result, hs_debugger_task_frames, stop_reason, error);
}

/**
 * hs_debugger_task_frames_sync:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @stop_reason: (out) (optional) (transfer full) (nullable): why the unwind
 *   stopped, in words
 * @error: return location for an error
 *
 * Unwinds a task's call stack, blocking; see
 * [method@Hyperscope.Debugger.task_frames_finish].
 *
 * Returns: (transfer full): an `aa{sv}` array, or %NULL with an error
 */
GVariant *
hs_debugger_task_frames_sync (HsDebugger    *self,
                              HsTask        *task,
                              GCancellable  *cancellable,
                              char         **stop_reason,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (HS_IS_TASK (task), NULL);

  hs_debugger_task_frames (self, task, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_task_frames_finish (self, _hs_debugger_block_on (self, &result), stop_reason,
                                         error);
}
