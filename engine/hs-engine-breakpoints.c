/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-breakpoints.c: the engine's breakpoints and where they meet the
 * probe.
 *
 * The list lives on the main thread and changes at any time, even while the
 * target runs. The worker plants a copy of the enabled ones when it resumes
 * the target and lifts them at the next stop: QEMU's stub cannot take a
 * breakpoint while the target runs, halted memory reads then never see a
 * planted BRK, and a core resting on a breakpoint is stepped off it first
 * (QEMU would stop on it again at once otherwise).
 */
#include "config.h"

#include "hs-breakpoint-private.h"
#include "hs-engine-private.h"

#define STEP_OFF_TIMEOUT_MS 1000

GListModel *
hs_engine_get_breakpoints (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return G_LIST_MODEL (self->breakpoints);
}

HsBreakpoint *
hs_engine_get_breakpoint (HsEngine *self,
                          guint     id)
{
  GListModel *model;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  model = G_LIST_MODEL (self->breakpoints);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (model, i);

      if (hs_breakpoint_get_id (bp) == id)
        return bp;  /* the store keeps it */
    }
  return NULL;
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
  g_autoptr(HsBreakpoint) bp = NULL;
  g_autofree char *symbol = NULL;
  GListModel *model;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (address->access == HS_ACCESS_PHYSICAL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "a breakpoint needs a virtual address: QEMU's stub compares the program "
                   "counter, not physical addresses (drop the A: and name the machine, "
                   "e.g. 2:::function)");
      return NULL;
    }
  /* A task is a task of one machine: its own, or the one the address names. */
  if ((task_pid >= 0 || task_name != NULL) && machine_scope < 0)
    machine_scope = (gint) address->machine;
  if (machine_scope >= 0 && !hs_engine_check_machine (self, (guint) machine_scope, error))
    return NULL;

  model = G_LIST_MODEL (self->breakpoints);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) other = g_list_model_get_item (model, i);
      const HsAddress *a = hs_breakpoint_get_address (other);

      if (a->offset == address->offset && a->machine == address->machine
          && hs_breakpoint_get_machine_scope (other) == machine_scope
          && hs_breakpoint_get_task_pid (other) == task_pid
          && g_strcmp0 (hs_breakpoint_get_task_name (other), task_name) == 0)
        {
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "breakpoint %u is already at %s with that scope",
                       hs_breakpoint_get_id (other), hs_breakpoint_get_location (other));
          return NULL;
        }
    }

  symbol = hs_engine_symbolize (self, address->machine, address->space, address->offset);
  bp = hs_breakpoint_new (++self->next_breakpoint_id, address, location, symbol, kind,
                          machine_scope, task_pid, task_name);
  g_list_store_append (self->breakpoints, bp);
  return bp;
}

void
hs_engine_remove_breakpoint (HsEngine     *self,
                             HsBreakpoint *breakpoint)
{
  guint position;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (HS_IS_BREAKPOINT (breakpoint));

  if (g_list_store_find (self->breakpoints, breakpoint, &position))
    g_list_store_remove (self->breakpoints, position);
}

void
hs_engine_remove_all_breakpoints (HsEngine *self)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  g_list_store_remove_all (self->breakpoints);
}

/* Main thread: what the worker plants at the next resume; one per address and kind. */
GArray *
hs_engine_collect_plants (HsEngine *self)
{
  GListModel *model = G_LIST_MODEL (self->breakpoints);
  GArray *plants = g_array_new (FALSE, FALSE, sizeof (HsPlant));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (model, i);
      HsPlant plant = { hs_breakpoint_get_kind (bp), hs_breakpoint_get_address (bp)->offset };
      gboolean seen = FALSE;

      if (!hs_breakpoint_get_enabled (bp))
        continue;
      for (guint k = 0; k < plants->len && !seen; k++)
        seen = g_array_index (plants, HsPlant, k).address == plant.address
               && g_array_index (plants, HsPlant, k).kind == plant.kind;
      if (!seen)
        g_array_append_val (plants, plant);
    }
  return plants;
}

static gboolean
is_planted_at (GArray  *plants,
               guint64  address)
{
  for (guint k = 0; plants && k < plants->len; k++)
    if (g_array_index (plants, HsPlant, k).address == address)
      return TRUE;
  return FALSE;
}

/* Worker: steps every core that rests on a breakpoint, then plants them all. */
gboolean
hs_engine_worker_plant (HsEngine  *self,
                        GArray    *plants,
                        GError   **error)
{
  if (plants == NULL || plants->len == 0)
    return TRUE;

  for (guint c = 0; c < self->w_n_cores; c++)
    {
      guint64 pc;
      HsStopEvent stop;

      if (!hs_engine_worker_get_register (self, c, "pc", &pc) || !is_planted_at (plants, pc))
        continue;
      if (!hs_probe_step (self->probe, c, error))
        return FALSE;
      if (!hs_probe_wait_stop (self->probe, STEP_OFF_TIMEOUT_MS, &stop, NULL, error))
        {
          /* A core waiting for an interrupt retires nothing; it can stay where it is. */
          if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            return FALSE;
          g_clear_error (error);
          if (!hs_probe_interrupt (self->probe, error)
              || !hs_probe_wait_stop (self->probe, STEP_OFF_TIMEOUT_MS, &stop, NULL, error))
            return FALSE;
        }
    }

  for (guint k = 0; k < plants->len; k++)
    {
      const HsPlant *plant = &g_array_index (plants, HsPlant, k);

      if (!hs_probe_insert_breakpoint (self->probe, plant->kind, plant->address, error))
        {
          g_prefix_error (error, "cannot plant the breakpoint at 0x%" G_GINT64_MODIFIER "x: ",
                          plant->address);
          for (guint j = 0; j < k; j++)
            {
              const HsPlant *p = &g_array_index (plants, HsPlant, j);

              hs_probe_remove_breakpoint (self->probe, p->kind, p->address, NULL);
            }
          return FALSE;
        }
    }
  return TRUE;
}

/* Worker: lifts what hs_engine_worker_plant() planted. */
gboolean
hs_engine_worker_lift (HsEngine  *self,
                       GArray    *plants,
                       GError   **error)
{
  gboolean ok = TRUE;

  for (guint k = 0; plants && k < plants->len; k++)
    {
      const HsPlant *plant = &g_array_index (plants, HsPlant, k);
      GError *local = NULL;

      if (!hs_probe_remove_breakpoint (self->probe, plant->kind, plant->address, &local))
        {
          if (ok)
            g_propagate_error (error, local);
          else
            g_error_free (local);
          ok = FALSE;
        }
    }
  return ok;
}

/* Main thread: counts the stop against the breakpoint it came from. */
void
hs_engine_apply_breakpoint_hit (HsEngine *self,
                                Snapshot *snap)
{
  GListModel *model = G_LIST_MODEL (self->breakpoints);
  guint machine;

  g_clear_object (&self->last_breakpoint);
  if (snap->stop.reason != HS_STOP_REASON_BREAKPOINT || !snap->hit_valid)
    return;
  machine = hs_engine_get_core_machine (self, snap->stop.core);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (model, i);
      gint scope = hs_breakpoint_get_machine_scope (bp);

      if (!hs_breakpoint_get_enabled (bp) || hs_breakpoint_get_address (bp)->offset != snap->hit_pc)
        continue;
      /* The narrowest breakpoint that matches names the stop. */
      if (scope >= 0 && (guint) scope != machine)
        continue;
      if (self->last_breakpoint == NULL
          || (hs_breakpoint_get_machine_scope (self->last_breakpoint) < 0 && scope >= 0))
        g_set_object (&self->last_breakpoint, bp);
    }
  if (self->last_breakpoint)
    hs_breakpoint_add_hit (self->last_breakpoint, FALSE);
}

HsBreakpoint *
hs_engine_get_last_breakpoint (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->last_breakpoint;
}

/* "stopped at 2:::0x5a::0xffff8000081ab2c4 hrtimer_nanosleep+0x14 (kernel/time/hrtimer.c:2064),
 * task sleep (pid 91), machine 2 (linux2), core 1, breakpoint 3" */
char *
hs_engine_describe_stop (HsEngine *self)
{
  const HsStopEvent *stop;
  HsCore *core;
  HsTask *task = NULL;
  GString *out;
  guint machine;
  guint64 pc, space = 0;
  HsMachine *m;
  g_autofree char *sym = NULL;
  g_autofree char *file = NULL;
  guint line = 0;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  if (self->state != HS_ENGINE_STATE_HALTED)
    return NULL;
  stop = &self->last_stop;
  core = hs_engine_get_core (self, stop->core);
  if (core == NULL || !hs_core_get_register_by_name (core, "pc", &pc))
    return NULL;
  machine = hs_engine_get_core_machine (self, stop->core);
  task = hs_engine_find_core_task (self, stop->core);
  if (task != NULL && pc < G_GUINT64_CONSTANT (0xffff000000000000))
    space = hs_task_get_space (task);
  m = hs_engine_get_machine (self, machine);
  sym = hs_engine_symbolize (self, machine, space, pc);
  out = g_string_new ("stopped at ");
  if (space != 0)
    g_string_append_printf (out, "%u:::0x%" G_GINT64_MODIFIER "x::0x%" G_GINT64_MODIFIER "x",
                            machine, space, pc);
  else
    g_string_append_printf (out, "%u:::0x%" G_GINT64_MODIFIER "x", machine, pc);
  if (sym != NULL)
    g_string_append_printf (out, " %s", sym);
  if (hs_engine_lookup_line (self, machine, space, pc, &file, &line))
    g_string_append_printf (out, " (%s:%u)", file, line);
  if (task != NULL)
    g_string_append_printf (out, ", task %s (pid %d)", hs_task_get_name (task),
                            hs_task_get_pid (task));
  g_string_append_printf (out, ", machine %u (%s), core %u", machine,
                          m ? hs_machine_get_name (m) : "?", stop->core);
  if (self->last_breakpoint != NULL)
    g_string_append_printf (out, ", breakpoint %u", hs_breakpoint_get_id (self->last_breakpoint));
  else
    g_string_append_printf (out, " (%s)", hs_stop_reason_to_string (stop->reason));
  return g_string_free (out, FALSE);
}
