/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-debugger.c: the engine for scripts: one object that owns an HsEngine and
 * its HsInterp, with asynchronous and blocking forms of what a script does.
 *
 * Ownership: main thread only. The debugger, its engine and interpreter and
 * every model object it hands out belong to the thread that created it, and
 * every callback and signal runs on that thread's thread-default main context
 * (the global default context in a plain script). Blocking (`_sync`) calls
 * iterate that context until their operation completes; they are for scripts,
 * never for a window's thread (DESIGN.md: no nested main loops in the GUI).
 *
 * This file: the object, its properties and signals (the engine's halts, queued and
 * emitted from an idle), iterating and waiting, the helpers every asynchronous form
 * uses, attach and detach. The rest of the class: hs-debugger-control.c (go, halt,
 * step, the task lists, commands), hs-debugger-tasks.c (cores, machines, tasks, a
 * task's registers and frames), hs-debugger-memory.c (memory, symbols, breakpoints),
 * sharing the struct in hs-debugger-private.h.
 */
#define G_LOG_DOMAIN "hs-debugger"

#include "config.h"

#include "hs-debugger-private.h"

/**
 * HsDebugger:
 *
 * The live debugger, for scripts.
 *
 * A debugger attaches to a GDB remote stub ("HOST:PORT"), runs and halts the
 * target, and hands out the objects the window shows: the cores
 * ([class@Hyperscope.Core]), the machines ([class@Hyperscope.Machine]: 0 is the
 * hypervisor, then each guest) with their vCPUs ([class@Hyperscope.Vcpu]), every
 * task of every guest ([class@Hyperscope.Task]) and the breakpoints
 * ([class@Hyperscope.Breakpoint]). Memory is read and written by any address
 * form the command language takes ("2:::init_task", "2:::0x1f3::0xffff...",
 * "A:0x40000000"), and [method@Hyperscope.Debugger.run_command_sync] runs any
 * command ("TASK.List", "DO file.cmm", ...) and returns what it printed.
 *
 * Every operation comes in two forms: an asynchronous one whose callback runs
 * on the main context, and a blocking `_sync` one that iterates the main
 * context until the operation completes. Signals (such as
 * [signal@Hyperscope.Debugger::breakpoint-hit]) and callbacks queued meanwhile
 * run during any blocking call, so a plain script (no main loop of its own) can
 * do:
 *
 * ```python
 * import gi
 * gi.require_version("Hyperscope", "0")
 * from gi.repository import Hyperscope
 *
 * dbg = Hyperscope.Debugger()
 * dbg.attach_sync("127.0.0.1:1234", None)
 * dbg.halt_sync(None)
 * print(dbg.run_command_sync("MACHINE.List", None))
 * dbg.detach_sync(None)
 * ```
 *
 * A script that uses only the asynchronous forms pumps the main context with
 * [method@Hyperscope.Debugger.iterate] or [method@Hyperscope.Debugger.wait].
 *
 * Everything belongs to the thread that created the debugger. Detach before
 * leaving: detaching takes out every planted breakpoint and lets the target
 * run, leaving it as it was found. A debugger dropped while attached (a script
 * that ends without detaching) detaches itself, waiting at most 5 s.
 */

enum
{
  PROP_0,
  PROP_STATE,
  PROP_TARGET_NAME,
  N_PROPS
};

enum
{
  HALTED,
  BREAKPOINT_HIT,
  RESUMED,
  DETACHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HsDebugger, hs_debugger, G_TYPE_OBJECT)

G_STATIC_ASSERT ((int) HS_DEBUGGER_STATE_DETACHED == (int) HS_ENGINE_STATE_DETACHED);
G_STATIC_ASSERT ((int) HS_DEBUGGER_STATE_ATTACHING == (int) HS_ENGINE_STATE_ATTACHING);
G_STATIC_ASSERT ((int) HS_DEBUGGER_STATE_RUNNING == (int) HS_ENGINE_STATE_RUNNING);
G_STATIC_ASSERT ((int) HS_DEBUGGER_STATE_HALTED == (int) HS_ENGINE_STATE_HALTED);

/* One halt, as the engine reported it, until its signals are emitted. */
typedef struct
{
  HsCore *core;
  HsBreakpoint *breakpoint;     /* (nullable) the one that caused it */
  HsTask *task;                 /* (nullable) what the stopping core ran */
} Halt;

static void
halt_free (gpointer data)
{
  Halt *h = data;

  g_clear_object (&h->core);
  g_clear_object (&h->breakpoint);
  g_clear_object (&h->task);
  g_free (h);
}

/* ---- signals from the engine ------------------------------------------------------------ */

/* Forgets the halts whose signals are still to be emitted. */
static void
drop_halts (HsDebugger *self)
{
  if (self->emit_source != NULL)
    {
      g_source_destroy (self->emit_source);
      g_clear_pointer (&self->emit_source, g_source_unref);
    }
  g_queue_clear_full (&self->halts, halt_free);
}

/* The halt's signals are emitted from an idle, after the engine has finished its own work for
 * the halt: a handler may then resume the target or block in a `_sync` call. Halts that a
 * handler causes (a step, a go and a wait) are queued and emitted by this same loop once the
 * handler has returned, never from inside it: a handler that steps and waits would otherwise
 * recurse once per step, and see later halts before its own returned. */
static gboolean
emit_halts (gpointer user_data)
{
  HsDebugger *self = user_data;
  Halt *h;

  g_assert (!self->emitting);

  g_object_ref (self);
  g_clear_pointer (&self->emit_source, g_source_unref);
  self->emitting = TRUE;
  while ((h = g_queue_pop_head (&self->halts)) != NULL)
    {
      g_signal_emit (self, signals[HALTED], 0, h->core, h->breakpoint);
      if (h->breakpoint != NULL)
        {
          g_signal_emit (self, signals[BREAKPOINT_HIT], 0, h->breakpoint, h->task);
          hs_breakpoint_emit_hit (h->breakpoint, h->task);
        }
      halt_free (h);
    }
  self->emitting = FALSE;
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
engine_halted (HsEngine *engine,
               HsCore   *core,
               gint      reason,
               gpointer  user_data)
{
  HsDebugger *self = user_data;
  Halt *h = g_new0 (Halt, 1);
  HsBreakpoint *bp = hs_engine_get_last_breakpoint (engine);
  HsTask *task = hs_engine_get_current_task (engine);

  h->core = g_object_ref (core);
  if (reason == HS_STOP_REASON_BREAKPOINT && bp != NULL)
    h->breakpoint = g_object_ref (bp);
  if (task != NULL)
    h->task = g_object_ref (task);
  g_queue_push_tail (&self->halts, h);
  /* While a handler runs, emit_halts() takes this halt after it: no idle of its own. */
  if (self->emit_source == NULL && !self->emitting)
    {
      self->emit_source = g_idle_source_new ();
      g_source_set_priority (self->emit_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->emit_source, emit_halts, self, NULL);
      g_source_set_static_name (self->emit_source, "[hyperscope] debugger halted");
      g_source_attach (self->emit_source, self->context);
    }
}

static void
engine_resumed (HsEngine *engine,
                gpointer  user_data)
{
  g_signal_emit (user_data, signals[RESUMED], 0);
}

static void
engine_detached (HsEngine     *engine,
                 const GError *error,
                 gpointer      user_data)
{
  HsDebugger *self = user_data;

  /* Halts of the connection that ended, not signalled yet (queued while a handler ran), are
   * moot: their cores and tasks are gone. Nothing is signalled after "detached". */
  drop_halts (self);
  g_signal_emit (self, signals[DETACHED], 0, error ? error->message : NULL);
}

static void
engine_notify (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
  HsDebugger *self = user_data;

  if (g_strcmp0 (pspec->name, "state") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  else if (g_strcmp0 (pspec->name, "target-name") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET_NAME]);
}

/* ---- blocking ----------------------------------------------------------------------------- */

void
_hs_debugger_store_result (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
_hs_debugger_block_on (HsDebugger    *self,
                       GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (self->context, TRUE);
  return *slot;
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the debugger's context until *@done is set or @timeout_ms have passed. */
static void
iterate_for (HsDebugger     *self,
             const gboolean *done,
             guint           timeout_ms)
{
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, set_flag, &timed_out, NULL);
  g_source_attach (timeout, self->context);
  while (!*done && !timed_out)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (timeout);
}

/**
 * hs_debugger_iterate:
 * @self: a debugger
 * @may_block: whether to wait for something to happen
 *
 * Runs one iteration of the debugger's main context: what is ready (results
 * from the target, signals, callbacks of the asynchronous forms) is
 * dispatched. For scripts that only use the asynchronous forms.
 *
 * Returns: whether anything was dispatched
 */
gboolean
hs_debugger_iterate (HsDebugger *self,
                     gboolean    may_block)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);
  return g_main_context_iteration (self->context, may_block);
}

/**
 * hs_debugger_wait:
 * @self: a debugger
 * @timeout_ms: how long to wait, in milliseconds
 *
 * Runs the debugger's main context for @timeout_ms: signals and callbacks of
 * the asynchronous forms are dispatched meanwhile.
 */
void
hs_debugger_wait (HsDebugger *self,
                  guint       timeout_ms)
{
  const gboolean never = FALSE;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  iterate_for (self, &never, timeout_ms);
}

/**
 * hs_debugger_wait_for_halt:
 * @self: a debugger
 * @timeout_ms: how long to wait at most, in milliseconds
 * @error: return location for an error
 *
 * Waits until the target is halted (by a breakpoint, a step, a halt, or by
 * itself), running the main context meanwhile: handlers of
 * [signal@Hyperscope.Debugger::halted] and
 * [signal@Hyperscope.Debugger::breakpoint-hit] for the halt have run when it
 * returns. Returns at once if the target is halted already. Called from a
 * handler of those signals, it returns once the target is halted: the new
 * halt's signals follow when the handler has returned.
 *
 * Returns: %TRUE once halted; %FALSE with `G_IO_ERROR_TIMED_OUT` when the
 *   target still runs after @timeout_ms, or with an error when the debugger
 *   is not attached or the connection was lost
 */
gboolean
hs_debugger_wait_for_halt (HsDebugger  *self,
                           guint        timeout_ms,
                           GError     **error)
{
  g_autoptr(GSource) timeout = NULL;
  gboolean timed_out = FALSE;
  HsEngineState state;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  if (hs_engine_get_state (self->engine) == HS_ENGINE_STATE_DETACHED)
    {
      g_set_error_literal (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                           "cannot wait for a halt: not attached (attach to a stub first)");
      return FALSE;
    }
  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, set_flag, &timed_out, NULL);
  g_source_attach (timeout, self->context);
  /* Halted, and the halt's signals emitted. */
  while (((state = hs_engine_get_state (self->engine)) != HS_ENGINE_STATE_HALTED
          || self->emit_source != NULL)
         && state != HS_ENGINE_STATE_DETACHED && !timed_out)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (timeout);

  if (state == HS_ENGINE_STATE_HALTED)
    return TRUE;
  if (state == HS_ENGINE_STATE_DETACHED)
    g_set_error_literal (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                         "the target went away while waiting for a halt (attach again)");
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "the target did not halt within %u ms (it still runs; halt it with halt_sync())",
                 timeout_ms);
  return FALSE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

/* A dropped debugger's detach, which may end after dispose() has stopped waiting for it. */
typedef struct
{
  gboolean done;
  gboolean abandoned;           /* dispose() returned without it: the callback frees this */
} DroppedDetach;

static void
dropped_detach_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DroppedDetach *dd = user_data;
  g_autofree char *report = hs_engine_detach_finish (HS_ENGINE (object), result, NULL);

  g_debug ("a debugger dropped while attached: %s", report ? report : "the detach failed");
  if (dd->abandoned)
    g_free (dd);
  else
    dd->done = TRUE;
}

/* Detaches a debugger dropped while attached, iterating its context for 5 s at most: after
 * 4 s the wait for a running target to halt is cancelled, and a detach still not done a second
 * later (a worker stuck on a stub that does not answer) is left to end on its own. Its
 * callback touches nothing of the debugger's or of this stack frame; its GTask keeps the
 * engine alive until then. */
static void
detach_dropped (HsDebugger *self)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  DroppedDetach *dd = g_new0 (DroppedDetach, 1);

  hs_engine_detach_async (self->engine, cancellable, dropped_detach_done, dd);
  iterate_for (self, &dd->done, 4000);
  if (!dd->done)
    {
      g_cancellable_cancel (cancellable);
      iterate_for (self, &dd->done, 1000);
    }
  if (dd->done)
    g_free (dd);
  else
    {
      dd->abandoned = TRUE;
      g_debug ("a debugger dropped while attached: its detach did not end within 5 s; "
               "it goes on without the debugger");
    }
}

static void
hs_debugger_dispose (GObject *object)
{
  HsDebugger *self = HS_DEBUGGER (object);

  /* First, before the detach below iterates the context: a halt's signals still queued
   * must not reach a script's handlers on a debugger that is going away. */
  drop_halts (self);
  if (self->engine != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
        g_clear_signal_handler (&self->handlers[i], self->engine);
      /* A script that forgot to detach still leaves the target as found: running, without
       * our breakpoints. */
      if (hs_engine_get_state (self->engine) == HS_ENGINE_STATE_RUNNING
          || hs_engine_get_state (self->engine) == HS_ENGINE_STATE_HALTED)
        detach_dropped (self);
    }
  g_clear_object (&self->interp);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (hs_debugger_parent_class)->dispose (object);
}

static void
hs_debugger_finalize (GObject *object)
{
  HsDebugger *self = HS_DEBUGGER (object);

  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (hs_debugger_parent_class)->finalize (object);
}

static void
hs_debugger_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HsDebugger *self = HS_DEBUGGER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, hs_debugger_get_state (self));
      break;
    case PROP_TARGET_NAME:
      g_value_set_string (value, hs_debugger_get_target_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_debugger_class_init (HsDebuggerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_debugger_dispose;
  object_class->finalize = hs_debugger_finalize;
  object_class->get_property = hs_debugger_get_property;

  /**
   * HsDebugger:state:
   *
   * Detached, attaching, running or halted.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HS_TYPE_DEBUGGER_STATE, HS_DEBUGGER_STATE_DETACHED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HsDebugger:target-name:
   *
   * The stub attached to ("gdbstub 127.0.0.1:1234"), or %NULL.
   */
  properties[PROP_TARGET_NAME] =
    g_param_spec_string ("target-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsDebugger::halted:
   * @self: the debugger
   * @core: the core that stopped the target
   * @breakpoint: (nullable): the breakpoint that stopped it, or %NULL
   *
   * The target halted: the cores' registers, the machines and the tasks the
   * vCPUs run are read (the whole task lists may follow; see
   * [method@Hyperscope.Debugger.wait_for_tasks_sync]). A handler may resume or
   * step the target, blocking too; the signals of the halts that follow are
   * emitted after it returns, in order, never from inside it.
   */
  signals[HALTED] =
    g_signal_new ("halted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, HS_TYPE_CORE, HS_TYPE_BREAKPOINT);
  /**
   * HsDebugger::breakpoint-hit:
   * @self: the debugger
   * @breakpoint: the breakpoint that stopped the target
   * @task: (nullable): the task that hit it (the one the stopping core runs),
   *   or %NULL when the core was in the hypervisor
   *
   * A breakpoint stopped the target, in its scope (hits outside its machine
   * or task are stepped past and never stop it). Emitted after
   * [signal@Hyperscope.Debugger::halted].
   */
  signals[BREAKPOINT_HIT] =
    g_signal_new ("breakpoint-hit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, HS_TYPE_BREAKPOINT, HS_TYPE_TASK);
  /**
   * HsDebugger::resumed:
   * @self: the debugger
   *
   * The target runs again.
   */
  signals[RESUMED] =
    g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * HsDebugger::detached:
   * @self: the debugger
   * @reason: (nullable): why, when the connection was lost rather than closed
   *
   * The debugger is no longer attached. Halts not signalled yet (a handler
   * that stepped, then detached) are dropped: no halt is signalled after it.
   */
  signals[DETACHED] =
    g_signal_new ("detached", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hs_debugger_init (HsDebugger *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->engine = hs_engine_new ();
  self->interp = hs_interp_new (self->engine);
  g_queue_init (&self->halts);
  self->handlers[0] = g_signal_connect (self->engine, "halted", G_CALLBACK (engine_halted), self);
  self->handlers[1] = g_signal_connect (self->engine, "resumed", G_CALLBACK (engine_resumed),
                                        self);
  self->handlers[2] = g_signal_connect (self->engine, "detached", G_CALLBACK (engine_detached),
                                        self);
  self->handlers[3] = g_signal_connect (self->engine, "notify", G_CALLBACK (engine_notify), self);
}

/**
 * hs_debugger_new:
 *
 * Makes a debugger, not attached. It belongs to the calling thread and its
 * thread-default main context.
 *
 * Returns: (transfer full): a new debugger
 */
HsDebugger *
hs_debugger_new (void)
{
  return g_object_new (HS_TYPE_DEBUGGER, NULL);
}

/**
 * hs_debugger_get_engine: (skip)
 * @self: a debugger
 *
 * Returns: (transfer none): the engine it owns
 */
HsEngine *
hs_debugger_get_engine (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return self->engine;
}

/**
 * hs_debugger_get_interp: (skip)
 * @self: a debugger
 *
 * Returns: (transfer none): the command interpreter it owns
 */
HsInterp *
hs_debugger_get_interp (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return self->interp;
}

/**
 * hs_debugger_get_state:
 * @self: a debugger
 *
 * Returns: detached, attaching, running or halted
 */
HsDebuggerState
hs_debugger_get_state (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), HS_DEBUGGER_STATE_DETACHED);
  return (HsDebuggerState) hs_engine_get_state (self->engine);
}

/**
 * hs_debugger_get_target_name:
 * @self: a debugger
 *
 * Returns: (nullable): the stub attached to ("gdbstub 127.0.0.1:1234"), or %NULL
 */
const char *
hs_debugger_get_target_name (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_target_name (self->engine);
}

/* ---- the asynchronous forms ----------------------------------------------------------------- */

/* Each wraps the engine's (or interpreter's) operation in a GTask of the debugger's (see
 * hs-debugger-private.h); the other files use the same helpers. */

void
_hs_debugger_boolean_done (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HsDebuggerBooleanFinish finish = (HsDebuggerBooleanFinish) g_task_get_task_data (task);
  GError *error = NULL;

  g_assert (finish != NULL);

  if (finish (object, result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_hs_debugger_string_done (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HsDebuggerStringFinish finish = (HsDebuggerStringFinish) g_task_get_task_data (task);
  GError *error = NULL;
  char *text;

  g_assert (finish != NULL);

  text = finish (object, result, &error);
  if (text == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

gboolean
_hs_debugger_boolean_finish (HsDebugger    *self,
                             GAsyncResult  *result,
                             gpointer       tag,
                             GError       **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
_hs_debugger_pointer_finish (HsDebugger    *self,
                             GAsyncResult  *result,
                             gpointer       tag,
                             GError       **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GTask *
_hs_debugger_new_task (HsDebugger          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data,
                       gpointer             tag,
                       GCallback            finish)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, (gpointer) finish, NULL);
  return task;
}

/* attach */

/**
 * hs_debugger_attach:
 * @self: a debugger
 * @location: where the stub listens: "HOST:PORT" (QEMU's `-gdb tcp:...`)
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context when attached or not
 * @user_data: (closure callback): for @callback
 *
 * Attaches to a GDB remote stub. A running target keeps running, a halted one
 * stays halted. Finish with [method@Hyperscope.Debugger.attach_finish].
 */
void
hs_debugger_attach (HsDebugger          *self,
                    const char          *location,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (location != NULL);

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_attach,
                                G_CALLBACK (hs_engine_attach_finish));
  hs_engine_attach_location_async (self->engine, location, cancellable, _hs_debugger_boolean_done,
                                   task);
}

/**
 * hs_debugger_attach_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether it attached
 */
gboolean
hs_debugger_attach_finish (HsDebugger    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return _hs_debugger_boolean_finish (self, result, hs_debugger_attach, error);
}

/**
 * hs_debugger_attach_sync:
 * @self: a debugger
 * @location: where the stub listens: "HOST:PORT"
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Attaches to a GDB remote stub, blocking (the main context runs meanwhile).
 *
 * Returns: whether it attached; an error says why not (nothing listening,
 *   not a GDB stub, a malformed location)
 */
gboolean
hs_debugger_attach_sync (HsDebugger    *self,
                         const char    *location,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  hs_debugger_attach (self, location, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_attach_finish (self, _hs_debugger_block_on (self, &result), error);
}

/* detach */

/**
 * hs_debugger_detach:
 * @self: a debugger
 * @cancellable: (nullable): to stop waiting for the target to halt
 * @callback: (scope async): called on the main context when detached
 * @user_data: (closure callback): for @callback
 *
 * Takes out every breakpoint planted in the target, lets it run and closes
 * the connection. Breakpoints stay in the list, and are planted again after
 * the next attach. Finish with [method@Hyperscope.Debugger.detach_finish].
 */
void
hs_debugger_detach (HsDebugger          *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_detach,
                                G_CALLBACK (hs_engine_detach_finish));
  hs_engine_detach_async (self->engine, cancellable, _hs_debugger_string_done, task);
}

/**
 * hs_debugger_detach_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): how the target was left ("detached from gdbstub
 *   127.0.0.1:1234; the target runs"), or %NULL with an error
 */
char *
hs_debugger_detach_finish (HsDebugger    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return _hs_debugger_pointer_finish (self, result, hs_debugger_detach, error);
}

/**
 * hs_debugger_detach_sync:
 * @self: a debugger
 * @cancellable: (nullable): to stop waiting for the target to halt
 * @error: return location for an error
 *
 * Detaches, blocking; see [method@Hyperscope.Debugger.detach].
 *
 * Returns: (transfer full): how the target was left, or %NULL with an error
 */
char *
hs_debugger_detach_sync (HsDebugger    *self,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);

  hs_debugger_detach (self, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_detach_finish (self, _hs_debugger_block_on (self, &result), error);
}

