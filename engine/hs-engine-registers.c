/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-registers.c: a machine's registers as its register window shows
 * them.
 *
 * Machine 0 is the cores themselves, with the EL2 registers that define the
 * guests. A guest's registers are its vCPU's: live on the halted core that
 * runs it, or what Xen saved when the vCPU last left the guest. Each set
 * says which, because a value Xen saved is only as fresh as that exit.
 */
#include "config.h"

#include "hs-core.h"
#include "hs-engine-private.h"

static const char * const el2_registers[] = {
  "VTTBR_EL2", "VTCR_EL2", "HCR_EL2", "TTBR0_EL2", "TCR_EL2", "SCTLR_EL2", "VBAR_EL2",
  "ESR_EL2", "FAR_EL2", "HPFAR_EL2", "ELR_EL2", "SPSR_EL2", "MAIR_EL2", "TPIDR_EL2",
  "VPIDR_EL2", "VMPIDR_EL2", "CPTR_EL2", "CNTHCTL_EL2", "CNTVOFF_EL2", NULL
};

static const char * const el1_registers[] = {
  "SCTLR", "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "VBAR_EL1", "ESR_EL1", "FAR_EL1",
  "ELR_EL1", "SPSR_EL1", "SP_EL0", "SP_EL1", "TPIDR_EL1", "CONTEXTIDR_EL1", "CPACR_EL1",
  "PAR_EL1", NULL
};

void
hs_register_set_free (HsRegisterSet *set)
{
  if (set == NULL)
    return;
  for (guint i = 0; set->values && i < set->values->len; i++)
    g_free (g_array_index (set->values, HsNamedRegister, i).name);
  g_clear_pointer (&set->values, g_array_unref);
  g_free (set->source);
  g_free (set);
}

static void
add (HsRegisterSet *set,
     const char    *name,
     guint64        value,
     gboolean       valid,
     gboolean       writable)
{
  HsNamedRegister r = { g_strdup (name), value, valid, writable };

  g_array_append_val (set->values, r);
}

static void
add_core (HsRegisterSet *set,
          HsCore        *core,
          const char    *name,
          gboolean       writable)
{
  guint64 v = 0;
  gboolean ok = hs_core_get_register_by_name (core, name, &v);

  add (set, name, v, ok, writable && ok);
}

static void
add_core_set (HsRegisterSet      *set,
              HsCore             *core,
              const char * const *sysregs)
{
  add_core (set, core, "pc", TRUE);
  add_core (set, core, "sp", TRUE);
  add_core (set, core, "cpsr", TRUE);
  /* The registers that define the machine come before the general ones, as on a window. */
  for (guint i = 0; sysregs[i]; i++)
    add_core (set, core, sysregs[i], FALSE);
  for (guint i = 0; i < 31; i++)
    {
      g_autofree char *name = g_strdup_printf ("x%u", i);

      add_core (set, core, name, TRUE);
    }
}


const char * const *
hs_engine_machine_system_registers (guint machine)
{
  return machine == 0 ? el2_registers : el1_registers;
}

HsRegisterSet *
hs_engine_get_machine_registers (HsEngine  *self,
                                 guint      machine,
                                 guint      unit,
                                 GError   **error)
{
  HsRegisterSet *set;
  const HsXenDomain *dom;
  const HsXenVcpu *vcpu = NULL;
  gint core = -1;
  HsCore *c;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  if (self->state != HS_ENGINE_STATE_HALTED)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                   "registers are read at a halt; the target is %s",
                   hs_engine_state_to_string (self->state));
      return NULL;
    }
  if (!hs_engine_check_machine (self, machine, error))
    return NULL;

  set = g_new0 (HsRegisterSet, 1);
  set->machine = machine;
  set->unit = unit;
  set->core = -1;
  set->values = g_array_new (FALSE, FALSE, sizeof (HsNamedRegister));

  /* Machine 0: pCPU @unit is core @unit. */
  if (machine == 0)
    {
      c = hs_engine_get_core (self, unit);
      if (c == NULL)
        {
          hs_register_set_free (set);
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                       "physical CPU %u does not exist; the target has %u", unit,
                       hs_engine_get_n_cores (self));
          return NULL;
        }
      set->core = (gint) unit;
      {
        g_autofree char *level = hs_core_describe_exception_level (c);

        set->source = g_strdup_printf ("live registers of core %u (%s)", unit, level);
      }
      add_core_set (set, c, el2_registers);
      return set;
    }

  dom = hs_guest_model_get_domain (self->guest_model, machine);
  for (guint i = 0; dom && i < dom->n_vcpu_info; i++)
    if (dom->vcpus[i].id == unit)
      vcpu = &dom->vcpus[i];
  if (vcpu == NULL)
    {
      hs_register_set_free (set);
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "machine %u has no vCPU %u%s", machine, unit,
                   dom ? "" : " (its guest was not found in Xen's domain list at this halt)");
      return NULL;
    }
  for (guint i = 0; i < hs_engine_get_n_cores (self); i++)
    if (hs_guest_model_get_core_vcpu (self->guest_model, i) == vcpu->va)
      core = (gint) i;
  c = core >= 0 ? hs_engine_get_core (self, core) : NULL;
  set->core = core;

  if (c != NULL && hs_core_get_exception_level (c) < 2)
    {
      set->source = g_strdup_printf ("live: vCPU %u runs on core %d", unit, core);
      add_core_set (set, c, el1_registers);
      return set;
    }
  if (!vcpu->has_guest_regs)
    {
      hs_register_set_free (set);
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "Xen holds no saved registers for vCPU %u of machine %u", unit, machine);
      return NULL;
    }
  /* In Xen on a core (a trap) or scheduled out: the guest state as Xen saved it. */
  set->source = c != NULL
    ? g_strdup_printf ("saved by Xen: vCPU %u trapped into Xen on core %d", unit, core)
    : g_strdup_printf ("saved by Xen: vCPU %u is not running (%s)", unit,
                       hs_xen_vcpu_state (vcpu));
  add (set, "pc", vcpu->pc, TRUE, FALSE);
  add (set, "sp", ((vcpu->cpsr >> 2) & 3) == 1 && (vcpu->cpsr & 1) ? vcpu->sp_el1
                                                                     : vcpu->sp_el0,
       TRUE, FALSE);
  add (set, "cpsr", vcpu->cpsr, TRUE, FALSE);
  for (guint i = 0; el1_registers[i]; i++)
    {
      const char *name = el1_registers[i];
      guint64 v = 0;
      gboolean ok = TRUE;

      /* The EL1 state Xen keeps while the guest is away; the rest is the core's own while
       * the vCPU is trapped, and unknown while it is scheduled out. */
      if (g_str_equal (name, "SCTLR"))
        v = vcpu->sctlr;
      else if (g_str_equal (name, "TTBR0_EL1"))
        v = vcpu->ttbr0;
      else if (g_str_equal (name, "TTBR1_EL1"))
        v = vcpu->ttbr1;
      else if (g_str_equal (name, "TCR_EL1"))
        v = vcpu->tcr;
      else if (g_str_equal (name, "ELR_EL1"))
        v = vcpu->elr_el1;
      else if (g_str_equal (name, "SPSR_EL1"))
        v = vcpu->spsr_el1;
      else if (g_str_equal (name, "SP_EL0"))
        v = vcpu->sp_el0;
      else if (g_str_equal (name, "SP_EL1"))
        v = vcpu->sp_el1;
      else if (c != NULL)
        ok = hs_core_get_register_by_name (c, name, &v);
      else
        ok = FALSE;
      add (set, name, v, ok, FALSE);
    }
  for (guint i = 0; i < 31; i++)
    {
      g_autofree char *name = g_strdup_printf ("x%u", i);

      add (set, name, vcpu->x[i], TRUE, FALSE);
    }
  return set;
}

/* ---- writing ---------------------------------------------------------------------------- */


static void
write_register_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) user_task = user_data;
  HsEngine *self = HS_ENGINE (object);
  RegisterWrite *w = g_task_get_task_data (user_task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_task_return_error (user_task, error);
      return;
    }
  hs_core_set_register (hs_engine_get_core (self, w->core), w->index, w->value);
  hs_engine_emit_registers_written (self, w->core);
  g_task_return_boolean (user_task, TRUE);
}

void
hs_engine_write_register_async (HsEngine            *self,
                                guint                core,
                                const char          *name,
                                guint64              value,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) user_task = NULL;
  g_autoptr(GTask) job = NULL;
  RegisterWrite *w;
  gint index;

  g_return_if_fail (HS_IS_ENGINE (self));

  user_task = hs_engine_new_halted_task (self, hs_engine_write_register_async, cancellable,
                                         callback, user_data);
  if (user_task == NULL)
    return;
  index = hs_engine_lookup_register (self, name);
  if (index < 0)
    {
      g_task_return_new_error (user_task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "no register named %s", name);
      return;
    }
  if (core >= hs_engine_get_n_cores (self))
    {
      g_task_return_new_error (user_task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "core %u does not exist", core);
      return;
    }
  w = g_new0 (RegisterWrite, 1);
  w->core = core;
  w->index = (guint) index;
  w->value = value;
  g_task_set_task_data (user_task, w, g_free);
  job = g_task_new (self, cancellable, write_register_done, g_object_ref (user_task));
  hs_engine_queue_job (self, job, hs_target_write_register_job, g_memdup2 (w, sizeof *w), g_free);
}

gboolean
hs_engine_write_register_finish (HsEngine      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}


/* Main thread: the copy views read, after a write into Xen's saved registers. */
void
hs_engine_update_saved_vcpu (HsEngine   *self,
                             guint       machine,
                             guint       vcpu,
                             const char *member,
                             guint64     value)
{
  hs_guest_model_update_saved_vcpu (self->guest_model, machine, vcpu, member, value);
}
