/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-step.c: Step, Step.Over and Step.Hll.
 *
 * The probe steps instructions; a source line is as many as it takes for
 * the pc to reach another line (or leave the function). Into: every
 * instruction, calls included. Over: a call runs to its return with a
 * temporary breakpoint that only the stepping task can hit. Bounded: a
 * line that does not end within HLL_MAX_STEPS instructions is reported.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-arm64.h"
#include "hs-interp-private.h"
#include "hs-sync.h"

#include <string.h>

#define STEP_MAX_COUNT 10000u
#define HLL_MAX_STEPS  4000u

typedef struct
{
  HsEngine *engine;             /* unowned: the interp, which the call owns, holds it */
  guint core;                   /* the core that steps */
  guint remaining;              /* steps left */
  gint task_pid;                /* the task whose return counts, or -1 */
  /* Step.Hll */
  gboolean over;
  char *file;                   /* the line the step began on */
  guint line;
  guint64 space;
  guint64 start_pc;
  gboolean interrupted;         /* a call run to its return stopped elsewhere */
  gulong halted_handler;        /* while a call runs to its return */
  gulong detached_handler;
  GCancellable *cancellable;    /* the call's, while a call runs to its return */
  gulong cancelled_handler;
} StepState;

static void
step_disconnect (StepState *step)
{
  g_clear_signal_handler (&step->halted_handler, step->engine);
  g_clear_signal_handler (&step->detached_handler, step->engine);
  if (step->cancelled_handler != 0)
    g_cancellable_disconnect (step->cancellable, step->cancelled_handler);
  step->cancelled_handler = 0;
  step->cancellable = NULL;
}

static void
step_state_clear (StepState *step)
{
  step_disconnect (step);
  g_free (step->file);
}

static StepState *
step_state_new (Call *call)
{
  StepState *step = hs_call_new_state (call, StepState, step_state_clear);

  step->engine = hs_call_engine (call);
  step->task_pid = -1;
  return step;
}

/* Ends a read of the instruction at a pc: FALSE, with the call returned with an error, when
 * it could not be read. */
static gboolean
finish_code_read (Call         *call,
                  GAsyncResult *result,
                  guint64      *pc,
                  guint32      *word)
{
  GError *error = NULL;
  g_autoptr(HsMemoryRead) read = hs_engine_read_finish (hs_call_engine (call), result, &error);

  if (read != NULL && read->fault != NULL)
    error = g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED, "the instruction at 0x%"
                         G_GINT64_MODIFIER "x cannot be read: %s", read->address.offset,
                         read->fault);
  if (error != NULL)
    {
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return FALSE;
    }
  *pc = read->address.offset;
  memcpy (word, g_bytes_get_data (read->data, NULL), 4);
  *word = GUINT32_FROM_LE (*word);
  return TRUE;
}

static void
step_go_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_go_finish (HS_ENGINE (object), result, &error))
    g_prefix_error (&error, "%s: ", call->spec->name);
  hs_call_return (call, error);
}

/* ---- Step ------------------------------------------------------------------------------- */

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
  StepState *step = call->state;

  if (step->remaining == 0)
    {
      hs_call_append_core_line (call, hs_engine_get_core (step->engine, step->core));
      hs_call_return (call, NULL);
      return;
    }
  step->remaining--;
  hs_engine_step_async (step->engine, step->core, NULL, step_done, call);
}

static void
cmd_step (Call *call)
{
  StepState *step = step_state_new (call);
  guint64 count = 1;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED)
      || !hs_call_get_core_option (call, &step->core))
    return;
  if (call->args->len > 0 && !hs_call_eval_number (call, hs_call_arg (call, 0), "Step count",
                                                   &count))
    return;
  if (count == 0 || count > STEP_MAX_COUNT)
    {
      hs_call_fail (call, "Step: the count must be 1-%u", STEP_MAX_COUNT);
      return;
    }
  step->remaining = (guint) count;
  step_next (call);
}

/* ---- Step.Hll: a source line ------------------------------------------------------------ */

/* Lines are looked up in a thread (a vmlinux's DWARF may still be indexed): each step ends
 * in hll_check(), whose lookup decides whether the line has ended. */
static void hll_advance (Call *call);

static guint64
lookup_space (StepState *step,
              guint64    pc)
{
  return pc < G_GUINT64_CONSTANT (0xffff000000000000) ? step->space : 0;
}

static void
hll_finish (Call       *call,
            const char *file,
            guint       line)
{
  if (file != NULL)
    g_string_append_printf (call->out, "%s:%u\n", file, line);
  hs_call_return_with_stop (call);
}

/* Done when the pc is on another line than where the step began; a pc without a line (an
 * assembly helper) goes on to one that has. */
static void
hll_line_known (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  StepState *step = call->state;
  g_autofree char *file = NULL;
  guint line = 0;
  gboolean known = hs_engine_lookup_line_finish (call->interp->engine, result, &file, &line,
                                                 NULL);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (call->task), &error))
    {
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return;
    }
  if (step->interrupted
      || (known && (line != step->line || g_strcmp0 (file, step->file) != 0)))
    {
      hll_finish (call, known ? file : NULL, line);
      return;
    }
  if (step->remaining-- == 0)
    {
      g_string_append_printf (call->out, "the line did not end within %u instructions; "
                              "stopped there\n", HLL_MAX_STEPS);
      hll_finish (call, known ? file : NULL, line);
      return;
    }
  hll_advance (call);
}

static void
hll_check (Call *call)
{
  StepState *step = call->state;
  HsCore *core = hs_engine_get_core (step->engine, step->core);
  guint64 pc;

  if (core == NULL || !hs_core_get_register_by_name (core, "pc", &pc))
    {
      hs_call_fail (call, "%s: core %u's pc is unknown after the step", call->spec->name,
                    step->core);
      return;
    }
  hs_engine_lookup_line_async (step->engine, hs_engine_get_core_machine (step->engine,
                                                                         step->core),
                               lookup_space (step, pc), pc, NULL, hll_line_known, call);
}

static void
hll_step_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_step_finish (HS_ENGINE (object), result, &error))
    {
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return;
    }
  hll_check (call);
}

/* The user stopped waiting (Ctrl+C, Escape) while a call ran to its return: the step ends
 * there and the target runs on, as after Go. Posted: a cancellable's handler cannot
 * disconnect itself. The task's reference keeps the call until then. */
static gboolean
hll_cancel_posted (gpointer data)
{
  GTask *task = data;
  Call *call = g_task_get_task_data (task);

  if (call->task == NULL)
    return G_SOURCE_REMOVE;  /* it ended meanwhile */
  step_disconnect (call->state);
  hs_call_return (call, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     "%s: stopped waiting for the call to return; the target "
                                     "runs on", call->spec->name));
  return G_SOURCE_REMOVE;
}

static void
hll_cancelled (GCancellable *cancellable,
               Call         *call)
{
  hs_context_post (NULL, hll_cancel_posted, g_object_ref (call->task), g_object_unref);
}

/* The probe went away while a call ran to its return: the step cannot end. */
static void
hll_detached (HsEngine *engine,
              GError   *why,
              Call     *call)
{
  step_disconnect (call->state);
  hs_call_fail (call, "%s: the target went away during the step%s%s", call->spec->name,
                why ? ": " : "", why ? why->message : "");
}

static void
hll_halted (HsEngine *engine,
            HsCore   *core,
            gint      reason,
            Call     *call)
{
  StepState *step = call->state;

  step_disconnect (step);
  step->core = hs_engine_get_last_stop (engine)->core;
  /* Not our return breakpoint (the user's Break, another breakpoint): the step ends here. */
  if (reason != HS_STOP_REASON_BREAKPOINT || hs_engine_get_last_breakpoint (engine) != NULL)
    {
      g_string_append_printf (call->out, "the step over the call was interrupted (%s)\n",
                              hs_stop_reason_to_string (reason));
      step->interrupted = TRUE;
    }
  hll_check (call);
}

static void
hll_go_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_go_finish (HS_ENGINE (object), result, &error))
    {
      step_disconnect (call->state);
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
    }
}

static void
hll_code_read (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  StepState *step = call->state;
  guint32 word;
  guint64 pc;

  if (!finish_code_read (call, result, &pc, &word))
    return;
  if (hs_arm64_is_call (word))
    {
      /* A call: let it run to its return in this task, then go on with the line. */
      step->halted_handler = g_signal_connect (step->engine, "halted", G_CALLBACK (hll_halted),
                                               call);
      step->detached_handler = g_signal_connect (step->engine, "detached",
                                                 G_CALLBACK (hll_detached), call);
      step->cancellable = g_task_get_cancellable (call->task);
      if (step->cancellable != NULL)
        step->cancelled_handler = g_cancellable_connect (step->cancellable,
                                                         G_CALLBACK (hll_cancelled), call, NULL);
      hs_engine_go_until_async (step->engine, pc + 4,
                                (gint) hs_engine_get_core_machine (step->engine, step->core),
                                step->task_pid, NULL, hll_go_done, call);
      return;
    }
  hs_engine_step_async (step->engine, step->core, NULL, hll_step_done, call);
}

/* One instruction, or (over) a call run to its return. */
static void
hll_advance (Call *call)
{
  StepState *step = call->state;
  HsAddress at = { HS_ACCESS_VIRTUAL, 0, 0, 0 };

  if (!step->over)
    {
      hs_engine_step_async (step->engine, step->core, NULL, hll_step_done, call);
      return;
    }
  at.machine = hs_engine_get_core_machine (step->engine, step->core);
  hs_core_get_register_by_name (hs_engine_get_core (step->engine, step->core), "pc", &at.offset);
  at.space = lookup_space (step, at.offset);
  hs_engine_read_async (step->engine, &at, 4, NULL, hll_code_read, call);
}

static void
hll_start_line_known (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Call *call = user_data;
  StepState *step = call->state;

  if (!hs_engine_lookup_line_finish (step->engine, result, &step->file, &step->line,
                                     NULL))
    {
      hs_call_fail (call, "%s: no source line is known for core %u's pc 0x%" G_GINT64_MODIFIER
                    "x; step instructions with Step", call->spec->name, step->core,
                    step->start_pc);
      return;
    }
  step->remaining = HLL_MAX_STEPS;
  hll_advance (call);
}

/* One source line of the current task; @over: calls run to their return. */
static void
step_hll (Call     *call,
          gboolean  over)
{
  StepState *step = call->state;
  HsTask *task = hs_engine_get_current_task (step->engine);
  HsCore *core = hs_engine_get_core (step->engine, step->core);

  step->over = over;
  if (task != NULL && hs_task_get_core (task) == (gint) step->core)
    {
      step->task_pid = hs_task_get_pid (task);
      step->space = hs_task_get_space (task);
    }
  if (core == NULL || !hs_core_get_register_by_name (core, "pc", &step->start_pc))
    {
      hs_call_fail (call, "%s: core %u's pc is unknown", call->spec->name, step->core);
      return;
    }
  hs_engine_lookup_line_async (step->engine, hs_engine_get_core_machine (step->engine,
                                                                         step->core),
                               lookup_space (step, step->start_pc), step->start_pc, NULL,
                               hll_start_line_known, call);
}

/* ---- a task that is not on a core ------------------------------------------------------- */

static void
scheduled_regs_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Call *call = user_data;
  HsEngine *engine = HS_ENGINE (object);
  HsTask *task = hs_engine_get_current_task (engine);
  GError *error = NULL;
  g_autoptr(HsTaskRegisters) regs = hs_engine_task_registers_finish (engine, result, &error);

  if (regs == NULL || task == NULL || !regs->pc_valid)
    {
      if (error == NULL)
        error = g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                             "the task's resume point is not known");
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "task %s (pid %d) is not running on any core: ",
                          hs_task_get_name (task), hs_task_get_pid (task));
  hs_call_go_until (call, hs_task_get_machine (task), regs->pc, "until it is scheduled in, at");
}

/* A step of a task that is scheduled out can only begin where it will resume: run until it
 * gets there (and say so); step again from there. */
static gboolean
step_scheduled_out (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  HsTask *task = hs_engine_get_current_task (engine);

  if (task == NULL || hs_task_get_core (task) >= 0 || hs_call_option (call, "CORE") != NULL)
    return FALSE;
  hs_engine_task_registers_async (engine, task, NULL, scheduled_regs_done, call);
  return TRUE;
}

static void
cmd_step_hll (Call *call)
{
  StepState *step = step_state_new (call);

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED)
      || !hs_call_get_core_option (call, &step->core))
    return;
  if (step_scheduled_out (call))
    return;
  step_hll (call, FALSE);
}

/* ---- Step.Over -------------------------------------------------------------------------- */

/* A call (BL, BLR) runs until it returns to the next instruction; anything else is one step. */
static void
step_over_code_read (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Call *call = user_data;
  StepState *step = call->state;
  guint64 pc;
  guint32 word;

  if (!finish_code_read (call, result, &pc, &word))
    return;
  if (!hs_arm64_is_call (word))
    {
      step->remaining = 1;
      step_next (call);
      return;
    }
  g_string_append_printf (call->out, "running until the call at 0x%" G_GINT64_MODIFIER "x "
                          "returns (core %u%s)\n", pc, step->core,
                          step->task_pid >= 0 ? ", in this task only" : "");
  /* Another task may run the same code meanwhile: only this one's return counts. */
  hs_engine_go_until_async (step->engine, pc + 4,
                            (gint) hs_engine_get_core_machine (step->engine, step->core),
                            step->task_pid, NULL, step_go_done, call);
}

static void
cmd_step_over (Call *call)
{
  StepState *step = step_state_new (call);
  HsAddress at = { HS_ACCESS_VIRTUAL, 0, 0, 0 };
  HsTask *task;
  HsCore *core;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED)
      || !hs_call_get_core_option (call, &step->core))
    return;
  if (step_scheduled_out (call))
    return;
  if (hs_call_option (call, "Hll") != NULL)
    {
      step_hll (call, TRUE);
      return;
    }
  core = hs_engine_get_core (step->engine, step->core);
  if (!hs_core_get_register_by_name (core, "pc", &at.offset))
    {
      hs_call_fail (call, "Step.Over: core %u's pc is unknown", step->core);
      return;
    }
  at.machine = hs_engine_get_core_machine (step->engine, step->core);
  task = hs_engine_get_current_task (step->engine);
  if (task != NULL && hs_task_get_core (task) == (gint) step->core)
    {
      if (at.offset < G_GUINT64_CONSTANT (0xffff000000000000))
        at.space = hs_task_get_space (task);
      step->task_pid = hs_task_get_pid (task);
    }
  hs_engine_read_async (step->engine, &at, 4, NULL, step_over_code_read, call);
}

static const OptionSpec core_option[] = { { "CORE", TRUE }, { NULL } };
static const OptionSpec step_over_options[] = { { "CORE", TRUE }, { "Hll", FALSE }, { NULL } };

const CommandSpec hs_step_commands[] = {
  { "Step", "Step [count] [/CORE n]", "execute one instruction (or count) on one core",
    0, 1, core_option, cmd_step },
  { "Step.Over", "Step.Over [/CORE n] [/Hll]",
    "one instruction (/Hll: one source line) on one core; a call runs until it returns, in "
    "this task", 0, 0, step_over_options, cmd_step_over, .needs_tasks = TRUE },
  { "Step.Hll", "Step.Hll [/CORE n]", "one source line on one core, into calls", 0, 0,
    core_option, cmd_step_hll, .needs_tasks = TRUE },
  { NULL }
};
