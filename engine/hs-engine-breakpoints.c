/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-breakpoints.c: the engine's breakpoints and where they meet the
 * probe.
 *
 * The list lives on the main thread and changes at any time, even while the
 * target runs. The worker plants a copy of the enabled ones when it resumes
 * the target and lifts them at the next stop, so halted memory reads never
 * see a planted BRK, and a core resting on a breakpoint is stepped off it
 * first (QEMU would stop on it again at once otherwise). QEMU's stub takes
 * no packets while the target runs: a change then interrupts the target,
 * the worker swaps the plants and resumes (replan()).
 *
 * The stub matches the virtual pc on every core in every regime, so each
 * hit is checked against the breakpoints' scopes (machine, task, process,
 * /COUNT, /CONDition) on the worker before anyone is told of a halt.
 */
#include "config.h"

#include "hs-sync.h"

#include "hs-breakpoint.h"
#include "hs-command.h"
#include "hs-engine-private.h"
#include "hs-expr.h"

GListModel *
hs_engine_get_breakpoints (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_breakpoint_list_get_model (self->breakpoints);
}

HsBreakpointList *
hs_engine_get_breakpoint_list (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->breakpoints;
}

HsBreakpoint *
hs_engine_get_breakpoint (HsEngine *self,
                          guint     id)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_breakpoint_list_find (self->breakpoints, id);
}

HsBreakpoint *
hs_engine_add_breakpoint (HsEngine         *self,
                          const HsAddress  *address,
                          const char       *location,
                          HsBreakpointType  kind,
                          gint              machine_scope,
                          gint              task_pid,
                          const char       *task_name,
                          GError          **error)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  /* A task is a task of one machine: its own, or the one the address names. */
  if ((task_pid >= 0 || task_name != NULL) && machine_scope < 0)
    machine_scope = (gint) address->machine;
  if (machine_scope >= 0 && !hs_engine_check_machine (self, (guint) machine_scope, error))
    return NULL;
  return hs_breakpoint_list_add (self->breakpoints, address, location, kind, machine_scope,
                                 task_pid, task_name, error);
}

void
hs_engine_remove_breakpoint (HsEngine     *self,
                             HsBreakpoint *breakpoint)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  hs_breakpoint_list_remove (self->breakpoints, breakpoint);
}

void
hs_engine_remove_all_breakpoints (HsEngine *self)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  hs_breakpoint_list_remove_all (self->breakpoints);
}

static void
hit_scope_clear (gpointer data)
{
  g_free (((HsHitScope *) data)->name);
  g_free (((HsHitScope *) data)->condition);
}

static void
add_plant (GArray           *plants,
           HsBreakpointType  kind,
           guint64           address)
{
  HsPlant plant = { kind, address };

  for (guint k = 0; k < plants->len; k++)
    if (g_array_index (plants, HsPlant, k).address == address
        && g_array_index (plants, HsPlant, k).kind == kind)
      return;
  g_array_append_val (plants, plant);
}

/* Main thread: what the worker plants at the next resume (one per address and kind) and the
 * scopes it checks a hit against. */
HsRunPlan *
hs_run_plan_new (HsEngine *self)
{
  GListModel *model = hs_breakpoint_list_get_model (self->breakpoints);
  HsRunPlan *plan = g_new0 (HsRunPlan, 1);

  plan->plants = g_array_new (FALSE, FALSE, sizeof (HsPlant));
  plan->scopes = g_array_new (FALSE, TRUE, sizeof (HsHitScope));
  g_array_set_clear_func (plan->scopes, hit_scope_clear);
  plan->filtered = g_hash_table_new (NULL, NULL);
  plan->passed = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (model, i);
      HsHitScope scope = { 0 };

      if (!hs_breakpoint_get_enabled (bp))
        continue;
      add_plant (plan->plants, hs_breakpoint_get_kind (bp),
                 hs_breakpoint_get_address (bp)->offset);
      scope.id = hs_breakpoint_get_id (bp);
      scope.address = hs_breakpoint_get_address (bp)->offset;
      scope.machine = hs_breakpoint_get_machine_scope (bp);
      scope.pid = hs_breakpoint_get_task_pid (bp);
      scope.name = g_strdup (hs_breakpoint_get_task_name (bp));
      scope.space = hs_breakpoint_get_address (bp)->space;
      scope.condition = g_strdup (hs_breakpoint_get_condition (bp));
      if (hs_breakpoint_get_count (bp) > 1)
        scope.passes_left = hs_breakpoint_get_count (bp) - 1
                            - MIN (hs_breakpoint_get_passes (bp), hs_breakpoint_get_count (bp) - 1);
      g_array_append_val (plan->scopes, scope);
    }
  return plan;
}

void
hs_run_plan_add_temporary (HsRunPlan *plan,
                           guint64    address,
                           gint       machine,
                           gint       pid)
{
  HsHitScope scope = { 0, address, machine, pid, NULL, 0, 0, NULL };

  add_plant (plan->plants, HS_BREAKPOINT_SOFTWARE, address);
  g_array_append_val (plan->scopes, scope);
}

void
hs_run_plan_carry_counts (HsRunPlan *to,
                          HsRunPlan *from)
{
  GHashTable *t;

  t = to->filtered;
  to->filtered = from->filtered;
  from->filtered = t;
  t = to->passed;
  to->passed = from->passed;
  from->passed = t;
}

/* Worker: the plan the main thread made since the target started, if any. */
HsRunPlan *
hs_replan_box_take (HsReplanBox *box)
{
  HsRunPlan *plan;

  hs_mutex_lock (&box->lock);
  plan = g_steal_pointer (&box->plan);
  g_atomic_int_set (&box->pending, FALSE);
  hs_mutex_unlock (&box->lock);
  return plan;
}

/* Main thread: the breakpoints changed. While the target runs, the worker swaps them in at a
 * short interrupt the views never see, as a hardware probe sets comparators on the fly. */
static void
replan (HsEngine *self)
{
  HsRunPlan *plan;

  if (self->state != HS_ENGINE_STATE_RUNNING || self->probe == NULL)
    return;
  plan = hs_run_plan_new (self);
  hs_mutex_lock (&self->replan.lock);
  g_clear_pointer (&self->replan.plan, hs_run_plan_free);
  self->replan.plan = plan;
  g_atomic_int_set (&self->replan.pending, TRUE);
  hs_mutex_unlock (&self->replan.lock);
  if (!hs_probe_interrupt (self->probe, NULL))
    g_debug ("breakpoints changed while running, but the probe could not be interrupted");
}

void
hs_engine_breakpoints_init (HsEngine *self)
{
  self->breakpoints = hs_breakpoint_list_new (self->symbols);
  g_signal_connect_object (self->breakpoints, "changed", G_CALLBACK (replan), self,
                           G_CONNECT_SWAPPED);
}

void
hs_engine_breakpoints_finalize (HsEngine *self)
{
  g_clear_object (&self->breakpoints);
}

void
hs_run_plan_free (HsRunPlan *plan)
{
  if (plan == NULL)
    return;
  g_clear_pointer (&plan->plants, g_array_unref);
  g_clear_pointer (&plan->scopes, g_array_unref);
  g_clear_pointer (&plan->filtered, g_hash_table_unref);
  g_clear_pointer (&plan->passed, g_hash_table_unref);
  g_free (plan);
}

/* A /CONDition's syntax, names and registers, checked at Break.Set: it is evaluated on the
 * worker at each hit. */
gboolean
hs_engine_check_condition (HsEngine    *self,
                           guint        machine,
                           const char  *text,
                           GError     **error)
{
  Condition c = { NULL, self->symbols, self->register_infos, 0, (gint) machine, TRUE };
  gboolean holds;

  return hs_condition_evaluate (&c, text, &holds, error);
}

/* Main thread: counts the stop against the breakpoint it came from. */
void
hs_engine_apply_breakpoint_hit (HsEngine *self,
                                Snapshot *snap)
{
  hs_breakpoint_list_count_stop (self->breakpoints, snap->filtered, snap->passed,
                                 snap->stop.reason == HS_STOP_REASON_BREAKPOINT
                                   && snap->hit_valid,
                                 snap->hit_id);
}

HsBreakpoint *
hs_engine_get_last_breakpoint (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_breakpoint_list_get_last (self->breakpoints);
}

/* A stop, as the main thread knows it; the symbol and line are looked up from it. */
typedef struct
{
  HsEngine *engine;
  guint machine;
  guint64 space;
  guint64 pc;
  guint core;
  char *machine_name;
  char *task;                   /* "sleep (pid 91)", or NULL */
  char *why;                    /* "breakpoint 3" or "(break)" */
} StopFacts;

static void
stop_facts_free (StopFacts *f)
{
  g_object_unref (f->engine);
  g_free (f->machine_name);
  g_free (f->task);
  g_free (f->why);
  g_free (f);
}

static StopFacts *
collect_stop (HsEngine *self)
{
  const HsStopEvent *stop = &self->last_stop;
  HsCore *core = hs_engine_get_core (self, stop->core);
  StopFacts *f;
  HsTask *task;
  HsMachine *m;
  guint64 pc;

  if (self->state != HS_ENGINE_STATE_HALTED || core == NULL
      || !hs_core_get_register_by_name (core, "pc", &pc))
    return NULL;
  f = g_new0 (StopFacts, 1);
  f->engine = g_object_ref (self);
  f->pc = pc;
  f->core = stop->core;
  f->machine = hs_engine_get_core_machine (self, stop->core);
  task = hs_engine_find_core_task (self, stop->core);
  if (task != NULL && pc < G_GUINT64_CONSTANT (0xffff000000000000))
    f->space = hs_task_get_space (task);
  if (task != NULL)
    f->task = g_strdup_printf ("%s (pid %d)", hs_task_get_name (task), hs_task_get_pid (task));
  m = hs_engine_get_machine (self, f->machine);
  f->machine_name = g_strdup (m ? hs_machine_get_name (m) : "?");
  f->why = hs_engine_get_last_breakpoint (self) != NULL
    ? g_strdup_printf (", breakpoint %u", hs_breakpoint_get_id (hs_engine_get_last_breakpoint (self)))
    : g_strdup_printf (" (%s)", hs_stop_reason_to_string (stop->reason));
  return f;
}

/* Symbols and DWARF only (thread-safe): "stopped at 2:::0x5a::0xffff8000081ab2c4
 * hrtimer_nanosleep+0x14 (kernel/time/hrtimer.c:2064), task sleep (pid 91), machine 2
 * (linux2), core 1, breakpoint 3". */
static char *
format_stop (const StopFacts *f)
{
  g_autofree char *sym = hs_engine_symbolize (f->engine, f->machine, f->space, f->pc);
  g_autofree char *file = NULL;
  GString *out = g_string_new ("stopped at ");
  guint line = 0;

  if (f->space != 0)
    g_string_append_printf (out, "%u:::0x%" G_GINT64_MODIFIER "x::0x%" G_GINT64_MODIFIER "x",
                            f->machine, f->space, f->pc);
  else
    g_string_append_printf (out, "%u:::0x%" G_GINT64_MODIFIER "x", f->machine, f->pc);
  if (sym != NULL)
    g_string_append_printf (out, " %s", sym);
  if (hs_engine_lookup_line (f->engine, f->machine, f->space, f->pc, &file, &line))
    g_string_append_printf (out, " (%s:%u)", file, line);
  if (f->task != NULL)
    g_string_append_printf (out, ", task %s", f->task);
  g_string_append_printf (out, ", machine %u (%s), core %u%s", f->machine, f->machine_name,
                          f->core, f->why);
  return g_string_free (out, FALSE);
}

char *
hs_engine_describe_stop (HsEngine *self)
{
  StopFacts *f;
  char *text;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  if ((f = collect_stop (self)) == NULL)
    return NULL;
  text = format_stop (f);
  stop_facts_free (f);
  return text;
}

static void
describe_stop_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  hs_task_return_pointer (task, format_stop (task_data), g_free);
}

void
hs_engine_describe_stop_async (HsEngine            *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StopFacts *f;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_describe_stop_async);
  if ((f = collect_stop (self)) == NULL)
    {
      hs_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                                "the target is not halted");
      return;
    }
  g_task_set_task_data (task, f, (GDestroyNotify) stop_facts_free);
  /* A line lookup may wait for the DWARF index another thread is building. */
  hs_task_run_in_thread (task, describe_stop_thread);
}

char *
hs_engine_describe_stop_finish (HsEngine      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return hs_task_propagate_pointer (G_TASK (result), error);
}
