/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-breakpoints.c: breakpoints in the probe: planted at a resume, lifted at a stop, and each hit checked against its scope.
 *
 * Everything here runs on the target's worker thread (see hs-target-private.h).
 */
#define G_LOG_DOMAIN "hs-target"

#include "config.h"

#include "hs-target-private.h"

#include "hs-builtins.h"

#include <string.h>

#define STEP_OFF_TIMEOUT_MS 1000

/* A register's index by name in @infos, or -1. */
static gint
find_register (GPtrArray  *infos,
               const char *name)
{
  for (guint i = 0; infos != NULL && i < infos->len; i++)
    if (g_ascii_strcasecmp (((const HsRegisterInfo *) g_ptr_array_index (infos, i))->name,
                            name) == 0)
      return (gint) i;
  return -1;
}

static gboolean
read_core (HsTarget    *self,
           guint        core,
           const char  *name,
           guint64     *value,
           GError     **error)
{
  gint index = hs_target_lookup_register (self, name);
  guint i;
  gboolean ok = FALSE;

  if (index < 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "the probe has no %s", name);
      return FALSE;
    }
  i = (guint) index;
  if (!hs_probe_read_registers (self->probe, core, &i, 1, value, &ok, error))
    return FALSE;
  if (!ok)
    g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "%s of core %u is unreadable",
                 name, core);
  return ok;
}

/* /CONDition's view of the world: the stopping core's registers, its machine's memory and
 * symbols. Dry (a check at Break.Set): register names are checked, everything reads 0. */
static HsBuiltinState
condition_state (gpointer data)
{
  return HS_BUILTIN_STATE_HALTED;
}

static gboolean
condition_core (gpointer   data,
                guint     *core,
                GError   **error)
{
  *core = ((Condition *) data)->core;
  return TRUE;
}

static gboolean
condition_register (gpointer     data,
                    const char  *name,
                    guint64     *value,
                    GError     **error)
{
  Condition *c = data;

  *value = 0;
  if (!c->dry)
    return read_core (c->target, c->core, name, value, error);
  if (c->register_infos != NULL && find_register (c->register_infos, name) < 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "no register named %s",
                   name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
condition_memory (gpointer     data,
                  guint64      address,
                  void        *buf,
                  gsize        len,
                  GError     **error)
{
  Condition *c = data;

  memset (buf, 0, len);
  if (c->dry)
    return TRUE;
  if (c->machine < 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "the stopping core is in no known machine");
      return FALSE;
    }
  return hs_target_read_virtual (c->target, (guint) c->machine, address, buf, len, error);
}

static gboolean
condition_symbol (gpointer     data,
                  const char  *name,
                  guint64     *value,
                  GError     **error)
{
  Condition *c = data;

  if (c->machine < 0)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "unknown name %s", name);
      return FALSE;
    }
  return hs_symbol_scope_lookup_symbol (c->symbols, (guint) c->machine, 0, name, value, error);
}

/* The machine of the stopping core: MACHINE.ID(). */
static gboolean
condition_machine (gpointer   data,
                   guint     *machine,
                   GError   **error)
{
  Condition *c = data;

  *machine = c->machine < 0 ? 0 : (guint) c->machine;
  if (c->machine < 0 && !c->dry)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "the stopping core is in no known machine");
      return FALSE;
    }
  return TRUE;
}

/* Tasks are the main thread's: the task builtins say they cannot be used here. */
static const HsBuiltinEnv condition_env = {
  .where = "in a breakpoint condition",
  .state = condition_state,
  .core = condition_core,
  .read_register = condition_register,
  .read_memory = condition_memory,
  .lookup_symbol = condition_symbol,
  .machine = condition_machine,
};

gboolean
hs_condition_evaluate (Condition   *c,
                       const char  *text,
                       gboolean    *holds,
                       GError     **error)
{
  HsValue v = { 0 };

  if (!hs_builtins_evaluate (&condition_env, c, text, &v, error))
    return FALSE;
  *holds = hs_value_is_true (&v);
  hs_value_clear (&v);
  return TRUE;
}

/* The machine a core is in: 0 at EL2, else the guest whose VMID is in VTTBR_EL2. */
static gint
worker_core_machine (HsTarget *self,
                     guint64   cpsr,
                     guint64   vttbr)
{
  if (((cpsr >> 2) & 3) >= 2)
    return 0;
  for (guint g = 0; self->guests && g < self->guests->len; g++)
    if (g_array_index (self->guests, HsXenDomain, g).vmid == (guint) (vttbr >> 48))
      return (gint) g_array_index (self->guests, HsXenDomain, g).machine;
  return -1;
}

gboolean
hs_target_hit_matches (HsTarget   *self,
                       HsRunPlan  *plan,
                       guint       core,
                       guint64    *pc,
                       gboolean   *matches,
                       guint      *matched_id,
                       GError    **error)
{
  guint64 cpsr, vttbr = 0, sp_el0 = 0, tpidr = 0;
  gint machine;
  gboolean task_known = FALSE, task_tried = FALSE, any = FALSE;
  gint pid = -1, tgid = -1;
  g_autofree char *comm = NULL;

  *matches = TRUE;
  *matched_id = 0;
  if (!read_core (self, core, "pc", pc, error) || !read_core (self, core, "cpsr", &cpsr, error))
    return FALSE;
  if (((cpsr >> 2) & 3) < 2 && !read_core (self, core, "VTTBR_EL2", &vttbr, error))
    return FALSE;
  machine = worker_core_machine (self, cpsr, vttbr);

  for (guint i = 0; i < plan->scopes->len; i++)
    {
      HsHitScope *s = &g_array_index (plan->scopes, HsHitScope, i);
      gboolean ok = TRUE;

      if (s->address != *pc)
        continue;
      any = TRUE;
      if (s->machine >= 0 && s->machine != machine)
        ok = FALSE;
      /* Another process's code at the same virtual address is not this breakpoint's. */
      if (ok && (s->pid >= 0 || s->name != NULL || s->space != 0))
        {
          if (!task_tried)
            {
              g_autoptr(GError) task_error = NULL;

              task_tried = TRUE;
              task_known = read_core (self, core, "SP_EL0", &sp_el0, &task_error)
                           && read_core (self, core, "TPIDR_EL1", &tpidr, &task_error)
                           && machine >= 0
                           && hs_target_core_task (self, (guint) machine, cpsr, sp_el0,
                                                          tpidr, &pid, &tgid, &comm,
                                                          &task_error);
              /* The wire itself failing ends the run; an unreadable guest only this hit. */
              if (task_error && hs_engine_is_connection_error (task_error))
                {
                  g_propagate_error (error, g_steal_pointer (&task_error));
                  return FALSE;
                }
            }
          ok = task_known && (s->pid < 0 || s->pid == pid)
               && (s->name == NULL || g_strcmp0 (s->name, comm) == 0)
               && (s->space == 0 || s->space == (guint64) tgid);
        }
      /* /CONDition: a pass in scope that does not meet it goes on, neither stop nor filtered. A
       * condition that cannot be evaluated stops, so the user sees why. */
      if (ok && s->condition != NULL)
        {
          Condition c = { self, self->symbols, NULL, core, machine, FALSE };
          gboolean holds = TRUE;
          g_autoptr(GError) cond_error = NULL;

          if (!hs_condition_evaluate (&c, s->condition, &holds, &cond_error))
            {
              if (hs_engine_is_connection_error (cond_error))
                {
                  g_propagate_error (error, g_steal_pointer (&cond_error));
                  return FALSE;
                }
              g_debug ("breakpoint %u: condition '%s': %s", s->id, s->condition,
                       cond_error->message);
              holds = TRUE;
            }
          if (!holds)
            {
              *matches = FALSE;
              return TRUE;
            }
        }
      /* /COUNT n: the first n-1 passes in scope go on without stopping. */
      if (ok && s->passes_left > 0)
        {
          s->passes_left--;
          g_hash_table_insert (plan->passed, GUINT_TO_POINTER (s->id),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (
                                 g_hash_table_lookup (plan->passed, GUINT_TO_POINTER (s->id)))
                                 + 1));
          *matches = FALSE;
          return TRUE;
        }
      if (ok)
        {
          *matched_id = s->id;
          return TRUE;
        }
    }
  /* A stop at no breakpoint of ours (the stub's own?) is the user's to see. */
  if (!any)
    return TRUE;
  *matches = FALSE;
  for (guint i = 0; i < plan->scopes->len; i++)
    {
      const HsHitScope *s = &g_array_index (plan->scopes, HsHitScope, i);

      if (s->address == *pc && s->id != 0)
        g_hash_table_insert (plan->filtered, GUINT_TO_POINTER (s->id),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (
                               g_hash_table_lookup (plan->filtered,
                                                    GUINT_TO_POINTER (s->id))) + 1));
    }
  return TRUE;
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
hs_target_plant (HsTarget  *self,
                 GArray    *plants,
                 GError   **error)
{
  if (plants == NULL || plants->len == 0)
    return TRUE;

  for (guint c = 0; c < self->n_cores; c++)
    {
      guint64 pc;
      HsStopEvent stop;

      if (!hs_target_get_register (self, c, "pc", &pc) || !is_planted_at (plants, pc))
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

/* Worker: lifts what hs_target_plant() planted. */
gboolean
hs_target_lift (HsTarget  *self,
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
