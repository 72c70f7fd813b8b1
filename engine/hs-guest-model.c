/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-guest-model.c: machines, vCPUs and tasks, updated in place at each halt.
 *
 * Owned by the main thread, all of it. The arrays a halt brings (Xen's
 * domains) are values the worker no longer touches once handed over.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-guest-model.h"

#include "hs-engine.h"

#include <string.h>

struct _HsGuestModel
{
  GObject parent_instance;

  GListModel *cores;            /* borrowed from the engine, which outlives us */
  GListStore *machines;         /* of HsMachine, by id */
  GListStore *tasks;            /* of HsTask, every guest's, in walk order */
  GArray *guests;               /* of HsXenDomain, the last halt's */
  guint64 *current_vcpus;       /* per core, the last halt's, or NULL */
  guint n_cores;
  char *task_notes;
};

G_DEFINE_FINAL_TYPE (HsGuestModel, hs_guest_model, G_TYPE_OBJECT)

enum {
  MACHINES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
hs_guest_model_machines_changed (HsGuestModel *self)
{
  g_return_if_fail (HS_IS_GUEST_MODEL (self));
  g_signal_emit (self, signals[MACHINES_CHANGED], 0);
}

/* ---- machines --------------------------------------------------------------------------- */

GListModel *
hs_guest_model_get_machines (HsGuestModel *self)
{
  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), NULL);
  return G_LIST_MODEL (self->machines);
}

/* Returns: (transfer none) (nullable) */
HsMachine *
hs_guest_model_get_machine (HsGuestModel *self,
                            guint         id)
{
  GListModel *model;

  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), NULL);

  model = G_LIST_MODEL (self->machines);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (model, i);

      if (hs_machine_get_id (m) == id)
        return m;  /* the store keeps it */
    }
  return NULL;
}

HsMachine *
hs_guest_model_ensure_machine (HsGuestModel *self,
                               guint         id,
                               gboolean     *added)
{
  HsMachine *m = hs_guest_model_get_machine (self, id);
  g_autoptr(HsMachine) fresh = NULL;
  GListModel *model = G_LIST_MODEL (self->machines);
  guint pos = 0;

  if (m != NULL)
    return m;
  fresh = hs_machine_new (id, id == 0 ? HS_MACHINE_HYPERVISOR : HS_MACHINE_GUEST);
  while (pos < g_list_model_get_n_items (model))
    {
      g_autoptr(HsMachine) other = g_list_model_get_item (model, pos);

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
hs_guest_model_describe_machines (HsGuestModel *self)
{
  GListModel *model = G_LIST_MODEL (self->machines);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (model, i);
      g_autofree char *text = hs_machine_describe (m);

      g_string_append_printf (s, "%s%s", i ? ", " : "", text);
    }
  return g_string_free (s, FALSE);
}

const HsXenDomain *
hs_guest_model_get_domain (HsGuestModel *self,
                           guint         id)
{
  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), NULL);

  for (guint i = 0; self->guests && i < self->guests->len; i++)
    if (g_array_index (self->guests, HsXenDomain, i).machine == id)
      return &g_array_index (self->guests, HsXenDomain, i);
  return NULL;
}

guint64
hs_guest_model_get_core_vcpu (HsGuestModel *self,
                              guint         core)
{
  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), 0);
  return self->current_vcpus && core < self->n_cores ? self->current_vcpus[core] : 0;
}

/* A guest's vCPU objects take what this halt found. The pc is live when a halted core runs
 * the vCPU (the core's own at EL0/EL1, ELR_EL2 when it trapped to Xen), else the one Xen
 * saved; the task current on it comes from the same halt's task records. */
static void
apply_vcpus (HsGuestModel      *self,
             const HsXenDomain *dom,
             GArray            *tasks,
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
      for (guint c = 0; self->current_vcpus && c < self->n_cores && r->core < 0; c++)
        if (self->current_vcpus[c] == v->va)
          r->core = (gint) c;
      if (r->core >= 0)
        {
          g_autoptr(HsCore) core = g_list_model_get_item (self->cores, (guint) r->core);

          if (core != NULL
              && (hs_core_get_exception_level (core) < 2 ? hs_core_get_pc (core, &r->pc)
                  : hs_core_get_register_by_name (core, "ELR_EL2", &r->pc)))
            r->has_pc = r->pc_live = TRUE;
        }
      for (guint k = 0; tasks && k < tasks->len && r->task_name == NULL; k++)
        {
          const HsTaskRecord *t = &g_array_index (tasks, HsTaskRecord, k);

          if (t->machine == dom->machine && t->current_vcpu == (gint) v->id && !t->info.corrupt)
            r->task_name = t->info.comm;
        }
    }
  hs_machine_set_vcpus (m, records, dom->n_vcpu_info);
}

/* The guests a halt found become machines, numbered for good. */
static gboolean
apply_guests (HsGuestModel  *self,
              GArray        *guests,
              const guint64 *current_vcpus,
              guint          n_cores,
              GArray        *tasks)
{
  GListModel *model = G_LIST_MODEL (self->machines);
  gboolean changed = FALSE;

  g_clear_pointer (&self->guests, g_array_unref);
  self->guests = g_array_ref (guests);
  g_clear_pointer (&self->current_vcpus, g_free);
  self->n_cores = current_vcpus ? n_cores : 0;
  if (current_vcpus)
    self->current_vcpus = g_memdup2 (current_vcpus, sizeof (guint64) * n_cores);
  for (guint i = 0; i < guests->len; i++)
    {
      const HsXenDomain *dom = &g_array_index (guests, HsXenDomain, i);
      HsMachine *m = hs_guest_model_ensure_machine (self, dom->machine, &changed);

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
      apply_vcpus (self, dom, tasks, m);
    }
  /* A guest missing from the list has gone; it keeps its number. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (model, i);
      gboolean found = FALSE;

      if (hs_machine_get_kind (m) != HS_MACHINE_GUEST || hs_machine_get_domain_id (m) < 0)
        continue;
      for (guint k = 0; k < guests->len && !found; k++)
        found = g_array_index (guests, HsXenDomain, k).machine == hs_machine_get_id (m);
      if (!found && hs_machine_get_state (m) != HS_MACHINE_STATE_GONE)
        {
          hs_machine_set_state (m, HS_MACHINE_STATE_GONE);
          hs_machine_set_vcpus (m, NULL, 0);
          changed = TRUE;
        }
    }
  return changed;
}

void
hs_guest_model_update_saved_vcpu (HsGuestModel *self,
                                  guint         machine,
                                  guint         vcpu,
                                  const char   *member,
                                  guint64       value)
{
  g_return_if_fail (HS_IS_GUEST_MODEL (self));

  for (guint i = 0; self->guests && i < self->guests->len; i++)
    {
      HsXenDomain *dom = &g_array_index (self->guests, HsXenDomain, i);

      for (guint k = 0; dom->machine == machine && k < dom->n_vcpu_info; k++)
        if (dom->vcpus[k].id == vcpu)
          hs_xen_vcpu_set_saved (&dom->vcpus[k], member, value);
    }
}

/* ---- tasks ------------------------------------------------------------------------------ */

GListModel *
hs_guest_model_get_tasks (HsGuestModel *self)
{
  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), NULL);
  return G_LIST_MODEL (self->tasks);
}

const char *
hs_guest_model_get_task_notes (HsGuestModel *self)
{
  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), NULL);
  return self->task_notes;
}

static guint
task_hash (gconstpointer key)
{
  const HsTaskRecord *r = key;

  return g_int64_hash (&r->info.task) ^ r->machine;
}

static gboolean
task_equal (gconstpointer a,
            gconstpointer b)
{
  const HsTaskRecord *ra = a;
  const HsTaskRecord *rb = b;

  return ra->machine == rb->machine && ra->info.task == rb->info.task;
}

/*
 * In place, in one splice: the new list is the halt's records in walk order, each the task
 * object it had before (updated, notified only if something changed) or a new one; the
 * store replaces only the run between the first and the last position that differ, so a
 * halt where a few tasks came and went touches a few rows.
 */
static void
apply_tasks (HsGuestModel *self,
             GArray       *tasks,
             const char   *notes)
{
  GListModel *model = G_LIST_MODEL (self->tasks);
  guint n_old = g_list_model_get_n_items (model);
  g_autoptr(GHashTable) existing = g_hash_table_new (task_hash, task_equal);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_full (tasks->len, g_object_unref);
  guint first = 0, last_old = n_old, last_new = tasks->len;

  g_free (self->task_notes);
  self->task_notes = notes && *notes ? g_strdup (notes) : NULL;

  for (guint i = 0; i < n_old; i++)
    {
      HsTask *task = g_list_model_get_item (model, i);

      g_hash_table_insert (existing, (gpointer) hs_task_get_record (task), task);
      g_object_unref (task);  /* the store keeps it */
    }
  for (guint i = 0; i < tasks->len; i++)
    {
      const HsTaskRecord *r = &g_array_index (tasks, HsTaskRecord, i);
      HsTask *task = g_hash_table_lookup (existing, r);

      if (task != NULL)
        {
          /* A record appears once per walk; a repeat (a corrupt list) gets its own object. */
          g_hash_table_remove (existing, r);
          hs_task_update (task, r);
          g_ptr_array_add (fresh, g_object_ref (task));
        }
      else
        g_ptr_array_add (fresh, hs_task_new (r));
    }

  while (first < n_old && first < fresh->len)
    {
      g_autoptr(HsTask) old = g_list_model_get_item (model, first);

      if (old != g_ptr_array_index (fresh, first))
        break;
      first++;
    }
  while (last_old > first && last_new > first)
    {
      g_autoptr(HsTask) old = g_list_model_get_item (model, last_old - 1);

      if (old != g_ptr_array_index (fresh, last_new - 1))
        break;
      last_old--;
      last_new--;
    }
  if (first < last_old || first < last_new)
    g_list_store_splice (self->tasks, first, last_old - first,
                         fresh->pdata + first, last_new - first);
}

/*
 * The tasks a halt reads first, before its whole lists: each updates its object in place; one
 * not known yet is added at the end until the lists place it. Every other task keeps its last
 * values but no longer runs anywhere: whatever runs now is among these.
 */
static void
apply_task_updates (HsGuestModel *self,
                    GArray       *tasks,
                    gint          only_machine)
{
  GListModel *model = G_LIST_MODEL (self->tasks);
  guint n_old = g_list_model_get_n_items (model);
  g_autoptr(GHashTable) fresh = g_hash_table_new (task_hash, task_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < tasks->len; i++)
    g_hash_table_add (fresh, &g_array_index (tasks, HsTaskRecord, i));
  for (guint i = 0; i < n_old; i++)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (model, i);
      const HsTaskRecord *old = hs_task_get_record (task);
      const HsTaskRecord *now = g_hash_table_lookup (fresh, old);

      if (now != NULL)
        {
          hs_task_update (task, now);
          g_hash_table_remove (fresh, now);
        }
      else if ((old->core >= 0 || old->current_vcpu >= 0)
               && (only_machine < 0 || old->machine == (guint) only_machine))
        {
          HsTaskRecord idle = *old;

          idle.core = idle.current_vcpu = -1;
          hs_task_update (task, &idle);
        }
    }
  for (guint i = 0; i < tasks->len; i++)
    if (g_hash_table_contains (fresh, &g_array_index (tasks, HsTaskRecord, i)))
      g_ptr_array_add (added, hs_task_new (&g_array_index (tasks, HsTaskRecord, i)));
  if (added->len > 0)
    g_list_store_splice (self->tasks, n_old, 0, added->pdata, added->len);
}

void
hs_guest_model_apply_first (HsGuestModel  *self,
                            GArray        *guests,
                            const guint64 *current_vcpus,
                            guint          n_cores,
                            GArray        *tasks,
                            gint           only_machine)
{
  gboolean changed = FALSE;

  g_return_if_fail (HS_IS_GUEST_MODEL (self));
  g_return_if_fail (tasks != NULL);

  /* After a step only one guest ran: its vCPUs wait for the whole lists with the others'. */
  if (guests != NULL && only_machine < 0)
    changed = apply_guests (self, guests, current_vcpus, n_cores, tasks);
  apply_task_updates (self, tasks, only_machine);
  if (changed)
    hs_guest_model_machines_changed (self);
}

HsTask *
hs_guest_model_find_task (HsGuestModel  *self,
                          guint          machine,
                          const char    *which,
                          GError       **error)
{
  GListModel *model = G_LIST_MODEL (self->tasks);
  guint n = g_list_model_get_n_items (model);
  char *end = NULL;
  gint64 pid = -1;

  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), NULL);

  if (g_ascii_isdigit (which[0]))
    {
      /* Pids are what ps prints: decimal, with or without TRACE32's trailing dot. */
      pid = g_ascii_strtoll (which, &end, 10);
      if (end && *end == '.')
        end++;
      if (end == NULL || *end != 0)
        pid = -1;
    }
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(HsTask) task = g_list_model_get_item (model, i);

        if (hs_task_get_machine (task) != machine)
          continue;
        if (pid >= 0 ? hs_task_get_pid (task) == pid
                     : (g_strcmp0 (hs_task_get_name (task), which) == 0
                        && (pass == 1 || !hs_task_is_thread (task))))
          return task;  /* the store keeps it */
      }
  if (n == 0)
    g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_TASK,
                 "no tasks are known yet: they are read at a halt, for guests whose vmlinux "
                 "is loaded");
  else
    g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_TASK,
                 "machine %u has no task %s%s (TASK.List /MACHINE %u lists them)", machine,
                 pid >= 0 ? "with pid " : "named ", which, machine);
  return NULL;
}

HsTask *
hs_guest_model_find_core_task (HsGuestModel *self,
                               guint         core)
{
  GListModel *model = G_LIST_MODEL (self->tasks);

  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (model, i);

      if (hs_task_get_core (task) == (gint) core)
        return task;  /* the store keeps it */
    }
  return NULL;
}

gboolean
hs_guest_model_apply (HsGuestModel  *self,
                      GArray        *guests,
                      const guint64 *current_vcpus,
                      guint          n_cores,
                      GArray        *tasks,
                      const char    *notes)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (HS_IS_GUEST_MODEL (self), FALSE);

  if (guests != NULL)
    changed = apply_guests (self, guests, current_vcpus, n_cores, tasks);
  if (tasks != NULL)
    apply_tasks (self, tasks, notes);
  if (changed)
    hs_guest_model_machines_changed (self);
  return changed;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hs_guest_model_finalize (GObject *object)
{
  HsGuestModel *self = HS_GUEST_MODEL (object);

  g_clear_object (&self->machines);
  g_clear_object (&self->tasks);
  g_clear_pointer (&self->guests, g_array_unref);
  g_clear_pointer (&self->current_vcpus, g_free);
  g_free (self->task_notes);
  G_OBJECT_CLASS (hs_guest_model_parent_class)->finalize (object);
}

static void
hs_guest_model_class_init (HsGuestModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_guest_model_finalize;

  /**
   * HsGuestModel::machines-changed:
   *
   * Machines appeared, or their guest facts (name, domain, VMID, stage-2 base) changed.
   */
  signals[MACHINES_CHANGED] =
    g_signal_new ("machines-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
hs_guest_model_init (HsGuestModel *self)
{
  g_autoptr(HsMachine) xen = hs_machine_new (0, HS_MACHINE_HYPERVISOR);

  self->machines = g_list_store_new (HS_TYPE_MACHINE);
  g_list_store_append (self->machines, xen);
  self->tasks = g_list_store_new (HS_TYPE_TASK);
}

HsGuestModel *
hs_guest_model_new (GListModel *cores)
{
  HsGuestModel *self = g_object_new (HS_TYPE_GUEST_MODEL, NULL);

  self->cores = cores;
  return self;
}
