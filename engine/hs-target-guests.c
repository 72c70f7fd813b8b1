/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-guests.c: the guests Xen lists and the tasks each guest runs, and the translations that read them.
 *
 * Everything here runs on the target's worker thread (see hs-target-private.h).
 */
#define G_LOG_DOMAIN "hs-target"

#include "config.h"

#include "hs-target-private.h"

#include <string.h>

#define MAX_TASKS_PER_GUEST 10000

gboolean
hs_target_get_register (HsTarget   *self,
                        guint       core,
                        const char *name,
                        guint64    *value)
{
  gint index = hs_target_lookup_register (self, name);

  *value = 0;
  if (index < 0 || core >= self->n_cores || self->values == NULL)
    return FALSE;
  if (!self->valid[(gsize) core * self->register_infos->len + index])
    return FALSE;
  *value = self->values[(gsize) core * self->register_infos->len + index];
  return TRUE;
}

gboolean
hs_target_read_phys (guint64    pa,
                     void      *buf,
                     gsize      len,
                     gpointer   engine,
                     GError   **error)
{
  HsTarget *self = engine;

  return hs_probe_read_memory (self->probe, pa, buf, len, error);
}

static gboolean
need_register (HsTarget    *self,
               guint        core,
               const char  *name,
               guint64     *value,
               GError     **error)
{
  if (hs_target_get_register (self, core, name, value))
    return TRUE;
  g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
               "core %u's %s is not known at this halt", core, name);
  return FALSE;
}

/* ID_AA64MMFR0_EL1.PARange: the implemented PA size caps what IPS/PS may claim. */
static guint
pa_range_bits (HsTarget *self)
{
  static const guint bits[] = { 32, 36, 40, 42, 44, 48, 52 };
  guint64 mmfr0;

  if (!hs_target_get_register (self, 0, "ID_AA64MMFR0_EL1", &mmfr0)
      || (mmfr0 & 0xf) >= G_N_ELEMENTS (bits))
    return 0;
  return bits[mmfr0 & 0xf];
}

/*
 * The core whose registers translate @dom's kernel space, or -1. A core running one of the
 * guest's vCPUs has its live EL1 state, even while it is in Xen handling a trap: Xen's saved
 * copy is from the last switch and may be stale. Without Xen's symbols (a guest known by its
 * VMID) a core in Xen that ran the guest last does too: Xen/arm does not switch EL1 or
 * stage-2 registers for its idle vCPU. @running says which of the two it is.
 */
gint
hs_target_core_holding_guest (HsTarget          *self,
                    const HsXenDomain *dom,
                    gboolean          *running)
{
  gint last_ran = -1;

  for (guint c = 0; c < self->n_cores; c++)
    {
      guint64 vttbr, cpsr;
      gboolean mine = FALSE;

      if (!hs_target_get_register (self, c, "VTTBR_EL2", &vttbr)
          || !hs_target_get_register (self, c, "cpsr", &cpsr))
        continue;
      if (self->current_vcpus != NULL && self->current_vcpus[c] != 0)
        {
          for (guint v = 0; v < dom->n_vcpu_info; v++)
            mine |= dom->vcpus[v].va == self->current_vcpus[c];
        }
      else if ((guint) (vttbr >> 48) == dom->vmid)
        {
          mine = ((cpsr >> 2) & 3) < 2;
          if (!mine && dom->domain_id < 0 && last_ran < 0)
            last_ran = (gint) c;
        }
      if (mine)
        {
          *running = TRUE;
          return (gint) c;
        }
    }
  *running = FALSE;
  return last_ran;
}

gboolean
hs_target_context (HsTarget      *self,
                   guint          machine,
                   guint64        space,
                   HsMmuContext  *ctx,
                   char         **source,
                   GError       **error)
{
  guint64 sctlr, tcr, ttbr0, ttbr1, mair, hcr, vtcr, vttbr;
  const HsXenDomain *dom = NULL;
  gboolean running;
  gint c;

  memset (ctx, 0, sizeof *ctx);
  if (self->values == NULL || self->n_cores == 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "no registers have been read from the target yet");
      return FALSE;
    }
  if (space != 0)
    {
      const guint64 *found = NULL;
      HsMmuTranslation t;

      for (guint i = 0; self->spaces && i < self->spaces->len && found == NULL; i++)
        {
          const guint64 *sp = (const guint64 *) self->spaces->data + 4 * i;

          if (sp[0] == machine && sp[1] == space)
            found = sp;
        }
      if (machine == 0 || found == NULL)
        {
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "machine %u has no process with address space 0x%" G_GINT64_MODIFIER "x "
                       "(a space is a user process's tgid; TASK.List /MACHINE %u shows them)",
                       machine, space, machine);
          return FALSE;
        }
      /* The process's tables: the kernel context with TTBR0 pointing at its mm->pgd, which
       * the kernel knows by its linear-map address; TTBR0 wants the IPA. */
      if (!hs_target_context (self, machine, 0, ctx, source, error)
          || !hs_mmu_translate (ctx, found[2], hs_target_read_phys, self, &t, error))
        {
          g_prefix_error (error, "address space 0x%" G_GINT64_MODIFIER "x: ", space);
          return FALSE;
        }
      ctx->ttbr0 = t.ipa | (found[3] & 0xffff) << 48;
      if (source)
        {
          char *s = g_strdup_printf ("%s, TTBR0 from process %" G_GUINT64_FORMAT "'s mm->pgd",
                                     *source, space);

          g_free (*source);
          *source = s;
        }
      return TRUE;
    }

  if (machine == 0)
    {
      /* Xen's tables are the same on every core; core 0 stands for all. */
      if (!need_register (self, 0, "SCTLR_EL2", &sctlr, error)
          || !need_register (self, 0, "TCR_EL2", &tcr, error)
          || !need_register (self, 0, "TTBR0_EL2", &ttbr0, error))
        return FALSE;
      if (!hs_target_get_register (self, 0, "MAIR_EL2", &mair))
        mair = 0;
      hs_mmu_context_set_el2 (ctx, sctlr, tcr, ttbr0, mair);
      ctx->pa_range_bits = pa_range_bits (self);
      if (source)
        *source = g_strdup ("Xen's EL2 registers (TTBR0_EL2, TCR_EL2)");
      return TRUE;
    }

  for (guint i = 0; self->guests && i < self->guests->len; i++)
    if (g_array_index (self->guests, HsXenDomain, i).machine == machine)
      dom = &g_array_index (self->guests, HsXenDomain, i);
  if (dom == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE,
                   "machine %u is not among the guests Xen listed at this halt%s", machine,
                   self->guests ? "" : " (load xen-syms for machine 0 to find them)");
      return FALSE;
    }

  c = hs_target_core_holding_guest (self, dom, &running);
  if (c >= 0)
    {
      if (!need_register (self, c, "SCTLR", &sctlr, error)
          || !need_register (self, c, "TCR_EL1", &tcr, error)
          || !need_register (self, c, "TTBR0_EL1", &ttbr0, error)
          || !need_register (self, c, "TTBR1_EL1", &ttbr1, error)
          || !need_register (self, c, "HCR_EL2", &hcr, error)
          || !need_register (self, c, "VTCR_EL2", &vtcr, error)
          || !need_register (self, c, "VTTBR_EL2", &vttbr, error))
        return FALSE;
      if (!hs_target_get_register (self, c, "MAIR_EL1", &mair))
        mair = 0;
      hs_mmu_context_set_el1 (ctx, sctlr, tcr, ttbr0, ttbr1, mair);
      /* A guest's walk always has its stage 2, whatever Xen left in HCR_EL2 meanwhile. */
      hs_mmu_context_set_stage2 (ctx, hcr | 1, vtcr, vttbr);
      ctx->pa_range_bits = pa_range_bits (self);
      if (source && dom->domain_id < 0)
        *source = g_strdup_printf ("registers of core %u, which %s VMID %u (Xen's symbols "
                                   "are not loaded)", c, running ? "runs" : "last ran",
                                   dom->vmid);
      else if (source)
        *source = g_strdup_printf ("live registers of core %u (in domain %d)", c,
                                   dom->domain_id);
      return TRUE;
    }

  if (dom->domain_id < 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "machine %u (VMID %u) is on no halted core; load xen-syms for machine 0 to "
                   "read guests from what Xen saved", machine, dom->vmid);
      return FALSE;
    }
  if (!dom->has_saved_el1)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "machine %u (domain %d) runs on no halted core and Xen holds no saved "
                   "vCPU state for it", machine, dom->domain_id);
      return FALSE;
    }
  /* Xen programs one VTCR_EL2 for every guest; only VTTBR differs. */
  if (!need_register (self, 0, "VTCR_EL2", &vtcr, error))
    return FALSE;
  hs_mmu_context_set_el1 (ctx, dom->sctlr, dom->tcr, dom->ttbr0, dom->ttbr1,
                          dom->has_mair ? dom->mair : 0);
  hs_mmu_context_set_stage2 (ctx, 1 /* HCR_EL2.VM */, vtcr, dom->vttbr);
  ctx->pa_range_bits = pa_range_bits (self);
  if (source)
    *source = g_strdup_printf ("Xen's saved state of domain %d vCPU 0", dom->domain_id);
  return TRUE;
}

/* Machine @machine's kernel translation context, worked out once per halt. */
static HsMmuContext *
kernel_context (HsTarget  *self,
                guint      machine,
                GError   **error)
{
  HsMmuContext *ctx = g_hash_table_lookup (self->contexts, GUINT_TO_POINTER (machine + 1));
  HsMmuContext fresh;

  if (ctx != NULL)
    return ctx;
  if (!hs_target_context (self, machine, 0, &fresh, NULL, error))
    return NULL;
  ctx = g_memdup2 (&fresh, sizeof fresh);
  g_hash_table_insert (self->contexts, GUINT_TO_POINTER (machine + 1), ctx);
  return ctx;
}

/* Where kernel address @va of @machine is in host physical memory. Awareness reads hundreds of
 * small pieces per halt: each 4K page is translated once (machine ids stay below 4096: the low
 * bits of a page-aligned address hold the machine in the TLB key). */
static gboolean
kernel_pa (HsTarget      *self,
           guint          machine,
           HsMmuContext  *ctx,
           guint64        va,
           guint64       *pa,
           GError       **error)
{
  guint64 key = (va & ~G_GUINT64_CONSTANT (0xfff)) | (machine & 0xfff);
  gpointer page = NULL;
  HsMmuTranslation t;

  if (machine < 0x1000 && g_hash_table_lookup_extended (self->tlb, &key, NULL, &page))
    {
      *pa = *(guint64 *) page + (va & 0xfff);
      return TRUE;
    }
  if (!hs_mmu_translate (ctx, va, hs_target_read_phys, self, &t, error))
    return FALSE;
  *pa = t.pa;
  if (machine < 0x1000 && t.size >= 0x1000)
    {
      guint64 *k = g_new (guint64, 1);
      guint64 *v = g_new (guint64, 1);

      *k = key;
      *v = t.pa - (va & 0xfff);
      g_hash_table_insert (self->tlb, k, v);
    }
  return TRUE;
}

/* Reads machine @machine's kernel virtual memory, page by page through its walk. */
gboolean
hs_target_read_virtual (HsTarget  *self,
                        guint      machine,
                        guint64    va,
                        void      *buf,
                        gsize      len,
                        GError   **error)
{
  HsMmuContext *ctx = kernel_context (self, machine, error);
  gsize done = 0;

  if (ctx == NULL)
    return FALSE;
  while (done < len)
    {
      guint64 here = va + done;
      gsize n = MIN (len - done, 0x1000 - (here & 0xfff));
      guint64 pa;

      if (!kernel_pa (self, machine, ctx, here, &pa, error)
          || !hs_probe_read_memory (self->probe, pa, (guint8 *) buf + done, n, error))
        return FALSE;
      done += n;
    }
  return TRUE;
}

/* Many pieces of a guest's kernel memory: translated here, then read through the probe in one
 * batch (one round trip for all of them on a pipelining probe). A piece that does not translate
 * or read only gets ok = FALSE. */
gboolean
hs_target_read_guest_v (HsLinuxRead  *reads,
                        guint         n_reads,
                        gpointer      user_data,
                        GError      **error)
{
  GuestReader *r = user_data;
  HsTarget *self = r->target;
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (HsProbeRead));
  g_autoptr(GArray) first = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_reads + 1);
  g_autofree gboolean *bad = g_new0 (gboolean, MAX (n_reads, 1));
  GError *local_error = NULL;
  HsMmuContext *ctx;

  for (guint i = 0; i < n_reads; i++)
    reads[i].ok = FALSE;
  if ((ctx = kernel_context (self, r->machine, &local_error)) == NULL)
    goto failed;
  for (guint i = 0; i < n_reads; i++)
    {
      gsize done = 0;

      g_array_append_val (first, pieces->len);
      if (reads[i].len > 0 && reads[i].va + (reads[i].len - 1) < reads[i].va)
        bad[i] = TRUE;
      while (!bad[i] && done < reads[i].len)
        {
          guint64 here = reads[i].va + done;
          gsize n = MIN (reads[i].len - done, 0x1000 - (here & 0xfff));
          HsProbeRead piece = { 0, (guint8 *) reads[i].buf + done, n, FALSE };

          if (!kernel_pa (self, r->machine, ctx, here, &piece.phys, &local_error))
            {
              if (hs_engine_is_connection_error (local_error))
                goto failed;
              g_clear_error (&local_error);
              bad[i] = TRUE;
              break;
            }
          /* Pages that are contiguous in physical memory too (the linear map) stay one
           * request. */
          if (done > 0 && pieces->len > g_array_index (first, guint, i)
              && g_array_index (pieces, HsProbeRead, pieces->len - 1).phys
                 + g_array_index (pieces, HsProbeRead, pieces->len - 1).len == piece.phys)
            g_array_index (pieces, HsProbeRead, pieces->len - 1).len += n;
          else
            g_array_append_val (pieces, piece);
          done += n;
        }
    }
  g_array_append_val (first, pieces->len);
  if (!hs_probe_read_memory_v (self->probe, (HsProbeRead *) pieces->data, pieces->len,
                               &local_error))
    goto failed;
  for (guint i = 0; i < n_reads; i++)
    {
      gboolean ok = !bad[i];

      for (guint p = g_array_index (first, guint, i); ok && p < g_array_index (first, guint, i + 1);
           p++)
        ok = g_array_index (pieces, HsProbeRead, p).ok;
      reads[i].ok = ok;
    }
  return TRUE;

failed:
  if (hs_engine_is_connection_error (local_error))
    {
      r->lost = TRUE;
      hs_target_note_lost (r->target, local_error);
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

void
hs_target_forget_translations (HsTarget *self)
{
  g_hash_table_remove_all (self->contexts);
  g_hash_table_remove_all (self->tlb);
}

static gboolean
read_xen (guint64    va,
          void      *buf,
          gsize      len,
          gpointer   target,
          GError   **error)
{
  GError *local_error = NULL;

  if (hs_target_read_virtual (target, 0, va, buf, len, &local_error))
    return TRUE;
  /* The Xen walker keeps what it read before a failed read; a lost probe is more. */
  if (hs_engine_is_connection_error (local_error))
    hs_target_note_lost (target, local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

static gint
compare_domid (gconstpointer a,
               gconstpointer b)
{
  return ((const HsXenDomain *) a)->domain_id - ((const HsXenDomain *) b)->domain_id;
}

/* Worker: the machine a guest first seen by its VMID gets, kept for the session. Without
 * Xen's symbols, machine n is VMID n: Xen/arm hands out VMIDs from 1 in the order it creates
 * domains, which is the domain-id order the machines follow once Xen's symbols are loaded. */
static guint
machine_for_vmid (HsTarget *self,
                  guint     vmid)
{
  gpointer id = g_hash_table_lookup (self->vmid_to_machine, GUINT_TO_POINTER (vmid));
  guint machine;
  GHashTableIter iter;
  gpointer used;
  gboolean taken = FALSE;

  if (id != NULL)
    return GPOINTER_TO_UINT (id);
  g_hash_table_iter_init (&iter, self->domid_to_machine);
  while (g_hash_table_iter_next (&iter, NULL, &used) && !taken)
    taken = GPOINTER_TO_UINT (used) == vmid;
  machine = !taken && vmid < HS_ENGINE_MAX_MACHINE ? vmid : self->next_machine++;
  self->next_machine = MAX (self->next_machine, machine + 1);
  g_hash_table_insert (self->vmid_to_machine, GUINT_TO_POINTER (vmid),
                       GUINT_TO_POINTER (machine));
  return machine;
}

/* Worker: without Xen's symbols, the guests are what the cores hold. A core's VTTBR_EL2 names
 * the guest it runs or, while it is in Xen, the one it ran last: Xen/arm leaves the last
 * guest's EL1 and stage-2 registers in place while its idle vCPU runs. A guest no core has
 * run since cannot be found this way. */
static void
discover_by_vmid (HsTarget *self,
                  Snapshot *snap)
{
  g_autoptr(GArray) found = hs_xen_domains_new ();

  for (guint c = 0; c < self->n_cores; c++)
    {
      guint64 vttbr;
      HsXenDomain dom = { 0 };
      gboolean seen = FALSE;

      if (!hs_target_get_register (self, c, "VTTBR_EL2", &vttbr)
          || (vttbr >> 48) == 0 || (vttbr & G_GUINT64_CONSTANT (0xfffffffffffe)) == 0)
        continue;
      for (guint i = 0; i < found->len && !seen; i++)
        seen = g_array_index (found, HsXenDomain, i).vmid == (guint) (vttbr >> 48);
      if (seen)
        continue;
      dom.domain_id = -1;
      dom.vmid = (guint) (vttbr >> 48);
      dom.vttbr = vttbr;
      dom.machine = machine_for_vmid (self, dom.vmid);
      g_array_append_val (found, dom);
    }
  g_clear_pointer (&self->guests, g_array_unref);
  g_clear_pointer (&self->current_vcpus, g_free);
  self->guests = g_array_ref (found);
  snap->guests = hs_xen_domains_copy (found);
}

/* Worker: reads Xen's domains with the registers just read, and numbers new guests. */
static void
discover (HsTarget *self,
          Snapshot *snap,
          gboolean  wait_for_symbols)
{
  g_autoptr(GPtrArray) xen = hs_symbol_scope_get_bindings (self->symbols, 0);
  g_autoptr(GArray) found = hs_xen_domains_new ();
  g_autofree char *cut_short = NULL;
  const HsSymbolBinding *b;

  if (xen->len == 0)
    {
      discover_by_vmid (self, snap);
      return;
    }
  b = g_ptr_array_index (xen, 0);
  /* A halt does not wait for an index: the guests are read again when it is ready. */
  if (!wait_for_symbols && hs_symbol_file_has_dwarf (b->file)
      && !hs_symbol_file_is_indexed (b->file))
    {
      g_set_error (&snap->discovery_error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_INDEXING,
                   "%s is still being indexed; the guests are read as soon as it is ready",
                   hs_symbol_file_get_path (b->file));
      snap->deferred = TRUE;
      g_clear_pointer (&self->guests, g_array_unref);
      return;
    }
  g_clear_pointer (&self->guests_note, g_free);
  if (!hs_xen_read_domains (b->file, b->offset, read_xen, self, found, &cut_short,
                            &snap->discovery_error))
    {
      g_debug ("guests not read: %s", snap->discovery_error->message);
      g_clear_pointer (&self->guests, g_array_unref);
      snap->guests_note = g_strdup_printf ("the guests could not be read: %s",
                                           snap->discovery_error->message);
      return;
    }
  /* The guests before the break stand, and MACHINE.List says where the list broke. */
  self->guests_note = g_steal_pointer (&cut_short);
  snap->guests_note = g_strdup (self->guests_note);
  g_array_sort (found, compare_domid);
  for (guint i = 0; i < found->len; i++)
    {
      HsXenDomain *dom = &g_array_index (found, HsXenDomain, i);
      gpointer id = g_hash_table_lookup (self->domid_to_machine,
                                         GINT_TO_POINTER (dom->domain_id + 1));

      /* A guest found by its VMID before Xen's symbols came keeps its number. */
      if (id == NULL)
        id = g_hash_table_lookup (self->vmid_to_machine, GUINT_TO_POINTER (dom->vmid));
      if (id != NULL)
        g_hash_table_insert (self->domid_to_machine, GINT_TO_POINTER (dom->domain_id + 1), id);
      if (id == NULL)
        {
          id = GUINT_TO_POINTER (self->next_machine++);
          g_hash_table_insert (self->domid_to_machine, GINT_TO_POINTER (dom->domain_id + 1), id);
        }
      dom->machine = GPOINTER_TO_UINT (id);
    }
  g_clear_pointer (&self->guests, g_array_unref);
  self->guests = g_array_ref (found);
  snap->guests = hs_xen_domains_copy (found);

  /* Which vCPU each core runs: that decides whose registers are live. */
  g_clear_pointer (&self->current_vcpus, g_free);
  self->current_vcpus = g_new0 (guint64, self->n_cores);
  if (!hs_xen_read_current_vcpus (b->file, b->offset, read_xen, self, self->n_cores,
                                  self->current_vcpus, NULL))
    g_clear_pointer (&self->current_vcpus, g_free);
  else
    snap->current_vcpus = g_memdup2 (self->current_vcpus, sizeof (guint64) * self->n_cores);
}

void
hs_target_take_snapshot (HsTarget *self,
                         Snapshot *snap,
                         gboolean  wait_for_symbols,
                         gboolean  views_first)
{
  gsize n = (gsize) snap->n_cores * snap->n_registers;

  g_free (self->values);
  g_free (self->valid);
  self->values = g_memdup2 (snap->values, n * sizeof (guint64));
  self->valid = g_memdup2 (snap->valid, n * sizeof (gboolean));
  self->n_cores = snap->n_cores;
  self->values_stale = FALSE;
  self->halt_serial++;
  hs_target_forget_translations (self);
  {
    gint64 t0 = g_get_monotonic_time (), t1;

    discover (self, snap, wait_for_symbols);
    t1 = g_get_monotonic_time ();
    /* Guest contexts depend on what discovery found. */
    hs_target_forget_translations (self);
    hs_target_find_slides (self, snap);
    if (views_first)
      hs_target_read_current_tasks (self, snap, -1);
    else
      hs_target_read_tasks (self, snap, wait_for_symbols, -1, NULL);
    g_debug ("halt: guests read in %.1f ms, tasks in %.1f ms", (t1 - t0) / 1000.0,
             (g_get_monotonic_time () - t1) / 1000.0);
  }
}

/* Worker: the first connection error a walk met. Walkers take a failed read for the end of a
 * list, so the walk goes on to its end with every read failing, and its result says nothing of
 * the probe: the job that ran it returns this instead. */
void
hs_target_note_lost (HsTarget     *self,
                     const GError *error)
{
  if (self->lost == NULL)
    self->lost = g_error_copy (error);
}

/* Worker: returns the connection error a walk met in @job's place, if it met one. */
static gboolean
return_if_lost (HsTarget *self,
                HsJob    *job,
                Snapshot *snap)
{
  if (self->lost == NULL && (self->probe == NULL || hs_probe_is_connected (self->probe)))
    return FALSE;
  hs_engine_snapshot_free (snap);
  if (self->lost != NULL)
    hs_job_return_error (job, g_error_copy (self->lost));
  else
    hs_job_return_new_error (job, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
                             "lost the connection to the probe while reading the guests");
  return TRUE;
}

void
hs_target_rediscover_job (gpointer  owner,
                          HsJob    *job)
{
  HsTarget *self = owner;
  Snapshot *snap = g_new0 (Snapshot, 1);

  /* No registers in it, but the per-core facts discovery adds are sized by it. */
  snap->n_cores = self->n_cores;
  hs_target_forget_translations (self);
  discover (self, snap, TRUE);
  hs_target_forget_translations (self);
  hs_target_find_slides (self, snap);
  hs_target_read_tasks (self, snap, TRUE, -1, NULL);
  if (return_if_lost (self, job, snap))
    return;
  hs_job_return_pointer (job, snap, (GDestroyNotify) hs_engine_snapshot_free);
}

gboolean
hs_target_read_guest (guint64    va,
                      void      *buf,
                      gsize      len,
                      gpointer   user_data,
                      GError   **error)
{
  GuestReader *r = user_data;
  GError *local_error = NULL;

  if (hs_target_read_virtual (r->target, r->machine, va, buf, len, &local_error))
    return TRUE;
  /* Walkers treat a failed read as the end of a list or a stack; a lost probe is more. */
  if (hs_engine_is_connection_error (local_error))
    {
      r->lost = TRUE;
      hs_target_note_lost (r->target, local_error);
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

/* The kernel's structure layout; with @wait FALSE (a halt's walk), a vmlinux still being
 * indexed is not waited for: its tasks are read when the index is ready. */
const HsLinuxLayout *
hs_target_layout_for (HsTarget      *self,
                      HsSymbolFile  *vmlinux,
                      gboolean       wait,
                      GError       **error)
{
  HsLinuxLayout *layout = g_hash_table_lookup (self->layouts, vmlinux);

  if (layout != NULL)
    return layout;
  if (!wait && hs_symbol_file_has_dwarf (vmlinux) && !hs_symbol_file_is_indexed (vmlinux))
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_INDEXING,
                   "%s is still being indexed; its tasks are read as soon as it is ready",
                   hs_symbol_file_get_path (vmlinux));
      return NULL;
    }
  layout = hs_linux_layout_new (vmlinux, error);
  if (layout == NULL)
    return NULL;
  g_hash_table_insert (self->layouts, g_object_ref (vmlinux), layout);
  return layout;
}

/* per_cpu(__entry_task, cpu) for each of the guest's vCPUs (Linux CPU n is vCPU n): the per-CPU
 * offsets in one read, the entries in one batch. */
static void
read_entry_tasks (GuestReader   *r,
                  HsSymbolFile  *vmlinux,
                  guint64        offset,
                  guint          n,
                  guint64       *tasks)
{
  g_autofree guint64 *per_cpu = NULL;
  g_autofree HsLinuxRead *reads = NULL;
  HsSymbol entry, offsets;

  memset (tasks, 0, sizeof (guint64) * n);
  if (n == 0 || !hs_symbol_file_lookup (vmlinux, "__entry_task", &entry)
      || !hs_symbol_file_lookup (vmlinux, "__per_cpu_offset", &offsets))
    return;
  per_cpu = g_new0 (guint64, n);
  if (!hs_target_read_guest (offsets.address + offset, per_cpu, sizeof (guint64) * n, r, NULL))
    return;
  reads = g_new0 (HsLinuxRead, n);
  for (guint cpu = 0; cpu < n; cpu++)
    reads[cpu] = (HsLinuxRead) { entry.address + offset + GUINT64_FROM_LE (per_cpu[cpu]),
                                 &tasks[cpu], 8, FALSE };
  if (!hs_target_read_guest_v (reads, n, r, NULL))
    {
      memset (tasks, 0, sizeof (guint64) * n);
      return;
    }
  for (guint cpu = 0; cpu < n; cpu++)
    tasks[cpu] = reads[cpu].ok ? GUINT64_FROM_LE (tasks[cpu]) : 0;
}

static void
last_walk_copy_record (HsTaskRecord       *dst,
                       const HsTaskRecord *src)
{
  *dst = *src;
  dst->info.corrupt_reason = g_strdup (src->info.corrupt_reason);
}

/* What the next walk of @machine reads ahead, and what a walk of another machine after a step
 * (which left this one as it was) shows of it. */
static void
remember_walk (HsTarget     *self,
               guint         machine,
               const GArray *records,
               guint         first,
               const char   *note)
{
  LastWalk *last = g_new0 (LastWalk, 1);
  g_autoptr(GHashTable) mms = g_hash_table_new (g_int64_hash, g_int64_equal);

  last->tasks = g_array_sized_new (FALSE, FALSE, sizeof (guint64), records->len - first);
  last->mms = g_array_new (FALSE, FALSE, sizeof (guint64));
  last->records = g_array_sized_new (FALSE, TRUE, sizeof (HsTaskRecord), records->len - first);
  g_array_set_clear_func (last->records, hs_task_record_clear);
  last->note = g_strdup (note);
  last->halt_serial = self->halt_serial;
  for (guint t = first; t < records->len; t++)
    {
      const HsTaskRecord *rec = &g_array_index (records, HsTaskRecord, t);
      HsTaskRecord copy;

      g_array_append_val (last->tasks, rec->info.task);
      if (rec->info.mm != 0 && g_hash_table_add (mms, (gpointer) &rec->info.mm))
        g_array_append_val (last->mms, rec->info.mm);
      last_walk_copy_record (&copy, rec);
      g_array_append_val (last->records, copy);
    }
  g_hash_table_replace (self->last_walk, GUINT_TO_POINTER (machine), last);
}

/* The kernel's own binding among a machine's (space 0, not a module), or NULL. */
const HsSymbolBinding *
hs_target_kernel_binding (GPtrArray *bindings)
{
  for (guint i = 0; i < bindings->len; i++)
    if (hs_symbol_binding_is_kernel (g_ptr_array_index (bindings, i)))
      return g_ptr_array_index (bindings, i);
  return NULL;
}

/* A task's record: which vCPU runs it (per the guest's __entry_task) and on which core. */
static void
append_record (HsTarget           *self,
               Snapshot           *snap,
               const HsXenDomain  *dom,
               const guint64      *entry,
               HsLinuxTask        *lt)
{
  HsTaskRecord rec = { dom->machine, *lt, -1, -1 };

  /* The record takes the task's reason string. */
  lt->corrupt_reason = NULL;
  for (guint v = 0; v < dom->n_vcpu_info; v++)
    if (entry[v] != 0 && entry[v] == lt->task)
      {
        rec.current_vcpu = (gint) dom->vcpus[v].id;
        for (guint c = 0; self->current_vcpus && c < self->n_cores; c++)
          if (self->current_vcpus[c] == dom->vcpus[v].va)
            rec.core = (gint) c;
      }
  g_array_append_val (snap->tasks, rec);
}

static void
update_space (HsTarget *self,
              guint     machine,
              gint      tgid,
              guint64   pgd,
              guint64   asid)
{
  guint64 space[4] = { machine, (guint64) tgid, pgd, asid };

  for (guint i = 0; i < self->spaces->len; i++)
    {
      guint64 *known = (guint64 *) self->spaces->data + 4 * i;

      if (known[0] == machine && known[1] == (guint64) tgid)
        {
          memcpy (known, space, sizeof space);
          return;
        }
    }
  g_array_append_val (self->spaces, space);
}

static GuestReader *
guest_reader (HsTarget *self,
              guint     machine)
{
  GuestReader *r = g_new0 (GuestReader, 1);

  r->target = self;
  r->machine = machine;
  return r;
}

/* The tasks the views show first: the one each of the guest's vCPUs runs (running or
 * descheduled), read from their task_structs alone, without the lists. The whole lists follow
 * from hs_target_read_tasks_job. @only_machine >= 0: that guest's only. */
void
hs_target_read_current_tasks (HsTarget *self,
                              Snapshot *snap,
                              gint      only_machine)
{
  snap->tasks = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_array_set_clear_func (snap->tasks, hs_task_record_clear);
  snap->tasks_partial = TRUE;
  snap->tasks_machine = only_machine;
  for (guint g = 0; self->guests != NULL && g < self->guests->len; g++)
    {
      const HsXenDomain *dom = &g_array_index (self->guests, HsXenDomain, g);
      g_autoptr(GPtrArray) bindings = NULL;
      g_autofree guint64 *entry = NULL;
      g_autofree GuestReader *reader = NULL;
      const HsSymbolBinding *b;
      const HsLinuxLayout *layout;
      HsLinuxReader walk;
      HsSymbol init;

      if (only_machine >= 0 && dom->machine != (guint) only_machine)
        continue;
      bindings = hs_symbol_scope_get_bindings (self->symbols, dom->machine);
      if ((b = hs_target_kernel_binding (bindings)) == NULL
          || (layout = hs_target_layout_for (self, b->file, FALSE, NULL)) == NULL
          || !hs_symbol_file_lookup (b->file, "init_task", &init))
        continue;
      reader = guest_reader (self, dom->machine);
      walk = (HsLinuxReader) { hs_target_read_guest, hs_target_read_guest_v, reader };
      entry = g_new0 (guint64, MAX (dom->n_vcpu_info, 1));
      read_entry_tasks (reader, b->file, b->offset, dom->n_vcpu_info, entry);
      for (guint v = 0; v < dom->n_vcpu_info; v++)
        {
          g_auto(HsLinuxTask) lt = { 0 };
          gboolean seen = FALSE;

          for (guint w = 0; w < v && !seen; w++)
            seen = entry[w] == entry[v];
          if (entry[v] == 0 || seen || !hs_linux_read_task (layout, &walk, entry[v], &lt, NULL))
            continue;
          /* Idle tasks other than init_task are on no list: the walk would not show them. */
          if (lt.pid == 0 && entry[v] != init.address + b->offset)
            continue;
          /* Its address space as of now (it may have exec'd): views read its memory before
           * the whole lists refresh the others'. */
          if (self->spaces != NULL && !lt.kernel_thread && lt.pgd != 0 && !lt.corrupt)
            update_space (self, dom->machine, lt.tgid, lt.pgd, lt.asid);
          append_record (self, snap, dom, entry, &lt);
        }
    }
}

void
hs_target_read_tasks (HsTarget     *self,
                      Snapshot     *snap,
                      gboolean      wait_for_symbols,
                      gint          only_machine,
                      GCancellable *cancellable)
{
  /* Replaced only by a walk that finished: a cancelled one keeps the last whole set. */
  g_autoptr(GArray) spaces = g_array_new (FALSE, FALSE, sizeof (guint64) * 4);

  if (self->spaces == NULL)
    self->spaces = g_array_new (FALSE, FALSE, sizeof (guint64) * 4);
  if (self->guests == NULL)
    {
      g_array_set_size (self->spaces, 0);
      return;
    }
  snap->tasks = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_array_set_clear_func (snap->tasks, hs_task_record_clear);
  snap->task_notes = g_string_new (NULL);

  /* Between guests, a run or a newer halt stops a walk nobody will look at (a guest's walk
   * is bounded by MAX_TASKS_PER_GUEST). */
  for (guint g = 0; g < self->guests->len && !g_cancellable_is_cancelled (cancellable); g++)
    {
      const HsXenDomain *dom = &g_array_index (self->guests, HsXenDomain, g);
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, dom->machine);
      g_autoptr(GArray) tasks = g_array_new (FALSE, TRUE, sizeof (HsLinuxTask));
      g_autoptr(GError) error = NULL;
      g_autofree char *warning = NULL;
      g_autofree guint64 *entry = NULL;
      g_autofree GuestReader *reader = guest_reader (self, dom->machine);
      const HsSymbolBinding *b = hs_target_kernel_binding (bindings);
      const LastWalk *last = g_hash_table_lookup (self->last_walk,
                                                  GUINT_TO_POINTER (dom->machine));
      const HsLinuxLayout *layout;
      guint first = snap->tasks->len;
      HsLinuxReader walk;

      if (b == NULL)
        continue;

      /* A step elsewhere left this guest as it was: what its walk since the last halt found
       * still holds (a walk from before it does not: everything ran in between). */
      if (only_machine >= 0 && dom->machine != (guint) only_machine && last != NULL
          && last->halt_serial == self->halt_serial)
        {
          for (guint t = 0; t < last->records->len; t++)
            {
              HsTaskRecord copy;

              last_walk_copy_record (&copy, &g_array_index (last->records, HsTaskRecord, t));
              g_array_append_val (snap->tasks, copy);
            }
          if (last->note != NULL)
            g_string_append (snap->task_notes, last->note);
          hs_target_read_modules (self, snap, dom->machine, b->file, b->offset, reader, TRUE,
                                  cancellable);
        }
      else
        {
          g_autofree char *note = NULL;

          g_array_set_clear_func (tasks, (GDestroyNotify) hs_linux_task_clear);
          layout = hs_target_layout_for (self, b->file, wait_for_symbols, &error);
          walk = (HsLinuxReader) {
            .read = hs_target_read_guest,
            .readv = hs_target_read_guest_v,
            .user_data = reader,
            .expect_tasks = last ? (const guint64 *) last->tasks->data : NULL,
            .n_expect_tasks = last ? last->tasks->len : 0,
            .expect_mms = last ? (const guint64 *) last->mms->data : NULL,
            .n_expect_mms = last ? last->mms->len : 0,
            .cancellable = cancellable,
          };
          if (layout == NULL
              || !hs_linux_walk_tasks (layout, b->file, b->offset, &walk, MAX_TASKS_PER_GUEST,
                                       tasks, &warning, &error))
            {
              /* One bad guest never hides the others. */
              g_string_append_printf (snap->task_notes, "machine %u: %s\n", dom->machine,
                                      error->message);
              if (g_error_matches (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_INDEXING))
                snap->deferred = TRUE;
              g_hash_table_remove (self->last_walk, GUINT_TO_POINTER (dom->machine));
              continue;
            }
          /* A walk stopped by a cancellation is nobody's to keep (the result is dropped). */
          if (g_cancellable_is_cancelled (cancellable))
            break;
          if (warning)
            {
              note = g_strdup_printf ("machine %u: %s\n", dom->machine, warning);
              g_string_append (snap->task_notes, note);
            }
          entry = g_new0 (guint64, MAX (dom->n_vcpu_info, 1));
          read_entry_tasks (reader, b->file, b->offset, dom->n_vcpu_info, entry);
          for (guint t = 0; t < tasks->len; t++)
            append_record (self, snap, dom, entry, &g_array_index (tasks, HsLinuxTask, t));
          remember_walk (self, dom->machine, snap->tasks, first, note);
          hs_target_read_modules (self, snap, dom->machine, b->file, b->offset, reader, FALSE,
                                  cancellable);
        }

      /* The processes' address spaces, for machine:::tgid::address. */
      for (guint t = first; t < snap->tasks->len; t++)
        {
          const HsLinuxTask *lt = &g_array_index (snap->tasks, HsTaskRecord, t).info;

          if (!lt->kernel_thread && !lt->is_thread && lt->pgd != 0 && !lt->corrupt)
            {
              guint64 space[4] = { dom->machine, (guint64) lt->tgid, lt->pgd, lt->asid };

              g_array_append_val (spaces, space);
            }
        }
    }
  if (!g_cancellable_is_cancelled (cancellable))
    {
      g_array_unref (self->spaces);
      self->spaces = g_steal_pointer (&spaces);
    }
}

/* Worker, right after a halt that showed the views first: every guest's whole task list (or,
 * after a step, the stepped guest's; the others' are as their last walk found them). */
void
hs_target_read_tasks_job (gpointer  owner,
                          HsJob    *job)
{
  HsTarget *self = owner;
  Snapshot *snap;

  if (g_cancellable_is_cancelled (hs_job_get_cancellable (job)))
    {
      hs_job_return_new_error (job, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the target runs again");
      return;
    }
  snap = g_new0 (Snapshot, 1);
  snap->n_cores = self->n_cores;
  hs_target_read_tasks (self, snap, FALSE, GPOINTER_TO_INT (hs_job_get_data (job)) - 1,
                        hs_job_get_cancellable (job));
  /* With the whole lists, the guests' vCPUs can name the tasks they run. */
  if (self->guests != NULL)
    {
      snap->guests = hs_xen_domains_copy (self->guests);
      snap->guests_note = g_strdup (self->guests_note);
    }
  if (self->current_vcpus != NULL)
    snap->current_vcpus = g_memdup2 (self->current_vcpus, sizeof (guint64) * self->n_cores);
  if (return_if_lost (self, job, snap))
    return;
  hs_job_return_pointer (job, snap, (GDestroyNotify) hs_engine_snapshot_free);
}

/* Worker, at a breakpoint stop before any snapshot: the task @core runs inside @machine (its
 * pid, its process's tgid, its name), read from the guest — SP_EL0 holds `current` while the kernel runs (arm64), and per_cpu
 * __entry_task (through TPIDR_EL1, the per-CPU offset) names it while user space runs. */
gboolean
hs_target_core_task (HsTarget  *self,
                     guint      machine,
                     guint64    cpsr,
                     guint64    sp_el0,
                     guint64    tpidr_el1,
                     gint      *pid,
                     gint      *tgid,
                     char     **comm,
                     GError   **error)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, machine);
  GuestReader reader = { self, machine, FALSE };
  const HsSymbolBinding *b = NULL;
  const HsLinuxLayout *layout;
  guint64 task = 0;
  gint32 p = 0, tg = 0;
  char name[17] = { 0 };

  b = hs_target_kernel_binding (bindings);
  if (b == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                   "machine %u has no vmlinux loaded: its tasks are unknown", machine);
      return FALSE;
    }
  if ((layout = hs_target_layout_for (self, b->file, TRUE, error)) == NULL)
    return FALSE;
  if (((cpsr >> 2) & 3) == 1)
    task = sp_el0;
  else
    {
      HsSymbol entry;

      if (!hs_symbol_file_lookup (b->file, "__entry_task", &entry))
        {
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                       "no __entry_task in machine %u's vmlinux", machine);
          return FALSE;
        }
      if (!hs_target_read_guest (entry.address + b->offset + tpidr_el1, &task, 8, &reader, error))
        return FALSE;
      task = GUINT64_FROM_LE (task);
    }
  /* A guest's SP_EL0 or per-CPU data can hold anything: only a kernel pointer is a task. */
  if (task < G_GUINT64_CONSTANT (0xffff000000000000) || layout->pid.size != 4
      || layout->comm.size == 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "the current task of machine %u is not readable (0x%" G_GINT64_MODIFIER "x)",
                   machine, task);
      return FALSE;
    }
  if (!hs_target_read_guest (task + layout->pid.offset, &p, 4, &reader, error)
      || !hs_target_read_guest (task + layout->tgid.offset, &tg, 4, &reader, error)
      || !hs_target_read_guest (task + layout->comm.offset, name, MIN (layout->comm.size, 16), &reader,
                      error))
    return FALSE;
  *pid = GINT32_FROM_LE (p);
  *tgid = GINT32_FROM_LE (tg);
  *comm = g_utf8_make_valid (name, -1);
  return TRUE;
}
