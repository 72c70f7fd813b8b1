/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-machines.c: machines, the symbol files bound to them, and the
 * translation context each one needs.
 *
 * Machine 0 is Xen: its stage 1 (TTBR0_EL2/TCR_EL2) is the same on every
 * core. A guest that a halted core is running (EL0/EL1 with its VMID in
 * VTTBR_EL2) is translated with that core's live registers; any other guest
 * with the EL1 state Xen saved for its vCPU 0, found by walking Xen's
 * domain_list through machine 0's own translation.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-sync.h"

#include "hs-engine-private.h"

#include <string.h>

enum {
  MACHINES_CHANGED,
  SYMBOLS_PROGRESS,
  N_SIGNALS
};

static guint machine_signals[N_SIGNALS];

/* ---- setup ------------------------------------------------------------------------------ */

static void on_symbols_progress (HsEngine     *self,
                                 const char   *what,
                                 double        fraction);
static void on_symbols_indexed  (HsEngine     *self,
                                 HsSymbolFile *file);

void
hs_engine_machines_init (HsEngine *self)
{
  g_autoptr(HsMachine) xen = hs_machine_new (0, HS_MACHINE_HYPERVISOR);

  self->machines = g_list_store_new (HS_TYPE_MACHINE);
  g_list_store_append (self->machines, xen);
  self->w_domid_to_machine = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->w_vmid_to_machine = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->w_contexts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->w_tlb = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->w_layouts = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                           (GDestroyNotify) hs_linux_layout_free);
  self->tasks = g_list_store_new (HS_TYPE_TASK);
  self->w_next_machine = 1;
  self->symbols = hs_symbol_scope_new ();
  g_signal_connect_object (self->symbols, "progress", G_CALLBACK (on_symbols_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->symbols, "indexed", G_CALLBACK (on_symbols_indexed), self,
                           G_CONNECT_SWAPPED);
}

void
hs_engine_machines_class_init (GObjectClass *klass)
{
  /**
   * HsEngine::machines-changed:
   *
   * Machines appeared, or their guest facts (domain, VMID, stage-2 base) changed.
   */
  machine_signals[MACHINES_CHANGED] =
    g_signal_new ("machines-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HsEngine::symbols-progress:
   * @what: e.g. "indexing DWARF of vmlinux"
   * @fraction: 0 to 1; 1 means done
   */
  machine_signals[SYMBOLS_PROGRESS] =
    g_signal_new ("symbols-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
}

void
hs_engine_machines_finalize (HsEngine *self)
{
  g_clear_object (&self->machines);
  g_clear_pointer (&self->w_domid_to_machine, g_hash_table_unref);
  g_clear_pointer (&self->w_vmid_to_machine, g_hash_table_unref);
  g_clear_pointer (&self->w_layouts, g_hash_table_unref);
  g_clear_pointer (&self->w_spaces, g_array_unref);
  g_clear_pointer (&self->w_contexts, g_hash_table_unref);
  g_clear_pointer (&self->w_tlb, g_hash_table_unref);
  g_clear_object (&self->tasks);
  g_clear_pointer (&self->task_notes, g_free);
  g_clear_pointer (&self->w_guests, g_array_unref);
  g_clear_pointer (&self->w_current_vcpus, g_free);
  g_clear_pointer (&self->current_vcpus, g_free);
  g_clear_pointer (&self->guests, g_array_unref);
  g_clear_pointer (&self->w_values, g_free);
  g_clear_pointer (&self->w_valid, g_free);
  g_clear_object (&self->symbols);
}

/* ---- machines (main thread) ------------------------------------------------------------- */

GListModel *
hs_engine_get_machines (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return G_LIST_MODEL (self->machines);
}

/* Returns: (transfer none) (nullable) */
HsMachine *
hs_engine_get_machine (HsEngine *self,
                       guint     id)
{
  guint n;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->machines));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (G_LIST_MODEL (self->machines), i);

      if (hs_machine_get_id (m) == id)
        return m;  /* the store keeps it */
    }
  return NULL;
}

static HsMachine *
ensure_machine (HsEngine *self,
                guint     id,
                gboolean *added)
{
  HsMachine *m = hs_engine_get_machine (self, id);
  g_autoptr(HsMachine) fresh = NULL;
  guint n, pos = 0;

  if (m != NULL)
    return m;
  fresh = hs_machine_new (id, id == 0 ? HS_MACHINE_HYPERVISOR : HS_MACHINE_GUEST);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->machines));
  while (pos < n)
    {
      g_autoptr(HsMachine) other = g_list_model_get_item (G_LIST_MODEL (self->machines), pos);

      if (hs_machine_get_id (other) > id)
        break;
      pos++;
    }
  g_list_store_insert (self->machines, pos, fresh);
  if (added)
    *added = TRUE;
  return fresh;
}

char *
hs_engine_describe_machines (HsEngine *self)
{
  GString *s = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->machines));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (G_LIST_MODEL (self->machines), i);
      g_autofree char *text = hs_machine_describe (m);

      g_string_append_printf (s, "%s%s", i ? ", " : "", text);
    }
  return g_string_free (s, FALSE);
}

/* The machine a core is in: a guest's id by its VMID at EL0/EL1, else Xen's 0. */
guint
hs_engine_get_core_machine (HsEngine *self,
                            guint     core_index)
{
  HsCore *core;
  guint64 vttbr;
  int el;
  guint n;

  g_return_val_if_fail (HS_IS_ENGINE (self), 0);

  core = hs_engine_get_core (self, core_index);
  if (core == NULL || (el = hs_core_get_exception_level (core)) < 0 || el >= 2
      || !hs_core_get_register_by_name (core, "VTTBR_EL2", &vttbr))
    return 0;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->machines));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (G_LIST_MODEL (self->machines), i);

      if (hs_machine_get_kind (m) == HS_MACHINE_GUEST
          && hs_machine_get_state (m) == HS_MACHINE_STATE_PRESENT
          && hs_machine_get_vmid (m) == (guint) (vttbr >> 48))
        return hs_machine_get_id (m);
    }
  return 0;
}

guint
hs_engine_get_current_machine (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), 0);
  /* A task chosen from the task list takes its machine along. */
  if (self->current_task != NULL)
    return hs_task_get_machine (self->current_task);
  return hs_engine_get_core_machine (self, self->current_core);
}

gboolean
hs_engine_check_machine (HsEngine  *self,
                         guint      id,
                         GError   **error)
{
  g_autofree char *known = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  if (hs_engine_get_machine (self, id) != NULL)
    return TRUE;
  known = hs_engine_describe_machines (self);
  g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE,
               "machine %u does not exist; machines: %s%s", id, known,
               g_list_model_get_n_items (G_LIST_MODEL (self->machines)) == 1
                 ? " (guests appear at a halt once Xen's symbols are loaded for machine 0)" : "");
  return FALSE;
}

/* Main thread: a guest's vCPU objects take what this halt found. The pc is live when a halted
 * core runs the vCPU (the core's own at EL0/EL1, ELR_EL2 when it trapped to Xen), else the one
 * Xen saved; the task current on it comes from the same halt's task records. */
static void
apply_vcpus (HsEngine          *self,
             Snapshot          *snap,
             const HsXenDomain *dom,
             HsMachine         *m)
{
  g_autofree HsVcpuRecord *records = g_new0 (HsVcpuRecord, MAX (dom->n_vcpu_info, 1));

  for (guint i = 0; i < dom->n_vcpu_info; i++)
    {
      const HsXenVcpu *v = &dom->vcpus[i];
      HsVcpuRecord *r = &records[i];

      r->id = v->id;
      r->state = hs_xen_vcpu_state (v);
      r->pcpu = v->processor;
      r->core = -1;
      r->has_pc = v->has_guest_regs;
      r->pc = v->pc;
      for (guint c = 0; self->current_vcpus && c < snap->n_cores && r->core < 0; c++)
        if (self->current_vcpus[c] == v->va)
          r->core = (gint) c;
      if (r->core >= 0)
        {
          HsCore *core = hs_engine_get_core (self, r->core);

          if (core != NULL
              && (hs_core_get_exception_level (core) < 2 ? hs_core_get_pc (core, &r->pc)
                  : hs_core_get_register_by_name (core, "ELR_EL2", &r->pc)))
            r->has_pc = r->pc_live = TRUE;
        }
      for (guint k = 0; snap->tasks && k < snap->tasks->len && r->task_name == NULL; k++)
        {
          const HsTaskRecord *t = &g_array_index (snap->tasks, HsTaskRecord, k);

          if (t->machine == dom->machine && t->current_vcpu == (gint) v->id && !t->info.corrupt)
            r->task_name = t->info.comm;
        }
    }
  hs_machine_set_vcpus (m, records, dom->n_vcpu_info);
}

/* Main thread: the guests a halt found become machines, numbered for good. */
void
hs_engine_apply_guests (HsEngine *self,
                        Snapshot *snap)
{
  gboolean changed = FALSE;
  guint n;

  if (snap->guests == NULL)
    return;
  g_clear_pointer (&self->guests, g_array_unref);
  self->guests = g_array_ref (snap->guests);
  g_clear_pointer (&self->current_vcpus, g_free);
  if (snap->current_vcpus)
    self->current_vcpus = g_memdup2 (snap->current_vcpus, sizeof (guint64) * snap->n_cores);
  for (guint i = 0; i < snap->guests->len; i++)
    {
      const HsXenDomain *dom = &g_array_index (snap->guests, HsXenDomain, i);
      HsMachine *m = ensure_machine (self, dom->machine, &changed);

      if (hs_machine_get_domain_id (m) < 0 && dom->domain_id >= 0
          && g_str_has_prefix (hs_machine_get_name (m), "machine"))
        {
          g_autofree char *name = g_strdup_printf ("dom%d", dom->domain_id);

          hs_machine_set_name (m, name);
        }
      if (hs_machine_get_domain_id (m) != dom->domain_id || hs_machine_get_vmid (m) != dom->vmid
          || hs_machine_get_vttbr (m) != dom->vttbr
          || hs_machine_get_state (m) != HS_MACHINE_STATE_PRESENT)
        changed = TRUE;
      hs_machine_set_guest (m, dom->domain_id, dom->vmid, dom->vttbr, dom->n_vcpus);
      hs_machine_set_state (m, HS_MACHINE_STATE_PRESENT);
      apply_vcpus (self, snap, dom, m);
    }
  /* A guest missing from the list has gone; it keeps its number. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->machines));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (G_LIST_MODEL (self->machines), i);
      gboolean found = FALSE;

      if (hs_machine_get_kind (m) != HS_MACHINE_GUEST || hs_machine_get_domain_id (m) < 0)
        continue;
      for (guint k = 0; k < snap->guests->len && !found; k++)
        found = g_array_index (snap->guests, HsXenDomain, k).machine == hs_machine_get_id (m);
      if (!found && hs_machine_get_state (m) != HS_MACHINE_STATE_GONE)
        {
          hs_machine_set_state (m, HS_MACHINE_STATE_GONE);
          hs_machine_set_vcpus (m, NULL, 0);
          changed = TRUE;
        }
    }
  if (changed)
    g_signal_emit (self, machine_signals[MACHINES_CHANGED], 0);
}

/* ---- symbols ---------------------------------------------------------------------------- */

HsSymbolScope *
hs_engine_get_symbol_scope (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->symbols;
}

/* Symbol names resolve in the machine's files for @space, then for space 0 (the kernel). */
gboolean
hs_engine_lookup_symbol (HsEngine    *self,
                         guint        machine,
                         guint64      space,
                         const char  *name,
                         guint64     *address,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  if (hs_symbol_scope_lookup_symbol (self->symbols, machine, space, name, address,
                                     &local_error))
    return TRUE;
  g_set_error_literal (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS, local_error->message);
  return FALSE;
}

/* "init_task+0x18", or NULL when no symbol covers @address. */
char *
hs_engine_symbolize (HsEngine *self,
                     guint     machine,
                     guint64   space,
                     guint64   address)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_symbol_scope_symbolize (self->symbols, machine, space, address);
}

typedef struct
{
  char *path;
  guint machine;
  guint64 space;
  guint64 offset;
  char *name;
} LoadRequest;

static void
load_request_free (LoadRequest *req)
{
  g_free (req->path);
  g_free (req->name);
  g_free (req);
}

static void
on_symbols_progress (HsEngine   *self,
                     const char *what,
                     double      fraction)
{
  g_signal_emit (self, machine_signals[SYMBOLS_PROGRESS], 0, what, fraction);
}

static void rediscover (HsEngine *self,
                        GTask    *user_task);

/* A file's index is ready: a halt that came while it was indexed skipped what it describes,
 * so read the guests and tasks again now. */
static void
on_symbols_indexed (HsEngine     *self,
                    HsSymbolFile *file)
{
  if (self->state == HS_ENGINE_STATE_HALTED)
    rediscover (self, NULL);
}

static void
indexed_then_rediscover (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) user_task = user_data;
  HsEngine *self = g_task_get_source_object (user_task);

  hs_symbol_scope_wait_indexed_finish (HS_SYMBOL_SCOPE (object), result, NULL);
  if (self->state == HS_ENGINE_STATE_HALTED)
    {
      rediscover (self, g_steal_pointer (&user_task));
      return;
    }
  g_task_return_pointer (user_task,
                         g_object_ref (g_object_get_data (G_OBJECT (user_task), "hs-file")),
                         g_object_unref);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) user_task = user_data;
  HsEngine *self = g_task_get_source_object (user_task);
  LoadRequest *req = g_task_get_task_data (user_task);
  GError *error = NULL;
  g_autoptr(HsSymbolFile) file = hs_symbol_scope_load_finish (HS_SYMBOL_SCOPE (object), result,
                                                              &error);
  HsMachine *machine;
  gboolean added = FALSE;

  if (file == NULL)
    {
      g_task_return_error (user_task, error);
      return;
    }
  hs_symbol_scope_bind (self->symbols, file, req->machine, req->space, req->offset);
  machine = ensure_machine (self, req->machine, &added);
  if (req->name)
    hs_machine_set_name (machine, req->name);
  if (added || req->name)
    g_signal_emit (self, machine_signals[MACHINES_CHANGED], 0);

  /* Halted: Xen's symbols make the guests findable, a guest's vmlinux its tasks. Read them
   * now (once the DWARF is indexed) rather than at the next halt, and finish only then, so
   * a script's next line (or the views) already see them. */
  g_object_set_data_full (G_OBJECT (user_task), "hs-file", g_object_ref (file), g_object_unref);
  if (self->state == HS_ENGINE_STATE_HALTED)
    {
      hs_symbol_scope_wait_indexed_async (self->symbols, file, indexed_then_rediscover,
                                          g_steal_pointer (&user_task));
      return;
    }
  g_task_return_pointer (user_task, g_steal_pointer (&file), g_object_unref);
}

void
hs_engine_load_symbols_async (HsEngine            *self,
                              const char          *path,
                              guint                machine,
                              guint64              space,
                              guint64              offset,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_load_symbols_async);
  req = g_new0 (LoadRequest, 1);
  req->path = g_strdup (path);
  req->machine = machine;
  req->space = space;
  req->offset = offset;
  req->name = g_strdup (name);
  g_task_set_task_data (task, req, (GDestroyNotify) load_request_free);
  hs_symbol_scope_load_async (self->symbols, path, cancellable, load_done,
                              g_steal_pointer (&task));
}

HsSymbolFile *
hs_engine_load_symbols_finish (HsEngine      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the worker's view of the target ---------------------------------------------------- */

gboolean
hs_engine_worker_get_register (HsEngine   *self,
                               guint       core,
                               const char *name,
                               guint64    *value)
{
  gint index = hs_engine_lookup_register (self, name);

  *value = 0;
  if (index < 0 || core >= self->w_n_cores || self->w_values == NULL)
    return FALSE;
  if (!self->w_valid[(gsize) core * self->register_infos->len + index])
    return FALSE;
  *value = self->w_values[(gsize) core * self->register_infos->len + index];
  return TRUE;
}

gboolean
hs_engine_worker_read_phys (guint64    pa,
                            void      *buf,
                            gsize      len,
                            gpointer   engine,
                            GError   **error)
{
  HsEngine *self = engine;

  return hs_probe_read_memory (self->probe, pa, buf, len, error);
}

static gboolean
need_register (HsEngine    *self,
               guint        core,
               const char  *name,
               guint64     *value,
               GError     **error)
{
  if (hs_engine_worker_get_register (self, core, name, value))
    return TRUE;
  g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
               "core %u's %s is not known at this halt", core, name);
  return FALSE;
}

/* ID_AA64MMFR0_EL1.PARange: the implemented PA size caps what IPS/PS may claim. */
static guint
pa_range_bits (HsEngine *self)
{
  static const guint bits[] = { 32, 36, 40, 42, 44, 48, 52 };
  guint64 mmfr0;

  if (!hs_engine_worker_get_register (self, 0, "ID_AA64MMFR0_EL1", &mmfr0)
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
static gint
core_holding_guest (HsEngine          *self,
                    const HsXenDomain *dom,
                    gboolean          *running)
{
  gint last_ran = -1;

  for (guint c = 0; c < self->w_n_cores; c++)
    {
      guint64 vttbr, cpsr;
      gboolean mine = FALSE;

      if (!hs_engine_worker_get_register (self, c, "VTTBR_EL2", &vttbr)
          || !hs_engine_worker_get_register (self, c, "cpsr", &cpsr))
        continue;
      if (self->w_current_vcpus != NULL && self->w_current_vcpus[c] != 0)
        {
          for (guint v = 0; v < dom->n_vcpu_info; v++)
            mine |= dom->vcpus[v].va == self->w_current_vcpus[c];
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
hs_engine_worker_context (HsEngine      *self,
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
  if (self->w_values == NULL || self->w_n_cores == 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "no registers have been read from the target yet");
      return FALSE;
    }
  if (space != 0)
    {
      const guint64 *found = NULL;
      HsMmuTranslation t;

      for (guint i = 0; self->w_spaces && i < self->w_spaces->len && found == NULL; i++)
        {
          const guint64 *sp = (const guint64 *) self->w_spaces->data + 4 * i;

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
      if (!hs_engine_worker_context (self, machine, 0, ctx, source, error)
          || !hs_mmu_translate (ctx, found[2], hs_engine_worker_read_phys, self, &t, error))
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
      if (!hs_engine_worker_get_register (self, 0, "MAIR_EL2", &mair))
        mair = 0;
      hs_mmu_context_set_el2 (ctx, sctlr, tcr, ttbr0, mair);
      ctx->pa_range_bits = pa_range_bits (self);
      if (source)
        *source = g_strdup ("Xen's EL2 registers (TTBR0_EL2, TCR_EL2)");
      return TRUE;
    }

  for (guint i = 0; self->w_guests && i < self->w_guests->len; i++)
    if (g_array_index (self->w_guests, HsXenDomain, i).machine == machine)
      dom = &g_array_index (self->w_guests, HsXenDomain, i);
  if (dom == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE,
                   "machine %u is not among the guests Xen listed at this halt%s", machine,
                   self->w_guests ? "" : " (load xen-syms for machine 0 to find them)");
      return FALSE;
    }

  c = core_holding_guest (self, dom, &running);
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
      if (!hs_engine_worker_get_register (self, c, "MAIR_EL1", &mair))
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

/* Reads machine @machine's kernel virtual memory, page by page through its walk. */
gboolean
hs_engine_worker_read_virtual (HsEngine  *self,
                               guint      machine,
                               guint64    va,
                               void      *buf,
                               gsize      len,
                               GError   **error)
{
  HsMmuContext *ctx = g_hash_table_lookup (self->w_contexts, GUINT_TO_POINTER (machine + 1));
  gsize done = 0;

  /* Awareness reads hundreds of small pieces per halt: the context is worked out once per
   * machine and each 4K page translated once (machine ids stay below 4096: the low bits of a
   * page-aligned address hold the machine in the TLB key). */
  if (ctx == NULL)
    {
      HsMmuContext fresh;

      if (!hs_engine_worker_context (self, machine, 0, &fresh, NULL, error))
        return FALSE;
      ctx = g_memdup2 (&fresh, sizeof fresh);
      g_hash_table_insert (self->w_contexts, GUINT_TO_POINTER (machine + 1), ctx);
    }
  while (done < len)
    {
      guint64 here = va + done;
      guint64 key = (here & ~G_GUINT64_CONSTANT (0xfff)) | (machine & 0xfff);
      gpointer page = NULL;
      gsize n = MIN (len - done, 0x1000 - (here & 0xfff));
      guint64 pa;

      if (machine < 0x1000 && g_hash_table_lookup_extended (self->w_tlb, &key, NULL, &page))
        pa = *(guint64 *) page + (here & 0xfff);
      else
        {
          HsMmuTranslation t;

          if (!hs_mmu_translate (ctx, here, hs_engine_worker_read_phys, self, &t, error))
            return FALSE;
          pa = t.pa;
          if (machine < 0x1000 && t.size >= 0x1000)
            {
              guint64 *k = g_new (guint64, 1);
              guint64 *v = g_new (guint64, 1);

              *k = key;
              *v = t.pa - (here & 0xfff);
              g_hash_table_insert (self->w_tlb, k, v);
            }
        }
      if (!hs_probe_read_memory (self->probe, pa, (guint8 *) buf + done, n, error))
        return FALSE;
      done += n;
    }
  return TRUE;
}

void
hs_engine_worker_forget_translations (HsEngine *self)
{
  g_hash_table_remove_all (self->w_contexts);
  g_hash_table_remove_all (self->w_tlb);
}

static gboolean
read_xen (guint64    va,
          void      *buf,
          gsize      len,
          gpointer   engine,
          GError   **error)
{
  return hs_engine_worker_read_virtual (engine, 0, va, buf, len, error);
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
machine_for_vmid (HsEngine *self,
                  guint     vmid)
{
  gpointer id = g_hash_table_lookup (self->w_vmid_to_machine, GUINT_TO_POINTER (vmid));
  guint machine;
  GHashTableIter iter;
  gpointer used;
  gboolean taken = FALSE;

  if (id != NULL)
    return GPOINTER_TO_UINT (id);
  g_hash_table_iter_init (&iter, self->w_domid_to_machine);
  while (g_hash_table_iter_next (&iter, NULL, &used) && !taken)
    taken = GPOINTER_TO_UINT (used) == vmid;
  machine = !taken && vmid < HS_ENGINE_MAX_MACHINE ? vmid : self->w_next_machine++;
  self->w_next_machine = MAX (self->w_next_machine, machine + 1);
  g_hash_table_insert (self->w_vmid_to_machine, GUINT_TO_POINTER (vmid),
                       GUINT_TO_POINTER (machine));
  return machine;
}

/* Worker: without Xen's symbols, the guests are what the cores hold. A core's VTTBR_EL2 names
 * the guest it runs or, while it is in Xen, the one it ran last: Xen/arm leaves the last
 * guest's EL1 and stage-2 registers in place while its idle vCPU runs. A guest no core has
 * run since cannot be found this way. */
static void
discover_by_vmid (HsEngine *self,
                  Snapshot *snap)
{
  g_autoptr(GArray) found = hs_xen_domains_new ();

  for (guint c = 0; c < self->w_n_cores; c++)
    {
      guint64 vttbr;
      HsXenDomain dom = { 0 };
      gboolean seen = FALSE;

      if (!hs_engine_worker_get_register (self, c, "VTTBR_EL2", &vttbr)
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
  g_clear_pointer (&self->w_guests, g_array_unref);
  g_clear_pointer (&self->w_current_vcpus, g_free);
  self->w_guests = g_array_ref (found);
  snap->guests = hs_xen_domains_copy (found);
}

/* Worker: reads Xen's domains with the registers just read, and numbers new guests. */
static void
discover (HsEngine *self,
          Snapshot *snap,
          gboolean  wait_for_symbols)
{
  g_autoptr(GPtrArray) xen = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), 0);
  g_autoptr(GArray) found = hs_xen_domains_new ();
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
      g_clear_pointer (&self->w_guests, g_array_unref);
      return;
    }
  if (!hs_xen_read_domains (b->file, b->offset, read_xen, self, found, &snap->discovery_error))
    {
      g_debug ("guests not read: %s", snap->discovery_error->message);
      g_clear_pointer (&self->w_guests, g_array_unref);
      return;
    }
  g_array_sort (found, compare_domid);
  for (guint i = 0; i < found->len; i++)
    {
      HsXenDomain *dom = &g_array_index (found, HsXenDomain, i);
      gpointer id = g_hash_table_lookup (self->w_domid_to_machine,
                                         GINT_TO_POINTER (dom->domain_id + 1));

      /* A guest found by its VMID before Xen's symbols came keeps its number. */
      if (id == NULL)
        id = g_hash_table_lookup (self->w_vmid_to_machine, GUINT_TO_POINTER (dom->vmid));
      if (id != NULL)
        g_hash_table_insert (self->w_domid_to_machine, GINT_TO_POINTER (dom->domain_id + 1), id);
      if (id == NULL)
        {
          id = GUINT_TO_POINTER (self->w_next_machine++);
          g_hash_table_insert (self->w_domid_to_machine, GINT_TO_POINTER (dom->domain_id + 1), id);
        }
      dom->machine = GPOINTER_TO_UINT (id);
    }
  g_clear_pointer (&self->w_guests, g_array_unref);
  self->w_guests = g_array_ref (found);
  snap->guests = hs_xen_domains_copy (found);

  /* Which vCPU each core runs: that decides whose registers are live. */
  g_clear_pointer (&self->w_current_vcpus, g_free);
  self->w_current_vcpus = g_new0 (guint64, self->w_n_cores);
  if (!hs_xen_read_current_vcpus (b->file, b->offset, read_xen, self, self->w_n_cores,
                                  self->w_current_vcpus, NULL))
    g_clear_pointer (&self->w_current_vcpus, g_free);
  else
    snap->current_vcpus = g_memdup2 (self->w_current_vcpus, sizeof (guint64) * self->w_n_cores);
}

void
hs_engine_worker_take_snapshot (HsEngine *self,
                                Snapshot *snap,
                                gboolean  wait_for_symbols)
{
  gsize n = (gsize) snap->n_cores * snap->n_registers;

  g_free (self->w_values);
  g_free (self->w_valid);
  self->w_values = g_memdup2 (snap->values, n * sizeof (guint64));
  self->w_valid = g_memdup2 (snap->valid, n * sizeof (gboolean));
  self->w_n_cores = snap->n_cores;
  hs_engine_worker_forget_translations (self);
  {
    gint64 t0 = g_get_monotonic_time (), t1;

    discover (self, snap, wait_for_symbols);
    t1 = g_get_monotonic_time ();
    /* Guest contexts depend on what discovery found. */
    hs_engine_worker_forget_translations (self);
    hs_engine_worker_read_tasks (self, snap, wait_for_symbols);
    g_debug ("halt: guests read in %.1f ms, tasks in %.1f ms", (t1 - t0) / 1000.0,
             (g_get_monotonic_time () - t1) / 1000.0);
  }
}

/* ---- rediscovery on demand (after Xen's symbols arrive while halted) -------------------- */

static void
rediscover_job (HsEngine *self,
                GTask    *task,
                gpointer  data)
{
  Snapshot *snap = g_new0 (Snapshot, 1);

  /* No registers in it, but the per-core facts discovery adds are sized by it. */
  snap->n_cores = self->w_n_cores;
  hs_engine_worker_forget_translations (self);
  discover (self, snap, TRUE);
  hs_engine_worker_forget_translations (self);
  hs_engine_worker_read_tasks (self, snap, TRUE);
  g_task_return_pointer (task, snap, (GDestroyNotify) hs_engine_snapshot_free);
}

static void
rediscover_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  g_autoptr(Snapshot) snap = g_task_propagate_pointer (G_TASK (result), NULL);

  if (snap)
    {
      hs_engine_apply_guests (self, snap);
      hs_engine_apply_tasks (self, snap);
      /* A halt that came before the tasks did showed no task: show the stopping core's now,
       * unless the user has picked one meanwhile. */
      if (self->state == HS_ENGINE_STATE_HALTED && self->current_task == NULL)
        hs_engine_set_current_core (self, self->current_core);
      if (!snap->deferred)
        hs_engine_set_tasks_pending (self, FALSE);
    }
  else
    hs_engine_set_tasks_pending (self, FALSE);
  if (user_task != NULL)
    {
      HsSymbolFile *file = g_object_get_data (G_OBJECT (user_task), "hs-file");

      g_task_return_pointer (user_task, g_object_ref (file), g_object_unref);
    }
}

static void
rediscover (HsEngine *self,
            GTask    *user_task)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, rediscover_done, user_task);

  hs_engine_queue_job (self, task, rediscover_job);
}
