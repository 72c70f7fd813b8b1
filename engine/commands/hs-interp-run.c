/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-run.c: running and stopping the target: Go, Go.Up, Break, WAIT,
 * CORE.select and the SYStem commands (attach, detach, probes).
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"
#include "hs-probe-usb.h"
#include "hs-sync.h"

#define WAIT_POLL_MS 20

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
void
hs_call_go_until (Call       *call,
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
  if (!hs_interp_resolve_address_in (call->interp, call->memory, hs_call_arg (call, 0), &address,
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
  hs_call_go_until (call, address.machine, address.offset, "to");
}

static void
go_up_frames (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  guint *machine = call->state;
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
  hs_call_go_until (call, *machine, g_array_index (frames, HsFrame, 1).pc,
                    "until the return to");
}

/* Go.Up: finish the current function, in the current task. */
static void
cmd_go_up (Call *call)
{
  HsEngine *engine = call->interp->engine;
  guint *machine = hs_call_new_state (call, guint, NULL);
  HsTask *task;
  guint core = hs_engine_get_current_core (engine);

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  task = hs_engine_get_current_task (engine);
  if (task != NULL)
    {
      *machine = hs_task_get_machine (task);
      hs_engine_task_frames_async (engine, task, NULL, go_up_frames, call);
      return;
    }
  if (hs_core_get_exception_level (hs_engine_get_core (engine, core)) < 2)
    {
      hs_call_fail (call, "Go.Up: core %u runs no known task; pick one in TASK.List", core);
      return;
    }
  *machine = 0;
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
    hs_call_append_core_line (call, core);
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

typedef struct
{
  char *condition;
  gint64 deadline;              /* monotonic, or -1 for none */
  guint source;
  gboolean was_running;
} WaitState;

static void
wait_state_clear (WaitState *wait)
{
  g_clear_handle_id (&wait->source, g_source_remove);
  g_free (wait->condition);
}

static gboolean
wait_tick (gpointer data)
{
  Call *call = data;
  WaitState *wait = call->state;
  gboolean done = FALSE;
  GCancellable *cancellable = g_task_get_cancellable (call->task);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      wait->source = 0;
      hs_call_return (call, error);
      return G_SOURCE_REMOVE;
    }

  if (wait->condition)
    {
      HsExprScope scope = hs_interp_default_scope (call->interp);
      HsExprContext ctx = hs_interp_expr_context (&scope);
      HsValue v = { 0 };

      if (!hs_expr_evaluate (wait->condition, &ctx, &v, &error))
        {
          wait->source = 0;
          g_prefix_error (&error, "WAIT: ");
          hs_call_return (call, error);
          return G_SOURCE_REMOVE;
        }
      done = hs_value_is_true (&v);
      hs_value_clear (&v);
    }
  if (done)
    {
      wait->source = 0;
      /* The board stopped while we waited: say where and why, as the GUI's status line does. */
      if (wait->was_running && hs_engine_get_state (call->interp->engine) == HS_ENGINE_STATE_HALTED)
        hs_call_return_with_stop (call);
      else
        hs_call_return (call, NULL);
      return G_SOURCE_REMOVE;
    }
  if (wait->deadline >= 0 && g_get_monotonic_time () >= wait->deadline)
    {
      wait->source = 0;
      /* As in TRACE32, a timeout is not an error: the script checks the condition itself. */
      if (wait->condition)
        g_string_append_printf (call->out, "WAIT: %s still false after the timeout\n",
                                wait->condition);
      hs_call_return (call, NULL);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
cmd_wait (Call *call)
{
  WaitState *wait = hs_call_new_state (call, WaitState, wait_state_clear);
  guint64 usec = 0;
  gboolean have_time = FALSE;

  for (guint i = 0; i < call->args->len; i++)
    {
      const char *arg = hs_call_arg (call, i);
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
      else if (wait->condition == NULL)
        {
          /* Check it parses now, so a typo fails at once rather than after the timeout. */
          hs_value_clear (&v);
          if (!hs_expr_evaluate (arg, &ctx, &v, &error))
            {
              g_prefix_error (&error, "WAIT: ");
              hs_call_return (call, error);
              return;
            }
          wait->condition = g_strdup (arg);
        }
      else
        {
          hs_value_clear (&v);
          hs_call_fail (call, "WAIT: give one condition and one time, e.g. WAIT !STATE.RUN() 10.s");
          return;
        }
      hs_value_clear (&v);
    }
  if (!have_time && wait->condition == NULL)
    {
      hs_call_fail (call, "WAIT: give a time (WAIT 1.s) or a condition (WAIT !STATE.RUN() 10.s)");
      return;
    }
  wait->deadline = have_time ? g_get_monotonic_time () + (gint64) MIN (usec, G_MAXINT64 / 2) : -1;
  wait->was_running = hs_engine_get_state (call->interp->engine) == HS_ENGINE_STATE_RUNNING;
  if (wait_tick (call) == G_SOURCE_REMOVE)
    return;
  wait->source = g_timeout_add (WAIT_POLL_MS, wait_tick, call);
}

static void
cmd_core_select (Call *call)
{
  guint64 v;
  guint n = hs_engine_get_n_cores (call->interp->engine);

  if (!hs_call_eval_number (call, hs_call_arg (call, 0), "CORE.select", &v))
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
    hs_task_return_error (task, error);
  else
    hs_task_return_pointer (task, probes, (GDestroyNotify) g_ptr_array_unref);
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
  const char *location = hs_call_arg (call, 0);

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

const CommandSpec hs_run_commands[] = {
  { "Go", "Go [address]", "resume every core (until address, in the current task)", 0, 1, NULL,
    cmd_go },
  { "Go.Up", "Go.Up", "run until the current function returns, in the current task", 0, 0,
    NULL, cmd_go_up, .needs_tasks = TRUE },
  { "Break", "Break", "halt every core", 0, 0, NULL, cmd_break },
  { "WAIT", "WAIT [condition] [time]",
    "wait for a time, or until a condition holds (at most the time)", 0, 2, NULL, cmd_wait,
    .own_evaluation = TRUE },
  { "CORE.select", "CORE.select n", "make core n the current core", 1, 1, NULL,
    cmd_core_select },
  { "SYStem.Attach", "SYStem.Attach HOST:PORT", "attach to a GDB remote stub", 1, 1, NULL,
    cmd_attach },
  { "SYStem.Detach", "SYStem.Detach", "detach from the target and let it run", 0, 0, NULL,
    cmd_detach },
  { "SYStem.ProbeList", "SYStem.ProbeList", "list the USB debug probes plugged in", 0, 0, NULL,
    cmd_probe_list },
  { NULL }
};
