/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-sync.h"

#include "hs-interp-private.h"
#include "hs-arm64.h"
#include "hs-command.h"
#include "hs-builtins.h"
#include "hs-expr.h"
#include "hs-probe-usb.h"

#include <string.h>

/* Data.dump prints what it reads: a bound keeps a typo from asking for gigabytes. */
#define DUMP_MAX_LENGTH   (1u << 20)
#define DUMP_DEFAULT      0x100u
#define STEP_MAX_COUNT    10000u
#define WAIT_POLL_MS      20

G_DEFINE_FINAL_TYPE (HsInterp, hs_interp, G_TYPE_OBJECT)

static void
call_free (Call *call)
{
  g_clear_handle_id (&call->wait_id, g_source_remove);
  g_clear_pointer (&call->args, g_ptr_array_unref);
  g_clear_pointer (&call->options, g_hash_table_unref);
  if (call->out)
    g_string_free (call->out, TRUE);
  g_free (call->condition);
  g_clear_pointer (&call->do_lines, g_ptr_array_unref);
  g_free (call->hll_file);
  if (call->hll_handler != 0)
    g_signal_handler_disconnect (call->interp->engine, call->hll_handler);
  if (call->hll_detach_handler != 0)
    g_signal_handler_disconnect (call->interp->engine, call->hll_detach_handler);
  g_clear_object (&call->interp);
  g_free (call);
}

/* Ends a command: the task owns the call, so nothing may touch @call afterwards. */
void
hs_call_return (Call   *call,
                GError *error)
{
  GTask *task = call->task;

  call->task = NULL;
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (call->out->str), g_free);
  g_object_unref (task);
}

void
hs_call_fail (Call       *call,
              const char *fmt,
              ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  hs_call_return (call, g_error_new_literal (HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                                             msg));
}

const char *
hs_call_option (Call       *call,
                const char *name)
{
  return g_hash_table_lookup (call->options, name);
}

/* ---- expression context ----------------------------------------------------------------- */

/* The command line's view of the world: the engine's state, the current core's registers as
 * the last halt read them, the scope's machine's symbols. Memory is read on the engine's
 * worker, asynchronously: an expression here cannot wait for it. */
static HsBuiltinState
interp_state (gpointer data)
{
  HsExprScope *scope = data;

  switch (hs_engine_get_state (scope->interp->engine))
    {
    case HS_ENGINE_STATE_RUNNING: return HS_BUILTIN_STATE_RUNNING;
    case HS_ENGINE_STATE_HALTED: return HS_BUILTIN_STATE_HALTED;
    case HS_ENGINE_STATE_DETACHED:
    case HS_ENGINE_STATE_ATTACHING:
    default: return HS_BUILTIN_STATE_DETACHED;
    }
}

static gboolean
interp_core (gpointer   data,
             guint     *core,
             GError   **error)
{
  HsExprScope *scope = data;

  *core = hs_engine_get_current_core (scope->interp->engine);
  return TRUE;
}

static gboolean
interp_register (gpointer     data,
                 const char  *name,
                 guint64     *value,
                 GError     **error)
{
  HsExprScope *scope = data;
  HsEngine *engine = scope->interp->engine;
  HsCore *core = hs_engine_get_core (engine, hs_engine_get_current_core (engine));

  if (hs_engine_get_state (engine) != HS_ENGINE_STATE_HALTED || core == NULL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                   "Register(%s): the target is not halted", name);
      return FALSE;
    }
  if (hs_engine_lookup_register (engine, name) < 0)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "Register(%s): no such register", name);
      return FALSE;
    }
  if (!hs_core_get_register_by_name (core, name, value))
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                   "Register(%s): core %u cannot show it now", name, hs_core_get_index (core));
      return FALSE;
    }
  return TRUE;
}

/* A name is a symbol of the scope's machine: "init_task", or "2:::init_task" via its scope. */
static gboolean
interp_symbol (gpointer     data,
               const char  *name,
               guint64     *value,
               GError     **error)
{
  HsExprScope *scope = data;

  return hs_engine_lookup_symbol (scope->interp->engine, scope->machine, scope->space, name,
                                  value, error);
}

static const HsBuiltinEnv interp_env = {
  "in a command (memory is read on the engine's worker: Data.dump shows it)",
  interp_state,
  interp_core,
  interp_register,
  NULL,
  interp_symbol,
};

HsExprScope
hs_interp_default_scope (HsInterp *self)
{
  HsExprScope scope = { self, hs_engine_get_current_machine (self->engine), 0, { NULL, NULL } };

  return scope;
}

/* The context points into @scope, which must outlive it. */
HsExprContext
hs_interp_expr_context (HsExprScope *scope)
{
  scope->binding.env = &interp_env;
  scope->binding.data = scope;
  return hs_builtins_context (&scope->binding);
}

HsEngine *
hs_call_engine (Call *call)
{
  return call->interp->engine;
}

gboolean
hs_interp_resolve_address (HsInterp    *self,
                           const char  *text,
                           HsAddress   *address,
                           GError     **error)
{
  HsAddressSpec spec;
  HsExprScope scope = hs_interp_default_scope (self);
  HsExprContext ctx;
  gboolean ok;

  if (!hs_address_spec_parse (text, &spec, error))
    return FALSE;
  memset (address, 0, sizeof *address);
  address->access = spec.access;
  if (spec.has_machine)
    scope.machine = spec.machine;
  if (spec.has_space)
    scope.space = spec.space;
  if (spec.access != HS_ACCESS_PHYSICAL
      && !hs_engine_check_machine (self->engine, scope.machine, error))
    {
      hs_address_spec_clear (&spec);
      return FALSE;
    }
  address->machine = spec.access == HS_ACCESS_PHYSICAL ? 0 : scope.machine;
  address->space = scope.space;
  ctx = hs_interp_expr_context (&scope);
  ok = hs_expr_evaluate_number (spec.expression, &ctx, &address->offset, error);
  hs_address_spec_clear (&spec);
  if (!ok)
    g_prefix_error (error, "%s: ", text);
  return ok;
}

gboolean
hs_call_eval_number (Call        *call,
                     const char  *text,
                     const char  *what,
                     guint64     *out)
{
  HsExprScope scope = hs_interp_default_scope (call->interp);
  HsExprContext ctx = hs_interp_expr_context (&scope);
  GError *error = NULL;

  if (!hs_expr_evaluate_number (text, &ctx, out, &error))
    {
      g_prefix_error (&error, "%s: ", what);
      hs_call_return (call, error);
      return FALSE;
    }
  return TRUE;
}

/* ---- helpers ---------------------------------------------------------------------------- */

gboolean
hs_call_require_state (Call          *call,
                       HsEngineState  state)
{
  HsEngineState now = hs_engine_get_state (call->interp->engine);

  if (now == state)
    return TRUE;
  if (now == HS_ENGINE_STATE_DETACHED)
    hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                                    "%s: not attached to a target (SYStem.Attach HOST:PORT, "
                                    "or start with --attach or --demo)", call->spec->name));
  else if (now == HS_ENGINE_STATE_RUNNING)
    hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                                    "%s: the target is running; halt it first (Break)",
                                    call->spec->name));
  else
    hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_RUNNING,
                                    "%s: the target is %s", call->spec->name,
                                    hs_engine_state_to_string (now)));
  return FALSE;
}

static gboolean
get_core_option (Call  *call,
                 guint *core)
{
  const char *text = hs_call_option (call, "CORE");
  guint64 v;
  guint n = hs_engine_get_n_cores (call->interp->engine);

  *core = hs_engine_get_current_core (call->interp->engine);
  if (text == NULL)
    return TRUE;
  if (!hs_call_eval_number (call, text, "/CORE", &v))
    return FALSE;
  if (v >= n)
    {
      hs_call_fail (call, "/CORE %s: core %" G_GUINT64_FORMAT " does not exist; the target has "
                 "%u cores (0-%u)", text, v, n, n ? n - 1 : 0);
      return FALSE;
    }
  *core = (guint) v;
  return TRUE;
}

static void
append_core_line (GString *out,
                  HsCore  *core)
{
  g_autofree char *text = hs_core_describe (core);

  g_string_append_printf (out, "%s", text);
  if (hs_core_get_stop_reason (core) != HS_STOP_REASON_NONE)
    g_string_append_printf (out, " (%s)", hs_stop_reason_to_string (hs_core_get_stop_reason (core)));
  g_string_append_c (out, '\n');
}

/* ---- Go / Break / Step ------------------------------------------------------------------ */

static void
go_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_go_finish (HS_ENGINE (object), result, &error))
    hs_call_return (call, error);
  else
    hs_call_return (call, NULL);
}

/* A temporary stop for "run to" and "return": in the current task when the address is in its
 * machine (another task running the same code must not end it), else anywhere in the machine. */
static void
go_until (Call       *call,
          guint       machine,
          guint64     address,
          const char *what)
{
  HsEngine *engine = call->interp->engine;
  HsTask *task = hs_engine_get_current_task (engine);
  gint pid = task != NULL && hs_task_get_machine (task) == machine ? hs_task_get_pid (task) : -1;
  g_autofree char *sym = hs_engine_symbolize (engine, machine, 0, address);

  g_string_append_printf (call->out, "running %s %u:::0x%" G_GINT64_MODIFIER "x%s%s", what,
                          machine, address, sym ? " " : "", sym ? sym : "");
  if (pid >= 0)
    g_string_append_printf (call->out, " in task %s (pid %d)\n", hs_task_get_name (task), pid);
  else
    g_string_append_printf (call->out, " in machine %u\n", machine);
  hs_engine_go_until_async (engine, address, (gint) machine, pid, NULL, go_done, call);
}

static void
cmd_go (Call *call)
{
  HsAddress address;
  GError *error = NULL;

  /* As on a probe: Go on a running target is not a mistake, and a script can say it. */
  if (call->args->len == 0
      && hs_engine_get_state (call->interp->engine) == HS_ENGINE_STATE_RUNNING)
    {
      g_string_append (call->out, "the target is already running\n");
      hs_call_return (call, NULL);
      return;
    }
  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  if (call->args->len == 0)
    {
      hs_engine_go_async (call->interp->engine, NULL, go_done, call);
      return;
    }
  if (!hs_interp_resolve_address (call->interp, g_ptr_array_index (call->args, 0), &address,
                                  &error))
    {
      g_prefix_error (&error, "Go: ");
      hs_call_return (call, error);
      return;
    }
  if (address.access == HS_ACCESS_PHYSICAL)
    {
      hs_call_fail (call, "Go: run to a virtual address (QEMU's stub compares the pc)");
      return;
    }
  go_until (call, address.machine, address.offset, "to");
}

static void
go_up_frames (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autoptr(GArray) frames = hs_engine_task_frames_finish (HS_ENGINE (object), result, NULL,
                                                           &error);

  if (frames == NULL)
    {
      g_prefix_error (&error, "Go.Up: ");
      hs_call_return (call, error);
      return;
    }
  if (frames->len < 2)
    {
      hs_call_fail (call, "Go.Up: the stack has no caller to return to");
      return;
    }
  go_until (call, call->core, g_array_index (frames, HsFrame, 1).pc, "until the return to");
}

/* Go.Up: finish the current function, in the current task. */
static void
cmd_go_up (Call *call)
{
  HsEngine *engine = call->interp->engine;
  HsTask *task;
  guint core = hs_engine_get_current_core (engine);

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  task = hs_engine_get_current_task (engine);
  if (task != NULL)
    {
      /* call->core carries the machine the frames are in. */
      call->core = hs_task_get_machine (task);
      hs_engine_task_frames_async (engine, task, NULL, go_up_frames, call);
      return;
    }
  if (hs_core_get_exception_level (hs_engine_get_core (engine, core)) < 2)
    {
      hs_call_fail (call, "Go.Up: core %u runs no known task; pick one in TASK.List", core);
      return;
    }
  call->core = 0;
  hs_engine_core_frames_async (engine, core, NULL, go_up_frames, call);
}

static void
break_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  GError *error = NULL;
  HsCore *core;

  if (!hs_engine_halt_finish (engine, result, &error))
    {
      hs_call_return (call, error);
      return;
    }
  core = hs_engine_get_core (engine, hs_engine_get_last_stop (engine)->core);
  if (core)
    append_core_line (call->out, core);
  hs_call_return (call, NULL);
}

static void
cmd_break (Call *call)
{
  HsEngineState state = hs_engine_get_state (call->interp->engine);

  if (state == HS_ENGINE_STATE_HALTED)
    {
      g_string_append (call->out, "the target is already halted\n");
      hs_call_return (call, NULL);
      return;
    }
  if (!hs_call_require_state (call, HS_ENGINE_STATE_RUNNING))
    return;
  /* No deadline of our own: a slow host makes a slow halt; the caller may stop waiting. */
  hs_engine_halt_async (call->interp->engine, g_task_get_cancellable (call->task), break_done,
                        call);
}

static void step_next (Call *call);

static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_step_finish (HS_ENGINE (object), result, &error))
    {
      hs_call_return (call, error);
      return;
    }
  step_next (call);
}

static void
step_next (Call *call)
{
  if (call->remaining == 0)
    {
      append_core_line (call->out, hs_engine_get_core (call->interp->engine, call->core));
      hs_call_return (call, NULL);
      return;
    }
  call->remaining--;
  hs_engine_step_async (call->interp->engine, call->core, NULL, step_done, call);
}

static void
cmd_step (Call *call)
{
  guint64 count = 1;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED) || !get_core_option (call, &call->core))
    return;
  if (call->args->len > 0 && !hs_call_eval_number (call, g_ptr_array_index (call->args, 0), "Step count",
                                           &count))
    return;
  if (count == 0 || count > STEP_MAX_COUNT)
    {
      hs_call_fail (call, "Step: the count must be 1-%u", STEP_MAX_COUNT);
      return;
    }
  call->remaining = (guint) count;
  step_next (call);
}

/* Step.Over: a call (BL, BLR) runs until it returns to the next instruction; anything else is
 * one step. */
static void
step_over_code_read (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  guint64 pc;
  guint32 word;
  gboolean is_call;

  if (!hs_call_finish_code_read (call, result, &pc, &word))
    return;
  is_call = hs_arm64_is_call (word);
  if (!is_call)
    {
      call->remaining = 1;
      step_next (call);
      return;
    }
  g_string_append_printf (call->out, "running until the call at 0x%" G_GINT64_MODIFIER "x "
                          "returns (core %u%s)\n", pc, call->core,
                          call->task_pid >= 0 ? ", in this task only" : "");
  /* Another task may run the same code meanwhile: only this one's return counts. */
  hs_engine_go_until_async (engine, pc + 4, (gint) hs_engine_get_core_machine (engine, call->core),
                            call->task_pid, NULL, go_done, call);
}

static void
scheduled_regs_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  HsTask *task = hs_engine_get_current_task (engine);
  GError *error = NULL;
  HsTaskRegisters *regs = hs_engine_task_registers_finish (engine, result, &error);

  if (regs == NULL || task == NULL || !regs->pc_valid)
    {
      if (error == NULL)
        error = g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                             "the task's resume point is not known");
      if (regs != NULL)
        hs_task_registers_free (regs);
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "task %s (pid %d) is not running on any core: ",
                          hs_task_get_name (task), hs_task_get_pid (task));
  go_until (call, hs_task_get_machine (task), regs->pc, "until it is scheduled in, at");
  hs_task_registers_free (regs);
}

/* A step of a task that is scheduled out can only begin where it will resume: run until it
 * gets there (and say so); step again from there. */
static gboolean
step_scheduled_out (Call *call)
{
  HsEngine *engine = call->interp->engine;
  HsTask *task = hs_engine_get_current_task (engine);

  if (task == NULL || hs_task_get_core (task) >= 0 || hs_call_option (call, "CORE") != NULL)
    return FALSE;
  hs_engine_task_registers_async (engine, task, NULL, scheduled_regs_done, call);
  return TRUE;
}

/* TASK.select: the current context, as a double-click in the task list makes it. */
static void
cmd_task_select (Call *call)
{
  HsEngine *engine = call->interp->engine;
  HsTask *task;
  guint machine;
  gboolean given;
  GError *error = NULL;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED)
      || !hs_call_get_machine_option (call, &machine, &given))
    return;
  task = hs_engine_find_task (engine, machine, g_ptr_array_index (call->args, 0), &error);
  if (task == NULL)
    {
      g_prefix_error (&error, "TASK.select: ");
      hs_call_return (call, error);
      return;
    }
  hs_engine_set_current_task (engine, task);
  g_string_append_printf (call->out, "current context: task %s (pid %d) of machine %u, %s\n",
                          hs_task_get_name (task), hs_task_get_pid (task),
                          hs_task_get_machine (task),
                          hs_task_get_core (task) >= 0 ? "running on a halted core"
                                                       : "not running");
  hs_call_return (call, NULL);
}

static void
cmd_step_hll (Call *call)
{
  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED) || !get_core_option (call, &call->core))
    return;
  if (step_scheduled_out (call))
    return;
  hs_cmd_step_hll (call, FALSE);
}

static void
cmd_step_over (Call *call)
{
  HsEngine *engine = call->interp->engine;
  HsAddress at = { HS_ACCESS_VIRTUAL, 0, 0, 0 };
  HsTask *task;
  HsCore *core;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED) || !get_core_option (call, &call->core))
    return;
  if (step_scheduled_out (call))
    return;
  if (hs_call_option (call, "Hll") != NULL)
    {
      hs_cmd_step_hll (call, TRUE);
      return;
    }
  core = hs_engine_get_core (engine, call->core);
  if (!hs_core_get_register_by_name (core, "pc", &at.offset))
    {
      hs_call_fail (call, "Step.Over: core %u's pc is unknown", call->core);
      return;
    }
  at.machine = hs_engine_get_core_machine (engine, call->core);
  task = hs_engine_get_current_task (engine);
  call->task_pid = -1;
  if (task != NULL && hs_task_get_core (task) == (gint) call->core)
    {
      if (at.offset < G_GUINT64_CONSTANT (0xffff000000000000))
        at.space = hs_task_get_space (task);
      call->task_pid = hs_task_get_pid (task);
    }
  hs_engine_read_async (engine, &at, 4, NULL, step_over_code_read, call);
}

/* ---- Register.Set ----------------------------------------------------------------------- */

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
  const char *name = g_ptr_array_index (call->args, 0);
  guint64 value;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  if (!hs_call_eval_number (call, g_ptr_array_index (call->args, 1), "Register.Set value", &value))
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
  if (!get_core_option (call, &call->core))
    return;
  if (hs_engine_lookup_register (call->interp->engine, name) < 0)
    {
      hs_call_fail (call, "Register.Set: core %u has no register named %s", call->core, name);
      return;
    }
  g_string_append_printf (call->out, "core %u: %s = 0x%016" G_GINT64_MODIFIER "x\n", call->core,
                          name, value);
  hs_engine_write_register_async (call->interp->engine, call->core, name, value, NULL,
                                  register_set_done, call);
}

/* ---- Register.view ---------------------------------------------------------------------- */

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

static void cmd_register_view (Call *call);

static void
all_registers_read (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_read_all_registers_finish (HS_ENGINE (object), result, &error))
    {
      hs_call_return (call, error);
      return;
    }
  cmd_register_view (call);
}

static void
cmd_register_view (Call *call)
{
  HsEngine *engine = call->interp->engine;
  GPtrArray *infos = hs_engine_get_register_infos (engine);
  gboolean all = hs_call_option (call, "ALL") != NULL;
  guint core_index;
  HsCore *core;
  guint column = 0;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  if (hs_call_option (call, "MACHINE") != NULL && hs_call_option (call, "TASK") == NULL
      && !call->remaining)
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
      || (hs_call_option (call, "MACHINE") != NULL
          && g_strcmp0 (hs_call_option (call, "MACHINE"), "0") != 0
          && g_strcmp0 (hs_call_option (call, "MACHINE"), "0.") != 0))
    {
      hs_cmd_task_register_view (call);
      return;
    }
  if (!get_core_option (call, &core_index))
    return;
  /* A halt reads only what walks need; the rest is fetched first (once per halt). */
  if (!call->remaining)
    {
      call->remaining = 1;
      call->core = core_index;
      hs_engine_read_all_registers_async (engine, core_index, NULL, all_registers_read, call);
      return;
    }
  core = hs_engine_get_core (engine, core_index);
  append_core_line (call->out, core);

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
  {
    gint cpsr = hs_engine_lookup_register (engine, "cpsr");

    if (cpsr >= 0)
      append_register (call, core, cpsr, "cpsr", TRUE);
  }

  g_string_append (call->out, "\n");
  if (all)
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

/* ---- PRINT / WAIT / CORE.select / HELP -------------------------------------------------- */

static void
cmd_print (Call *call)
{
  HsExprScope scope = hs_interp_default_scope (call->interp);
  HsExprContext ctx = hs_interp_expr_context (&scope);

  for (guint i = 0; i < call->args->len; i++)
    {
      HsValue v = { 0 };
      GError *error = NULL;
      g_autofree char *text = NULL;

      if (!hs_expr_evaluate (g_ptr_array_index (call->args, i), &ctx, &v, &error))
        {
          g_prefix_error (&error, "PRINT: ");
          hs_call_return (call, error);
          return;
        }
      text = hs_value_format (&v);
      g_string_append (call->out, text);
      hs_value_clear (&v);
    }
  g_string_append_c (call->out, '\n');
  hs_call_return (call, NULL);
}

static gboolean
wait_tick (gpointer data)
{
  Call *call = data;
  gboolean done = FALSE;
  GCancellable *cancellable = g_task_get_cancellable (call->task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      call->wait_id = 0;
      hs_call_return (call, error);
      return G_SOURCE_REMOVE;
    }

  if (call->condition)
    {
      HsExprScope scope = hs_interp_default_scope (call->interp);
      HsExprContext ctx = hs_interp_expr_context (&scope);
      HsValue v = { 0 };

      if (!hs_expr_evaluate (call->condition, &ctx, &v, &error))
        {
          call->wait_id = 0;
          g_prefix_error (&error, "WAIT: ");
          hs_call_return (call, error);
          return G_SOURCE_REMOVE;
        }
      done = hs_value_is_true (&v);
      hs_value_clear (&v);
    }
  if (done)
    {
      call->wait_id = 0;
      /* The board stopped while we waited: say where and why, as the GUI's status line does. */
      if (call->remaining && hs_engine_get_state (call->interp->engine) == HS_ENGINE_STATE_HALTED)
        {
          g_autofree char *stop = hs_engine_describe_stop (call->interp->engine);

          if (stop != NULL)
            g_string_append_printf (call->out, "%s\n", stop);
        }
      hs_call_return (call, NULL);
      return G_SOURCE_REMOVE;
    }
  if (call->deadline >= 0 && g_get_monotonic_time () >= call->deadline)
    {
      call->wait_id = 0;
      /* As in TRACE32, a timeout is not an error: the script checks the condition itself. */
      if (call->condition)
        g_string_append_printf (call->out, "WAIT: %s still false after the timeout\n",
                                call->condition);
      hs_call_return (call, NULL);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
cmd_wait (Call *call)
{
  guint64 usec = 0;
  gboolean have_time = FALSE;

  for (guint i = 0; i < call->args->len; i++)
    {
      const char *arg = g_ptr_array_index (call->args, i);
      HsValue v = { 0 };
      HsExprScope scope = hs_interp_default_scope (call->interp);
      HsExprContext ctx = hs_interp_expr_context (&scope);
      GError *error = NULL;

      /* A time is recognised by its unit; anything else is the condition. */
      if (hs_expr_evaluate (arg, &ctx, &v, NULL) && v.type == HS_VALUE_TIME)
        {
          if (have_time)
            {
              hs_value_clear (&v);
              hs_call_fail (call, "WAIT: two times given ('%s')", arg);
              return;
            }
          usec = v.number;
          have_time = TRUE;
        }
      else if (call->condition == NULL)
        {
          /* Check it parses now, so a typo fails at once rather than after the timeout. */
          hs_value_clear (&v);
          if (!hs_expr_evaluate (arg, &ctx, &v, &error))
            {
              g_prefix_error (&error, "WAIT: ");
              hs_call_return (call, error);
              return;
            }
          call->condition = g_strdup (arg);
        }
      else
        {
          hs_value_clear (&v);
          hs_call_fail (call, "WAIT: give one condition and one time, e.g. WAIT !STATE.RUN() 10.s");
          return;
        }
      hs_value_clear (&v);
    }
  if (!have_time && call->condition == NULL)
    {
      hs_call_fail (call, "WAIT: give a time (WAIT 1.s) or a condition (WAIT !STATE.RUN() 10.s)");
      return;
    }
  call->deadline = have_time ? g_get_monotonic_time () + (gint64) MIN (usec, G_MAXINT64 / 2) : -1;
  call->remaining = hs_engine_get_state (call->interp->engine) == HS_ENGINE_STATE_RUNNING;
  if (wait_tick (call) == G_SOURCE_REMOVE)
    return;
  call->wait_id = g_timeout_add (WAIT_POLL_MS, wait_tick, call);
}

static void
cmd_core_select (Call *call)
{
  guint64 v;
  guint n = hs_engine_get_n_cores (call->interp->engine);

  if (!hs_call_eval_number (call, g_ptr_array_index (call->args, 0), "CORE.select", &v))
    return;
  if (v >= n)
    {
      hs_call_fail (call, "CORE.select: core %" G_GUINT64_FORMAT " does not exist; the target has "
                 "%u cores", v, n);
      return;
    }
  hs_engine_set_current_core (call->interp->engine, (guint) v);
  hs_call_return (call, NULL);
}

static void
probe_list_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *probes = hs_probe_usb_list (&error);

  if (probes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, probes, (GDestroyNotify) g_ptr_array_unref);
}

static void
probe_list_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autoptr(GPtrArray) probes = hs_task_propagate_pointer (G_TASK (result), &error);

  if (probes == NULL)
    {
      hs_call_return (call, error);
      return;
    }
  if (probes->len == 0)
    g_string_append (call->out, "no USB debug probes found (QEMU's gdbstub needs none: "
                                "SYStem.Attach HOST:PORT)\n");
  for (guint i = 0; i < probes->len; i++)
    {
      const HsUsbProbe *p = g_ptr_array_index (probes, i);

      g_string_append_printf (call->out, "%-20s %04x:%04x  bus %03u device %03u  %s%s%s\n",
                              p->kind, p->vendor_id, p->product_id, p->bus, p->address,
                              p->product ? p->product : "",
                              p->serial ? "  serial " : "", p->serial ? p->serial : "");
    }
  hs_call_return (call, NULL);
}

/* USB enumeration can block on a slow device: off the main thread. */
static void
cmd_probe_list (Call *call)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, probe_list_done, call);

  hs_task_run_in_thread (task, probe_list_thread);
}

static void cmd_help (Call *call);
static void cmd_attach (Call *call);
static void cmd_detach (Call *call);

static const OptionSpec core_option[] = { { "CORE", TRUE }, { NULL } };
static const OptionSpec step_over_options[] = { { "CORE", TRUE }, { "Hll", FALSE }, { NULL } };
static const OptionSpec register_options[] = { { "CORE", TRUE }, { "ALL", FALSE },
                                               { "MACHINE", TRUE }, { "TASK", TRUE }, { NULL } };
static const OptionSpec dump_options[] = { { "Length", TRUE }, { NULL } };
static const OptionSpec list_options[] = { { "Length", TRUE }, { "Mix", FALSE }, { NULL } };
static const OptionSpec machine_option[] = { { "MACHINE", TRUE }, { NULL } };
static const OptionSpec task_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE },
                                           { "CORE", TRUE }, { NULL } };
static const OptionSpec break_set_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE },
                                                { "Program", FALSE }, { "Onchip", FALSE },
                                                { "COUNT", TRUE }, { "CONDition", TRUE },
                                                { NULL } };
static const OptionSpec break_select_options[] = { { "Id", TRUE }, { "MACHINE", TRUE },
                                                   { NULL } };
static const OptionSpec load_options[] = { { "NoCODE", FALSE }, { "Name", TRUE }, { NULL } };

static const CommandSpec commands[] = {
  { "Go", "Go [address]", "resume every core (until address, in the current task)", 0, 1, NULL,
    cmd_go },
  { "Go.Up", "Go.Up", "run until the current function returns, in the current task", 0, 0,
    NULL, cmd_go_up },
  { "Break", "Break", "halt every core", 0, 0, NULL, cmd_break },
  { "Break.Set",
    "Break.Set address [/MACHINE n] [/TASK name|pid] [/Program|/Onchip] [/COUNT n] "
    "[/CONDition expr]",
    "a breakpoint at any address form, for one machine or one task", 1, 1, break_set_options,
    hs_cmd_break_set },
  { "Break.List", "Break.List", "the breakpoints, their scopes and hits", 0, 0, NULL,
    hs_cmd_break_list },
  { "Break.Delete", "Break.Delete [address] [/Id n]",
    "delete breakpoints (all of them without an address or id)", 0, 1, break_select_options,
    hs_cmd_break_delete },
  { "Break.ENable", "Break.ENable [address] [/Id n]", "enable breakpoints", 0, 1,
    break_select_options, hs_cmd_break_enable },
  { "Break.DISable", "Break.DISable [address] [/Id n]", "disable breakpoints", 0, 1,
    break_select_options, hs_cmd_break_disable },
  { "Step", "Step [count] [/CORE n]", "execute one instruction (or count) on one core",
    0, 1, core_option, cmd_step },
  { "Step.Over", "Step.Over [/CORE n] [/Hll]",
    "one instruction (/Hll: one source line) on one core; a call runs until it returns, in "
    "this task", 0, 0, step_over_options, cmd_step_over },
  { "Step.Hll", "Step.Hll [/CORE n]", "one source line on one core, into calls", 0, 0,
    core_option, cmd_step_hll },
  { "Register.Set", "Register.Set register value [/CORE n] [/MACHINE n /TASK name|pid]",
    "write a core's register, or a task's where it will take it from (the next Go uses it)", 2, 2,
    task_options, cmd_register_set },
  { "Register.view", "Register.view [/CORE n] [/ALL] [/MACHINE n] [/TASK name|pid]",
    "show a core's registers and the Arm system registers", 0, 0, register_options,
    cmd_register_view },
  { "Data.dump", "Data.dump address [/Length n]",
    "show memory as hex and ASCII, by any address form", 1, 1, dump_options, hs_cmd_data_dump },
  { "Data.List", "Data.List address [/Length n] [/Mix]",
    "disassemble (AArch64), branch targets as symbols, by any address form; /Mix: with the "
    "source lines", 1, 1, list_options, hs_cmd_data_list },
  { "Data.Set", "Data.Set address [%Byte|%Word|%Long|%Quad] value|\"text\"...",
    "write memory, by any address form", 2, G_MAXUINT, NULL, hs_cmd_data_set },
  { "Data.LOAD.Elf", "Data.LOAD.Elf file [machine:::space::]offset [/NoCODE] [/Name name]",
    "bind an ELF file's symbols and debug info to a machine", 1, 2, load_options,
    hs_cmd_data_load_elf, TRUE },
  { "sYmbol.List", "sYmbol.List [[machine:::]pattern]", "list symbols (* and ? match)", 0, 1,
    NULL, hs_cmd_symbol_list },
  { "sYmbol.INFO", "sYmbol.INFO [machine:::]name",
    "a symbol's type, address, size and source line", 1, 1, NULL, hs_cmd_symbol_info },
  { "sYmbol.SourcePATH.Translate", "sYmbol.SourcePATH.Translate \"from\" \"to\"",
    "read source files under one directory from another (built elsewhere, unpacked here)", 2, 2,
    NULL, hs_cmd_source_path_translate },
  { "sYmbol.SourcePATH.List", "sYmbol.SourcePATH.List", "the source path translations", 0, 0,
    NULL, hs_cmd_source_path_list },
  { "sYmbol.SourcePATH.RESet", "sYmbol.SourcePATH.RESet", "forget every source path translation",
    0, 0, NULL, hs_cmd_source_path_reset },
  { "MMU.Translate", "MMU.Translate address",
    "each stage of a translation: VA -> IPA -> PA, or where it faults", 1, 1, NULL,
    hs_cmd_mmu_translate },
  { "MMU.List.PageTable", "MMU.List.PageTable [machine:::space::]start[--end|++length]",
    "the mappings of a range, with their attributes", 0, 1, NULL, hs_cmd_mmu_list_pagetable },
  { "MACHINE.List", "MACHINE.List", "the hypervisor and its guests", 0, 0, NULL,
    hs_cmd_machine_list },
  { "TASK.select", "TASK.select name|pid [/MACHINE n]",
    "make a task the current context (registers, stack, steps follow it)", 1, 1,
    machine_option, cmd_task_select },
  { "TASK.List", "TASK.List [/MACHINE n]", "every task of every guest (or of one)", 0, 0,
    machine_option, hs_cmd_task_list },
  { "Frame.view", "Frame.view [/MACHINE n] [/TASK name|pid] [/CORE n]",
    "a task's call stack, with functions and source lines", 0, 0, task_options,
    hs_cmd_frame_view },
  { "PRINT", "PRINT [expression|\"text\"]...", "print values", 0, G_MAXUINT, NULL, cmd_print },
  { "WAIT", "WAIT [condition] [time]",
    "wait for a time, or until a condition holds (at most the time)", 0, 2, NULL, cmd_wait },
  { "CORE.select", "CORE.select n", "make core n the current core", 1, 1, NULL,
    cmd_core_select },
  { "SYStem.Attach", "SYStem.Attach HOST:PORT", "attach to a GDB remote stub", 1, 1, NULL,
    cmd_attach },
  { "SYStem.Detach", "SYStem.Detach", "detach from the target and let it run", 0, 0, NULL,
    cmd_detach },
  { "SYStem.ProbeList", "SYStem.ProbeList", "list the USB debug probes plugged in", 0, 0, NULL,
    cmd_probe_list },
  { "DO", "DO file", "run a script of commands (a line that fails is reported, the rest run)",
    1, 1, NULL, hs_cmd_do, TRUE },
  { "SESSion.Save", "SESSion.Save [file]",
    "write the symbol files, source paths and breakpoints as a script to run with DO", 0, 1,
    NULL, hs_cmd_session_save, TRUE },
  { "HELP", "HELP [command]", "list commands, or show one command's usage", 0, 1, NULL,
    cmd_help },
};

static const CommandSpec *
find_command (const char *typed)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (hs_command_name_matches (commands[i].name, typed))
      return &commands[i];
  return NULL;
}

static void
cmd_help (Call *call)
{
  if (call->args->len == 1)
    {
      const char *name = g_ptr_array_index (call->args, 0);
      const CommandSpec *spec = find_command (name);
      g_autofree char *abbrev = NULL;

      if (spec == NULL)
        {
          hs_call_fail (call, "HELP: no command '%s'", name);
          return;
        }
      abbrev = hs_command_name_abbreviation (spec->name);
      g_string_append_printf (call->out, "%s (short: %s)\n  %s\n", spec->usage, abbrev,
                              spec->summary);
      hs_call_return (call, NULL);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (call->out, "%-36s %s\n", commands[i].usage, commands[i].summary);
  g_string_append (call->out, "Numbers: 0x1f hex, 42. decimal, plain digits hex; times 10.s, "
                              "500.ms. Comments start with ; or //.\n");
  hs_call_return (call, NULL);
}

static void
attach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_attach_finish (HS_ENGINE (object), result, &error))
    {
      g_prefix_error (&error, "SYStem.Attach: ");
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "attached to %s: %u cores, target %s\n",
                          hs_engine_get_target_name (HS_ENGINE (object)),
                          hs_engine_get_n_cores (HS_ENGINE (object)),
                          hs_engine_state_to_string (hs_engine_get_state (HS_ENGINE (object))));
  hs_call_return (call, NULL);
}

static void
cmd_attach (Call *call)
{
  const char *location = g_ptr_array_index (call->args, 0);

  if (!hs_call_require_state (call, HS_ENGINE_STATE_DETACHED))
    return;
  hs_engine_attach_location_async (call->interp->engine, location, NULL, attach_done, call);
}

static void
detach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *report = hs_engine_detach_finish (HS_ENGINE (object), result, &error);

  if (report != NULL)
    g_string_append_printf (call->out, "%s\n", report);
  hs_call_return (call, error);
}

static void
cmd_detach (Call *call)
{
  hs_engine_detach_async (call->interp->engine, NULL, detach_done, call);
}

/* ---- parsing ---------------------------------------------------------------------------- */

static const char *
nearest_command (const char *typed)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *abbrev = hs_command_name_abbreviation (commands[i].name);
      guint d = MIN (hs_command_edit_distance (typed, commands[i].name),
                     hs_command_edit_distance (typed, abbrev));

      if (d < best_d)
        {
          best_d = d;
          best = commands[i].name;
        }
    }
  /* Only suggest what is plausibly a typo. */
  return best_d <= MAX (2u, (guint) strlen (typed) / 3) ? best : NULL;
}

static gboolean
bind_arguments (Call       *call,
                GPtrArray  *tokens,
                GError    **error)
{
  const CommandSpec *spec = call->spec;

  for (guint i = 1; i < tokens->len; i++)
    {
      HsToken *tok = g_ptr_array_index (tokens, i);
      const OptionSpec *opt = NULL;

      if (tok->text[0] != '/' || !g_ascii_isalpha (tok->text[1]))
        {
          g_ptr_array_add (call->args, g_strdup (tok->text));
          continue;
        }
      for (guint k = 0; spec->options && spec->options[k].name; k++)
        if (hs_command_name_matches (spec->options[k].name, tok->text + 1))
          opt = &spec->options[k];
      /* An absolute path is an argument, not an option: "/usr/lib/debug/vmlinux", and so is
       * anything in the place of a command's file ("DO /tmp"). */
      if (opt == NULL
          && (strpbrk (tok->text + 1, "/.") != NULL || (spec->path_first && call->args->len == 0)))
        {
          g_ptr_array_add (call->args, g_strdup (tok->text));
          continue;
        }
      if (opt == NULL)
        {
          GString *known = g_string_new (NULL);

          for (guint k = 0; spec->options && spec->options[k].name; k++)
            g_string_append_printf (known, "%s/%s", k ? ", " : "", spec->options[k].name);
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_OPTION,
                       "%s has no option %s (%s%s)", spec->name, tok->text,
                       known->len ? "options: " : "it takes no options", known->str);
          g_string_free (known, TRUE);
          return FALSE;
        }
      if (opt->takes_value)
        {
          if (i + 1 >= tokens->len)
            {
              g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                           "%s: option /%s needs a value", spec->name, opt->name);
              return FALSE;
            }
          i++;
          g_hash_table_insert (call->options, (gpointer) opt->name,
                               g_strdup (((HsToken *) g_ptr_array_index (tokens, i))->text));
        }
      else
        g_hash_table_insert (call->options, (gpointer) opt->name, g_strdup (""));
    }

  if (call->args->len < spec->min_args || call->args->len > spec->max_args)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                   "%s takes %s; usage: %s", spec->name,
                   spec->max_args == 0 ? "no arguments"
                   : spec->min_args == spec->max_args ? (spec->min_args == 1 ? "one argument"
                                                                             : "fixed arguments")
                   : "a different number of arguments",
                   spec->usage);
      return FALSE;
    }
  return TRUE;
}

/* Commands that show or act in tasks, or in processes' address spaces: after a halt that came
 * while a vmlinux was still being indexed, they wait (seconds) for that guest's tasks. */
static gboolean
needs_tasks (const CommandSpec *spec)
{
  static const char * const names[] = {
    "Go.Up", "Step.Over", "Step.Hll", "Register.Set", "Register.view", "Data.dump", "Data.List",
    "Data.Set", "MMU.Translate", "MMU.List.PageTable", "MACHINE.List", "TASK.select",
    "TASK.List", "Frame.view", NULL,
  };

  return g_strv_contains (names, spec->name);
}

static void
tasks_ready (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_wait_for_tasks_finish (HS_ENGINE (object), result, &error))
    {
      hs_call_return (call, error);
      return;
    }
  call->spec->func (call);
}

void
hs_interp_execute_async (HsInterp            *self,
                         const char          *line,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  GError *error = NULL;
  const char *word;
  Call *call;

  g_return_if_fail (HS_IS_INTERP (self));
  g_return_if_fail (line != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_interp_execute_async);

  tokens = hs_command_tokenize (line, &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (tokens->len == 0)
    {
      /* Blank lines and comments do nothing, successfully. */
      g_task_return_pointer (task, g_strdup (""), g_free);
      return;
    }

  word = ((HsToken *) g_ptr_array_index (tokens, 0))->text;
  call = g_new0 (Call, 1);
  call->interp = g_object_ref (self);
  call->spec = find_command (word);
  call->args = g_ptr_array_new_with_free_func (g_free);
  call->options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  call->out = g_string_new (NULL);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (call->spec == NULL)
    {
      const char *near = nearest_command (word);

      if (near)
        g_task_return_new_error (task, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_COMMAND,
                                 "unknown command '%s'; did you mean %s?", word, near);
      else
        g_task_return_new_error (task, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_COMMAND,
                                 "unknown command '%s' (HELP lists the commands)", word);
      return;
    }
  if (!bind_arguments (call, tokens, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  call->task = g_steal_pointer (&task);
  if (needs_tasks (call->spec) && hs_engine_get_tasks_pending (self->engine))
    {
      hs_engine_wait_for_tasks_async (self->engine, g_task_get_cancellable (call->task),
                                      tasks_ready, call);
      return;
    }
  call->spec->func (call);
}

char *
hs_interp_execute_finish (HsInterp      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GStrv
hs_interp_complete (HsInterp   *self,
                    const char *prefix)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize len = strlen (prefix);

  g_return_val_if_fail (HS_IS_INTERP (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_ascii_strncasecmp (commands[i].name, prefix, len) == 0)
      g_strv_builder_add (builder, commands[i].name);
  return g_strv_builder_end (builder);
}

const char *
hs_interp_resolve (HsInterp   *self,
                   const char *typed)
{
  const CommandSpec *spec;

  g_return_val_if_fail (HS_IS_INTERP (self), NULL);
  spec = find_command (typed);
  return spec ? spec->name : NULL;
}

HsEngine *
hs_interp_get_engine (HsInterp *self)
{
  g_return_val_if_fail (HS_IS_INTERP (self), NULL);
  return self->engine;
}

static void
hs_interp_finalize (GObject *object)
{
  HsInterp *self = HS_INTERP (object);

  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_interp_parent_class)->finalize (object);
}

static guint view_requested_signal;

static void
hs_interp_class_init (HsInterpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_interp_finalize;

  /**
   * HsInterp::view-requested:
   * @view: "registers"
   * @machine: the machine the view is for
   *
   * A command asked for a window (Register.view /MACHINE n); a GUI opens it, a script just
   * prints the command's text.
   */
  view_requested_signal =
    g_signal_new ("view-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

void
hs_interp_request_view (HsInterp   *self,
                        const char *view,
                        guint       machine)
{
  g_signal_emit (self, view_requested_signal, 0, view, machine);
}

static void
hs_interp_init (HsInterp *self)
{
}

HsInterp *
hs_interp_new (HsEngine *engine)
{
  HsInterp *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  self = g_object_new (HS_TYPE_INTERP, NULL);
  self->engine = g_object_ref (engine);
  return self;
}
