/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-register.c: Register.view and Register.Set, for a core or for
 * a task wherever its registers are.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-arm64.h"
#include "hs-interp-private.h"

static void
register_set_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_write_register_finish (HS_ENGINE (object), result, &error))
    {
      g_prefix_error (&error, "Register.Set: ");
      hs_call_return (call, error);
      return;
    }
  hs_call_return (call, NULL);
}

static void
task_register_set_done (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *where = hs_engine_write_task_register_finish (HS_ENGINE (object), result,
                                                                 &error);

  if (where == NULL)
    {
      g_prefix_error (&error, "Register.Set: ");
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "written to %s\n", where);
  hs_call_return (call, NULL);
}

static void
cmd_register_set (Call *call)
{
  const char *name = hs_call_arg (call, 0);
  guint core;
  guint64 value;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  if (!hs_call_eval_number (call, hs_call_arg (call, 1), "Register.Set value", &value))
    return;
  /* A task's register: wherever the task will take it from when it runs. */
  if (hs_call_option (call, "TASK") != NULL
      || (hs_call_option (call, "MACHINE") != NULL && hs_call_option (call, "CORE") == NULL))
    {
      HsTask *task = hs_call_resolve_task (call);

      if (task == NULL)
        return;
      g_string_append_printf (call->out, "task %s (pid %d) of machine %u: %s = 0x%016"
                              G_GINT64_MODIFIER "x\n", hs_task_get_name (task),
                              hs_task_get_pid (task), hs_task_get_machine (task), name, value);
      hs_engine_write_task_register_async (call->interp->engine, task, name, value, NULL,
                                           task_register_set_done, call);
      return;
    }
  if (!hs_call_get_core_option (call, &core))
    return;
  if (hs_engine_lookup_register (call->interp->engine, name) < 0)
    {
      hs_call_fail (call, "Register.Set: core %u has no register named %s", core, name);
      return;
    }
  g_string_append_printf (call->out, "core %u: %s = 0x%016" G_GINT64_MODIFIER "x\n", core, name,
                          value);
  hs_engine_write_register_async (call->interp->engine, core, name, value, NULL,
                                  register_set_done, call);
}

static void
append_register (Call       *call,
                 HsCore     *core,
                 gint        index,
                 const char *name,
                 gboolean    explain)
{
  guint64 v;

  if (!hs_core_get_register (core, index, &v))
    {
      g_string_append_printf (call->out, "%-15s %18s\n", name, "(unavailable)");
      return;
    }
  g_string_append_printf (call->out, "%-15s 0x%016" G_GINT64_MODIFIER "x%s", name, v,
                          hs_core_register_changed (core, index) ? " *" : "  ");
  if (explain)
    {
      g_autofree char *text = hs_arm64_describe_register (name, v);

      if (text)
        g_string_append_printf (call->out, "  %s", text);
    }
  g_string_append_c (call->out, '\n');
}

static void
print_core_registers (Call  *call,
                      guint  core_index)
{
  HsEngine *engine = call->interp->engine;
  GPtrArray *infos = hs_engine_get_register_infos (engine);
  HsCore *core = hs_engine_get_core (engine, core_index);
  guint column = 0;
  gint cpsr = hs_engine_lookup_register (engine, "cpsr");

  hs_call_append_core_line (call, core);
  /* Core registers four to a line, as on a register window. */
  for (guint i = 0; i < infos->len; i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (infos, i);
      guint64 v;

      if (info->klass != HS_REGISTER_CLASS_CORE || g_ascii_strcasecmp (info->name, "cpsr") == 0)
        continue;
      if (hs_core_get_register (core, i, &v))
        g_string_append_printf (call->out, "%-4s 0x%016" G_GINT64_MODIFIER "x%s", info->name, v,
                                hs_core_register_changed (core, i) ? "*" : " ");
      else
        g_string_append_printf (call->out, "%-4s %-18s ", info->name, "??");
      g_string_append (call->out, ++column % 4 == 0 ? "\n" : "  ");
    }
  if (column % 4 != 0)
    g_string_append_c (call->out, '\n');
  if (cpsr >= 0)
    append_register (call, core, cpsr, "cpsr", TRUE);
  g_string_append (call->out, "\n");

  if (hs_call_option (call, "ALL") != NULL)
    {
      for (guint i = 0; i < infos->len; i++)
        {
          const HsRegisterInfo *info = g_ptr_array_index (infos, i);

          if (info->klass == HS_REGISTER_CLASS_SYSTEM)
            append_register (call, core, i, info->name, TRUE);
        }
    }
  else
    {
      const char * const *names = hs_arm64_key_system_registers ();

      for (guint k = 0; names[k]; k++)
        {
          gint i = hs_engine_lookup_register (engine, names[k]);

          if (i >= 0)
            append_register (call, core, i, names[k], TRUE);
        }
    }
  hs_call_return (call, NULL);
}

static void
all_registers_read (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Call *call = user_data;
  guint *core = call->state;
  GError *error = NULL;

  if (!hs_engine_read_all_registers_finish (HS_ENGINE (object), result, &error))
    {
      hs_call_return (call, error);
      return;
    }
  print_core_registers (call, *core);
}

static void
cmd_register_view (Call *call)
{
  const char *machine_text = hs_call_option (call, "MACHINE");
  guint *core;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  if (machine_text != NULL && hs_call_option (call, "TASK") == NULL)
    {
      guint machine;
      gboolean given;

      if (!hs_call_get_machine_option (call, &machine, &given))
        return;
      hs_interp_request_view (call->interp, "registers", machine);
    }
  /* A task, or a guest's context: the guest's view, not a core's. Machine 0's registers
   * are the cores' own. */
  if (hs_call_option (call, "TASK") != NULL
      || (machine_text != NULL && g_strcmp0 (machine_text, "0") != 0
          && g_strcmp0 (machine_text, "0.") != 0))
    {
      hs_call_task_register_view (call);
      return;
    }
  core = hs_call_new_state (call, guint, NULL);
  if (!hs_call_get_core_option (call, core))
    return;
  /* A halt reads only what walks need; the rest is fetched first (once per halt). */
  hs_engine_read_all_registers_async (call->interp->engine, *core, NULL, all_registers_read,
                                      call);
}

static void
task_regs_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  guint *machine = call->state;
  GError *error = NULL;
  g_autoptr(HsTaskRegisters) regs = hs_engine_task_registers_finish (HS_ENGINE (object), result,
                                                                     &error);
  guint column = 0;

  if (regs == NULL)
    {
      g_prefix_error (&error, "Register.view: ");
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "registers: %s\n", regs->source);
  for (guint i = 0; i < 31; i++)
    {
      if (regs->x_valid[i])
        g_string_append_printf (call->out, "x%-3u 0x%016" G_GINT64_MODIFIER "x", i, regs->x[i]);
      else
        g_string_append_printf (call->out, "x%-3u %-18s", i, "--");
      g_string_append (call->out, ++column % 4 == 0 ? "\n" : "   ");
    }
  g_string_append (call->out, "\n");
  if (regs->sp_valid)
    g_string_append_printf (call->out, "sp   0x%016" G_GINT64_MODIFIER "x\n", regs->sp);
  if (regs->pc_valid)
    {
      g_autofree char *sym = hs_engine_symbolize (HS_ENGINE (object), *machine, 0, regs->pc);

      g_string_append_printf (call->out, "pc   0x%016" G_GINT64_MODIFIER "x%s%s\n", regs->pc,
                              sym ? "  " : "", sym ? sym : "");
    }
  if (regs->cpsr_valid)
    {
      g_autofree char *text = hs_arm64_describe_register ("cpsr", regs->cpsr);

      g_string_append_printf (call->out, "cpsr 0x%016" G_GINT64_MODIFIER "x  %s\n", regs->cpsr,
                              text ? text : "");
    }
  if (regs->has_user)
    g_string_append_printf (call->out, "user (pt_regs): pc 0x%016" G_GINT64_MODIFIER "x  sp 0x%016"
                            G_GINT64_MODIFIER "x  x0 0x%016" G_GINT64_MODIFIER "x  x8 0x%"
                            G_GINT64_MODIFIER "x (syscall)\n", regs->user_pc, regs->user_sp,
                            regs->user_x[0], regs->user_x[8]);
  hs_call_return (call, NULL);
}

/* Register.view /MACHINE n /TASK x: where the task's registers are now (a core, Xen's saved
 * vCPU, or the task's own switch frame). */
void
hs_call_task_register_view (Call *call)
{
  HsTask *task = hs_call_resolve_task (call);
  guint *machine;

  if (task == NULL)
    return;
  hs_call_append_task_line (call, task);
  machine = hs_call_new_state (call, guint, NULL);
  *machine = hs_task_get_machine (task);
  hs_engine_task_registers_async (hs_call_engine (call), task, NULL, task_regs_done, call);
}

static const OptionSpec register_options[] = { { "CORE", TRUE }, { "ALL", FALSE },
                                               { "MACHINE", TRUE }, { "TASK", TRUE, TRUE }, { NULL } };
static const OptionSpec task_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE, TRUE },
                                           { "CORE", TRUE }, { NULL } };

const CommandSpec hs_register_commands[] = {
  { "Register.Set", "Register.Set register value [/CORE n] [/MACHINE n /TASK name|pid]",
    "write a core's register, or a task's where it will take it from (the next Go uses it)", 2, 2,
    task_options, cmd_register_set, .needs_tasks = TRUE },
  { "Register.view", "Register.view [/CORE n] [/ALL] [/MACHINE n] [/TASK name|pid]",
    "show a core's registers and the Arm system registers", 0, 0, register_options,
    cmd_register_view, .needs_tasks = TRUE },
  { NULL }
};
