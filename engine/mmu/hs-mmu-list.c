/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-mmu-list.c: the mappings of a range, as translations would find them,
 * bounded by the caller's budget of entries.
 */
#define G_LOG_DOMAIN "hs-mmu"

#include "config.h"

#include "hs-mmu-private.h"

typedef struct
{
  HsMmuMappingFunc func;
  gpointer user_data;
  gboolean merge;
  guint entries_left;
  gboolean stopped;
  gboolean has_pending;
  HsMmuTranslation pending;
} ListState;

static gboolean
mergeable (const HsMmuTranslation *a,
           const HsMmuTranslation *b)
{
  return a->input + a->size == b->input && a->ipa + a->size == b->ipa &&
         a->pa + a->size == b->pa && a->input + a->size != 0 &&
         a->perm_el1 == b->perm_el1 && a->perm_el0 == b->perm_el0 &&
         a->ttbr1 == b->ttbr1 && a->asid == b->asid && a->vmid == b->vmid &&
         a->s1_attr_index == b->s1_attr_index && a->s1_sh == b->s1_sh &&
         a->s1_af == b->s1_af && a->ng == b->ng &&
         a->s2_memattr == b->s2_memattr && a->s2_sh == b->s2_sh && a->s2_af == b->s2_af &&
         (a->s1_size == 0) == (b->s1_size == 0) && (a->s2_size == 0) == (b->s2_size == 0);
}

static gboolean
list_deliver (ListState              *ls,
              const HsMmuTranslation *m)
{
  ls->entries_left--;
  if (!ls->func (m, ls->user_data) || ls->entries_left == 0)
    {
      ls->stopped = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* Returns FALSE when the listing must stop; *delivered says whether @m itself was taken. */
static gboolean
list_emit (ListState              *ls,
           const HsMmuTranslation *m,
           gboolean               *taken)
{
  *taken = FALSE;
  if (ls->merge && ls->has_pending && mergeable (&ls->pending, m))
    {
      ls->pending.size += m->size;
      *taken = TRUE;
      return TRUE;
    }
  if (ls->has_pending)
    {
      ls->has_pending = FALSE;
      if (!list_deliver (ls, &ls->pending))
        return FALSE;
    }
  *taken = TRUE;
  if (ls->merge)
    {
      ls->pending = *m;
      ls->has_pending = TRUE;
      return TRUE;
    }
  return list_deliver (ls, m);
}

static void
list_flush (ListState *ls)
{
  if (ls->has_pending && !ls->stopped)
    {
      ls->has_pending = FALSE;
      list_deliver (ls, &ls->pending);
    }
}

/**
 * hs_mmu_list:
 * @ctx: the translation registers
 * @start: first input address (VA, or IPA with %HS_MMU_LIST_STAGE2)
 * @end: last input address (inclusive)
 * @flags: %HS_MMU_LIST_MERGE to merge runs of alike mappings, %HS_MMU_LIST_STAGE2 to list the
 *   IPA space of stage 2
 * @max_entries: at most this many calls of @func (at least 1)
 * @func: called per mapping in ascending input order; return FALSE to stop
 * @user_data: for @func
 * @read: reads physical memory; a listing reads whole table chunks (up to one granule) once
 * @read_data: for @read
 * @out_next: (out) (optional): where a further call should resume: the first input address not
 *   yet examined; @end + 1 (0 when @end is G_MAXUINT64) when the range was covered
 * @error: %HS_MMU_ERROR_READ when a table could not be read, %HS_MMU_ERROR_CONFIG for bad
 *   registers; mappings reported before the error stand
 *
 * Lists the mappings of [@start, @end] as a translation would find them: with stage 2 on, one
 * mapping per piece that is contiguous at both stages (the smaller of the stage-1 and stage-2
 * page or block). Each mapping is reported whole (mapping->input and mapping->size), so the first
 * may begin before @start and the last end after @end. Without %HS_MMU_LIST_MERGE every page or
 * block is its own mapping. Unmapped input (translation and address size faults) is skipped, a
 * whole table or block at a time. The TTBR0/TTBR1 hole is skipped; TBI is ignored (list the
 * canonical addresses).
 *
 * Bounded against hostile tables, all by @max_entries: at most @max_entries callbacks, at most
 * %HS_MMU_LIST_BYTES_BASE + %HS_MMU_LIST_BYTES_PER_ENTRY × @max_entries bytes read, and at most
 * %HS_MMU_LIST_STEPS_BASE + %HS_MMU_LIST_STEPS_PER_ENTRY × @max_entries steps (a step is one
 * translation, or one skip over a mapping or a run of invalid entries). Reaching a bound stops
 * the listing early without an error: *@out_next then says where to go on.
 */
gboolean
hs_mmu_list (const HsMmuContext *ctx,
             guint64             start,
             guint64             end,
             HsMmuListFlags      flags,
             guint               max_entries,
             HsMmuMappingFunc    func,
             gpointer            user_data,
             HsMmuReadFunc       read,
             gpointer            read_data,
             guint64            *out_next,
             GError            **error)
{
  gboolean s2_only = (flags & HS_MMU_LIST_STAGE2) != 0;
  ListState ls = { 0 };
  Walker wk;
  Fault f = { 0 };
  guint64 pos = start;
  guint64 max_steps;
  gboolean done = FALSE;
  gboolean ok = TRUE;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (start <= end, FALSE);
  g_return_val_if_fail (max_entries > 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (read != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ls.func = func;
  ls.user_data = user_data;
  ls.merge = (flags & HS_MMU_LIST_MERGE) != 0;
  ls.entries_left = max_entries;

  if (!_hs_mmu_walker_init (&wk, ctx, s2_only, read, read_data, &f))
    {
      _hs_mmu_fault_to_error (&wk, &f, error);
      _hs_mmu_fault_clear (&f);
      if (out_next != NULL)
        *out_next = start;
      return FALSE;
    }
  wk.cached = TRUE;
  wk.bytes_left = HS_MMU_LIST_BYTES_BASE + (guint64) HS_MMU_LIST_BYTES_PER_ENTRY * max_entries;
  max_steps = HS_MMU_LIST_STEPS_BASE + (guint64) HS_MMU_LIST_STEPS_PER_ENTRY * max_entries;

  for (guint64 steps = 0; !done && !ls.stopped; steps++)
    {
      HsMmuTranslation t;
      guint64 next;
      gboolean hit;

      if (steps >= max_steps)
        break;

      hit = s2_only ? _hs_mmu_translate_ipa (&wk, pos, &t, &f) : _hs_mmu_translate_va (&wk, pos, FALSE, &t, &f);
      if (hit)
        {
          guint64 base;
          gboolean taken;

          if (t.size == 0)
            {
              /* No translation at all: one identity mapping up to the PA size or @end. */
              guint64 last = MIN (end, low_mask (_hs_mmu_pa_limit_bits (ctx)));

              if (pos > last)
                {
                  done = TRUE;
                  break;
                }
              base = pos;
              t.size = last - pos + 1;
            }
          else
            base = pos & ~(t.size - 1);
          t.ipa -= pos - base;
          t.pa -= pos - base;
          t.input = base;
          next = base + t.size;
          if (!list_emit (&ls, &t, &taken))
            {
              if (taken && (next == 0 || next > end))
                done = TRUE;
              else if (taken)
                pos = next;
              break;
            }
        }
      else if (f.code == FAULT_LIMIT)
        break;
      else if (f.code == HS_MMU_ERROR_TRANSLATION || f.code == HS_MMU_ERROR_ADDRESS_SIZE)
        {
          if (f.outside)
            next = f.outside_last || f.outside_next <= pos ? 0 : f.outside_next;
          else
            next = f.skip_wraps ? 0 : f.skip_to;
        }
      else
        {
          list_flush (&ls);
          _hs_mmu_fault_to_error (&wk, &f, error);
          ok = FALSE;
          break;
        }

      if (next == 0 || next > end)
        done = TRUE;
      else if (next <= pos)
        pos++; /* cannot happen: mappings and holes are aligned and unique; stay safe */
      else
        pos = next;
    }

  list_flush (&ls);
  if (out_next != NULL)
    *out_next = done ? end + 1 : pos;
  _hs_mmu_fault_clear (&f);
  _hs_mmu_walker_clear (&wk);
  return ok;
}
