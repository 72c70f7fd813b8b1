/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-machines.c: machines, the symbol files bound to them, and the
 * translation context each one needs.
 *
 * Machine 0 is Xen: its stage 1 (TTBR0_EL2/TCR_EL2) is the same on every
 * core. A guest that a halted core is running (EL0/EL1 with its VMID in
 * VTTBR_EL2) is translated with that core's live registers; any other guest
 * with the EL1 state Xen saved for its vCPU 0, found by walking Xen's
 * domain_list through machine 0's own translation.
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-sync.h"

#include "hs-engine-private.h"

#include <string.h>

enum {
  MACHINES_CHANGED,
  SYMBOLS_PROGRESS,
  N_SIGNALS
};

static guint machine_signals[N_SIGNALS];

/* ---- setup ------------------------------------------------------------------------------ */

static void
on_machines_changed (HsEngine *self)
{
  g_signal_emit (self, machine_signals[MACHINES_CHANGED], 0);
}

static void on_symbols_progress (HsEngine     *self,
                                 const char   *what,
                                 double        fraction);
static void on_symbols_indexed  (HsEngine     *self,
                                 HsSymbolFile *file);

void
hs_engine_machines_init (HsEngine *self)
{
  self->guest_model = hs_guest_model_new (G_LIST_MODEL (self->cores));
  /* The engine says it too, for views that bind to the engine. */
  g_signal_connect_object (self->guest_model, "machines-changed",
                           G_CALLBACK (on_machines_changed), self, G_CONNECT_SWAPPED);
  self->symbols = hs_symbol_scope_new ();
  g_signal_connect_object (self->symbols, "progress", G_CALLBACK (on_symbols_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->symbols, "indexed", G_CALLBACK (on_symbols_indexed), self,
                           G_CONNECT_SWAPPED);
}

void
hs_engine_machines_class_init (GObjectClass *klass)
{
  /**
   * HsEngine::machines-changed:
   *
   * Machines appeared, or their guest facts (domain, VMID, stage-2 base) changed.
   */
  machine_signals[MACHINES_CHANGED] =
    g_signal_new ("machines-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HsEngine::symbols-progress:
   * @what: e.g. "indexing DWARF of vmlinux"
   * @fraction: 0 to 1; 1 means done
   */
  machine_signals[SYMBOLS_PROGRESS] =
    g_signal_new ("symbols-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
}

void
hs_engine_machines_finalize (HsEngine *self)
{
  if (self->refresh_source != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->main_context,
                                                          self->refresh_source);

      if (source != NULL)
        g_source_destroy (source);
      self->refresh_source = 0;
    }
  g_clear_object (&self->guest_model);
  g_clear_object (&self->symbols);
  g_clear_pointer (&self->guests_note, g_free);
  g_clear_pointer (&self->slide_notes, g_hash_table_unref);
}

/* ---- machines (main thread) ------------------------------------------------------------- */

GListModel *
hs_engine_get_machines (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_guest_model_get_machines (self->guest_model);
}

HsGuestModel *
hs_engine_get_guest_model (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->guest_model;
}

/* Returns: (transfer none) (nullable) */
HsMachine *
hs_engine_get_machine (HsEngine *self,
                       guint     id)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_guest_model_get_machine (self->guest_model, id);
}

char *
hs_engine_describe_machines (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_guest_model_describe_machines (self->guest_model);
}

/* The machine a core is in: a guest's id by its VMID at EL0/EL1, else Xen's 0. */
guint
hs_engine_get_core_machine (HsEngine *self,
                            guint     core_index)
{
  HsCore *core;
  guint64 vttbr;
  int el;
  guint n;

  g_return_val_if_fail (HS_IS_ENGINE (self), 0);

  core = hs_engine_get_core (self, core_index);
  if (core == NULL || (el = hs_core_get_exception_level (core)) < 0 || el >= 2
      || !hs_core_get_register_by_name (core, "VTTBR_EL2", &vttbr))
    return 0;
  n = g_list_model_get_n_items (hs_engine_get_machines (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (hs_engine_get_machines (self), i);

      if (hs_machine_get_kind (m) == HS_MACHINE_GUEST
          && hs_machine_get_state (m) == HS_MACHINE_STATE_PRESENT
          && hs_machine_get_vmid (m) == (guint) (vttbr >> 48))
        return hs_machine_get_id (m);
    }
  return 0;
}

guint
hs_engine_get_current_machine (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), 0);
  /* A task chosen from the task list takes its machine along. */
  if (self->current_task != NULL)
    return hs_task_get_machine (self->current_task);
  return hs_engine_get_core_machine (self, self->current_core);
}

gboolean
hs_engine_check_machine (HsEngine  *self,
                         guint      id,
                         GError   **error)
{
  g_autofree char *known = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  if (hs_engine_get_machine (self, id) != NULL)
    return TRUE;
  known = hs_engine_describe_machines (self);
  g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE,
               "machine %u does not exist; machines: %s%s", id, known,
               g_list_model_get_n_items (hs_engine_get_machines (self)) == 1
                 ? " (guests appear at a halt once Xen's symbols are loaded for machine 0)" : "");
  return FALSE;
}

/* Main thread: machines, vCPUs and tasks become what the snapshot says. */
void
hs_engine_apply_guests (HsEngine *self,
                        Snapshot *snap)
{
  hs_engine_note_guests (self, snap);
  hs_guest_model_apply (self->guest_model, snap->guests, snap->current_vcpus, snap->n_cores,
                        snap->tasks, snap->task_notes ? snap->task_notes->str : NULL);
  hs_engine_apply_modules (self, snap);
}

/* A snapshot that read the guests (or failed to) says whether they are all there. */
void
hs_engine_note_guests (HsEngine *self,
                       Snapshot *snap)
{
  if (snap->slide_notes != NULL)
    {
      g_clear_pointer (&self->slide_notes, g_hash_table_unref);
      self->slide_notes = g_hash_table_ref (snap->slide_notes);
    }
  if (snap->guests == NULL && snap->guests_note == NULL)
    return;
  g_free (self->guests_note);
  self->guests_note = g_strdup (snap->guests_note);
}

/* Why @machine's kernel slide (KASLR) could not be found at the last halt, or NULL. */
const char *
hs_engine_get_slide_note (HsEngine *self,
                          guint     machine)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->slide_notes ? g_hash_table_lookup (self->slide_notes, GUINT_TO_POINTER (machine))
                           : NULL;
}

const char *
hs_engine_get_guests_note (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->guests_note;
}

/* ---- symbols ---------------------------------------------------------------------------- */

HsSymbolScope *
hs_engine_get_symbol_scope (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->symbols;
}

/* Symbol names resolve in the machine's files for @space, then for space 0 (the kernel). */
gboolean
hs_engine_lookup_symbol (HsEngine    *self,
                         guint        machine,
                         guint64      space,
                         const char  *name,
                         guint64     *address,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  if (hs_symbol_scope_lookup_symbol (self->symbols, machine, space, name, address,
                                     &local_error))
    return TRUE;
  g_set_error_literal (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS, local_error->message);
  return FALSE;
}

/* "init_task+0x18", or NULL when no symbol covers @address. */
char *
hs_engine_symbolize (HsEngine *self,
                     guint     machine,
                     guint64   space,
                     guint64   address)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_symbol_scope_symbolize (self->symbols, machine, space, address);
}

typedef struct
{
  char *path;
  guint machine;
  guint64 space;
  guint64 offset;
  char *name;
} LoadRequest;

static void
load_request_free (LoadRequest *req)
{
  g_free (req->path);
  g_free (req->name);
  g_free (req);
}

static void
on_symbols_progress (HsEngine   *self,
                     const char *what,
                     double      fraction)
{
  g_signal_emit (self, machine_signals[SYMBOLS_PROGRESS], 0, what, fraction);
}

static void rediscover (HsEngine *self,
                        GTask    *user_task);

/* A file's index is ready: a halt that came while it was indexed skipped what it describes,
 * so read the guests and tasks again now. */
static void
on_symbols_indexed (HsEngine     *self,
                    HsSymbolFile *file)
{
  if (self->state == HS_ENGINE_STATE_HALTED)
    rediscover (self, NULL);
}

static void
indexed_then_rediscover (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) user_task = user_data;
  HsEngine *self = g_task_get_source_object (user_task);

  hs_symbol_scope_wait_indexed_finish (HS_SYMBOL_SCOPE (object), result, NULL);
  if (self->state == HS_ENGINE_STATE_HALTED)
    {
      rediscover (self, g_steal_pointer (&user_task));
      return;
    }
  g_task_return_pointer (user_task,
                         g_object_ref (g_object_get_data (G_OBJECT (user_task), "hs-file")),
                         g_object_unref);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) user_task = user_data;
  HsEngine *self = g_task_get_source_object (user_task);
  LoadRequest *req = g_task_get_task_data (user_task);
  GError *error = NULL;
  g_autoptr(HsSymbolFile) file = hs_symbol_scope_load_finish (HS_SYMBOL_SCOPE (object), result,
                                                              &error);
  HsMachine *machine;
  gboolean added = FALSE;

  if (file == NULL)
    {
      g_task_return_error (user_task, error);
      return;
    }
  hs_symbol_scope_bind (self->symbols, file, req->machine, req->space, req->offset);
  machine = hs_guest_model_ensure_machine (self->guest_model, req->machine, &added);
  if (req->name)
    hs_machine_set_name (machine, req->name);
  if (added || req->name)
    hs_guest_model_machines_changed (self->guest_model);

  /* Halted: Xen's symbols make the guests findable, a guest's vmlinux its tasks. Read them
   * now (once the DWARF is indexed) rather than at the next halt, and finish only then, so
   * a script's next line (or the views) already see them. */
  g_object_set_data_full (G_OBJECT (user_task), "hs-file", g_object_ref (file), g_object_unref);
  if (self->state == HS_ENGINE_STATE_HALTED)
    {
      hs_symbol_scope_wait_indexed_async (self->symbols, file, indexed_then_rediscover,
                                          g_steal_pointer (&user_task));
      return;
    }
  g_task_return_pointer (user_task, g_steal_pointer (&file), g_object_unref);
}

void
hs_engine_load_symbols_async (HsEngine            *self,
                              const char          *path,
                              guint                machine,
                              guint64              space,
                              guint64              offset,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_load_symbols_async);
  req = g_new0 (LoadRequest, 1);
  req->path = g_strdup (path);
  req->machine = machine;
  req->space = space;
  req->offset = offset;
  req->name = g_strdup (name);
  g_task_set_task_data (task, req, (GDestroyNotify) load_request_free);
  hs_symbol_scope_load_async (self->symbols, path, cancellable, load_done,
                              g_steal_pointer (&task));
}

HsSymbolFile *
hs_engine_load_symbols_finish (HsEngine      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the worker's view of the target ---------------------------------------------------- */

/* ---- rediscovery on demand (after Xen's symbols arrive while halted) -------------------- */

static void
rediscover_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  g_autoptr(GTask) user_task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Snapshot) snap = g_task_propagate_pointer (G_TASK (result), &error);

  if (hs_engine_is_connection_error (error))
    hs_engine_connection_lost (self, error);
  if (snap)
    {
      hs_engine_apply_guests (self, snap);
      /* A halt that came before the tasks did showed no task: show the stopping core's now,
       * unless the user has picked one meanwhile. */
      if (self->state == HS_ENGINE_STATE_HALTED && self->current_task == NULL)
        hs_engine_set_current_core (self, self->current_core);
      if (!snap->deferred)
        hs_engine_set_tasks_pending (self, FALSE);
    }
  else
    hs_engine_set_tasks_pending (self, FALSE);
  if (user_task != NULL)
    {
      HsSymbolFile *file = g_object_get_data (G_OBJECT (user_task), "hs-file");

      g_task_return_pointer (user_task, g_object_ref (file), g_object_unref);
    }
}

static void
all_tasks_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  guint generation = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(Snapshot) snap = g_task_propagate_pointer (G_TASK (result), &error);

  /* The board went away during the walk: say so now, not at the user's next command. */
  if (hs_engine_is_connection_error (error))
    {
      hs_engine_connection_lost (self, error);
      return;
    }
  /* Another halt (or a run) has taken over the views since: its own lists are on their way. */
  if (generation != self->halt_generation || self->state != HS_ENGINE_STATE_HALTED)
    return;
  if (snap != NULL)
    {
      hs_engine_apply_guests (self, snap);
      if (self->current_task == NULL)
        hs_engine_set_current_core (self, self->current_core);
    }
  if (snap == NULL || !snap->deferred)
    hs_engine_set_tasks_pending (self, FALSE);
}

/* The whole lists' job is queued once the views have queued theirs: a job the worker has
 * started cannot be overtaken, and the views ask from their halted handlers, which run before
 * this idle. Not at a low priority: a text view validating a new source file would starve it. */
static gboolean
queue_all_tasks (gpointer data)
{
  GTask *task = data;
  HsEngine *self = g_task_get_source_object (task);

  /* A run, a newer halt or a detach came first: the task completes with the cancellation. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the halt is over");
      return G_SOURCE_REMOVE;
    }
  hs_target_push_background (self->target, hs_target_read_tasks_job,
                             g_task_get_task_data (task), NULL, task);
  return G_SOURCE_REMOVE;
}

/* After a halt that showed the views first: every task of every guest (@only_machine >= 0:
 * of the one a step ran), read on the worker into the same task objects. Commands that need
 * whole lists wait for it (tasks-pending). */
void
hs_engine_read_all_tasks (HsEngine *self,
                          gint      only_machine)
{
  GTask *task;

  /* An older halt's lists are moot: this one reads them again (what a step did not change, from
   * what the worker kept of them). */
  g_cancellable_cancel (self->tasks_cancellable);
  g_clear_object (&self->tasks_cancellable);
  self->tasks_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->tasks_cancellable, all_tasks_done,
                     GUINT_TO_POINTER (self->halt_generation));
  g_task_set_task_data (task, GINT_TO_POINTER (only_machine + 1), NULL);
  hs_engine_set_tasks_pending (self, TRUE);
  hs_context_post (self->main_context, queue_all_tasks, task, g_object_unref);
}

static void
rediscover (HsEngine *self,
            GTask    *user_task)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, rediscover_done, user_task);

  hs_engine_queue_job (self, task, hs_target_rediscover_job, NULL, NULL);
}

static gboolean
refresh_now (gpointer user_data)
{
  HsEngine *self = user_data;

  self->refresh_source = 0;
  if (self->state == HS_ENGINE_STATE_HALTED)
    rediscover (self, NULL);
  else
    hs_engine_set_tasks_pending (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* Halted: reads the guests and every task again, as after loading symbols. Once the main loop
 * is idle: a script that writes a hundred values reads them once, and its commands that need
 * whole lists wait for that read (tasks-pending). */
void
hs_engine_refresh_guests (HsEngine *self)
{
  GSource *source;

  g_cancellable_cancel (self->tasks_cancellable);
  hs_engine_set_tasks_pending (self, TRUE);
  if (self->refresh_source != 0)
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, refresh_now, self, NULL);
  self->refresh_source = g_source_attach (source, self->main_context);
  g_source_unref (source);
}
