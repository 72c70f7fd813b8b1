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
 */
#define G_LOG_DOMAIN "hs-debugger"

#include "config.h"

#include "hs-debugger.h"

#include "hs-engine.h"
#include "hs-interp.h"

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

struct _HsDebugger
{
  GObject parent_instance;

  /* Immutable after construction (main thread only, like everything here). */
  GMainContext *context;
  HsEngine *engine;
  HsInterp *interp;

  /* Owned */
  GQueue halts;                 /* of Halt: halts whose signals are still to be emitted */
  GSource *emit_source;         /* the idle on @context that emits them, or NULL */
  gulong handlers[4];
};

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

/* The halt's signals are emitted from an idle, after the engine has finished its own work for
 * the halt: a handler may then resume the target or block in a `_sync` call. */
static gboolean
emit_halts (gpointer user_data)
{
  HsDebugger *self = user_data;
  Halt *h;

  g_object_ref (self);
  g_clear_pointer (&self->emit_source, g_source_unref);
  while ((h = g_queue_pop_head (&self->halts)) != NULL)
    {
      g_signal_emit (self, signals[HALTED], 0, h->core, h->breakpoint);
      if (h->breakpoint != NULL)
        g_signal_emit (self, signals[BREAKPOINT_HIT], 0, h->breakpoint, h->task);
      halt_free (h);
    }
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
  if (self->emit_source == NULL)
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
  g_signal_emit (user_data, signals[DETACHED], 0, error ? error->message : NULL);
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

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Iterates the debugger's context until @slot holds a result. */
static GAsyncResult *
block_on (HsDebugger    *self,
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
  g_autoptr(GSource) timeout = NULL;
  gboolean done = FALSE;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, set_flag, &done, NULL);
  g_source_attach (timeout, self->context);
  while (!done)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (timeout);
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
 * returns. Returns at once if the target is halted already.
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

static void
hs_debugger_dispose (GObject *object)
{
  HsDebugger *self = HS_DEBUGGER (object);

  if (self->engine != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
        g_clear_signal_handler (&self->handlers[i], self->engine);
      /* A script that forgot to detach still leaves the target as found: running, without
       * our breakpoints. Bounded: a stub that does not answer is left after 5 s. */
      if (hs_engine_get_state (self->engine) == HS_ENGINE_STATE_RUNNING
          || hs_engine_get_state (self->engine) == HS_ENGINE_STATE_HALTED)
        {
          g_autoptr(GAsyncResult) result = NULL;
          g_autoptr(GCancellable) cancellable = g_cancellable_new ();
          g_autoptr(GSource) timeout = g_timeout_source_new_seconds (5);
          g_autofree char *report = NULL;
          gboolean timed_out = FALSE;

          g_source_set_callback (timeout, set_flag, &timed_out, NULL);
          g_source_attach (timeout, self->context);
          hs_engine_detach_async (self->engine, cancellable, store_result, &result);
          while (result == NULL && !timed_out)
            g_main_context_iteration (self->context, TRUE);
          g_source_destroy (timeout);
          if (result == NULL)
            {
              g_cancellable_cancel (cancellable);
              block_on (self, &result);
            }
          report = hs_engine_detach_finish (self->engine, result, NULL);
          g_debug ("a debugger dropped while attached: %s",
                   report ? report : "the detach failed");
        }
    }
  if (self->emit_source != NULL)
    {
      g_source_destroy (self->emit_source);
      g_clear_pointer (&self->emit_source, g_source_unref);
    }
  g_queue_clear_full (&self->halts, halt_free);
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
   * [method@Hyperscope.Debugger.wait_for_tasks_sync]).
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
   * The debugger is no longer attached.
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

/* Each wraps the engine's (or interpreter's) operation in a GTask of the debugger's. */

static void
boolean_done (GTask    *task,
              gboolean  ok,
              GError   *error)
{
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean
boolean_finish (HsDebugger    *self,
                GAsyncResult  *result,
                gpointer       tag,
                GError       **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
pointer_finish (HsDebugger    *self,
                GAsyncResult  *result,
                gpointer       tag,
                GError       **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GTask *
new_task (HsDebugger          *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  return task;
}

/* attach */

static void
attach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = hs_engine_attach_finish (HS_ENGINE (object), result, &error);

  boolean_done (user_data, ok, error);
}

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

  task = new_task (self, cancellable, callback, user_data, hs_debugger_attach);
  hs_engine_attach_location_async (self->engine, location, cancellable, attach_done, task);
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
  return boolean_finish (self, result, hs_debugger_attach, error);
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

  hs_debugger_attach (self, location, cancellable, store_result, &result);
  return hs_debugger_attach_finish (self, block_on (self, &result), error);
}

/* detach */

static void
detach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *report = hs_engine_detach_finish (HS_ENGINE (object), result, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_free);
}

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

  task = new_task (self, cancellable, callback, user_data, hs_debugger_detach);
  hs_engine_detach_async (self->engine, cancellable, detach_done, task);
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
  return pointer_finish (self, result, hs_debugger_detach, error);
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

  hs_debugger_detach (self, cancellable, store_result, &result);
  return hs_debugger_detach_finish (self, block_on (self, &result), error);
}

/* go, halt, step */

static void
go_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = hs_engine_go_finish (HS_ENGINE (object), result, &error);

  boolean_done (user_data, ok, error);
}

/**
 * hs_debugger_go:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context once the target runs
 * @user_data: (closure callback): for @callback
 *
 * Lets the halted target run (the breakpoints planted). Finish with
 * [method@Hyperscope.Debugger.go_finish]; then wait for the next halt with
 * [method@Hyperscope.Debugger.wait_for_halt] or the
 * [signal@Hyperscope.Debugger::halted] signal.
 */
void
hs_debugger_go (HsDebugger          *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = new_task (self, cancellable, callback, user_data, hs_debugger_go);
  hs_engine_go_async (self->engine, cancellable, go_done, task);
}

/**
 * hs_debugger_go_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the target runs
 */
gboolean
hs_debugger_go_finish (HsDebugger    *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return boolean_finish (self, result, hs_debugger_go, error);
}

/**
 * hs_debugger_go_sync:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Lets the target run, blocking until it does.
 *
 * Returns: whether the target runs
 */
gboolean
hs_debugger_go_sync (HsDebugger    *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_go (self, cancellable, store_result, &result);
  return hs_debugger_go_finish (self, block_on (self, &result), error);
}

static void
halt_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = hs_engine_halt_finish (HS_ENGINE (object), result, &error);

  boolean_done (user_data, ok, error);
}

/**
 * hs_debugger_halt:
 * @self: a debugger
 * @cancellable: (nullable): to stop waiting (a busy host may take seconds)
 * @callback: (scope async): called on the main context once halted
 * @user_data: (closure callback): for @callback
 *
 * Halts every core (TRACE32's `Break`); the registers are read when it
 * completes. Finish with [method@Hyperscope.Debugger.halt_finish].
 */
void
hs_debugger_halt (HsDebugger          *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = new_task (self, cancellable, callback, user_data, hs_debugger_halt);
  hs_engine_halt_async (self->engine, cancellable, halt_done, task);
}

/**
 * hs_debugger_halt_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the target is halted
 */
gboolean
hs_debugger_halt_finish (HsDebugger    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return boolean_finish (self, result, hs_debugger_halt, error);
}

/**
 * hs_debugger_halt_sync:
 * @self: a debugger
 * @cancellable: (nullable): to stop waiting
 * @error: return location for an error
 *
 * Halts every core, blocking until they are halted and their registers read.
 *
 * Returns: whether the target is halted
 */
gboolean
hs_debugger_halt_sync (HsDebugger    *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_halt (self, cancellable, store_result, &result);
  return hs_debugger_halt_finish (self, block_on (self, &result), error);
}

static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = hs_engine_step_finish (HS_ENGINE (object), result, &error);

  boolean_done (user_data, ok, error);
}

/**
 * hs_debugger_step:
 * @self: a debugger
 * @core: the core to step
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context after the step
 * @user_data: (closure callback): for @callback
 *
 * Executes one instruction on one core of the halted target; the other cores
 * stay halted. Finish with [method@Hyperscope.Debugger.step_finish].
 */
void
hs_debugger_step (HsDebugger          *self,
                  guint                core,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = new_task (self, cancellable, callback, user_data, hs_debugger_step);
  hs_engine_step_async (self->engine, core, cancellable, step_done, task);
}

/**
 * hs_debugger_step_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the core stepped
 */
gboolean
hs_debugger_step_finish (HsDebugger    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return boolean_finish (self, result, hs_debugger_step, error);
}

/**
 * hs_debugger_step_sync:
 * @self: a debugger
 * @core: the core to step
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * One instruction on @core, blocking until the target is halted again.
 *
 * Returns: whether the core stepped
 */
gboolean
hs_debugger_step_sync (HsDebugger    *self,
                       guint          core,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_step (self, core, cancellable, store_result, &result);
  return hs_debugger_step_finish (self, block_on (self, &result), error);
}

/* wait for tasks */

static void
tasks_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = hs_engine_wait_for_tasks_finish (HS_ENGINE (object), result, &error);

  boolean_done (user_data, ok, error);
}

/**
 * hs_debugger_wait_for_tasks:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context when the task lists
 *   are whole
 * @user_data: (closure callback): for @callback
 *
 * Completes when this halt's guests and tasks have all been read: at once,
 * unless a symbol file they need was still being indexed at the halt. Finish
 * with [method@Hyperscope.Debugger.wait_for_tasks_finish].
 */
void
hs_debugger_wait_for_tasks (HsDebugger          *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));

  task = new_task (self, cancellable, callback, user_data, hs_debugger_wait_for_tasks);
  hs_engine_wait_for_tasks_async (self->engine, cancellable, tasks_done, task);
}

/**
 * hs_debugger_wait_for_tasks_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the task lists are whole
 */
gboolean
hs_debugger_wait_for_tasks_finish (HsDebugger    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return boolean_finish (self, result, hs_debugger_wait_for_tasks, error);
}

/**
 * hs_debugger_wait_for_tasks_sync:
 * @self: a debugger
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Blocks until this halt's task lists are whole.
 *
 * Returns: whether the task lists are whole
 */
gboolean
hs_debugger_wait_for_tasks_sync (HsDebugger    *self,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);

  hs_debugger_wait_for_tasks (self, cancellable, store_result, &result);
  return hs_debugger_wait_for_tasks_finish (self, block_on (self, &result), error);
}

/* commands */

static void
command_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *output = hs_interp_execute_finish (HS_INTERP (object), result, &error);

  if (output == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, output, g_free);
}

/**
 * hs_debugger_run_command:
 * @self: a debugger
 * @line: one command line, TRACE32's syntax ("TASK.List /MACHINE 2", "DO file.cmm")
 * @cancellable: (nullable): to stop it (a WAIT, a Break on a busy host)
 * @callback: (scope async): called on the main context when it is done
 * @user_data: (closure callback): for @callback
 *
 * Runs one command, exactly as the window's command line and `--batch` do.
 * Finish with [method@Hyperscope.Debugger.run_command_finish].
 */
void
hs_debugger_run_command (HsDebugger          *self,
                         const char          *line,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (line != NULL);

  task = new_task (self, cancellable, callback, user_data, hs_debugger_run_command);
  hs_interp_execute_async (self->interp, line, cancellable, command_done, task);
}

/**
 * hs_debugger_run_command_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): what the command printed (possibly empty), or
 *   %NULL with its error
 */
char *
hs_debugger_run_command_finish (HsDebugger    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return pointer_finish (self, result, hs_debugger_run_command, error);
}

/**
 * hs_debugger_run_command_sync:
 * @self: a debugger
 * @line: one command line ("TASK.List", "Register.view /CORE 0", ...)
 * @cancellable: (nullable): to stop it
 * @error: return location for an error
 *
 * Runs one command, blocking until it is done.
 *
 * Returns: (transfer full): what the command printed, or %NULL with its error
 */
char *
hs_debugger_run_command_sync (HsDebugger    *self,
                              const char    *line,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (line != NULL, NULL);

  hs_debugger_run_command (self, line, cancellable, store_result, &result);
  return hs_debugger_run_command_finish (self, block_on (self, &result), error);
}

/* ---- the objects ---------------------------------------------------------------------------- */

/**
 * hs_debugger_get_cores:
 * @self: a debugger
 *
 * Returns: (transfer none): the target's cores ([class@Hyperscope.Core]),
 *   updated in place at each halt; empty before attach
 */
GListModel *
hs_debugger_get_cores (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_cores (self->engine);
}

/**
 * hs_debugger_get_core:
 * @self: a debugger
 * @index: the core's number, from 0
 *
 * Returns: (transfer none) (nullable): the core, or %NULL if there is no such core
 */
HsCore *
hs_debugger_get_core (HsDebugger *self,
                      guint       index)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_core (self->engine, index);
}

/**
 * hs_debugger_get_core_registers:
 * @self: a debugger
 * @index: the core's number, from 0
 * @error: return location for an error
 *
 * The registers of a halted core, as read at the last halt: a dictionary
 * from the register's name ("x0", "pc", "cpsr", "VTTBR_EL2", ...) to its
 * value. Registers that could not be read are left out.
 *
 * Returns: (transfer full): an `a{st}` dictionary, or %NULL with an error
 */
GVariant *
hs_debugger_get_core_registers (HsDebugger  *self,
                                guint        index,
                                GError     **error)
{
  HsCore *core;
  GPtrArray *infos;
  GVariantBuilder builder;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);

  core = hs_engine_get_core (self->engine, index);
  infos = hs_engine_get_register_infos (self->engine);
  if (core == NULL || infos == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                   "no core %u: the target has %u cores (attach first)", index,
                   hs_engine_get_n_cores (self->engine));
      return NULL;
    }
  if (hs_core_get_state (core) != HS_CORE_STATE_HALTED)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                   "core %u is not halted: halt the target first", index);
      return NULL;
    }
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{st}"));
  for (guint i = 0; i < MIN (infos->len, hs_core_get_n_registers (core)); i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (infos, i);
      guint64 value;

      if (hs_core_get_register (core, i, &value))
        g_variant_builder_add (&builder, "{st}", info->name, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * hs_debugger_get_machines:
 * @self: a debugger
 *
 * Returns: (transfer none): the machines ([class@Hyperscope.Machine]): 0 the
 *   hypervisor, then one per guest, updated in place at each halt
 */
GListModel *
hs_debugger_get_machines (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_machines (self->engine);
}

/**
 * hs_debugger_get_machine:
 * @self: a debugger
 * @id: the machine's number (0: the hypervisor)
 * @error: return location for an error
 *
 * Returns: (transfer none): the machine, or %NULL with an error naming the
 *   machines there are
 */
HsMachine *
hs_debugger_get_machine (HsDebugger  *self,
                         guint        id,
                         GError     **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);

  if (!hs_engine_check_machine (self->engine, id, error))
    return NULL;
  return hs_engine_get_machine (self->engine, id);
}

/**
 * hs_debugger_get_tasks:
 * @self: a debugger
 *
 * Returns: (transfer none): every task of every guest ([class@Hyperscope.Task]),
 *   as read at the last halt and updated in place at each halt
 */
GListModel *
hs_debugger_get_tasks (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_tasks (self->engine);
}

/**
 * hs_debugger_list_tasks:
 * @self: a debugger
 * @machine: a guest machine's number
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type HsTask): the tasks of one
 *   guest, or %NULL with an error when there is no such machine
 */
GPtrArray *
hs_debugger_list_tasks (HsDebugger  *self,
                        guint        machine,
                        GError     **error)
{
  GListModel *tasks;
  GPtrArray *list;
  guint n;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);

  if (!hs_engine_check_machine (self->engine, machine, error))
    return NULL;
  tasks = hs_engine_get_tasks (self->engine);
  n = g_list_model_get_n_items (tasks);
  list = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (tasks, i);

      if (hs_task_get_machine (task) == machine)
        g_ptr_array_add (list, g_steal_pointer (&task));
    }
  return list;
}

/**
 * hs_debugger_find_task:
 * @self: a debugger
 * @machine: the guest machine's number
 * @which: the task's name or pid ("linux1_counter", "94")
 * @error: return location for an error
 *
 * Returns: (transfer none): the task, or %NULL with an error
 */
HsTask *
hs_debugger_find_task (HsDebugger  *self,
                       guint        machine,
                       const char  *which,
                       GError     **error)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (which != NULL, NULL);

  if (!hs_engine_check_machine (self->engine, machine, error))
    return NULL;
  return hs_engine_find_task (self->engine, machine, which, error);
}

/**
 * hs_debugger_get_current_task:
 * @self: a debugger
 *
 * Returns: (transfer none) (nullable): the task the stopping core ran at the
 *   last halt, or %NULL (in the hypervisor, running, or not attached)
 */
HsTask *
hs_debugger_get_current_task (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_current_task (self->engine);
}

/* ---- a task's registers and frames -------------------------------------------------------- */

typedef struct
{
  GVariant *value;
  char *text;
} Pair;

static void
pair_free (gpointer data)
{
  Pair *p = data;

  g_clear_pointer (&p->value, g_variant_unref);
  g_free (p->text);
  g_free (p);
}

static GVariant *
registers_variant (const HsTaskRegisters *regs)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{st}"));
  for (guint i = 0; i < 31; i++)
    if (regs->x_valid[i])
      {
        g_autofree char *name = g_strdup_printf ("x%u", i);

        g_variant_builder_add (&builder, "{st}", name, regs->x[i]);
      }
  if (regs->sp_valid)
    g_variant_builder_add (&builder, "{st}", "sp", regs->sp);
  if (regs->pc_valid)
    g_variant_builder_add (&builder, "{st}", "pc", regs->pc);
  if (regs->cpsr_valid)
    g_variant_builder_add (&builder, "{st}", "cpsr", regs->cpsr);
  if (regs->has_user)
    {
      for (guint i = 0; i < 31; i++)
        {
          g_autofree char *name = g_strdup_printf ("user.x%u", i);

          g_variant_builder_add (&builder, "{st}", name, regs->user_x[i]);
        }
      g_variant_builder_add (&builder, "{st}", "user.sp", regs->user_sp);
      g_variant_builder_add (&builder, "{st}", "user.pc", regs->user_pc);
      g_variant_builder_add (&builder, "{st}", "user.pstate", regs->user_pstate);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
registers_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(HsTaskRegisters) regs = hs_engine_task_registers_finish (HS_ENGINE (object), result,
                                                                     &error);
  Pair *p;

  if (regs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  p = g_new0 (Pair, 1);
  p->value = registers_variant (regs);
  p->text = g_strdup (regs->source);
  g_task_return_pointer (task, p, pair_free);
}

/**
 * hs_debugger_task_registers:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context with the registers
 * @user_data: (closure callback): for @callback
 *
 * Reads a task's registers where the task keeps them: live from the core
 * that runs it, as Xen saved them for the vCPU it is current on, or its saved
 * switch context if it sleeps. The target must be halted. Finish with
 * [method@Hyperscope.Debugger.task_registers_finish].
 */
void
hs_debugger_task_registers (HsDebugger          *self,
                            HsTask              *task,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *gtask;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (HS_IS_TASK (task));

  gtask = new_task (self, cancellable, callback, user_data, hs_debugger_task_registers);
  hs_engine_task_registers_async (self->engine, task, cancellable, registers_done, gtask);
}

/**
 * hs_debugger_task_registers_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @source: (out) (optional) (transfer full): where they came from, in words
 * @error: return location for an error
 *
 * The registers as a dictionary from name to value: "x0" ... "x30", "sp",
 * "pc", "cpsr" (those known where the task keeps them) and, when the task
 * entered the kernel from user space, "user.x0" ... "user.pc",
 * "user.pstate" from its pt_regs.
 *
 * Returns: (transfer full): an `a{st}` dictionary, or %NULL with an error
 */
GVariant *
hs_debugger_task_registers_finish (HsDebugger    *self,
                                   GAsyncResult  *result,
                                   char         **source,
                                   GError       **error)
{
  Pair *p = pointer_finish (self, result, hs_debugger_task_registers, error);
  GVariant *value;

  if (p == NULL)
    return NULL;
  value = g_steal_pointer (&p->value);
  if (source != NULL)
    *source = g_steal_pointer (&p->text);
  pair_free (p);
  return value;
}

/**
 * hs_debugger_task_registers_sync:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @source: (out) (optional) (transfer full): where they came from, in words
 * @error: return location for an error
 *
 * Reads a task's registers, blocking; see
 * [method@Hyperscope.Debugger.task_registers_finish].
 *
 * Returns: (transfer full): an `a{st}` dictionary, or %NULL with an error
 */
GVariant *
hs_debugger_task_registers_sync (HsDebugger    *self,
                                 HsTask        *task,
                                 GCancellable  *cancellable,
                                 char         **source,
                                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (HS_IS_TASK (task), NULL);

  hs_debugger_task_registers (self, task, cancellable, store_result, &result);
  return hs_debugger_task_registers_finish (self, block_on (self, &result), source, error);
}

static GVariant *
frames_variant (GArray *frames)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < frames->len; i++)
    {
      const HsFrame *f = &g_array_index (frames, HsFrame, i);
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "level", "u", f->level);
      g_variant_dict_insert (&dict, "pc", "t", f->pc);
      g_variant_dict_insert (&dict, "sp", "t", f->sp);
      g_variant_dict_insert (&dict, "method", "s", hs_frame_method_to_string (f->method));
      if (f->function != NULL)
        {
          g_variant_dict_insert (&dict, "function", "s", f->function);
          g_variant_dict_insert (&dict, "offset", "t", f->offset);
        }
      if (f->file != NULL)
        {
          g_variant_dict_insert (&dict, "file", "s", f->file);
          g_variant_dict_insert (&dict, "line", "u", f->line);
        }
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
frames_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(GArray) frames = hs_engine_task_frames_finish (HS_ENGINE (object), result, &stop,
                                                           &error);
  Pair *p;

  if (frames == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  p = g_new0 (Pair, 1);
  p->value = frames_variant (frames);
  p->text = g_steal_pointer (&stop);
  g_task_return_pointer (task, p, pair_free);
}

/**
 * hs_debugger_task_frames:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context with the frames
 * @user_data: (closure callback): for @callback
 *
 * Unwinds a task's call stack from its registers (as `Frame.view` does). The
 * target must be halted. Finish with
 * [method@Hyperscope.Debugger.task_frames_finish].
 */
void
hs_debugger_task_frames (HsDebugger          *self,
                         HsTask              *task,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *gtask;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (HS_IS_TASK (task));

  gtask = new_task (self, cancellable, callback, user_data, hs_debugger_task_frames);
  hs_engine_task_frames_async (self->engine, task, cancellable, frames_done, gtask);
}

/**
 * hs_debugger_task_frames_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @stop_reason: (out) (optional) (transfer full) (nullable): why the unwind
 *   stopped, in words
 * @error: return location for an error
 *
 * The frames, innermost first, each a dictionary: "level" (u), "pc" (t),
 * "sp" (t, 0 when unknown), "method" (s: how it was found), and where known
 * "function" (s) with "offset" (t), "file" (s) with "line" (u).
 *
 * Returns: (transfer full): an `aa{sv}` array, or %NULL with an error
 */
GVariant *
hs_debugger_task_frames_finish (HsDebugger    *self,
                                GAsyncResult  *result,
                                char         **stop_reason,
                                GError       **error)
{
  Pair *p = pointer_finish (self, result, hs_debugger_task_frames, error);
  GVariant *value;

  if (p == NULL)
    return NULL;
  value = g_steal_pointer (&p->value);
  if (stop_reason != NULL)
    *stop_reason = g_steal_pointer (&p->text);
  pair_free (p);
  return value;
}

/**
 * hs_debugger_task_frames_sync:
 * @self: a debugger
 * @task: a task of a guest
 * @cancellable: (nullable): to give up
 * @stop_reason: (out) (optional) (transfer full) (nullable): why the unwind
 *   stopped, in words
 * @error: return location for an error
 *
 * Unwinds a task's call stack, blocking; see
 * [method@Hyperscope.Debugger.task_frames_finish].
 *
 * Returns: (transfer full): an `aa{sv}` array, or %NULL with an error
 */
GVariant *
hs_debugger_task_frames_sync (HsDebugger    *self,
                              HsTask        *task,
                              GCancellable  *cancellable,
                              char         **stop_reason,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (HS_IS_TASK (task), NULL);

  hs_debugger_task_frames (self, task, cancellable, store_result, &result);
  return hs_debugger_task_frames_finish (self, block_on (self, &result), stop_reason, error);
}

/* ---- memory ------------------------------------------------------------------------------- */

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(HsMemoryRead) read = hs_engine_read_finish (HS_ENGINE (object), result, &error);

  if (read == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A script gets all the bytes it asked for, or why not. */
  if (read->fault != NULL)
    {
      g_autofree char *where = hs_address_format (&read->address);

      g_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "cannot read %" G_GSIZE_FORMAT " bytes at %s: %s",
                               g_bytes_get_size (read->data), where, read->fault);
      return;
    }
  g_task_return_pointer (task, g_bytes_ref (read->data), (GDestroyNotify) g_bytes_unref);
}

/**
 * hs_debugger_read_memory:
 * @self: a debugger
 * @address: any address form: "2:::init_task", "2:::0x1f3::0xffff800008000000",
 *   "A:0x40000000" (host physical), "I:2:::0x41000000" (guest physical)
 * @length: how many bytes
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context with the bytes
 * @user_data: (closure callback): for @callback
 *
 * Reads memory through the named machine's and space's translation (stage 1
 * and stage 2 walked by the engine). Symbols in @address are resolved in the
 * machine it names. The target must be halted. Finish with
 * [method@Hyperscope.Debugger.read_memory_finish].
 */
void
hs_debugger_read_memory (HsDebugger          *self,
                         const char          *address,
                         gsize                length,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  HsAddress where;
  GError *error = NULL;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (address != NULL);

  task = new_task (self, cancellable, callback, user_data, hs_debugger_read_memory);
  if (!hs_interp_resolve_address (self->interp, address, &where, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (length == 0 || hs_address_range_wraps (where.offset, length))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "cannot read %" G_GSIZE_FORMAT " bytes at %s: give a length of 1 "
                               "or more that stays below the top of the address space",
                               length, address);
      g_object_unref (task);
      return;
    }
  hs_engine_read_async (self->engine, &where, length, cancellable, read_done, task);
}

/**
 * hs_debugger_read_memory_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the bytes, or %NULL with an error (naming the
 *   fault when some bytes could not be read)
 */
GBytes *
hs_debugger_read_memory_finish (HsDebugger    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return pointer_finish (self, result, hs_debugger_read_memory, error);
}

/**
 * hs_debugger_read_memory_sync:
 * @self: a debugger
 * @address: any address form ("2:::init_task", "A:0x40000000", ...)
 * @length: how many bytes
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Reads memory, blocking; see [method@Hyperscope.Debugger.read_memory].
 *
 * Returns: (transfer full): the bytes, or %NULL with an error
 */
GBytes *
hs_debugger_read_memory_sync (HsDebugger    *self,
                              const char    *address,
                              gsize          length,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  hs_debugger_read_memory (self, address, length, cancellable, store_result, &result);
  return hs_debugger_read_memory_finish (self, block_on (self, &result), error);
}

static void
write_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = hs_engine_write_finish (HS_ENGINE (object), result, &error);

  boolean_done (user_data, ok, error);
}

/**
 * hs_debugger_write_memory:
 * @self: a debugger
 * @address: any address form ("2:::init_task", "A:0x40000000", ...)
 * @data: the bytes to write
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context when written
 * @user_data: (closure callback): for @callback
 *
 * Writes memory through the named machine's and space's translation. The
 * target must be halted. Finish with
 * [method@Hyperscope.Debugger.write_memory_finish].
 */
void
hs_debugger_write_memory (HsDebugger          *self,
                          const char          *address,
                          GBytes              *data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  HsAddress where;
  GError *error = NULL;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (data != NULL);

  task = new_task (self, cancellable, callback, user_data, hs_debugger_write_memory);
  if (!hs_interp_resolve_address (self->interp, address, &where, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (g_bytes_get_size (data) == 0 || hs_address_range_wraps (where.offset,
                                                               g_bytes_get_size (data)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "cannot write %" G_GSIZE_FORMAT " bytes at %s: give 1 byte or "
                               "more that stay below the top of the address space",
                               g_bytes_get_size (data), address);
      g_object_unref (task);
      return;
    }
  hs_engine_write_async (self->engine, &where, data, cancellable, write_done, task);
}

/**
 * hs_debugger_write_memory_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether every byte was written
 */
gboolean
hs_debugger_write_memory_finish (HsDebugger    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return boolean_finish (self, result, hs_debugger_write_memory, error);
}

/**
 * hs_debugger_write_memory_sync:
 * @self: a debugger
 * @address: any address form ("2:::init_task", "A:0x40000000", ...)
 * @data: the bytes to write
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Writes memory, blocking; see [method@Hyperscope.Debugger.write_memory].
 *
 * Returns: whether every byte was written
 */
gboolean
hs_debugger_write_memory_sync (HsDebugger    *self,
                               const char    *address,
                               GBytes        *data,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  hs_debugger_write_memory (self, address, data, cancellable, store_result, &result);
  return hs_debugger_write_memory_finish (self, block_on (self, &result), error);
}

/* ---- symbols ------------------------------------------------------------------------------ */

/**
 * hs_debugger_lookup_symbol:
 * @self: a debugger
 * @machine: the machine whose symbols to search (0: the hypervisor's)
 * @name: a symbol ("init_task", "do_nanosleep")
 * @error: return location for an error
 *
 * The address of a symbol in a machine's kernel (its bound ELF file, at its
 * load offset and KASLR slide).
 *
 * Returns: the address; 0 with an error when the machine or symbol is unknown
 */
guint64
hs_debugger_lookup_symbol (HsDebugger  *self,
                           guint        machine,
                           const char  *name,
                           GError     **error)
{
  guint64 address = 0;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  if (!hs_engine_check_machine (self->engine, machine, error)
      || !hs_engine_lookup_symbol (self->engine, machine, 0, name, &address, error))
    return 0;
  return address;
}

/**
 * hs_debugger_symbolize:
 * @self: a debugger
 * @machine: the machine whose symbols to search
 * @address: a virtual address in that machine's kernel
 *
 * Returns: (transfer full) (nullable): "name+0xoffset" for @address, or %NULL
 *   when no symbol of that machine covers it
 */
char *
hs_debugger_symbolize (HsDebugger *self,
                       guint       machine,
                       guint64     address)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_symbolize (self->engine, machine, 0, address);
}

/* ---- breakpoints -------------------------------------------------------------------------- */

/**
 * hs_debugger_get_breakpoints:
 * @self: a debugger
 *
 * Returns: (transfer none): the breakpoints ([class@Hyperscope.Breakpoint]),
 *   in the order they were set
 */
GListModel *
hs_debugger_get_breakpoints (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_breakpoints (self->engine);
}

/**
 * hs_debugger_add_breakpoint:
 * @self: a debugger
 * @location: any address form ("1:::dummy_get_stats64", "0:::0x2345e0")
 * @machine: the machine it stops in, or -1 for any (QEMU's stub matches the
 *   virtual pc in every machine; hits elsewhere are stepped past)
 * @task: (nullable): the only task it stops in, or %NULL for any
 * @error: return location for an error
 *
 * Sets a breakpoint (`Break.Set location /MACHINE machine /TASK task`). Set
 * while the target runs, it is planted at once. When it stops the target,
 * [signal@Hyperscope.Debugger::breakpoint-hit] is emitted with it.
 *
 * Returns: (transfer none): the breakpoint (owned by the debugger until
 *   removed), or %NULL with an error
 */
HsBreakpoint *
hs_debugger_add_breakpoint (HsDebugger  *self,
                            const char  *location,
                            gint         machine,
                            HsTask      *task,
                            GError     **error)
{
  HsAddress address;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (location != NULL, NULL);
  g_return_val_if_fail (task == NULL || HS_IS_TASK (task), NULL);

  if (machine < -1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "cannot set a breakpoint at %s for machine %d: give a machine number, or -1 "
                   "for any", location, machine);
      return NULL;
    }
  if (machine >= 0 && !hs_engine_check_machine (self->engine, (guint) machine, error))
    return NULL;
  if (task != NULL)
    {
      if (machine >= 0 && (guint) machine != hs_task_get_machine (task))
        {
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_TASK,
                       "cannot set a breakpoint at %s: task %s runs in machine %u, not %d",
                       location, hs_task_get_name (task), hs_task_get_machine (task), machine);
          return NULL;
        }
      machine = (gint) hs_task_get_machine (task);
    }
  if (!hs_interp_resolve_address (self->interp, location, &address, error))
    return NULL;
  return hs_engine_add_breakpoint (self->engine, &address, location, HS_BREAKPOINT_SOFTWARE,
                                   machine, task ? hs_task_get_pid (task) : -1,
                                   task ? hs_task_get_name (task) : NULL, error);
}

/**
 * hs_debugger_remove_breakpoint:
 * @self: a debugger
 * @breakpoint: one of its breakpoints
 *
 * Deletes a breakpoint; it is taken out of the target at once if planted.
 */
void
hs_debugger_remove_breakpoint (HsDebugger   *self,
                               HsBreakpoint *breakpoint)
{
  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (HS_IS_BREAKPOINT (breakpoint));

  hs_engine_remove_breakpoint (self->engine, breakpoint);
}
