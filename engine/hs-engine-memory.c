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

/* The smallest granule: after a fault the walk resumes at the next such boundary. */
#define MIN_PAGE 0x1000u

typedef struct
{
  HsAddress address;
  gsize length;
  GBytes *data;                 /* writes */
  guint64 end;                  /* listings */
  guint max_entries;
} MemRequest;

static void
mem_request_free (MemRequest *req)
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

/* Worker: where @address's next bytes are in host physical memory, and how many follow. */
static gboolean
locate (HsEngine            *self,
        const HsMmuContext  *ctx,
        HsAccessClass        access,
        guint64              address,
        guint64             *pa,
        guint64             *span,
        GError             **error)
{
  HsMmuTranslation t;
  gboolean ok;

  if (access == HS_ACCESS_PHYSICAL)
    {
      *pa = address;
      *span = G_MAXUINT64;
      return TRUE;
    }
  if (access == HS_ACCESS_INTERMEDIATE)
    ok = hs_mmu_stage2 (ctx, address, hs_engine_worker_read_phys, self, &t, error);
  else
    ok = hs_mmu_translate (ctx, address, hs_engine_worker_read_phys, self, &t, error);
  if (!ok)
    return FALSE;
  *pa = t.pa;
  *span = t.size ? t.size - (address & (t.size - 1)) : G_MAXUINT64;
  return TRUE;
}

static gboolean
worker_context (HsEngine         *self,
                const HsAddress  *address,
                HsMmuContext     *ctx,
                char            **source,
                GError          **error)
{
  if (address->access == HS_ACCESS_PHYSICAL)
    {
      memset (ctx, 0, sizeof *ctx);
      if (source)
        *source = g_strdup ("host physical");
      return TRUE;
    }
  return hs_engine_worker_context (self, address->machine, address->space, ctx, source, error);
}

static void
read_job (HsEngine *self,
          GTask    *task,
          gpointer  data)
{
  MemRequest *req = data;
  g_autofree guint8 *buf = g_malloc0 (MAX (req->length, 1));
  g_autofree guint8 *valid = g_malloc0 (MAX (req->length, 1));
  HsMemoryRead *result;
  HsMmuContext ctx;
  GError *error = NULL;
  char *fault = NULL;
  gsize done = 0;

  if (!worker_context (self, &req->address, &ctx, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  while (done < req->length)
    {
      guint64 here = req->address.offset + done;
      g_autoptr(GError) local_error = NULL;
      guint64 pa, span;
      gsize n;

      if (!locate (self, &ctx, req->address.access, here, &pa, &span, &local_error))
        {
          /* Unmapped: these bytes stay unread, the rest of the range is still tried. */
          if (!g_error_matches (local_error, HS_MMU_ERROR, HS_MMU_ERROR_TRANSLATION)
              && !g_error_matches (local_error, HS_MMU_ERROR, HS_MMU_ERROR_ADDRESS_SIZE))
            {
              g_free (fault);
              g_task_return_error (task, g_steal_pointer (&local_error));
              return;
            }
          if (fault == NULL)
            fault = g_strdup (local_error->message);
          n = MIN (req->length - done, MIN_PAGE - (here & (MIN_PAGE - 1)));
          done += n;
          continue;
        }
      n = MIN ((guint64) (req->length - done), span);
      if (!hs_probe_read_memory (self->probe, pa, buf + done, n, &error))
        {
          g_free (fault);
          g_task_return_error (task, error);
          return;
        }
      memset (valid + done, 1, n);
      done += n;
    }

  result = g_new0 (HsMemoryRead, 1);
  result->address = req->address;
  result->data = g_bytes_new_take (g_steal_pointer (&buf), req->length);
  result->valid = g_bytes_new_take (g_steal_pointer (&valid), req->length);
  result->fault = fault;
  g_task_return_pointer (task, result, (GDestroyNotify) hs_memory_read_free);
}

/* Worker: writes @len bytes at @address, all or nothing as far as the MMU goes. */
static gboolean
worker_write (HsEngine         *self,
              const HsAddress  *address,
              const guint8     *bytes,
              gsize             len,
              GError          **error)
{
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  HsMmuContext ctx;
  gsize done = 0;

  if (!worker_context (self, address, &ctx, NULL, error))
    return FALSE;
  /* Translate everything first: a write is all or nothing as far as the MMU goes. */
  while (done < len)
    {
      guint64 piece[2];
      guint64 span;

      if (!locate (self, &ctx, address->access, address->offset + done, &piece[0], &span, error))
        {
          g_prefix_error (error, "nothing written: ");
          return FALSE;
        }
      piece[1] = MIN ((guint64) (len - done), span);
      g_array_append_val (pieces, piece);
      done += piece[1];
    }
  done = 0;
  for (guint i = 0; i < pieces->len; i++)
    {
      const guint64 *piece = (const guint64 *) pieces->data + 2 * i;

      if (!hs_probe_write_memory (self->probe, piece[0], bytes + done, piece[1], error))
        {
          hs_engine_worker_forget_translations (self);
          return FALSE;
        }
      done += piece[1];
    }
  /* The write may have changed a page table. */
  hs_engine_worker_forget_translations (self);
  return TRUE;
}

gboolean
hs_engine_worker_write_virtual (HsEngine      *self,
                                guint          machine,
                                guint64        va,
                                const void    *buf,
                                gsize          len,
                                GError       **error)
{
  HsAddress address = { HS_ACCESS_VIRTUAL, machine, 0, va };

  return worker_write (self, &address, buf, len, error);
}

static void
write_job (HsEngine *self,
           GTask    *task,
           gpointer  data)
{
  MemRequest *req = data;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (req->data, &len);
  GError *error = NULL;

  if (!worker_write (self, &req->address, bytes, len, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Every job returns a pointer (see hs_engine_forward_result); a write has nothing to give. */
  g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
}

static void
translate_job (HsEngine *self,
               GTask    *task,
               gpointer  data)
{
  MemRequest *req = data;
  HsTranslation *result = g_new0 (HsTranslation, 1);
  HsMmuContext ctx;
  GError *error = NULL;
  gboolean ok;

  result->address = req->address;
  if (!worker_context (self, &req->address, &ctx, &result->source, &error))
    {
      hs_translation_free (result);
      g_task_return_error (task, error);
      return;
    }
  if (req->address.access == HS_ACCESS_PHYSICAL)
    {
      result->mmu.input = result->mmu.ipa = result->mmu.pa = req->address.offset;
      g_task_return_pointer (task, result, (GDestroyNotify) hs_translation_free);
      return;
    }
  result->stage1 = req->address.access == HS_ACCESS_VIRTUAL && ctx.stage1;
  result->stage2 = ctx.stage2;
  if (req->address.access == HS_ACCESS_INTERMEDIATE)
    ok = hs_mmu_stage2 (&ctx, req->address.offset, hs_engine_worker_read_phys, self,
                        &result->mmu, &error);
  else
    ok = hs_mmu_translate (&ctx, req->address.offset, hs_engine_worker_read_phys, self,
                           &result->mmu, &error);
  if (!ok)
    {
      if (!g_error_matches (error, HS_MMU_ERROR, HS_MMU_ERROR_TRANSLATION)
          && !g_error_matches (error, HS_MMU_ERROR, HS_MMU_ERROR_ADDRESS_SIZE))
        {
          hs_translation_free (result);
          g_task_return_error (task, error);
          return;
        }
      result->fault = g_strdup (error->message);
      g_clear_error (&error);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) hs_translation_free);
}

typedef struct
{
  GArray *mappings;
  char *source;
} ListResult;

static void
list_result_free (ListResult *r)
{
  g_clear_pointer (&r->mappings, g_array_unref);
  g_free (r->source);
  g_free (r);
}

static gboolean
collect_mapping (const HsMmuTranslation *mapping,
                 gpointer                user_data)
{
  g_array_append_val ((GArray *) user_data, *mapping);
  return TRUE;
}

static void
list_job (HsEngine *self,
          GTask    *task,
          gpointer  data)
{
  MemRequest *req = data;
  ListResult *result = g_new0 (ListResult, 1);
  HsMmuContext ctx;
  GError *error = NULL;
  guint64 next = 0;
  HsMmuListFlags flags = HS_MMU_LIST_MERGE;

  result->mappings = g_array_new (FALSE, TRUE, sizeof (HsMmuTranslation));
  if (req->address.access == HS_ACCESS_PHYSICAL)
    {
      list_result_free (result);
      g_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "host physical addresses (A:) have no page tables to list");
      return;
    }
  if (req->address.access == HS_ACCESS_INTERMEDIATE)
    flags |= HS_MMU_LIST_STAGE2;
  if (!worker_context (self, &req->address, &ctx, &result->source, &error)
      || !hs_mmu_list (&ctx, req->address.offset, req->end, flags, req->max_entries,
                       collect_mapping, result->mappings, hs_engine_worker_read_phys, self,
                       &next, &error))
    {
      list_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) list_result_free);
}

/* ---- main-thread entry points ----------------------------------------------------------- */

static void
queue_memory_job (HsEngine            *self,
                  gpointer             source_tag,
                  MemRequest          *req,
                  JobFunc              func,
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
      mem_request_free (req);
      return;
    }
  if (req->address.access != HS_ACCESS_PHYSICAL
      && !hs_engine_check_machine (self, req->address.machine, &error))
    {
      mem_request_free (req);
      g_task_return_error (task, error);
      return;
    }
  job = g_task_new (self, cancellable, hs_engine_forward_result, g_steal_pointer (&task));
  g_task_set_task_data (job, req, (GDestroyNotify) mem_request_free);
  hs_engine_set_result_free (job, free_result);
  hs_engine_queue_job (self, job, func);
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
  queue_memory_job (self, hs_engine_read_async, req, read_job,
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

void
hs_engine_write_async (HsEngine            *self,
                       const HsAddress     *address,
                       GBytes              *data,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  MemRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (address != NULL && data != NULL);

  req = g_new0 (MemRequest, 1);
  req->address = *address;
  req->data = g_bytes_ref (data);
  req->length = g_bytes_get_size (data);
  queue_memory_job (self, hs_engine_write_async, req, write_job, NULL, cancellable, callback,
                    user_data);
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
  queue_memory_job (self, hs_engine_translate_async, req, translate_job,
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
  queue_memory_job (self, hs_engine_list_mappings_async, req, list_job,
                    (GDestroyNotify) list_result_free, cancellable, callback, user_data);
}

GArray *
hs_engine_list_mappings_finish (HsEngine      *self,
                                GAsyncResult  *result,
                                char         **source,
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
  list_result_free (r);
  return mappings;
}
