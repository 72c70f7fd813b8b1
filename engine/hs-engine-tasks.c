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

#include "hs-core-private.h"
#include "hs-engine-private.h"
#include "hs-task-private.h"

#include <string.h>

#define MAX_TASKS_PER_GUEST 10000

typedef struct
{
  HsEngine *engine;
  guint machine;
  gboolean lost;                /* the probe went away during the walk */
} GuestReader;

static gboolean
read_guest (guint64    va,
            void      *buf,
            gsize      len,
            gpointer   user_data,
            GError   **error)
{
  GuestReader *r = user_data;
  GError *local_error = NULL;

  if (hs_engine_worker_read_virtual (r->engine, r->machine, va, buf, len, &local_error))
    return TRUE;
  /* Walkers treat a failed read as the end of a list or a stack; a lost probe is more. */
  if (hs_engine_is_connection_error (local_error))
    r->lost = TRUE;
  g_propagate_error (error, local_error);
  return FALSE;
}

/* The kernel's structure layout; with @wait FALSE (a halt's walk), a vmlinux still being
 * indexed is not waited for: its tasks are read when the index is ready. */
static const HsLinuxLayout *
layout_for (HsEngine      *self,
            HsSymbolFile  *vmlinux,
            gboolean       wait,
            GError       **error)
{
  HsLinuxLayout *layout = g_hash_table_lookup (self->w_layouts, vmlinux);

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
  g_hash_table_insert (self->w_layouts, g_object_ref (vmlinux), layout);
  return layout;
}

/* per_cpu(__entry_task, cpu) for each of the guest's vCPUs (Linux CPU n is vCPU n). */
static void
read_entry_tasks (GuestReader   *r,
                  HsSymbolFile  *vmlinux,
                  guint64        offset,
                  guint          n,
                  guint64       *tasks)
{
  HsSymbol entry, offsets;

  memset (tasks, 0, sizeof (guint64) * n);
  if (!hs_symbol_file_lookup (vmlinux, "__entry_task", &entry)
      || !hs_symbol_file_lookup (vmlinux, "__per_cpu_offset", &offsets))
    return;
  for (guint cpu = 0; cpu < n; cpu++)
    {
      guint64 per_cpu = 0, task = 0;

      if (read_guest (offsets.address + offset + 8 * cpu, &per_cpu, 8, r, NULL)
          && read_guest (entry.address + offset + per_cpu, &task, 8, r, NULL))
        tasks[cpu] = GUINT64_FROM_LE (task);
    }
}

void
hs_engine_worker_read_tasks (HsEngine *self,
                             Snapshot *snap,
                             gboolean  wait_for_symbols)
{
  if (self->w_spaces == NULL)
    self->w_spaces = g_array_new (FALSE, FALSE, sizeof (guint64) * 4);
  g_array_set_size (self->w_spaces, 0);
  if (self->w_guests == NULL)
    return;
  snap->tasks = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_array_set_clear_func (snap->tasks, hs_task_record_clear);
  snap->task_notes = g_string_new (NULL);

  for (guint g = 0; g < self->w_guests->len; g++)
    {
      const HsXenDomain *dom = &g_array_index (self->w_guests, HsXenDomain, g);
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), dom->machine);
      g_autoptr(GArray) tasks = g_array_new (FALSE, TRUE, sizeof (HsLinuxTask));
      g_autoptr(GError) error = NULL;
      g_autofree char *warning = NULL;
      g_autofree guint64 *entry = NULL;
      GuestReader reader = { self, dom->machine, FALSE };
      const HsSymbolBinding *b = NULL;
      const HsLinuxLayout *layout;

      for (guint i = 0; i < bindings->len && b == NULL; i++)
        if (((const HsSymbolBinding *) g_ptr_array_index (bindings, i))->space == 0)
          b = g_ptr_array_index (bindings, i);
      if (b == NULL)
        continue;

      g_array_set_clear_func (tasks, (GDestroyNotify) hs_linux_task_clear);
      layout = layout_for (self, b->file, wait_for_symbols, &error);
      if (layout == NULL
          || !hs_linux_read_tasks (layout, b->file, b->offset, read_guest, &reader,
                                   MAX_TASKS_PER_GUEST, tasks, &warning, &error))
        {
          /* One bad guest never hides the others. */
          g_string_append_printf (snap->task_notes, "machine %u: %s\n", dom->machine,
                                  error->message);
          if (g_error_matches (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_INDEXING))
            snap->deferred = TRUE;
          continue;
        }
      if (warning)
        g_string_append_printf (snap->task_notes, "machine %u: %s\n", dom->machine, warning);

      entry = g_new0 (guint64, MAX (dom->n_vcpu_info, 1));
      read_entry_tasks (&reader, b->file, b->offset, dom->n_vcpu_info, entry);

      for (guint t = 0; t < tasks->len; t++)
        {
          HsLinuxTask *lt = &g_array_index (tasks, HsLinuxTask, t);
          HsTaskRecord rec = { dom->machine, *lt, -1, -1 };

          /* The record takes the task's reason string. */
          lt->corrupt_reason = NULL;
          for (guint v = 0; v < dom->n_vcpu_info; v++)
            if (entry[v] != 0 && entry[v] == lt->task)
              {
                rec.current_vcpu = (gint) dom->vcpus[v].id;
                for (guint c = 0; self->w_current_vcpus && c < self->w_n_cores; c++)
                  if (self->w_current_vcpus[c] == dom->vcpus[v].va)
                    rec.core = (gint) c;
              }
          g_array_append_val (snap->tasks, rec);
          /* A process's address space, for machine:::tgid::address. */
          if (!lt->kernel_thread && !lt->is_thread && lt->pgd != 0 && !lt->corrupt)
            {
              guint64 space[4] = { dom->machine, (guint64) lt->tgid, lt->pgd, lt->asid };

              g_array_append_val (self->w_spaces, space);
            }
        }
    }
}

/* ---- main thread ------------------------------------------------------------------------ */

void
hs_engine_set_tasks_pending (HsEngine *self,
                             gboolean  pending)
{
  GList *waiters;

  self->tasks_pending = pending;
  if (pending)
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
  if (!self->tasks_pending)
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
  return self->tasks_pending;
}

gboolean
hs_engine_wait_for_tasks_finish (HsEngine      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
 * In place: tasks that ended are removed, new ones inserted after their machine's
 * last task, the others updated (and notified only if something changed).
 */
void
hs_engine_apply_tasks (HsEngine *self,
                       Snapshot *snap)
{
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(GHashTable) existing = NULL;
  GListModel *model = G_LIST_MODEL (self->tasks);
  guint n;

  if (snap->tasks == NULL)
    return;
  g_free (self->task_notes);
  self->task_notes = snap->task_notes && snap->task_notes->len
                     ? g_strdup (snap->task_notes->str) : NULL;

  fresh = g_hash_table_new (task_hash, task_equal);
  for (guint i = 0; i < snap->tasks->len; i++)
    {
      HsTaskRecord *r = &g_array_index (snap->tasks, HsTaskRecord, i);

      g_hash_table_insert (fresh, r, r);
    }

  /* Drop what ended, from the end so positions stay valid. */
  n = g_list_model_get_n_items (model);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (model, i - 1);

      if (!g_hash_table_contains (fresh, hs_task_get_record (task)))
        g_list_store_remove (self->tasks, i - 1);
    }

  existing = g_hash_table_new (task_hash, task_equal);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      HsTask *task = g_list_model_get_item (model, i);

      g_hash_table_insert (existing, (gpointer) hs_task_get_record (task), task);
      g_object_unref (task);  /* the store keeps it */
    }

  /* Walk order is stable from halt to halt, so one cursor through the store places every
   * new task next to its predecessor in a single pass. */
  {
    guint cursor = 0;

    for (guint i = 0; i < snap->tasks->len; i++)
      {
        const HsTaskRecord *r = &g_array_index (snap->tasks, HsTaskRecord, i);
        HsTask *task = g_hash_table_lookup (existing, r);

        if (task != NULL)
          {
            g_autoptr(HsTask) at_cursor = g_list_model_get_item (model, cursor);

            hs_task_update (task, r);
            if (at_cursor == task)
              cursor++;
          }
        else
          {
            g_autoptr(HsTask) added = hs_task_new (r);

            g_list_store_insert (self->tasks, cursor++, added);
          }
      }
  }
}

GListModel *
hs_engine_get_tasks (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return G_LIST_MODEL (self->tasks);
}

const char *
hs_engine_get_task_notes (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->task_notes;
}

/* @which: a pid ("95", "95.") or a name ("sleep"; the first task with it, processes first). */
HsTask *
hs_engine_find_task (HsEngine    *self,
                     guint        machine,
                     const char  *which,
                     GError     **error)
{
  GListModel *model = G_LIST_MODEL (self->tasks);
  guint n = g_list_model_get_n_items (model);
  char *end = NULL;
  gint64 pid = -1;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

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

/* ---- a task's registers ----------------------------------------------------------------- */

void
hs_task_registers_free (HsTaskRegisters *regs)
{
  if (regs == NULL)
    return;
  g_free (regs->source);
  g_free (regs);
}

typedef struct
{
  HsTaskRecord record;
} TaskRequest;

static void
task_request_free (TaskRequest *req)
{
  hs_task_record_clear (&req->record);
  g_free (req);
}

static const HsXenDomain *
worker_domain (HsEngine *self,
               guint     machine)
{
  for (guint i = 0; self->w_guests && i < self->w_guests->len; i++)
    if (g_array_index (self->w_guests, HsXenDomain, i).machine == machine)
      return &g_array_index (self->w_guests, HsXenDomain, i);
  return NULL;
}

static void
set_x (HsTaskRegisters *regs,
       guint            i,
       guint64          v)
{
  regs->x[i] = v;
  regs->x_valid[i] = TRUE;
}

/* pt_regs at the top of the kernel stack: what user space had when it entered the kernel. */
static void
read_user_regs (HsEngine           *self,
                const HsTaskRecord *rec,
                HsTaskRegisters    *regs)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), rec->machine);
  const HsLinuxLayout *layout;
  HsSymbolBinding *b;
  GuestReader reader = { self, rec->machine, FALSE };
  guint64 at, size, off_regs, off_sp, off_pc, off_pstate, fsize;
  g_autofree guint8 *buf = NULL;

  if (rec->info.kernel_thread || bindings->len == 0)
    return;
  b = g_ptr_array_index (bindings, 0);
  layout = g_hash_table_lookup (self->w_layouts, b->file);
  if (layout == NULL || !hs_linux_task_pt_regs (layout, &rec->info, &at, &size) || size > 4096
      || !hs_symbol_file_member (b->file, "pt_regs", "regs", &off_regs, &fsize, NULL)
      || fsize < 31 * 8
      || !hs_symbol_file_member (b->file, "pt_regs", "sp", &off_sp, &fsize, NULL)
      || !hs_symbol_file_member (b->file, "pt_regs", "pc", &off_pc, &fsize, NULL)
      || !hs_symbol_file_member (b->file, "pt_regs", "pstate", &off_pstate, &fsize, NULL))
    return;
  buf = g_malloc (size);
  if (!read_guest (at, buf, size, &reader, NULL)
      || off_regs + 31 * 8 > size || off_sp + 8 > size || off_pc + 8 > size
      || off_pstate + 8 > size)
    return;
  for (guint i = 0; i < 31; i++)
    memcpy (&regs->user_x[i], buf + off_regs + 8 * i, 8);
  memcpy (&regs->user_sp, buf + off_sp, 8);
  memcpy (&regs->user_pc, buf + off_pc, 8);
  memcpy (&regs->user_pstate, buf + off_pstate, 8);
  regs->has_user = TRUE;
}

/* Worker: a task's registers, from wherever they are at this halt. */
static HsTaskRegisters *
compute_task_registers (HsEngine            *self,
                        const HsTaskRecord  *rec,
                        GError             **error)
{
  HsTaskRegisters *regs = g_new0 (HsTaskRegisters, 1);
  const HsXenDomain *dom = worker_domain (self, rec->machine);
  guint64 cpsr = 0;

  if (rec->core >= 0 && hs_engine_worker_get_register (self, rec->core, "cpsr", &cpsr)
      && ((cpsr >> 2) & 3) < 2)
    {
      /* On a halted core inside the guest: the core's own registers. */
      for (guint i = 0; i < 31; i++)
        {
          g_autofree char *name = g_strdup_printf ("x%u", i);
          guint64 v;

          if (hs_engine_worker_get_register (self, rec->core, name, &v))
            set_x (regs, i, v);
        }
      regs->sp_valid = hs_engine_worker_get_register (self, rec->core, "sp", &regs->sp);
      regs->pc_valid = hs_engine_worker_get_register (self, rec->core, "pc", &regs->pc);
      regs->cpsr = cpsr;
      regs->cpsr_valid = TRUE;
      regs->source = g_strdup_printf ("live registers of core %d", rec->core);
    }
  else if (rec->current_vcpu >= 0 && dom != NULL)
    {
      /* Current on a vCPU that no halted core runs (or that trapped into Xen): what Xen saved
       * of the guest when it last left it. */
      const HsXenVcpu *v = NULL;

      for (guint i = 0; i < dom->n_vcpu_info; i++)
        if ((gint) dom->vcpus[i].id == rec->current_vcpu)
          v = &dom->vcpus[i];
      if (v == NULL || !v->has_guest_regs)
        {
          hs_task_registers_free (regs);
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "Xen holds no saved registers for vCPU %d of machine %u",
                       rec->current_vcpu, rec->machine);
          return NULL;
        }
      for (guint i = 0; i < 31; i++)
        set_x (regs, i, v->x[i]);
      regs->cpsr = v->cpsr;
      regs->cpsr_valid = TRUE;
      /* SP at the guest's own level: SP_EL1 in the kernel (SPSel set), SP_EL0 in user mode. */
      regs->sp = ((v->cpsr >> 2) & 3) == 1 && (v->cpsr & 1) ? v->sp_el1 : v->sp_el0;
      regs->sp_valid = TRUE;
      regs->pc = v->pc;
      regs->pc_valid = TRUE;
      regs->source = g_strdup_printf ("Xen's saved registers of vCPU %d (it is current there)",
                                      rec->current_vcpu);
    }
  else
    {
      /* Asleep: x19..x28, fp, sp and pc as __switch_to left them. */
      for (guint i = 0; i < 11; i++)
        set_x (regs, 19 + i, rec->info.cpu_context[i]);
      regs->sp = rec->info.cpu_context[11];
      regs->sp_valid = TRUE;
      regs->pc = rec->info.cpu_context[12];
      regs->pc_valid = TRUE;
      regs->source = g_strdup ("saved at its last switch (thread.cpu_context)");
    }
  read_user_regs (self, rec, regs);
  return regs;
}

static void
task_registers_job (HsEngine *self,
                    GTask    *task,
                    gpointer  data)
{
  TaskRequest *req = data;
  GError *error = NULL;
  HsTaskRegisters *regs = compute_task_registers (self, &req->record, &error);

  if (regs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, regs, (GDestroyNotify) hs_task_registers_free);
}

/* Queues @func on the worker for @record (copied), once the target is halted. */
static void
queue_task_job (HsEngine            *self,
                const HsTaskRecord  *record,
                JobFunc              func,
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
  g_task_set_task_data (job, req, (GDestroyNotify) task_request_free);
  hs_engine_set_result_free (job, free_result);
  hs_engine_queue_job (self, job, func);
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

  queue_task_job (self, hs_task_get_record (task), task_registers_job,
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

typedef struct
{
  GArray *frames;
  char *stop;
} FramesResult;

static void
frames_result_free (FramesResult *r)
{
  g_clear_pointer (&r->frames, g_array_unref);
  g_free (r->stop);
  g_free (r);
}

/* Unwinds @start with @machine's symbols into a new FramesResult. */
static FramesResult *
unwind (HsEngine            *self,
        guint                machine,
        const HsUnwindRegs  *start,
        guint64              stack_low,
        guint64              stack_high,
        GError             **error)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), machine);
  g_autofree HsUnwindSymbols *symbols = g_new0 (HsUnwindSymbols, MAX (bindings->len, 1));
  FramesResult *result = g_new0 (FramesResult, 1);
  GuestReader reader = { self, machine, FALSE };

  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);

      symbols[i].file = b->file;
      symbols[i].offset = b->offset;
    }
  result->frames = g_array_new (FALSE, TRUE, sizeof (HsFrame));
  g_array_set_clear_func (result->frames, (GDestroyNotify) hs_frame_clear);
  if (!hs_unwind (start, symbols, bindings->len, stack_low, stack_high, read_guest, &reader,
                  HS_UNWIND_DEFAULT_MAX_FRAMES, result->frames, &result->stop, error)
      || reader.lost)
    {
      if (error && *error == NULL)
        g_set_error (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
                     "lost the connection to the probe while unwinding");
      frames_result_free (result);
      return NULL;
    }
  return result;
}

static void
task_frames_job (HsEngine *self,
                 GTask    *task,
                 gpointer  data)
{
  TaskRequest *req = data;
  const HsTaskRecord *rec = &req->record;
  HsUnwindRegs start = { 0 };
  guint64 stack_low = 0, stack_high = 0;
  FramesResult *result;
  GError *error = NULL;
  guint64 user_pc = 0, user_lr = 0, user_sp = 0;
  gboolean has_user = FALSE;

  if (rec->machine == 0)
    {
      /* Machine 0: a core's own stack in Xen, from its live registers (xen-syms has no CFI:
       * frame records it is). */
      for (guint i = 0; i < 31; i++)
        {
          g_autofree char *name = g_strdup_printf ("x%u", i);

          start.x_valid[i] = hs_engine_worker_get_register (self, rec->core, name, &start.x[i]);
        }
      start.have_sp = hs_engine_worker_get_register (self, rec->core, "sp", &start.sp);
      start.have_pc = hs_engine_worker_get_register (self, rec->core, "pc", &start.pc);
    }
  else
    {
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), rec->machine);
      const HsLinuxLayout *layout = NULL;
      HsTaskRegisters *regs;

      /* The same registers Register.view shows are where the unwinding starts. */
      regs = compute_task_registers (self, rec, &error);
      if (regs == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      for (guint i = 0; i < 31; i++)
        {
          start.x[i] = regs->x[i];
          start.x_valid[i] = regs->x_valid[i];
        }
      start.sp = regs->sp;
      start.have_sp = regs->sp_valid;
      start.pc = regs->pc;
      start.have_pc = regs->pc_valid;
      has_user = regs->has_user;
      user_pc = regs->user_pc;
      user_lr = regs->user_x[30];
      user_sp = regs->user_sp;
      hs_task_registers_free (regs);

      for (guint i = 0; i < bindings->len && layout == NULL; i++)
        layout = g_hash_table_lookup (self->w_layouts,
                                      ((const HsSymbolBinding *) g_ptr_array_index (bindings, i))->file);
      /* A sleeping task's frames stay inside its THREAD_SIZE kernel stack; a running one may
       * be on an IRQ stack, so it gets no bounds. */
      if (layout && rec->info.stack && hs_linux_layout_get_thread_size (layout)
          && rec->current_vcpu < 0)
        {
          stack_low = rec->info.stack;
          stack_high = rec->info.stack + hs_linux_layout_get_thread_size (layout);
        }
    }
  result = unwind (self, rec->machine, &start, stack_low, stack_high, &error);
  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Below the kernel's frames, where user space entered it (pt_regs): its pc and lr. User
   * programs bring no symbols here, so the user stack is not walked further. */
  if (has_user && rec->machine != 0)
    {
      guint level = result->frames->len;
      HsFrame pc = { 0 }, lr = { 0 };

      pc.level = level;
      pc.pc = user_pc;
      pc.sp = user_sp;
      pc.method = HS_FRAME_LIVE;
      pc.file = g_strdup_printf ("user space of process %d, from pt_regs; no symbols",
                                 rec->info.tgid);
      g_array_append_val (result->frames, pc);
      lr.level = level + 1;
      lr.pc = user_lr;
      lr.method = HS_FRAME_LR;
      lr.file = g_strdup ("user space: its lr");
      g_array_append_val (result->frames, lr);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) frames_result_free);
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

  queue_task_job (self, hs_task_get_record (task), task_frames_job,
                  (GDestroyNotify) frames_result_free, hs_engine_task_frames_async, cancellable,
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
  queue_task_job (self, &record, task_frames_job, (GDestroyNotify) frames_result_free,
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
  frames_result_free (r);
  return frames;
}

/* Worker, at a breakpoint stop before any snapshot: the task @core runs inside @machine (its
 * pid, its process's tgid, its name), read from the guest — SP_EL0 holds `current` while the kernel runs (arm64), and per_cpu
 * __entry_task (through TPIDR_EL1, the per-CPU offset) names it while user space runs. */
gboolean
hs_engine_worker_core_task (HsEngine  *self,
                            guint      machine,
                            guint64    cpsr,
                            guint64    sp_el0,
                            guint64    tpidr_el1,
                            gint      *pid,
                            gint      *tgid,
                            char     **comm,
                            GError   **error)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), machine);
  GuestReader reader = { self, machine, FALSE };
  const HsSymbolBinding *b = NULL;
  const HsLinuxLayout *layout;
  guint64 task = 0;
  gint32 p = 0, tg = 0;
  char name[17] = { 0 };

  for (guint i = 0; i < bindings->len && b == NULL; i++)
    if (((const HsSymbolBinding *) g_ptr_array_index (bindings, i))->space == 0)
      b = g_ptr_array_index (bindings, i);
  if (b == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                   "machine %u has no vmlinux loaded: its tasks are unknown", machine);
      return FALSE;
    }
  if ((layout = layout_for (self, b->file, TRUE, error)) == NULL)
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
      if (!read_guest (entry.address + b->offset + tpidr_el1, &task, 8, &reader, error))
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
  if (!read_guest (task + layout->pid.offset, &p, 4, &reader, error)
      || !read_guest (task + layout->tgid.offset, &tg, 4, &reader, error)
      || !read_guest (task + layout->comm.offset, name, MIN (layout->comm.size, 16), &reader,
                      error))
    return FALSE;
  *pid = GINT32_FROM_LE (p);
  *tgid = GINT32_FROM_LE (tg);
  *comm = g_utf8_make_valid (name, -1);
  return TRUE;
}

/* ---- writing a task's registers --------------------------------------------------------- */

typedef struct
{
  HsTaskRecord record;
  char *name;
  guint64 value;
} WriteRequest;

typedef struct
{
  char *where;                  /* "core 1", "Xen's saved registers of vCPU 0", ... */
  guint64 read_back;
  gint context_index;           /* the thread.cpu_context slot written, or -1 */
  gint vcpu;                    /* the vCPU whose Xen-saved copy was written, or -1 */
  char *vcpu_field;             /* ... and which of HsXenVcpu's fields */
} WriteResult;

static void
write_request_free (WriteRequest *req)
{
  hs_task_record_clear (&req->record);
  g_free (req->name);
  g_free (req);
}

static void
write_result_free (WriteResult *r)
{
  g_free (r->where);
  g_free (r->vcpu_field);
  g_free (r);
}

/* x19..x28, fp (x29), sp, pc: what __switch_to saves, in thread.cpu_context order. */
static gint
cpu_context_slot (const char *name)
{
  guint64 n;

  if (g_ascii_strcasecmp (name, "fp") == 0 || g_ascii_strcasecmp (name, "x29") == 0)
    return 10;
  if (g_ascii_strcasecmp (name, "sp") == 0)
    return 11;
  if (g_ascii_strcasecmp (name, "pc") == 0)
    return 12;
  if ((name[0] == 'x' || name[0] == 'X') && g_ascii_string_to_unsigned (name + 1, 10, 19, 28, &n,
                                                                         NULL))
    return (gint) n - 19;
  return -1;
}

static gboolean
write_and_read_back (HsEngine  *self,
                     guint      machine,
                     guint64    va,
                     guint64    value,
                     guint64    size,
                     guint64   *read_back,
                     GError   **error)
{
  guint8 buf[8];
  guint64 back = 0;

  if (size == 0 || size > 8)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "the saved register is %" G_GUINT64_FORMAT " bytes wide", size);
      return FALSE;
    }
  value = GUINT64_TO_LE (value);
  memcpy (buf, &value, 8);
  if (!hs_engine_worker_write_virtual (self, machine, va, buf, size, error)
      || !hs_engine_worker_read_virtual (self, machine, va, &back, size, error))
    return FALSE;
  *read_back = GUINT64_FROM_LE (back);
  return TRUE;
}

static void
write_task_register_job (HsEngine *self,
                         GTask    *task,
                         gpointer  data)
{
  WriteRequest *req = data;
  const HsTaskRecord *rec = &req->record;
  const HsXenDomain *dom = worker_domain (self, rec->machine);
  WriteResult *r = g_new0 (WriteResult, 1);
  GError *error = NULL;
  guint64 cpsr = 0;

  r->context_index = -1;
  r->vcpu = -1;
  if (rec->core >= 0 && hs_engine_worker_get_register (self, rec->core, "cpsr", &cpsr)
      && ((cpsr >> 2) & 3) < 2)
    {
      /* Running on a halted core: the core's own register. */
      gint index = hs_engine_lookup_register (self, req->name);

      if (index < 0 || !hs_probe_write_register (self->probe, rec->core, index, req->value, &error))
        goto fail;
      self->w_values[(gsize) rec->core * self->register_infos->len + index] = req->value;
      hs_engine_worker_forget_translations (self);
      r->read_back = req->value;
      r->where = g_strdup_printf ("core %d (the task runs there)", rec->core);
    }
  else if (rec->current_vcpu >= 0 && dom != NULL)
    {
      /* Current on a vCPU no core runs: what Xen will restore when it runs it again. */
      g_autoptr(GPtrArray) xen = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), 0);
      HsXenVcpu *v = NULL;
      const char *member;
      guint64 off, size;
      g_autofree char *lower = g_ascii_strdown (req->name, -1);

      for (guint i = 0; i < dom->n_vcpu_info; i++)
        if ((gint) dom->vcpus[i].id == rec->current_vcpu)
          v = (HsXenVcpu *) &dom->vcpus[i];
      if (v == NULL || !v->has_guest_regs || v->regs_va == 0 || xen->len == 0)
        {
          g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "Xen's saved registers of vCPU %d are not known", rec->current_vcpu);
          goto fail;
        }
      if (g_str_equal (lower, "x29"))
        member = "fp";
      else if (g_str_equal (lower, "x30"))
        member = "lr";
      else if (g_str_equal (lower, "sp"))
        member = ((v->cpsr >> 2) & 3) == 1 && (v->cpsr & 1) ? "sp_el1" : "sp_el0";
      else
        member = lower;
      if (!hs_symbol_file_member (((HsSymbolBinding *) g_ptr_array_index (xen, 0))->file,
                                  "cpu_user_regs", member, &off, &size, &error)
          || !write_and_read_back (self, 0, v->regs_va + off, req->value, size, &r->read_back,
                                   &error))
        goto fail;
      /* Later jobs (Register.view /TASK) read the worker's copy. */
      hs_xen_vcpu_set_saved (v, member, r->read_back);
      r->vcpu = rec->current_vcpu;
      r->vcpu_field = g_strdup (member);
      r->where = g_strdup_printf ("Xen's saved registers of vCPU %d (restored when it runs)",
                                  rec->current_vcpu);
    }
  else
    {
      /* Asleep: the slot of thread.cpu_context that __switch_to restores. */
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (self), rec->machine);
      const HsSymbolBinding *b = NULL;
      const HsLinuxLayout *layout;
      gint slot = cpu_context_slot (req->name);

      for (guint i = 0; i < bindings->len && b == NULL; i++)
        if (((const HsSymbolBinding *) g_ptr_array_index (bindings, i))->space == 0)
          b = g_ptr_array_index (bindings, i);
      if (slot < 0)
        {
          g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "a sleeping task keeps only x19-x28, fp, sp and pc (thread.cpu_context); "
                       "%s is not saved anywhere", req->name);
          goto fail;
        }
      if (b == NULL || (layout = layout_for (self, b->file, TRUE, &error)) == NULL
          || layout->cpu_context[slot].size == 0)
        {
          if (error == NULL)
            g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                         "machine %u's vmlinux does not describe thread.cpu_context",
                         rec->machine);
          goto fail;
        }
      if (!write_and_read_back (self, rec->machine,
                                rec->info.task + layout->cpu_context[slot].offset, req->value,
                                layout->cpu_context[slot].size, &r->read_back, &error))
        goto fail;
      r->context_index = slot;
      r->where = g_strdup ("its saved switch context (thread.cpu_context)");
    }
  g_task_return_pointer (task, r, (GDestroyNotify) write_result_free);
  return;

fail:
  write_result_free (r);
  if (error == NULL)
    g_set_error (&error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "no register named %s",
                 req->name);
  g_task_return_error (task, error);
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
  write_result_free (r);
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
  g_task_set_task_data (job, req, (GDestroyNotify) write_request_free);
  hs_engine_queue_job (self, job, write_task_register_job);
}

char *
hs_engine_write_task_register_finish (HsEngine      *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
