/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine.c: run control and the per-halt snapshot.
 *
 * All probe I/O runs on one worker thread, one job at a time, so the wire
 * sees requests in the order the user made them. While the target runs the
 * worker sits in hs_probe_wait_stop(); Break reaches the probe directly
 * (hs_probe_interrupt() is safe from any thread) and the waiting job then
 * reads the new snapshot and hands it to the main context.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-engine.h"
#include "hs-core.h"
#include "hs-engine-private.h"
#include "hs-arm64.h"

#include <string.h>

/* Long enough for TCG to retire one instruction; a core in WFI never does. */
#define STEP_TIMEOUT_MS   2000
/* The worker's own interrupts (a step that never ended): a stub this slow is wedged. */
#define HALT_TIMEOUT_MS   30000
/* A Break slower than this is shown as waiting (a busy host), never failed for it. */
#define HALT_WAITING_MS   1000

G_DEFINE_FINAL_TYPE (HsEngine, hs_engine, G_TYPE_OBJECT)
G_DEFINE_QUARK (hs-engine-error-quark, hs_engine_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_CURRENT_CORE,
  PROP_TARGET_NAME,
  PROP_CURRENT_TASK,
  PROP_WAITING_FOR_HALT,
  N_PROPS
};

enum {
  HALTED,
  RESUMED,
  DETACHED,
  REGISTERS_WRITTEN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
hs_engine_snapshot_free (Snapshot *snap)
{
  g_clear_pointer (&snap->guests, g_array_unref);
  g_clear_pointer (&snap->current_vcpus, g_free);
  g_clear_pointer (&snap->tasks, g_array_unref);
  g_clear_pointer (&snap->modules, g_hash_table_unref);
  if (snap->module_notes)
    g_string_free (g_steal_pointer (&snap->module_notes), TRUE);
  g_clear_pointer (&snap->slide_notes, g_hash_table_unref);
  if (snap->task_notes)
    g_string_free (g_steal_pointer (&snap->task_notes), TRUE);
  g_clear_error (&snap->discovery_error);
  g_free (snap->guests_note);
  g_free (snap->values);
  g_free (snap->valid);
  g_clear_error (&snap->step_error);
  g_clear_pointer (&snap->filtered, g_hash_table_unref);
  g_clear_pointer (&snap->passed, g_hash_table_unref);
  g_free (snap);
}

const char *
hs_engine_state_to_string (HsEngineState state)
{
  switch (state)
    {
    case HS_ENGINE_STATE_DETACHED: return "detached";
    case HS_ENGINE_STATE_ATTACHING: return "attaching";
    case HS_ENGINE_STATE_RUNNING: return "running";
    case HS_ENGINE_STATE_HALTED: return "halted";
    default: return "unknown";
    }
}

/* ---- jobs ------------------------------------------------------------------------------- */

void
hs_engine_queue_job (HsEngine       *self,
                     GTask          *task,
                     HsJobFunc       func,
                     gpointer        data,
                     GDestroyNotify  data_free)
{
  hs_target_push (self->target, func, data, data_free, task);
}

/* ---- state ------------------------------------------------------------------------------ */

void
hs_engine_set_state (HsEngine      *self,
                     HsEngineState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_cores_state (HsEngine    *self,
                 HsCoreState  state)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cores));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsCore) core = g_list_model_get_item (G_LIST_MODEL (self->cores), i);

      hs_core_set_state (core, state);
    }
}

/* A Break someone waits for; main thread only. */
typedef struct
{
  HsEngine *self;
  GTask *task;
  gulong cancelled_id;
} PendingHalt;

static void
set_waiting_for_halt (HsEngine *self,
                      gboolean  waiting)
{
  if (self->waiting_for_halt == waiting)
    return;
  self->waiting_for_halt = waiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_FOR_HALT]);
}

/* Hands back the pending halts, none left behind. */
static GList *
take_pending_halts (HsEngine *self)
{
  GList *pending = g_steal_pointer (&self->pending_halts);

  g_clear_handle_id (&self->halt_timeout_id, g_source_remove);
  set_waiting_for_halt (self, FALSE);
  for (GList *l = pending; l; l = l->next)
    {
      PendingHalt *ph = l->data;
      GCancellable *cancellable = g_task_get_cancellable (ph->task);

      if (cancellable != NULL && ph->cancelled_id != 0)
        g_cancellable_disconnect (cancellable, ph->cancelled_id);
      ph->cancelled_id = 0;
    }
  return pending;
}

static void
pending_halt_free (PendingHalt *ph)
{
  g_object_unref (ph->task);
  g_free (ph);
}

void
hs_engine_fail_pending_halts (HsEngine     *self,
                              const GError *error)
{
  GList *pending = take_pending_halts (self);

  for (GList *l = pending; l; l = l->next)
    g_task_return_error (((PendingHalt *) l->data)->task, g_error_copy (error));
  g_list_free_full (pending, (GDestroyNotify) pending_halt_free);
}

static void
complete_pending_halts (HsEngine *self)
{
  GList *pending = take_pending_halts (self);

  for (GList *l = pending; l; l = l->next)
    g_task_return_boolean (((PendingHalt *) l->data)->task, TRUE);
  g_list_free_full (pending, (GDestroyNotify) pending_halt_free);
}

/* The probe is gone (QEMU killed, cable pulled): say so once and keep everything else. */
void
hs_engine_connection_lost (HsEngine     *self,
                           const GError *error)
{
  if (self->state == HS_ENGINE_STATE_DETACHED)
    return;
  g_debug ("detached: %s", error->message);
  /* The socket is closed by the worker, the thread that reads it. */
  hs_engine_queue_job (self, NULL, hs_target_close_job, NULL, NULL);
  hs_engine_fail_pending_halts (self, error);
  hs_engine_mark_detached (self, error);
}

/* Everything that showed a target shows none; @why: the error that ended it, or NULL. */
void
hs_engine_mark_detached (HsEngine     *self,
                         const GError *why)
{
  g_cancellable_cancel (self->tasks_cancellable);
  hs_engine_set_tasks_pending (self, FALSE);
  set_cores_state (self, HS_CORE_STATE_UNKNOWN);
  hs_engine_set_state (self, HS_ENGINE_STATE_DETACHED);
  g_signal_emit (self, signals[DETACHED], 0, why);
}

void
hs_engine_take_target_name (HsEngine *self,
                            char     *name)
{
  g_free (self->target_name);
  self->target_name = name;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET_NAME]);
}

gboolean
hs_engine_is_connection_error (const GError *error)
{
  return g_error_matches (error, HS_PROBE_ERROR, HS_PROBE_ERROR_CONNECTION_LOST)
         || g_error_matches (error, HS_PROBE_ERROR, HS_PROBE_ERROR_NOT_CONNECTED);
}

/* The task a core runs inside its guest; NULL while the core is in Xen, whatever vCPU it
 * holds: what it executes then is Xen's. */
HsTask *
hs_engine_find_core_task (HsEngine *self,
                          guint     core)
{
  HsCore *c = hs_engine_get_core (self, core);

  if (c == NULL || hs_core_get_exception_level (c) < 0 || hs_core_get_exception_level (c) >= 2)
    return NULL;
  return hs_guest_model_find_core_task (self->guest_model, core);
}

void
hs_engine_apply_snapshot (HsEngine *self,
                          Snapshot *snap,
                          gboolean  notify)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cores));
  HsCore *stopped = NULL;

  for (guint c = 0; c < MIN (n, snap->n_cores); c++)
    {
      g_autoptr(HsCore) core = g_list_model_get_item (G_LIST_MODEL (self->cores), c);
      HsStopReason reason = c == snap->stop.core ? snap->stop.reason : HS_STOP_REASON_NONE;

      hs_core_set_snapshot (core, snap->values + (gsize) c * snap->n_registers,
                            snap->valid + (gsize) c * snap->n_registers, reason);
      if (c == snap->stop.core)
        stopped = core;
    }
  self->last_stop = snap->stop;
  self->halt_generation++;
  if (snap->tasks_partial)
    {
      /* What the views show now; the whole lists follow on the worker, or with the guests once
       * Xen's index is ready. Pending goes straight to TRUE: passing through FALSE would
       * release commands waiting for whole lists onto half-updated ones. */
      hs_engine_note_guests (self, snap);
      hs_guest_model_apply_first (self->guest_model, snap->guests, snap->current_vcpus,
                                  snap->n_cores, snap->tasks, snap->tasks_machine);
      if (snap->deferred)
        {
          g_cancellable_cancel (self->tasks_cancellable);
          hs_engine_set_tasks_pending (self, TRUE);
        }
      else
        hs_engine_read_all_tasks (self, snap->tasks_machine);
    }
  else
    {
      hs_engine_set_tasks_pending (self, snap->deferred);
      hs_engine_apply_guests (self, snap);
    }
  hs_engine_apply_breakpoint_hit (self, snap);
  hs_engine_set_state (self, HS_ENGINE_STATE_HALTED);
  /* The core that stopped the target, and the task it ran, are what the user wants to see. */
  hs_engine_set_current_core (self, snap->stop.reason != HS_STOP_REASON_ATTACH
                                     && snap->stop.core < n ? snap->stop.core
                                                            : self->current_core);
  /* Views first, then whoever waited for the halt: they read what the views show. */
  if (notify && stopped != NULL)
    g_signal_emit (self, signals[HALTED], 0, stopped, snap->stop.reason);
  hs_engine_watches_halted (self);
  complete_pending_halts (self);
}

/* ---- run -------------------------------------------------------------------------------- */



void
hs_run_data_free (gpointer data)
{
  RunData *rd = data;

  g_clear_object (&rd->go_task);
  g_clear_pointer (&rd->plan, hs_run_plan_free);
  g_free (rd);
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(Snapshot) snap = g_task_propagate_pointer (G_TASK (result), &error);

  g_atomic_int_set (&self->target->halt_requested, FALSE);
  if (snap == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (!hs_engine_is_connection_error (error) && hs_probe_is_connected (self->probe)
          && !g_error_matches (error, HS_PROBE_ERROR, HS_PROBE_ERROR_RUNNING))
        {
          /* The resume itself was refused: the target never left its halt. */
          g_debug ("resume failed: %s", error->message);
          hs_engine_fail_pending_halts (self, error);
          set_cores_state (self, HS_CORE_STATE_HALTED);
          hs_engine_set_state (self, HS_ENGINE_STATE_HALTED);
          return;
        }
      hs_engine_connection_lost (self, error);
      return;
    }
  hs_engine_apply_snapshot (self, snap, TRUE);
}

void
hs_engine_start_running (HsEngine         *self,
                         GTask            *go_task,
                         const HsHitScope *until)
{
  g_autoptr(GTask) task = NULL;
  RunData *rd;

  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();
  /* Running from now on for everyone on this thread, though the wire learns it a moment later. */
  g_atomic_int_set (&self->target->halt_requested, FALSE);
  set_cores_state (self, HS_CORE_STATE_RUNNING);
  hs_engine_set_state (self, HS_ENGINE_STATE_RUNNING);
  /* What the last halt still owed is moot now. */
  g_cancellable_cancel (self->tasks_cancellable);
  hs_engine_set_tasks_pending (self, FALSE);
  hs_engine_watches_resumed (self);
  g_signal_emit (self, signals[RESUMED], 0);
  task = g_task_new (self, self->run_cancellable, run_done, NULL);
  g_task_set_source_tag (task, hs_engine_start_running);
  rd = g_new0 (RunData, 1);
  rd->go_task = go_task ? g_object_ref (go_task) : NULL;
  rd->plan = hs_run_plan_new (self);
  /* A temporary breakpoint: lifted at the next stop like every other plant, and then gone. */
  if (until != NULL)
    hs_run_plan_add_temporary (rd->plan, until->address, until->machine, until->pid);
  hs_engine_queue_job (self, task, hs_target_run_job, rd, hs_run_data_free);
}

void
hs_engine_set_result_free (GTask          *job,
                           GDestroyNotify  free_result)
{
  g_object_set_data (G_OBJECT (job), "hs-free", free_result);
}

/*
 * The callback of a worker job whose user data is the caller's task: hands the job's
 * pointer result over with the free function set by hs_engine_set_result_free(), and
 * notices a lost connection on the way.
 */
void
hs_engine_forward_result (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  GError *error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  if (value == NULL)
    {
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_task_return_error (user_task, error);
      return;
    }
  g_task_return_pointer (user_task, value,
                         (GDestroyNotify) g_object_get_data (G_OBJECT (result), "hs-free"));
}

/* The caller's task, or NULL when the target is not halted: that task has already
 * returned the error that says so. */
GTask *
hs_engine_new_halted_task (HsEngine            *self,
                           gpointer             source_tag,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  if (!hs_engine_check_state (self, HS_ENGINE_STATE_HALTED, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return NULL;
    }
  return task;
}

gboolean
hs_engine_check_state (HsEngine       *self,
                       HsEngineState   wanted,
                       GError        **error)
{
  if (self->state == wanted)
    return TRUE;
  switch (self->state)
    {
    case HS_ENGINE_STATE_DETACHED:
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                   "not attached to a target (use --attach HOST:PORT or --demo)");
      break;
    case HS_ENGINE_STATE_ATTACHING:
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_BUSY, "still attaching to the target");
      break;
    case HS_ENGINE_STATE_RUNNING:
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                   "the target is running; halt it first (Break)");
      break;
    case HS_ENGINE_STATE_HALTED:
    default:
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_RUNNING,
                   "the target is already halted");
      break;
    }
  return FALSE;
}

void
hs_engine_go_async (HsEngine            *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = hs_engine_new_halted_task (self, hs_engine_go_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  hs_engine_start_running (self, task, NULL);
}

void
hs_engine_go_until_async (HsEngine            *self,
                          guint64              address,
                          gint                 machine,
                          gint                 task_pid,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HsHitScope until = { 0, address, machine, task_pid, NULL, 0, 0, NULL };

  g_return_if_fail (HS_IS_ENGINE (self));

  task = hs_engine_new_halted_task (self, hs_engine_go_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  hs_engine_start_running (self, task, &until);
}

gboolean
hs_engine_go_finish (HsEngine      *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
halt_waiting_cb (gpointer data)
{
  HsEngine *self = data;

  self->halt_timeout_id = 0;
  /* The interrupt is on the wire; the stub or a busy host is slow. Keep waiting, visibly. */
  set_waiting_for_halt (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* Main thread: the caller stopped waiting. The interrupt stays sent; if the target halts
 * later, it is shown halted like any other halt. */
static gboolean
halt_cancelled_idle (gpointer data)
{
  GTask *task = data;
  HsEngine *self = g_task_get_source_object (task);

  for (GList *l = self->pending_halts; l; l = l->next)
    {
      PendingHalt *ph = l->data;

      if (ph->task != task)
        continue;
      if (ph->cancelled_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), ph->cancelled_id);
      self->pending_halts = g_list_delete_link (self->pending_halts, l);
      g_task_return_new_error (ph->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "stopped waiting for the target to halt");
      pending_halt_free (ph);
      if (self->pending_halts == NULL)
        {
          g_clear_handle_id (&self->halt_timeout_id, g_source_remove);
          set_waiting_for_halt (self, FALSE);
        }
      break;
    }
  return G_SOURCE_REMOVE;
}

/* Any thread (whoever cancels): the pending list belongs to the main thread. */
static void
halt_cancelled (GCancellable *cancellable,
                gpointer      data)
{
  GTask *task = data;
  HsEngine *self = g_task_get_source_object (task);

  hs_context_post (self->main_context, halt_cancelled_idle, g_object_ref (task), g_object_unref);
}

void
hs_engine_halt_async (HsEngine            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  PendingHalt *ph;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_halt_async);
  if (self->state == HS_ENGINE_STATE_HALTED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!hs_engine_check_state (self, HS_ENGINE_STATE_RUNNING, &error)
      || g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* One byte on the wire; the run job waiting for the stop does the rest. */
  g_atomic_int_set (&self->target->halt_requested, TRUE);
  if (!hs_probe_interrupt (self->probe, &error))
    {
      g_task_return_error (task, g_error_copy (error));
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_error_free (error);
      return;
    }
  /* No deadline: a halt is slow only because the host is (a lost connection fails it). */
  ph = g_new0 (PendingHalt, 1);
  ph->self = self;
  ph->task = g_steal_pointer (&task);
  self->pending_halts = g_list_append (self->pending_halts, ph);
  if (cancellable != NULL)
    ph->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (halt_cancelled),
                                              ph->task, NULL);
  if (self->halt_timeout_id == 0 && !self->waiting_for_halt)
    self->halt_timeout_id = g_timeout_add (HALT_WAITING_MS, halt_waiting_cb, self);
}

/* Whether a Break has been waiting longer than a moment (the views say so). */
gboolean
hs_engine_get_waiting_for_halt (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return self->waiting_for_halt;
}

gboolean
hs_engine_halt_finish (HsEngine      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- step ------------------------------------------------------------------------------- */

static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Snapshot) snap = g_task_propagate_pointer (G_TASK (result), &error);

  if (snap == NULL)
    {
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_task_return_error (user_task, g_steal_pointer (&error));
      return;
    }
  hs_engine_apply_snapshot (self, snap, TRUE);
  if (snap->step_error)
    g_task_return_error (user_task, g_steal_pointer (&snap->step_error));
  else
    g_task_return_boolean (user_task, TRUE);
}

void
hs_engine_step_async (HsEngine            *self,
                      guint                core,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) job = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = hs_engine_new_halted_task (self, hs_engine_step_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  if (core >= hs_engine_get_n_cores (self))
    {
      g_task_return_new_error (task, HS_PROBE_ERROR, HS_PROBE_ERROR_NO_SUCH_CORE,
                               "core %u does not exist; the target has cores 0-%u", core,
                               hs_engine_get_n_cores (self) - 1);
      return;
    }
  job = g_task_new (self, NULL, step_done, g_steal_pointer (&task));
  hs_engine_queue_job (self, job, hs_target_step_job, GUINT_TO_POINTER (core), NULL);
}

gboolean
hs_engine_step_finish (HsEngine      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- memory ----------------------------------------------------------------------------- */


static void
read_physical_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  GError *error = NULL;
  GBytes *bytes = g_task_propagate_pointer (G_TASK (result), &error);

  if (bytes == NULL)
    {
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_task_return_error (user_task, error);
    }
  else
    g_task_return_pointer (user_task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
hs_engine_read_physical_async (HsEngine            *self,
                               guint64              address,
                               gsize                length,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) job = NULL;
  ReadRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = hs_engine_new_halted_task (self, hs_engine_read_physical_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  req = g_new0 (ReadRequest, 1);
  req->address = address;
  req->length = length;
  job = g_task_new (self, cancellable, read_physical_done, g_steal_pointer (&task));
  hs_engine_queue_job (self, job, hs_target_read_physical_job, req, g_free);
}

GBytes *
hs_engine_read_physical_finish (HsEngine      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- registers on demand ---------------------------------------------------------------- */


void
hs_all_registers_free (AllRegisters *r)
{
  g_free (r->values);
  g_free (r->valid);
  g_free (r);
}

static void
all_registers_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  GError *error = NULL;
  AllRegisters *r = g_task_propagate_pointer (G_TASK (result), &error);
  HsCore *core;

  if (r == NULL)
    {
      if (hs_engine_is_connection_error (error))
        hs_engine_connection_lost (self, error);
      g_task_return_error (user_task, error);
      return;
    }
  core = hs_engine_get_core (self, r->core);
  if (core)
    hs_core_fill_registers (core, r->values, r->valid);
  hs_all_registers_free (r);
  g_task_return_boolean (user_task, TRUE);
}

/* Reads every register of @core that the halt's snapshot left out (Register.view /ALL). */
void
hs_engine_read_all_registers_async (HsEngine            *self,
                                    guint                core,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) job = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = hs_engine_new_halted_task (self, hs_engine_read_all_registers_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  job = g_task_new (self, cancellable, all_registers_done, g_steal_pointer (&task));
  /* The rest of a core's registers: after what the views paint a halt with (its stack, its
   * code), never before it. */
  hs_target_push_background (self->target, hs_target_all_registers_job, GUINT_TO_POINTER (core),
                             NULL, job);
}

gboolean
hs_engine_read_all_registers_finish (HsEngine      *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- accessors -------------------------------------------------------------------------- */

HsEngineState
hs_engine_get_state (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), HS_ENGINE_STATE_DETACHED);
  return self->state;
}

/**
 * hs_engine_get_cores:
 *
 * Returns: (transfer none): a #GListModel of #HsCore, stable across halts.
 */
GListModel *
hs_engine_get_cores (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return G_LIST_MODEL (self->cores);
}

/* Returns: (transfer none) (nullable) */
HsCore *
hs_engine_get_core (HsEngine *self,
                    guint     index)
{
  g_autoptr(HsCore) core = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  core = g_list_model_get_item (G_LIST_MODEL (self->cores), index);
  /* The store keeps it alive. */
  return core;
}

guint
hs_engine_get_n_cores (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->cores));
}

guint
hs_engine_get_current_core (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), 0);
  return self->current_core;
}

void
hs_engine_set_current_core (HsEngine *self,
                            guint     core)
{
  g_return_if_fail (HS_IS_ENGINE (self));

  /* Choosing a core chooses what it runs, even when it was already the current core. */
  hs_engine_set_current_task (self, hs_engine_find_core_task (self, core));
  if (self->current_core == core)
    return;
  self->current_core = core;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_CORE]);
}

/* Returns: (transfer none) (nullable): the registers of every core, or NULL before attach. */
GPtrArray *
hs_engine_get_register_infos (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->register_infos;
}

gint
hs_engine_lookup_register (HsEngine   *self,
                           const char *name)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), -1);

  if (self->register_infos == NULL)
    return -1;
  for (guint i = 0; i < self->register_infos->len; i++)
    {
      const HsRegisterInfo *info = g_ptr_array_index (self->register_infos, i);

      if (g_ascii_strcasecmp (info->name, name) == 0)
        return (gint) i;
    }
  return -1;
}

void
hs_engine_emit_registers_written (HsEngine *self,
                                  guint     core)
{
  g_signal_emit (self, signals[REGISTERS_WRITTEN], 0, core);
}

HsTask *
hs_engine_get_current_task (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->current_task;
}

void
hs_engine_set_current_task (HsEngine *self,
                            HsTask   *task)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (task == NULL || HS_IS_TASK (task));

  if (g_set_object (&self->current_task, task))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_TASK]);
}

const HsStopEvent *
hs_engine_get_last_stop (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return &self->last_stop;
}

const char *
hs_engine_get_target_name (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->target_name;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hs_engine_dispose (GObject *object)
{
  HsEngine *self = HS_ENGINE (object);

  g_list_free_full (take_pending_halts (self), (GDestroyNotify) pending_halt_free);
  hs_engine_set_tasks_pending (self, FALSE);
  if (self->run_cancellable)
    g_cancellable_cancel (self->run_cancellable);
  hs_engine_watches_dispose (self);

  G_OBJECT_CLASS (hs_engine_parent_class)->dispose (object);
}

static void
hs_engine_finalize (GObject *object)
{
  HsEngine *self = HS_ENGINE (object);

  /* Joins the worker, which closes the probe: the run job was cancelled in dispose. */
  g_clear_pointer (&self->target, hs_target_free);
  hs_mutex_clear (&self->replan.lock);
  g_clear_pointer (&self->replan.plan, hs_run_plan_free);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->tasks_cancellable);
  g_clear_object (&self->probe);
  g_clear_object (&self->cores);
  g_clear_object (&self->current_task);
  hs_engine_breakpoints_finalize (self);
  hs_engine_machines_finalize (self);
  hs_engine_modules_finalize (self);
  hs_engine_watches_finalize (self);
  g_clear_pointer (&self->log_marks, g_hash_table_unref);
  g_clear_pointer (&self->register_infos, g_ptr_array_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_free (self->target_name);

  G_OBJECT_CLASS (hs_engine_parent_class)->finalize (object);
}

static void
hs_engine_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HsEngine *self = HS_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CURRENT_CORE:
      g_value_set_uint (value, self->current_core);
      break;
    case PROP_TARGET_NAME:
      g_value_set_string (value, self->target_name);
      break;
    case PROP_CURRENT_TASK:
      g_value_set_object (value, self->current_task);
      break;
    case PROP_WAITING_FOR_HALT:
      g_value_set_boolean (value, self->waiting_for_halt);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_engine_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HsEngine *self = HS_ENGINE (object);

  switch (prop_id)
    {
    case PROP_CURRENT_CORE:
      hs_engine_set_current_core (self, g_value_get_uint (value));
      break;
    case PROP_CURRENT_TASK:
      hs_engine_set_current_task (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_engine_class_init (HsEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hs_engine_dispose;
  object_class->finalize = hs_engine_finalize;
  object_class->get_property = hs_engine_get_property;
  object_class->set_property = hs_engine_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HS_TYPE_ENGINE_STATE, HS_ENGINE_STATE_DETACHED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CURRENT_CORE] =
    g_param_spec_uint ("current-core", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TARGET_NAME] =
    g_param_spec_string ("target-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CURRENT_TASK] =
    g_param_spec_object ("current-task", NULL, NULL, HS_TYPE_TASK,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HsEngine:waiting-for-halt:
   *
   * A Break has waited for the target longer than a moment (a busy host); it goes on
   * waiting until the target halts, the connection is lost or the caller cancels.
   */
  properties[PROP_WAITING_FOR_HALT] =
    g_param_spec_boolean ("waiting-for-halt", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsEngine::halted:
   * @core: the #HsCore whose stop halted the target
   * @reason: an #HsStopReason
   *
   * The target halted and every core's registers have been read.
   */
  signals[HALTED] =
    g_signal_new ("halted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, HS_TYPE_CORE, G_TYPE_INT);
  signals[RESUMED] =
    g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * HsEngine::detached:
   * @error: (nullable): why, when the connection was lost rather than closed
   */
  hs_engine_machines_class_init (object_class);

  /**
   * HsEngine::registers-written:
   * @core: the core whose registers the user changed
   */
  signals[REGISTERS_WRITTEN] =
    g_signal_new ("registers-written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[DETACHED] =
    g_signal_new ("detached", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hs_engine_init (HsEngine *self)
{
  self->cores = g_list_store_new (HS_TYPE_CORE);
  hs_engine_machines_init (self);
  hs_engine_modules_init (self);
  hs_engine_breakpoints_init (self);
  hs_engine_watches_init (self);
  self->main_context = g_main_context_ref_thread_default ();
  hs_mutex_init (&self->replan.lock);
  /* One worker: the wire sees requests in order. */
  self->target = hs_target_new (self->main_context, self->symbols, &self->replan);
}

HsEngine *
hs_engine_new (void)
{
  return g_object_new (HS_TYPE_ENGINE, NULL);
}
