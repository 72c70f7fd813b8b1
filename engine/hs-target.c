/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target.c: the target: the probe, the worker that owns it, and run control.
 *
 * Everything here runs on the target's worker thread (see hs-target-private.h).
 */
#define G_LOG_DOMAIN "hs-target"

#include "config.h"

#include "hs-target-private.h"

#include "hs-arm64.h"

#include <string.h>

/* Long enough for TCG to retire one instruction; a core in WFI never does. */
#define STEP_TIMEOUT_MS   2000
/* The worker's own interrupts (a step that never ended): a stub this slow is wedged. */
#define HALT_TIMEOUT_MS   30000

/* ---- lifecycle (main thread) ------------------------------------------------------------ */

static void
last_walk_free (LastWalk *last)
{
  g_array_unref (last->tasks);
  g_array_unref (last->mms);
  g_array_unref (last->records);
  g_free (last->note);
  g_free (last);
}

HsTarget *
hs_target_new (GMainContext  *main_context,
               HsSymbolScope *symbols,
               HsReplanBox   *replan)
{
  HsTarget *self = g_new0 (HsTarget, 1);

  self->symbols = g_object_ref (symbols);
  self->replan = replan;
  self->domid_to_machine = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->vmid_to_machine = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->contexts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->tlb = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->last_walk = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                           (GDestroyNotify) last_walk_free);
  self->module_layouts = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                                (GDestroyNotify) hs_linux_module_layout_free);
  self->last_modules = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                              (GDestroyNotify) g_array_unref);
  self->slides_found = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                              (GDestroyNotify) hs_symbol_binding_unref);
  self->layouts = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                         (GDestroyNotify) hs_linux_layout_free);
  self->printk_layouts = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                                (GDestroyNotify) hs_linux_printk_layout_free);
  self->next_machine = 1;
  /* Last: from here on, the fields above are the worker's. */
  self->queue = hs_job_queue_new (self, main_context);
  return self;
}

void
hs_target_push (HsTarget       *self,
                HsJobFunc       func,
                gpointer        data,
                GDestroyNotify  data_free,
                GTask          *task)
{
  hs_job_queue_push (self->queue, func, data, data_free, task);
}

void
hs_target_push_background (HsTarget       *self,
                           HsJobFunc       func,
                           gpointer        data,
                           GDestroyNotify  data_free,
                           GTask          *task)
{
  hs_job_queue_push_background (self->queue, func, data, data_free, task);
}

/* Closes the probe's connection on the thread that reads it. */
void
hs_target_close_job (gpointer  owner,
                     HsJob    *job)
{
  HsTarget *self = owner;

  if (self->probe != NULL)
    hs_probe_disconnect (self->probe);
  hs_job_return_boolean (job, TRUE);
}

static void
target_teardown_job (gpointer  owner,
                     HsJob    *job)
{
  HsTarget *self = owner;

  if (self->probe != NULL)
    hs_probe_disconnect (self->probe);
  g_clear_object (&self->probe);
  g_clear_error (&self->lost);
  g_clear_pointer (&self->register_infos, g_ptr_array_unref);
  g_clear_pointer (&self->prefetch, g_array_unref);
  g_clear_pointer (&self->guests, g_array_unref);
  g_clear_pointer (&self->guests_note, g_free);
  g_clear_pointer (&self->current_vcpus, g_free);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->valid, g_free);
  g_clear_pointer (&self->spaces, g_array_unref);
  g_clear_pointer (&self->layouts, g_hash_table_unref);
  g_clear_pointer (&self->module_layouts, g_hash_table_unref);
  g_clear_pointer (&self->last_modules, g_hash_table_unref);
  g_clear_pointer (&self->slides_found, g_hash_table_unref);
  g_clear_pointer (&self->printk_layouts, g_hash_table_unref);
  g_clear_pointer (&self->contexts, g_hash_table_unref);
  g_clear_pointer (&self->tlb, g_hash_table_unref);
  g_clear_pointer (&self->last_walk, g_hash_table_unref);
  g_clear_pointer (&self->domid_to_machine, g_hash_table_unref);
  g_clear_pointer (&self->vmid_to_machine, g_hash_table_unref);
  hs_job_return_boolean (job, TRUE);
}

void
hs_target_free (HsTarget *self)
{
  if (self == NULL)
    return;
  /* The worker's state is the worker's to free: the last job does it, then the thread ends. */
  hs_job_queue_push (self->queue, target_teardown_job, NULL, NULL, NULL);
  hs_job_queue_free (self->queue);
  g_clear_object (&self->symbols);
  g_free (self);
}

/* ---- registers (worker) ----------------------------------------------------------------- */

gint
hs_target_lookup_register (HsTarget   *self,
                           const char *name)
{
  if (self->register_infos == NULL)
    return -1;
  for (guint i = 0; i < self->register_infos->len; i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (self->register_infos, i);

      if (g_ascii_strcasecmp (info->name, name) == 0)
        return (gint) i;
    }
  return -1;
}

/* ---- halts and run control (worker) ----------------------------------------------------- */

/* Worker: every core runs from here on, so nothing the last halt read of them or their guests
 * holds any more, even if the next snapshot fails (a step then takes no shortcut). */
static gboolean
resume_all (HsTarget  *self,
            GError   **error)
{
  self->halt_serial++;
  self->values_stale = TRUE;
  return hs_probe_resume (self->probe, error);
}

/* Worker: @core's prefetch set into @snap. */
static gboolean
read_core_registers (HsTarget  *self,
                     Snapshot  *snap,
                     guint      core,
                     GError   **error)
{
  guint n_regs = self->register_infos->len;
  g_autofree guint64 *vals = g_new0 (guint64, self->prefetch->len);
  g_autofree gboolean *ok = g_new0 (gboolean, self->prefetch->len);

  if (!hs_probe_read_registers (self->probe, core, (const guint *) self->prefetch->data,
                                self->prefetch->len, vals, ok, error))
    return FALSE;
  for (guint k = 0; k < self->prefetch->len; k++)
    {
      guint i = g_array_index (self->prefetch, guint, k);

      snap->values[(gsize) core * n_regs + i] = vals[k];
      snap->valid[(gsize) core * n_regs + i] = ok[k];
    }
  return TRUE;
}

/* Runs on the worker: reads every core's prefetch set, then the guests (and, @views_first, only
 * the tasks the vCPUs run: the engine has the rest read next). */
static Snapshot *
read_snapshot (HsTarget           *self,
               HsProbe            *probe,
               const HsStopEvent  *stop,
               gboolean            wait_for_symbols,
               gboolean            views_first,
               GError            **error)
{
  g_autoptr(Snapshot) snap = g_new0 (Snapshot, 1);
  guint n_regs = self->register_infos->len;

  snap->n_cores = hs_probe_get_n_cores (probe);
  snap->n_registers = n_regs;
  snap->values = g_new0 (guint64, (gsize) snap->n_cores * n_regs);
  snap->valid = g_new0 (gboolean, (gsize) snap->n_cores * n_regs);
  if (stop)
    snap->stop = *stop;

  for (guint c = 0; c < snap->n_cores; c++)
    if (!read_core_registers (self, snap, c, error))
      return NULL;
  /* Everything later jobs translate with, and the guests as Xen lists them now. */
  hs_target_take_snapshot (self, snap, wait_for_symbols, views_first);
  return g_steal_pointer (&snap);
}

/* The exception level @core's CPSR says, or 3 (Xen's or above) when it is not known. */
static guint
cpsr_el (HsTarget *self,
         guint     core)
{
  guint64 cpsr;

  return hs_target_get_register (self, core, "cpsr", &cpsr) ? (guint) ((cpsr >> 2) & 3) : 3;
}

/*
 * Worker, after a single step of @core: only that core ran. Its registers are read again, the
 * others' are the last halt's. When it ran guest code before and after (EL0/1, under the same
 * VTTBR), Xen ran no code, so its guest list and vCPUs are as they were and only that guest's
 * tasks can have changed; otherwise this is a full halt's snapshot.
 */
static Snapshot *
read_step_snapshot (HsTarget           *self,
                    guint               core,
                    const HsStopEvent  *stop,
                    GError            **error)
{
  g_autoptr(Snapshot) snap = NULL;
  guint n_regs = self->register_infos->len;
  guint64 vttbr_before = 0, vttbr_after = 0;
  const HsXenDomain *dom = NULL;

  if (self->values == NULL || self->values_stale || self->guests == NULL
      || !hs_probe_steps_alone (self->probe) || core >= self->n_cores
      || hs_probe_get_n_cores (self->probe) != self->n_cores
      || cpsr_el (self, core) >= 2
      || !hs_target_get_register (self, core, "VTTBR_EL2", &vttbr_before))
    return read_snapshot (self, self->probe, stop, FALSE, TRUE, error);

  snap = g_new0 (Snapshot, 1);
  snap->n_cores = self->n_cores;
  snap->n_registers = n_regs;
  snap->values = g_memdup2 (self->values, sizeof (guint64) * self->n_cores * n_regs);
  snap->valid = g_memdup2 (self->valid, sizeof (gboolean) * self->n_cores * n_regs);
  snap->stop = *stop;
  if (!read_core_registers (self, snap, core, error))
    return NULL;
  memcpy (self->values, snap->values, sizeof (guint64) * self->n_cores * n_regs);
  memcpy (self->valid, snap->valid, sizeof (gboolean) * self->n_cores * n_regs);
  for (guint g = 0; g < self->guests->len && dom == NULL; g++)
    if (g_array_index (self->guests, HsXenDomain, g).vmid == (guint) (vttbr_before >> 48))
      dom = &g_array_index (self->guests, HsXenDomain, g);
  if (dom == NULL || cpsr_el (self, core) >= 2
      || !hs_target_get_register (self, core, "VTTBR_EL2", &vttbr_after)
      || vttbr_after != vttbr_before)
    {
      hs_target_take_snapshot (self, snap, FALSE, TRUE);
      return g_steal_pointer (&snap);
    }
  /* The step may have changed the guest's own page tables or translation registers. */
  hs_target_forget_translations (self);
  snap->guests = hs_xen_domains_copy (self->guests);
  snap->guests_note = g_strdup (self->guests_note);
  if (self->current_vcpus != NULL)
    snap->current_vcpus = g_memdup2 (self->current_vcpus, sizeof (guint64) * self->n_cores);
  hs_target_read_current_tasks (self, snap, (gint) dom->machine);
  return g_steal_pointer (&snap);
}

/* Worker: running again without the views knowing, past a breakpoint hit outside its scope
 * (@core >= 0: step that core off it first) or after replanting. */
static gboolean
step_past_and_resume (HsTarget  *self,
                      RunData   *rd,
                      gint       core,
                      gboolean   planted,
                      GError   **error)
{
  HsStopEvent stop;

  if (planted && !hs_target_lift (self, rd->plan->plants, error))
    return FALSE;
  if (core >= 0)
    {
      if (!hs_probe_step (self->probe, (guint) core, error))
        return FALSE;
      if (!hs_probe_wait_stop (self->probe, STEP_TIMEOUT_MS, &stop, NULL, error))
        {
          if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            return FALSE;
          g_clear_error (error);
          if (!hs_probe_interrupt (self->probe, error)
              || !hs_probe_wait_stop (self->probe, HALT_TIMEOUT_MS, &stop, NULL, error))
            return FALSE;
        }
    }
  if (!hs_target_plant (self, rd->plan->plants, error))
    return FALSE;
  if (!resume_all (self, error))
    {
      hs_target_lift (self, rd->plan->plants, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
resumed_cb (gpointer data)
{
  ResumedData *rd = data;

  if (rd->go_task)
    {
      if (rd->error)
        g_task_return_error (rd->go_task, g_error_copy (rd->error));
      else
        g_task_return_boolean (rd->go_task, TRUE);
    }
  return G_SOURCE_REMOVE;
}

static void
resumed_data_free (gpointer data)
{
  ResumedData *rd = data;

  g_clear_object (&rd->go_task);
  g_clear_error (&rd->error);
  g_free (rd);
}

/* The Go that started the run completes once the target runs (or could not be resumed);
 * the run job itself goes on waiting for the stop. */
static void
post_resumed (HsTarget *self,
              GTask    *go_task,
              GError   *error)
{
  ResumedData *rd = g_new0 (ResumedData, 1);

  rd->go_task = go_task ? g_object_ref (go_task) : NULL;
  rd->error = error;
  hs_job_queue_post (self->queue, resumed_cb, rd, resumed_data_free);
}

/* Worker: resume, then wait as long as it takes for the next stop. */
void
hs_target_run_job (gpointer  owner,
                   HsJob    *job)
{
  HsTarget *self = owner;
  RunData *rd = hs_job_get_data (job);
  GTask *go_task = rd->go_task;
  GError *error = NULL;
  HsStopEvent stop;
  Snapshot *snap;
  guint64 pc = 0;
  gboolean matches = TRUE;
  gboolean planted = TRUE;
  guint matched_id = 0;

  if (!hs_target_plant (self, rd->plan->plants, &error))
    {
      post_resumed (self, go_task, g_error_copy (error));
      hs_job_return_error (job, error);
      return;
    }
  if (!resume_all (self, &error))
    {
      hs_target_lift (self, rd->plan->plants, NULL);
      post_resumed (self, go_task, g_error_copy (error));
      hs_job_return_error (job, error);
      return;
    }
  post_resumed (self, go_task, NULL);
  /* A Break that came while the resume was queued found nothing to interrupt yet. */
  if (g_atomic_int_get (&self->halt_requested) && !hs_probe_interrupt (self->probe, &error))
    {
      hs_job_return_error (job, error);
      return;
    }

  for (;;)
    {
      gboolean ours = FALSE;    /* a hit outside every scope, or our own interrupt */
      gboolean at_breakpoint = FALSE;
      HsRunPlan *next;

      if (!hs_probe_wait_stop (self->probe, G_MAXUINT, &stop, hs_job_get_cancellable (job),
                               &error))
        {
          hs_job_return_error (job, error);
          return;
        }
      if (stop.reason == HS_STOP_REASON_EXITED)
        break;
      if (stop.reason == HS_STOP_REASON_BREAKPOINT && self->guests == NULL)
        {
          /* No halt has listed the guests yet (we attached to a running board): read them
           * now, or no hit could be placed in a machine. */
          /* The hit's machine decides: this one waits for symbols still being indexed. */
          Snapshot *first = read_snapshot (self, self->probe, &stop, TRUE, TRUE, &error);

          if (first == NULL)
            {
              hs_job_return_error (job, error);
              return;
            }
          hs_engine_snapshot_free (first);
        }
      if (stop.reason == HS_STOP_REASON_BREAKPOINT)
        {
          /* A breakpoint fires for every machine and task that runs its address: stop only
           * for the scope it was set for, step past the rest. */
          if (!hs_target_hit_matches (self, rd->plan, stop.core, &pc, &matches,
                                             &matched_id, &error))
            {
              hs_job_return_error (job, error);
              return;
            }
          ours = at_breakpoint = !matches;
        }
      else if (stop.reason == HS_STOP_REASON_HALT_REQUEST
               && g_atomic_int_get (&self->replan->pending))
        ours = TRUE;
      if (ours && g_atomic_int_get (&self->halt_requested))
        {
          /* Break arrived meanwhile: this stop is the one the user asked for. */
          stop.reason = HS_STOP_REASON_HALT_REQUEST;
          ours = FALSE;
        }
      /* Breakpoints changed while the target ran: the new set takes over at this stop. */
      if (g_atomic_int_get (&self->replan->pending)
          && (next = hs_replan_box_take (self->replan)) != NULL)
        {
          if (planted && !hs_target_lift (self, rd->plan->plants, &error))
            {
              hs_run_plan_free (next);
              hs_job_return_error (job, error);
              return;
            }
          planted = FALSE;
          hs_run_plan_carry_counts (next, rd->plan);
          hs_run_plan_free (rd->plan);
          rd->plan = next;
        }
      if (!ours)
        break;
      if (!step_past_and_resume (self, rd, at_breakpoint ? (gint) stop.core : -1, planted,
                                 &error))
        {
          hs_job_return_error (job, error);
          return;
        }
      planted = TRUE;
    }
  if (stop.reason != HS_STOP_REASON_EXITED && planted
      && !hs_target_lift (self, rd->plan->plants, &error))
    {
      hs_job_return_error (job, error);
      return;
    }
  if (stop.reason == HS_STOP_REASON_EXITED)
    {
      hs_job_return_new_error (job, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST,
                               "the target went away (the stub reported exit status %u)",
                               stop.signal);
      return;
    }
  snap = read_snapshot (self, self->probe, &stop, FALSE, TRUE, &error);
  if (snap == NULL)
    {
      hs_job_return_error (job, error);
      return;
    }
  if (stop.reason == HS_STOP_REASON_BREAKPOINT)
    {
      snap->hit_valid = TRUE;
      snap->hit_pc = pc;
      snap->hit_id = matched_id;
    }
  snap->filtered = g_hash_table_ref (rd->plan->filtered);
  snap->passed = g_hash_table_ref (rd->plan->passed);
  hs_job_return_pointer (job, snap, (GDestroyNotify) hs_engine_snapshot_free);
}

void
hs_target_step_job (gpointer  owner,
                    HsJob    *job)
{
  HsTarget *self = owner;
  guint core = GPOINTER_TO_UINT (hs_job_get_data (job));
  GError *error = NULL;
  GError *step_error = NULL;
  HsStopEvent stop;
  Snapshot *snap;

  if (!hs_probe_step (self->probe, core, &error))
    {
      hs_job_return_error (job, error);
      return;
    }
  if (!hs_probe_wait_stop (self->probe, STEP_TIMEOUT_MS, &stop, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          hs_job_return_error (job, error);
          return;
        }
      g_clear_error (&error);
      /* TCG does not retire an instruction while the core waits for an interrupt. */
      step_error = g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_STEP_TIMEOUT,
                                "core %u did not finish the step within %u ms (it is probably "
                                "waiting for an interrupt, WFI); it was halted where it was",
                                core, STEP_TIMEOUT_MS);
      if (!hs_probe_interrupt (self->probe, &error)
          || !hs_probe_wait_stop (self->probe, HALT_TIMEOUT_MS, &stop, NULL, &error))
        {
          g_error_free (step_error);
          hs_job_return_error (job, error);
          return;
        }
      stop.reason = HS_STOP_REASON_STEP;
    }
  /* The stub names the thread that stopped; a step always belongs to @core. */
  stop.core = core;
  snap = read_step_snapshot (self, core, &stop, &error);
  if (snap == NULL)
    {
      g_clear_error (&step_error);
      hs_job_return_error (job, error);
      return;
    }
  snap->step_error = step_error;
  hs_job_return_pointer (job, snap, (GDestroyNotify) hs_engine_snapshot_free);
}

/* The probe to attach is the job's data: from now on it is the worker's. */
void
hs_target_attach_job (gpointer  owner,
                      HsJob    *job)
{
  HsTarget *self = owner;
  GError *error = NULL;
  gboolean was_running = FALSE;
  HsStopEvent stop = { 0, HS_STOP_REASON_ATTACH, 0, 0 };
  Snapshot *snap;
  GPtrArray *infos;

  g_clear_error (&self->lost);
  /* Another probe's leftovers: a new target, new machines' state, new registers. */
  if (self->probe != hs_job_get_data (job))
    {
      if (self->probe != NULL)
        hs_probe_disconnect (self->probe);
      g_set_object (&self->probe, hs_job_get_data (job));
    }
  if (!hs_probe_connect (self->probe, &was_running, hs_job_get_cancellable (job), &error))
    {
      hs_job_return_error (job, error);
      return;
    }

  g_clear_pointer (&self->register_infos, g_ptr_array_unref);
  g_clear_pointer (&self->prefetch, g_array_unref);
  infos = hs_probe_get_registers (self->probe);
  self->register_infos = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_register_info_free);
  self->prefetch = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < infos->len; i++)
    {
      const HsRegisterInfo *src = g_ptr_array_index (infos, i);
      HsRegisterInfo *copy = g_memdup2 (src, sizeof *src);

      copy->name = g_strdup (src->name);
      g_ptr_array_add (self->register_infos, copy);
      /* A halt reads the core registers and the system registers walks need; the rest (each
       * a packet per core per halt) are read when a view or command asks
       * (hs_engine_read_all_registers_async). */
      if (src->bitsize <= 64
          && (src->klass == HS_REGISTER_CLASS_CORE
              || g_strv_contains (hs_arm64_walk_registers (), src->name)))
        g_array_append_val (self->prefetch, i);
    }

  snap = read_snapshot (self, self->probe, &stop, FALSE, FALSE, &error);
  if (snap == NULL)
    {
      hs_probe_disconnect (self->probe);
      hs_job_return_error (job, error);
      return;
    }
  snap->was_running = was_running;
  /* The main thread's own copy of the registers: this one stays the worker's. */
  snap->register_infos = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_register_info_free);
  for (guint i = 0; i < self->register_infos->len; i++)
    {
      const HsRegisterInfo *src = g_ptr_array_index (self->register_infos, i);
      HsRegisterInfo *copy = g_memdup2 (src, sizeof *src);

      copy->name = g_strdup (src->name);
      g_ptr_array_add (snap->register_infos, copy);
    }
  snap->target_name = hs_probe_describe (self->probe);
  hs_job_return_pointer (job, snap, (GDestroyNotify) hs_engine_snapshot_free);
}

void
hs_target_detach_job (gpointer  owner,
                      HsJob    *job)
{
  HsTarget *self = owner;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  g_autofree char *where = hs_probe_describe (self->probe);
  DetachResult *r = g_new0 (DetachResult, 1);
  HsDetachOutcome outcome;

  /* Our breakpoints were lifted at the halt; the probe takes out anything it still holds. */
  r->left_running = hs_probe_detach (self->probe, &outcome, &note, &error);
  if (r->left_running && note == NULL)
    r->report = g_strdup_printf ("detached from %s; the target runs", where);
  else if (r->left_running)
    r->report = g_strdup_printf ("detached from %s; the target runs (%s)", where, note);
  else
    r->report = g_strdup_printf ("detached from %s, but the target may not be running: %s",
                                 where, error->message);
  hs_job_return_pointer (job, r, (GDestroyNotify) hs_detach_result_free);
}

void
hs_target_read_physical_job (gpointer  owner,
                             HsJob    *job)
{
  HsTarget *self = owner;
  ReadRequest *req = hs_job_get_data (job);
  g_autofree guint8 *buf = g_malloc (req->length ? req->length : 1);
  GError *error = NULL;

  if (!hs_probe_read_memory (self->probe, req->address, buf, req->length, &error))
    hs_job_return_error (job, error);
  else
    hs_job_return_pointer (job, g_bytes_new_take (g_steal_pointer (&buf), req->length),
                           (GDestroyNotify) g_bytes_unref);
}

void
hs_target_all_registers_job (gpointer  owner,
                             HsJob    *job)
{
  HsTarget *self = owner;
  guint core = GPOINTER_TO_UINT (hs_job_get_data (job));
  guint n = self->register_infos->len;
  g_autofree guint *indexes = g_new (guint, n);
  AllRegisters *r = g_new0 (AllRegisters, 1);
  GError *error = NULL;
  guint k = 0;

  r->core = core;
  r->values = g_new0 (guint64, n);
  r->valid = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    if (((HsRegisterInfo *) g_ptr_array_index (self->register_infos, i))->bitsize <= 64)
      indexes[k++] = i;
  {
    g_autofree guint64 *vals = g_new0 (guint64, k);
    g_autofree gboolean *ok = g_new0 (gboolean, k);

    if (!hs_probe_read_registers (self->probe, core, indexes, k, vals, ok, &error))
      {
        hs_all_registers_free (r);
        hs_job_return_error (job, error);
        return;
      }
    for (guint j = 0; j < k; j++)
      {
        r->values[indexes[j]] = vals[j];
        r->valid[indexes[j]] = ok[j];
      }
  }
  hs_job_return_pointer (job, r, (GDestroyNotify) hs_all_registers_free);
}

void
hs_target_write_register_job (gpointer  owner,
                              HsJob    *job)
{
  HsTarget *self = owner;
  RegisterWrite *w = hs_job_get_data (job);
  GError *error = NULL;

  if (!hs_probe_write_register (self->probe, w->core, w->index, w->value, &error))
    {
      hs_job_return_error (job, error);
      return;
    }
  /* Later jobs translate with what the core holds now. */
  if (self->values != NULL && w->core < self->n_cores)
    {
      self->values[(gsize) w->core * self->register_infos->len + w->index] = w->value;
      self->valid[(gsize) w->core * self->register_infos->len + w->index] = TRUE;
    }
  hs_target_forget_translations (self);
  hs_job_return_boolean (job, TRUE);
}
