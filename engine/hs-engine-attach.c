/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-attach.c: attaching (the probe is handed to the target's
 * worker, which reads the first snapshot) and detaching (breakpoints out,
 * the target left running, the socket closed by the worker). Main thread.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-core.h"
#include "hs-engine-private.h"

/* Detaching from a running target halts it to take our breakpoints out; past this, the
 * connection is closed as it is (the target runs on). */
#define DETACH_HALT_TIMEOUT_MS 10000

static void
attach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Snapshot) snap = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(HsCore) first = NULL;
  guint have;

  if (snap == NULL)
    {
      hs_engine_set_state (self, HS_ENGINE_STATE_DETACHED);
      g_task_return_error (user_task, g_steal_pointer (&error));
      return;
    }

  /* The worker's copy stays the worker's: this one is ours. */
  g_clear_pointer (&self->register_infos, g_ptr_array_unref);
  self->register_infos = g_steal_pointer (&snap->register_infos);

  /* Cores are stable objects: a re-attach to the same target keeps them, unless their count
   * or their register list differs (another stub). */
  have = g_list_model_get_n_items (G_LIST_MODEL (self->cores));
  first = g_list_model_get_item (G_LIST_MODEL (self->cores), 0);
  if (have != snap->n_cores || first == NULL
      || hs_core_get_n_registers (first) != self->register_infos->len)
    {
      g_autoptr(GPtrArray) cores = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint c = 0; c < snap->n_cores; c++)
        g_ptr_array_add (cores, hs_core_new (c, self->register_infos));
      g_list_store_splice (self->cores, 0, have, cores->pdata, cores->len);
    }
  if (self->current_core >= snap->n_cores)
    hs_engine_set_current_core (self, 0);

  hs_engine_take_target_name (self, g_steal_pointer (&snap->target_name));

  hs_engine_apply_snapshot (self, snap, !snap->was_running);
  /* Attaching must not disturb a running target: QEMU stopped it for us, so let it go on;
   * unless a detach is already queued behind this attach (it lets the target go itself). */
  if (snap->was_running && !self->detach_queued)
    hs_engine_start_running (self, NULL, NULL);
  g_task_return_boolean (user_task, TRUE);
}

void
hs_engine_attach_async (HsEngine            *self,
                        HsProbe             *probe,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) job = NULL;
  GError *error = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (HS_IS_PROBE (probe));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_attach_async);
  if (!hs_engine_check_state (self, HS_ENGINE_STATE_DETACHED, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_set_object (&self->probe, probe);
  hs_engine_set_state (self, HS_ENGINE_STATE_ATTACHING);
  job = g_task_new (self, cancellable, attach_done, g_steal_pointer (&task));
  /* The worker takes the probe over; we keep a reference only to interrupt it. */
  hs_engine_queue_job (self, job, hs_target_attach_job, g_object_ref (probe), g_object_unref);
}

void
hs_engine_attach_location_async (HsEngine            *self,
                                 const char          *location,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(HsProbe) probe = NULL;
  GError *error = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (location != NULL);

  probe = hs_probe_new_for_location (location, &error);
  if (probe == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, hs_engine_attach_async);
      g_task_return_error (task, error);
      return;
    }
  hs_engine_attach_async (self, probe, cancellable, callback, user_data);
}

gboolean
hs_engine_attach_finish (HsEngine      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}


void
hs_detach_result_free (DetachResult *r)
{
  g_free (r->report);
  g_free (r);
}

static void
finish_detach (HsEngine   *self,
               GTask      *user_task,
               const char *report)
{
  self->detach_queued = FALSE;
  hs_engine_mark_detached (self, NULL);
  g_task_return_pointer (user_task, g_strdup (report), g_free);
}

static void
detach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  DetachResult *r = g_task_propagate_pointer (G_TASK (result), NULL);

  hs_engine_fail_pending_halts (self, &(GError) { G_IO_ERROR, G_IO_ERROR_CLOSED, (char *) "detached" });
  finish_detach (self, user_task, r->report);
  hs_detach_result_free (r);
}

static void
detach_now (HsEngine *self,
            GTask    *user_task)
{
  g_autoptr(GTask) job = g_task_new (self, NULL, detach_done, g_object_ref (user_task));

  self->detach_queued = TRUE;
  hs_engine_queue_job (self, job, hs_target_detach_job, NULL, NULL);
}

static void
detach_after_halt (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  g_autoptr(GError) error = NULL;
  GSource *deadline = g_object_get_data (G_OBJECT (user_task), "hs-deadline");
  GCancellable *cancellable = g_task_get_cancellable (user_task);
  gulong cancel_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (user_task), "hs-cancel-id"));

  if (deadline != NULL)
    g_source_destroy (deadline);
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);
  if (!hs_engine_halt_finish (self, result, &error))
    {
      g_autofree char *where = g_strdup (self->target_name ? self->target_name : "the target");
      g_autofree char *report = NULL;

      if (self->state == HS_ENGINE_STATE_DETACHED)
        {
          /* The connection went while we waited: nothing of ours can be taken out now. */
          report = g_strdup_printf ("the connection to %s was lost while detaching: %s", where,
                                    error->message);
          g_task_return_pointer (user_task, g_steal_pointer (&report), g_free);
          return;
        }
      /* It would not halt (or the user stopped waiting): the target runs on, but what we
       * planted stays in the stub. */
      if (g_cancellable_is_cancelled (cancellable))
        report = g_strdup_printf ("stopped waiting for %s to halt to have its breakpoints "
                                  "removed; the connection was closed with the target running",
                                  where);
      else
        report = g_strdup_printf ("%s did not halt within %u s to have its breakpoints "
                                  "removed; the connection was closed with the target running",
                                  where, DETACH_HALT_TIMEOUT_MS / 1000);
      g_cancellable_cancel (self->run_cancellable);
      hs_engine_queue_job (self, NULL, hs_target_close_job, NULL, NULL);
      finish_detach (self, user_task, report);
      return;
    }
  detach_now (self, user_task);
}

static gboolean
detach_deadline_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
cancel_other (GCancellable *cancellable,
              gpointer      other)
{
  g_cancellable_cancel (other);
}

void
hs_engine_detach_async (HsEngine            *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_detach_async);
  /* Cancelling stops the wait for a halt, not the detach: its report says what became of the
   * target either way. */
  g_task_set_check_cancellable (task, FALSE);
  switch (self->state)
    {
    case HS_ENGINE_STATE_DETACHED:
      g_task_return_pointer (task, g_strdup ("not attached"), g_free);
      break;
    case HS_ENGINE_STATE_RUNNING:
      {
        /* Our breakpoints come out at a halt; the detach lets the target run again. The
         * caller's cancellable (a second Ctrl+C) or a deadline stop the wait for it. */
        g_autoptr(GCancellable) halt_cancellable = g_cancellable_new ();
        GSource *deadline = g_timeout_source_new (DETACH_HALT_TIMEOUT_MS);

        g_source_set_callback (deadline, detach_deadline_cb, g_object_ref (halt_cancellable),
                               g_object_unref);
        g_source_attach (deadline, self->main_context);
        g_object_set_data_full (G_OBJECT (task), "hs-deadline", deadline,
                                (GDestroyNotify) g_source_unref);
        if (cancellable != NULL)
          g_object_set_data (G_OBJECT (task), "hs-cancel-id", GSIZE_TO_POINTER (
                               g_cancellable_connect (cancellable, G_CALLBACK (cancel_other),
                                                      g_object_ref (halt_cancellable),
                                                      g_object_unref)));
        hs_engine_halt_async (self, halt_cancellable, detach_after_halt, g_steal_pointer (&task));
      }
      break;
    case HS_ENGINE_STATE_ATTACHING:
    case HS_ENGINE_STATE_HALTED:
    default:
      detach_now (self, task);
      break;
    }
}

/**
 * hs_engine_detach_finish:
 *
 * Returns: (transfer full): what became of the target, in a sentence for the user
 * ("detached from gdbstub 127.0.0.1:1234; the target runs")
 */
char *
hs_engine_detach_finish (HsEngine      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
