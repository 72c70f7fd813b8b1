/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-memory.c: memory by any address form: A: straight to the probe, I: through stage 2, a virtual address through stage 1 and 2.
 *
 * Everything here runs on the target's worker thread (see hs-target-private.h).
 */
#define G_LOG_DOMAIN "hs-target"

#include "config.h"

#include "hs-target-private.h"

#include <string.h>

/* The smallest granule: after a fault the walk resumes at the next such boundary. */
#define MIN_PAGE 0x1000u

/* Worker: where @address's next bytes are in host physical memory, and how many follow. */
static gboolean
locate (HsTarget            *self,
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
    ok = hs_mmu_stage2 (ctx, address, hs_target_read_phys, self, &t, error);
  else
    ok = hs_mmu_translate (ctx, address, hs_target_read_phys, self, &t, error);
  if (!ok)
    return FALSE;
  *pa = t.pa;
  *span = t.size ? t.size - (address & (t.size - 1)) : G_MAXUINT64;
  return TRUE;
}

static gboolean
worker_context (HsTarget         *self,
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
  return hs_target_context (self, address->machine, address->space, ctx, source, error);
}

void
hs_target_read_job (gpointer  owner,
                    HsJob    *job)
{
  HsTarget *self = owner;
  MemRequest *req = hs_job_get_data (job);
  g_autofree guint8 *buf = g_malloc0 (MAX (req->length, 1));
  g_autofree guint8 *valid = g_malloc0 (MAX (req->length, 1));
  HsMemoryRead *result;
  HsMmuContext ctx;
  GError *error = NULL;
  char *fault = NULL;
  gsize done = 0;

  if (!worker_context (self, &req->address, &ctx, NULL, &error))
    {
      hs_job_return_error (job, error);
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
              hs_job_return_error (job, g_steal_pointer (&local_error));
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
          hs_job_return_error (job, error);
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
  hs_job_return_pointer (job, result, (GDestroyNotify) hs_memory_read_free);
}

/* Worker: writes @len bytes at @address, all or nothing as far as the MMU goes. */
static gboolean
worker_write (HsTarget         *self,
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
          hs_target_forget_translations (self);
          self->halt_serial++;
          return FALSE;
        }
      done += piece[1];
    }
  /* The write may have changed a page table, or a task list a step would keep. */
  hs_target_forget_translations (self);
  self->halt_serial++;
  return TRUE;
}

gboolean
hs_target_write_virtual (HsTarget      *self,
                         guint          machine,
                         guint64        va,
                         const void    *buf,
                         gsize          len,
                         GError       **error)
{
  HsAddress address = { HS_ACCESS_VIRTUAL, machine, 0, va };

  return worker_write (self, &address, buf, len, error);
}

void
hs_target_write_job (gpointer  owner,
                     HsJob    *job)
{
  HsTarget *self = owner;
  MemRequest *req = hs_job_get_data (job);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (req->data, &len);
  GError *error = NULL;

  if (!worker_write (self, &req->address, bytes, len, &error))
    {
      hs_job_return_error (job, error);
      return;
    }
  /* Every job returns a pointer (see hs_engine_forward_result); a write has nothing to give. */
  hs_job_return_pointer (job, GINT_TO_POINTER (TRUE), NULL);
}

void
hs_target_translate_job (gpointer  owner,
                         HsJob    *job)
{
  HsTarget *self = owner;
  MemRequest *req = hs_job_get_data (job);
  HsTranslation *result = g_new0 (HsTranslation, 1);
  HsMmuContext ctx;
  GError *error = NULL;
  gboolean ok;

  result->address = req->address;
  if (!worker_context (self, &req->address, &ctx, &result->source, &error))
    {
      hs_translation_free (result);
      hs_job_return_error (job, error);
      return;
    }
  if (req->address.access == HS_ACCESS_PHYSICAL)
    {
      result->mmu.input = result->mmu.ipa = result->mmu.pa = req->address.offset;
      hs_job_return_pointer (job, result, (GDestroyNotify) hs_translation_free);
      return;
    }
  result->stage1 = req->address.access == HS_ACCESS_VIRTUAL && ctx.stage1;
  result->stage2 = ctx.stage2;
  if (req->address.access == HS_ACCESS_INTERMEDIATE)
    ok = hs_mmu_stage2 (&ctx, req->address.offset, hs_target_read_phys, self,
                        &result->mmu, &error);
  else
    ok = hs_mmu_translate (&ctx, req->address.offset, hs_target_read_phys, self,
                           &result->mmu, &error);
  if (!ok)
    {
      if (!g_error_matches (error, HS_MMU_ERROR, HS_MMU_ERROR_TRANSLATION)
          && !g_error_matches (error, HS_MMU_ERROR, HS_MMU_ERROR_ADDRESS_SIZE))
        {
          hs_translation_free (result);
          hs_job_return_error (job, error);
          return;
        }
      result->fault = g_strdup (error->message);
      g_clear_error (&error);
    }
  hs_job_return_pointer (job, result, (GDestroyNotify) hs_translation_free);
}

static gboolean
collect_mapping (const HsMmuTranslation *mapping,
                 gpointer                user_data)
{
  g_array_append_val ((GArray *) user_data, *mapping);
  return TRUE;
}

void
hs_target_list_job (gpointer  owner,
                    HsJob    *job)
{
  HsTarget *self = owner;
  MemRequest *req = hs_job_get_data (job);
  ListResult *result = g_new0 (ListResult, 1);
  HsMmuContext ctx;
  GError *error = NULL;
  guint64 next = 0;
  HsMmuListFlags flags = HS_MMU_LIST_MERGE;

  result->mappings = g_array_new (FALSE, TRUE, sizeof (HsMmuTranslation));
  if (req->address.access == HS_ACCESS_PHYSICAL)
    {
      hs_list_result_free (result);
      hs_job_return_new_error (job, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "host physical addresses (A:) have no page tables to list");
      return;
    }
  if (req->address.access == HS_ACCESS_INTERMEDIATE)
    flags |= HS_MMU_LIST_STAGE2;
  if (!worker_context (self, &req->address, &ctx, &result->source, &error)
      || !hs_mmu_list (&ctx, req->address.offset, req->end, flags, req->max_entries,
                       collect_mapping, result->mappings, hs_target_read_phys, self,
                       &next, &error))
    {
      hs_list_result_free (result);
      hs_job_return_error (job, error);
      return;
    }
  result->next = next;
  hs_job_return_pointer (job, result, (GDestroyNotify) hs_list_result_free);
}
