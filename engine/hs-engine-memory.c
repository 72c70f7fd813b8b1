/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-memory.c: memory by any address form.
 *
 * The probe only reads host physical memory; everything else is walked
 * here: A: goes straight to the probe, I: through the machine's stage 2,
 * and a virtual address through its stage 1 and stage 2. Table pages come
 * from the probe's per-halt cache, so each is read once per halt.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-engine-private.h"

#include <string.h>



void
hs_mem_request_free (MemRequest *req)
{
  g_clear_pointer (&req->data, g_bytes_unref);
  g_free (req);
}

void
hs_memory_read_free (HsMemoryRead *read)
{
  if (read == NULL)
    return;
  g_clear_pointer (&read->data, g_bytes_unref);
  g_clear_pointer (&read->valid, g_bytes_unref);
  g_free (read->fault);
  g_free (read);
}

void
hs_translation_free (HsTranslation *translation)
{
  if (translation == NULL)
    return;
  g_free (translation->source);
  g_free (translation->fault);
  g_free (translation);
}


void
hs_list_result_free (ListResult *r)
{
  g_clear_pointer (&r->mappings, g_array_unref);
  g_free (r->source);
  g_free (r);
}

/* ---- main-thread entry points ----------------------------------------------------------- */

static void
queue_memory_job (HsEngine            *self,
                  gpointer             source_tag,
                  MemRequest          *req,
                  HsJobFunc              func,
                  GDestroyNotify       free_result,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = hs_engine_new_halted_task (self, source_tag, cancellable, callback,
                                                     user_data);
  g_autoptr(GTask) job = NULL;
  GError *error = NULL;

  if (task == NULL)
    {
      hs_mem_request_free (req);
      return;
    }
  if (req->address.access != HS_ACCESS_PHYSICAL
      && !hs_engine_check_machine (self, req->address.machine, &error))
    {
      hs_mem_request_free (req);
      g_task_return_error (task, error);
      return;
    }
  job = g_task_new (self, cancellable, hs_engine_forward_result, g_steal_pointer (&task));
  hs_engine_set_result_free (job, free_result);
  hs_engine_queue_job (self, job, func, req, (GDestroyNotify) hs_mem_request_free);
}

void
hs_engine_read_async (HsEngine            *self,
                      const HsAddress     *address,
                      gsize                length,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  MemRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (address != NULL);

  req = g_new0 (MemRequest, 1);
  req->address = *address;
  req->length = length;
  queue_memory_job (self, hs_engine_read_async, req, hs_target_read_job,
                    (GDestroyNotify) hs_memory_read_free, cancellable, callback, user_data);
}

HsMemoryRead *
hs_engine_read_finish (HsEngine      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
written (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  GError *error = NULL;

  if (g_task_propagate_pointer (G_TASK (result), &error) == NULL)
    {
      g_task_return_error (user_task, error);
      return;
    }
  /* The guests and their tasks were read from memory that has just changed (a list patched, a
   * task repaired or broken on purpose): read them again, and commands that need whole lists
   * wait for that. */
  if (self->state == HS_ENGINE_STATE_HALTED)
    hs_engine_refresh_guests (self);
  g_task_return_pointer (user_task, GINT_TO_POINTER (TRUE), NULL);
}

void
hs_engine_write_async (HsEngine            *self,
                       const HsAddress     *address,
                       GBytes              *data,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *user_task;
  MemRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (address != NULL && data != NULL);

  user_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (user_task, hs_engine_write_async);
  req = g_new0 (MemRequest, 1);
  req->address = *address;
  req->data = g_bytes_ref (data);
  req->length = g_bytes_get_size (data);
  queue_memory_job (self, hs_engine_write_async, req, hs_target_write_job, NULL, cancellable,
                    written, user_task);
}

gboolean
hs_engine_write_finish (HsEngine      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

void
hs_engine_translate_async (HsEngine            *self,
                           const HsAddress     *address,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  MemRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (address != NULL);

  req = g_new0 (MemRequest, 1);
  req->address = *address;
  queue_memory_job (self, hs_engine_translate_async, req, hs_target_translate_job,
                    (GDestroyNotify) hs_translation_free, cancellable, callback, user_data);
}

HsTranslation *
hs_engine_translate_finish (HsEngine      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hs_engine_list_mappings_async (HsEngine            *self,
                               const HsAddress     *start,
                               guint64              end,
                               guint                max_entries,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  MemRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (start != NULL);

  req = g_new0 (MemRequest, 1);
  req->address = *start;
  req->end = end;
  req->max_entries = max_entries;
  queue_memory_job (self, hs_engine_list_mappings_async, req, hs_target_list_job,
                    (GDestroyNotify) hs_list_result_free, cancellable, callback, user_data);
}

GArray *
hs_engine_list_mappings_finish (HsEngine      *self,
                                GAsyncResult  *result,
                                char         **source,
                                guint64       *next,
                                GError       **error)
{
  ListResult *r;
  GArray *mappings;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  mappings = g_steal_pointer (&r->mappings);
  if (source)
    *source = g_steal_pointer (&r->source);
  if (next)
    *next = r->next;
  hs_list_result_free (r);
  return mappings;
}
