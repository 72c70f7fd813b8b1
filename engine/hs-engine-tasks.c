/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-tasks.c: every task of every guest, read at each halt.
 *
 * After the guests are found, each guest with a vmlinux bound is walked
 * (awareness/hs-linux) through its own translation. Which task is current
 * on each vCPU comes from the guest's per-CPU __entry_task, which arm64
 * Linux updates at every switch whether the vCPU is in user or kernel mode.
 * The main thread then updates the task objects in place.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-core.h"
#include "hs-engine-private.h"
#include "hs-task.h"

#include <string.h>



/* ---- main thread ------------------------------------------------------------------------ */

void
hs_engine_set_tasks_pending (HsEngine *self,
                             gboolean  pending)
{
  GList *waiters;

  self->tasks_pending = pending;
  /* Module symbols a halt found are part of what its tasks are (hs-engine-modules.c). */
  if (pending || self->module_loads > 0)
    return;
  waiters = g_steal_pointer (&self->task_waiters);
  for (GList *l = waiters; l; l = l->next)
    g_task_return_boolean (l->data, TRUE);
  g_list_free_full (waiters, g_object_unref);
}

void
hs_engine_wait_for_tasks_async (HsEngine            *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_wait_for_tasks_async);
  /* The wait is an index's few seconds at most: cancelling it is reported when it ends. */
  g_task_set_check_cancellable (task, TRUE);
  if (!self->tasks_pending && self->module_loads == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->task_waiters = g_list_append (self->task_waiters, g_steal_pointer (&task));
}

gboolean
hs_engine_get_tasks_pending (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return self->tasks_pending || self->module_loads > 0;
}

gboolean
hs_engine_wait_for_tasks_finish (HsEngine      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

GListModel *
hs_engine_get_tasks (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_guest_model_get_tasks (self->guest_model);
}

const char *
hs_engine_get_task_notes (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_guest_model_get_task_notes (self->guest_model);
}

/* @which: a pid ("95", "95.") or a name ("sleep"; the first task with it, processes first). */
HsTask *
hs_engine_find_task (HsEngine    *self,
                     guint        machine,
                     const char  *which,
                     GError     **error)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_guest_model_find_task (self->guest_model, machine, which, error);
}

/* ---- a task's registers ----------------------------------------------------------------- */

void
hs_task_registers_free (HsTaskRegisters *regs)
{
  if (regs == NULL)
    return;
  g_free (regs->source);
  g_free (regs);
}


void
hs_task_request_free (TaskRequest *req)
{
  hs_task_record_clear (&req->record);
  g_free (req);
}

/* Queues @func on the worker for @record (copied), once the target is halted. */
static void
queue_task_job (HsEngine            *self,
                const HsTaskRecord  *record,
                HsJobFunc              func,
                GDestroyNotify       free_result,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) user_task = hs_engine_new_halted_task (self, source_tag, cancellable, callback,
                                                          user_data);
  g_autoptr(GTask) job = NULL;
  TaskRequest *req;

  if (user_task == NULL)
    return;
  req = g_new0 (TaskRequest, 1);
  req->record = *record;
  req->record.info.corrupt_reason = g_strdup (record->info.corrupt_reason);
  job = g_task_new (self, cancellable, hs_engine_forward_result, g_steal_pointer (&user_task));
  hs_engine_set_result_free (job, free_result);
  hs_engine_queue_job (self, job, func, req, (GDestroyNotify) hs_task_request_free);
}

void
hs_engine_task_registers_async (HsEngine            *self,
                                HsTask              *task,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (HS_IS_TASK (task));

  queue_task_job (self, hs_task_get_record (task), hs_target_task_registers_job,
                  (GDestroyNotify) hs_task_registers_free, hs_engine_task_registers_async,
                  cancellable, callback, user_data);
}

HsTaskRegisters *
hs_engine_task_registers_finish (HsEngine      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- a task's frames -------------------------------------------------------------------- */


void
hs_frames_result_free (FramesResult *r)
{
  g_clear_pointer (&r->frames, g_array_unref);
  g_clear_pointer (&r->variables, g_array_unref);
  g_free (r->stop);
  g_free (r);
}

/**
 * hs_frame_variable_clear:
 *
 * Frees what @variable owns and zeroes it; the clear function of the variables array.
 */
void
hs_frame_variable_clear (HsFrameVariable *variable)
{
  g_return_if_fail (variable != NULL);

  g_free (variable->name);
  g_free (variable->inlined_in);
  g_clear_object (&variable->file);
  g_free (variable->type_text);
  g_clear_pointer (&variable->value, g_bytes_unref);
  g_free (variable->text);
  g_free (variable->why);
  memset (variable, 0, sizeof *variable);
}

void
hs_engine_task_frames_async (HsEngine            *self,
                             HsTask              *task,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (HS_IS_TASK (task));

  queue_task_job (self, hs_task_get_record (task), hs_target_task_frames_job,
                  (GDestroyNotify) hs_frames_result_free, hs_engine_task_frames_async, cancellable,
                  callback, user_data);
}

/* Xen's own call stack on @core (machine 0). */
void
hs_engine_core_frames_async (HsEngine            *self,
                             guint                core,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  HsTaskRecord record = { 0 };

  g_return_if_fail (HS_IS_ENGINE (self));

  record.core = (gint) core;
  record.current_vcpu = -1;
  queue_task_job (self, &record, hs_target_task_frames_job, (GDestroyNotify) hs_frames_result_free,
                  hs_engine_task_frames_async, cancellable, callback, user_data);
}

GArray *
hs_engine_task_frames_finish (HsEngine      *self,
                              GAsyncResult  *result,
                              char         **stop_reason,
                              GError       **error)
{
  FramesResult *r;
  GArray *frames;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  frames = g_steal_pointer (&r->frames);
  if (stop_reason)
    *stop_reason = g_steal_pointer (&r->stop);
  hs_frames_result_free (r);
  return frames;
}

/* ---- a task's frames with their parameters and locals ------------------------------------ */

/**
 * hs_engine_task_locals_async:
 *
 * Unwinds @task's stack as hs_engine_task_frames_async() does, then finds each frame's
 * parameters and locals in the DWARF of the symbols that cover its pc, evaluates their
 * locations with the registers unwound for that frame and reads their bytes through the
 * task's machine. Finish with hs_engine_task_locals_finish().
 */
void
hs_engine_task_locals_async (HsEngine            *self,
                             HsTask              *task,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (HS_IS_TASK (task));

  queue_task_job (self, hs_task_get_record (task), hs_target_task_locals_job,
                  (GDestroyNotify) hs_frames_result_free, hs_engine_task_locals_async,
                  cancellable, callback, user_data);
}

void
hs_engine_core_locals_async (HsEngine            *self,
                             guint                core,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  HsTaskRecord record = { 0 };

  g_return_if_fail (HS_IS_ENGINE (self));

  record.core = (gint) core;
  record.current_vcpu = -1;
  queue_task_job (self, &record, hs_target_task_locals_job,
                  (GDestroyNotify) hs_frames_result_free, hs_engine_task_locals_async,
                  cancellable, callback, user_data);
}

/**
 * hs_engine_task_locals_finish:
 * @variables: (out) (transfer full) (element-type HsFrameVariable): the frames' variables
 *
 * Returns: (transfer full) (element-type HsFrame): the frames, or %NULL with @error
 */
GArray *
hs_engine_task_locals_finish (HsEngine      *self,
                              GAsyncResult  *result,
                              GArray       **variables,
                              char         **stop_reason,
                              GError       **error)
{
  FramesResult *r;
  GArray *frames;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (variables != NULL, NULL);
  *variables = NULL;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  frames = g_steal_pointer (&r->frames);
  *variables = g_steal_pointer (&r->variables);
  if (stop_reason)
    *stop_reason = g_steal_pointer (&r->stop);
  hs_frames_result_free (r);
  return frames;
}

/* ---- writing a task's registers --------------------------------------------------------- */



void
hs_write_request_free (WriteRequest *req)
{
  hs_task_record_clear (&req->record);
  g_free (req->name);
  g_free (req);
}

void
hs_write_result_free (WriteResult *r)
{
  g_free (r->where);
  g_free (r->vcpu_field);
  g_free (r);
}

static void
write_task_register_done (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) user_task = user_data;
  HsEngine *self = HS_ENGINE (object);
  HsTask *task = g_task_get_task_data (user_task);
  GError *error = NULL;
  WriteResult *r = g_task_propagate_pointer (G_TASK (result), &error);

  if (r == NULL)
    {
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_task_return_error (user_task, error);
      return;
    }
  /* What the views and later reads use must be what the target now holds. */
  if (r->context_index >= 0)
    {
      HsTaskRecord copy = *hs_task_get_record (task);

      copy.info.cpu_context[r->context_index] = r->read_back;
      copy.info.corrupt_reason = g_strdup (copy.info.corrupt_reason);
      hs_task_update (task, &copy);
      g_free (copy.info.corrupt_reason);
    }
  else if (r->vcpu >= 0)
    hs_engine_update_saved_vcpu (self, hs_task_get_machine (task), (guint) r->vcpu,
                                 r->vcpu_field, r->read_back);
  else if (hs_task_get_core (task) >= 0)
    {
      HsCore *core = hs_engine_get_core (self, (guint) hs_task_get_core (task));
      gint index = hs_engine_lookup_register (self, g_object_get_data (G_OBJECT (user_task),
                                                                       "hs-name"));

      if (core != NULL && index >= 0)
        hs_core_set_register (core, (guint) index, r->read_back);
    }
  hs_engine_emit_registers_written (self, G_MAXUINT);
  g_task_return_pointer (user_task, g_steal_pointer (&r->where), g_free);
  hs_write_result_free (r);
}

void
hs_engine_write_task_register_async (HsEngine            *self,
                                     HsTask              *task,
                                     const char          *name,
                                     guint64              value,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) user_task = NULL;
  g_autoptr(GTask) job = NULL;
  WriteRequest *req;
  const HsTaskRecord *record;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (HS_IS_TASK (task));

  user_task = hs_engine_new_halted_task (self, hs_engine_write_task_register_async, cancellable,
                                         callback, user_data);
  if (user_task == NULL)
    return;
  g_task_set_task_data (user_task, g_object_ref (task), g_object_unref);
  g_object_set_data_full (G_OBJECT (user_task), "hs-name", g_strdup (name), g_free);
  record = hs_task_get_record (task);
  req = g_new0 (WriteRequest, 1);
  req->record = *record;
  req->record.info.corrupt_reason = g_strdup (record->info.corrupt_reason);
  req->name = g_strdup (name);
  req->value = value;
  job = g_task_new (self, cancellable, write_task_register_done, g_steal_pointer (&user_task));
  hs_engine_queue_job (self, job, hs_target_write_task_register_job, req, (GDestroyNotify) hs_write_request_free);
}

char *
hs_engine_write_task_register_finish (HsEngine      *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
