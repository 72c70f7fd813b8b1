/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-vars.c: C expressions over a machine's symbols and memory, and the watch list.
 *
 * hs_engine_evaluate_async() evaluates with machine @machine's symbols (@space's own file when
 * one is bound to it, else the kernel's, at its KASLR offset) and reads @space of @machine
 * (0: the kernel's). The evaluator (hs-cexpr.c) runs on a thread of its own because DWARF may
 * need indexing and because it decides what to read as it goes: each read it asks for is
 * posted to the main thread, which owns the engine, and queued there with
 * hs_engine_read_async() like any other; the evaluator's thread waits for the answer. The main
 * thread never waits. Reads go through the engine's translation for the machine and space,
 * exactly as Data.dump's do.
 *
 * Threads: the public calls, the watch list and its items are the main thread's; a VarJob is
 * the evaluator thread's from hs_task_run_in_thread() until it returns (its Reader's engine
 * and context are only handed back to the main thread, inside a EvalRead).
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-cexpr.h"
#include "hs-engine-private.h"
#include "hs-sync.h"

#include <string.h>

/* A read the engine does not answer in this long is given up (the board hung?). */
#define READ_TIMEOUT_SECONDS 60
/* Reads are rounded out to blocks of this many bytes and kept for the evaluation: printing
 * a struct member by member, or following a list, reads neighbouring bytes again. */
#define CACHE_BLOCK 256u
#define CACHE_MAX_BLOCKS 4096u

/* ------------------------------------------------------------------------------------------ */
/* Reads posted to the main thread                                                            */

typedef struct
{
  HsEngine *engine;          /* main thread only: used in start_read, after which it is NULL */
  HsAddress address;
  gsize length;
  HsMutex lock;
  HsCond cond;
  gboolean done;             /* guarded by @lock, with @data and @error */
  GBytes *data;
  GError *error;
} EvalRead;

/* An hs_rc_box: the evaluator's thread and the main thread each hold one reference. The locks
 * and the hand-over are hs-sync's, which ThreadSanitizer sees (GLib's are futexes it does not). */
static void
eval_read_clear (gpointer data)
{
  EvalRead *req = data;

  g_clear_pointer (&req->data, g_bytes_unref);
  g_clear_error (&req->error);
  hs_mutex_clear (&req->lock);
  hs_cond_clear (&req->cond);
}

static void
eval_read_unref (EvalRead *req)
{
  hs_rc_box_release_full (req, eval_read_clear);
}

static void
eval_read_finish (EvalRead *req,
                     GBytes      *data,
                     GError      *error)
{
  hs_mutex_lock (&req->lock);
  req->data = data;
  req->error = error;
  req->done = TRUE;
  hs_cond_signal (&req->cond);
  hs_mutex_unlock (&req->lock);
  eval_read_unref (req);
}

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  EvalRead *req = user_data;
  GError *error = NULL;
  g_autoptr(HsMemoryRead) read = hs_engine_read_finish (HS_ENGINE (object), result, &error);
  g_autofree char *where = NULL;
  const guint8 *valid;
  gsize len;

  if (read == NULL)
    {
      eval_read_finish (req, NULL, error);
      return;
    }
  valid = g_bytes_get_data (read->valid, &len);
  for (gsize i = 0; i < len; i++)
    if (!valid[i])
      {
        HsAddress at = req->address;

        at.offset += i;
        where = hs_address_format (&at);
        eval_read_finish (req, NULL,
                             g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                                          "cannot read %s: %s", where,
                                          read->fault ? read->fault : "not readable"));
        return;
      }
  eval_read_finish (req, g_bytes_ref (read->data), NULL);
}

static gboolean
start_read (gpointer data)
{
  EvalRead *req = data;
  HsEngine *engine = g_steal_pointer (&req->engine);

  hs_engine_read_async (engine, &req->address, req->length, NULL, read_done, req);
  g_object_unref (engine);
  return G_SOURCE_REMOVE;
}

/* What one evaluation reads with: the target, and the blocks read so far. */
typedef struct
{
  HsEngine *engine;          /* borrowed from the call, only handed to the main thread */
  GMainContext *context;     /* the main thread's, where the engine is used */
  HsAddress base;            /* machine, space, access; the offset is per read */
  GHashTable *blocks;        /* block address -> GBytes of CACHE_BLOCK (evaluator thread) */
} Reader;

/* Blocks the calling (evaluator) thread until the main thread's read is answered. */
static GBytes *
read_through_main (Reader   *reader,
                   guint64   address,
                   gsize     length,
                   GError  **error)
{
  EvalRead *req = hs_rc_box_new0 (EvalRead);
  gint64 deadline = g_get_monotonic_time () + READ_TIMEOUT_SECONDS * G_TIME_SPAN_SECOND;
  GBytes *data = NULL;

  req->engine = g_object_ref (reader->engine);
  req->address = reader->base;
  req->address.offset = address;
  req->length = length;
  hs_mutex_init (&req->lock);
  hs_cond_init (&req->cond);
  /* One reference for this thread, one for the main thread's until read_done. */
  hs_context_post (reader->context, start_read, hs_rc_box_acquire (req), NULL);

  hs_mutex_lock (&req->lock);
  while (!req->done)
    if (!hs_cond_wait_until (&req->cond, &req->lock, deadline))
      break;
  if (req->done && req->error == NULL)
    data = g_steal_pointer (&req->data);
  else if (req->done)
    g_propagate_error (error, g_steal_pointer (&req->error));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "reading 0x%" G_GINT64_MODIFIER "x took more than %d s", address,
                 READ_TIMEOUT_SECONDS);
  hs_mutex_unlock (&req->lock);
  eval_read_unref (req);
  return data;
}

static gboolean
reader_read (guint64   address,
             guint8   *buffer,
             gsize     length,
             gpointer  user_data,
             GError  **error)
{
  Reader *reader = user_data;
  guint64 first = address & ~(guint64) (CACHE_BLOCK - 1);
  guint64 last;

  if (length == 0)
    return TRUE;
  last = (address + (length - 1)) & ~(guint64) (CACHE_BLOCK - 1);
  /* Big reads (a whole struct) go straight through: the cache is for the small ones. */
  if (length > CACHE_BLOCK || last < first)
    {
      g_autoptr(GBytes) data = read_through_main (reader, address, length, error);

      if (data == NULL)
        return FALSE;
      memcpy (buffer, g_bytes_get_data (data, NULL), length);
      return TRUE;
    }
  for (guint64 block = first;; block += CACHE_BLOCK)
    {
      GBytes *bytes = g_hash_table_lookup (reader->blocks, &block);
      guint64 from = MAX (block, address);
      guint64 to = MIN (block + CACHE_BLOCK - 1, address + (length - 1));
      g_autoptr(GError) local = NULL;

      if (bytes == NULL)
        {
          guint64 *key;

          bytes = read_through_main (reader, block, CACHE_BLOCK, &local);
          if (bytes == NULL)
            {
              /* The block may cross into an unmapped page the object itself does not. */
              g_autoptr(GBytes) exact = read_through_main (reader, address, length, error);

              if (exact == NULL)
                return FALSE;
              memcpy (buffer, g_bytes_get_data (exact, NULL), length);
              return TRUE;
            }
          if (g_hash_table_size (reader->blocks) >= CACHE_MAX_BLOCKS)
            g_hash_table_remove_all (reader->blocks);
          key = g_new (guint64, 1);
          *key = block;
          g_hash_table_insert (reader->blocks, key, bytes);
        }
      memcpy (buffer + (from - address), (const guint8 *) g_bytes_get_data (bytes, NULL)
              + (from - block), to - from + 1);
      if (block == last)
        break;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The evaluation, on its own thread                                                          */

typedef enum
{
  VAR_VIEW,
  VAR_ASSIGN,                /* work out what to write */
  VAR_QUERY,                 /* one of hs_cexpr_query()'s answers, for PRACTICE's Var.*() */
} VarOp;

typedef struct
{
  VarOp op;
  HsSymbolFile *file;
  guint64 offset;
  char *prefix;              /* "2:::" or "2:::0x5a::" */
  char *expression;
  char *value;               /* VAR_ASSIGN */
  HsCexprQuery query;        /* VAR_QUERY */
  guint max_depth;           /* /Depth, /Elements: 0 for the evaluator's defaults */
  guint max_elements;
  Reader reader;
  /* Results */
  guint64 address;
  GBytes *bytes;
  guint64 number;            /* VAR_QUERY */
  char *text;
} VarJob;

static void
var_job_free (VarJob *job)
{
  g_clear_object (&job->file);
  g_free (job->prefix);
  g_free (job->expression);
  g_free (job->value);
  g_clear_pointer (&job->reader.blocks, g_hash_table_unref);
  g_clear_pointer (&job->reader.context, g_main_context_unref);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->text);
  g_free (job);
}

static void
var_thread (GTask        *task,
            gpointer      source,
            gpointer      data,
            GCancellable *cancellable)
{
  VarJob *job = data;
  HsCexprContext ctx = {
    .file = job->file,
    .offset = job->offset,
    .read = reader_read,
    .read_data = &job->reader,
    .prefix = job->prefix,
    .max_depth = job->max_depth,
    .max_elements = job->max_elements,
  };
  GError *error = NULL;

  if (job->op == VAR_VIEW)
    {
      char *text = hs_cexpr_print (&ctx, job->expression, &error);

      if (text == NULL)
        hs_task_return_error (task, error);
      else
        hs_task_return_pointer (task, text, g_free);
      return;
    }
  if (job->op == VAR_QUERY)
    {
      if (!hs_cexpr_query (&ctx, job->expression, job->query, &job->number, &job->text, &error))
        hs_task_return_error (task, error);
      else
        hs_task_return_boolean (task, TRUE);
      return;
    }
  if (!hs_cexpr_assign (&ctx, job->expression, job->value, &job->address, &job->bytes, &error))
    hs_task_return_error (task, error);
  else
    hs_task_return_boolean (task, TRUE);
}

/* ------------------------------------------------------------------------------------------ */
/* Evaluations                                                                                */

/* A job for @expression in @machine's @space, bound to the right symbol file and memory. */
static VarJob *
new_job (HsEngine    *self,
         VarOp        op,
         guint        machine,
         guint64      space,
         const char  *expression,
         GError     **error)
{
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(HsSymbolFile) file = NULL;
  guint64 offset = 0;
  VarJob *job;

  if (!hs_engine_check_machine (self, machine, error))
    return NULL;
  /* The process's own file when it has one bound, else the kernel's. */
  bindings = hs_symbol_scope_get_bindings (self->symbols, machine);
  for (guint i = 0; space != 0 && i < bindings->len && file == NULL; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);

      if (b->space == space && b->module == NULL)
        {
          file = g_object_ref (b->file);
          offset = b->offset;
        }
    }
  if (file == NULL)
    file = hs_symbol_scope_get_kernel (self->symbols, machine, &offset);
  if (file == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                   "machine %u has no symbols (Data.LOAD.Elf)", machine);
      return NULL;
    }

  job = g_new0 (VarJob, 1);
  job->op = op;
  job->file = g_steal_pointer (&file);
  job->offset = offset;
  job->prefix = space != 0 ? g_strdup_printf ("%u:::0x%" G_GINT64_MODIFIER "x::", machine, space)
                           : g_strdup_printf ("%u:::", machine);
  job->expression = g_strdup (expression);
  job->reader.engine = self;
  job->reader.context = g_main_context_ref (self->main_context);
  job->reader.base = (HsAddress) { HS_ACCESS_VIRTUAL, machine, space, 0 };
  job->reader.blocks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                              (GDestroyNotify) g_bytes_unref);
  return job;
}

/* A job for @task, the target halted, or NULL after returning @task's error. */
static VarJob *
task_job (HsEngine    *self,
          GTask       *task,
          VarOp        op,
          guint        machine,
          guint64      space,
          const char  *expression)
{
  GError *error = NULL;
  VarJob *job = NULL;

  if (hs_engine_check_state (self, HS_ENGINE_STATE_HALTED, &error))
    job = new_job (self, op, machine, space, expression, &error);
  if (job == NULL)
    {
      g_task_return_error (task, error);
      return NULL;
    }
  g_task_set_task_data (task, job, (GDestroyNotify) var_job_free);
  return job;
}

/**
 * hs_engine_evaluate_async:
 * @max_depth: how many levels of structs to expand, 0 for the evaluator's default
 * @max_elements: how many elements of each array to show, 0 for the default
 *
 * Evaluates the C expression @expression in @machine's @space (0: the kernel's) and prints its
 * value as Var.view does. The target must stay halted meanwhile: reads made after it ran fail.
 * Main thread; completes there.
 */
void
hs_engine_evaluate_async (HsEngine            *self,
                          guint                machine,
                          guint64              space,
                          const char          *expression,
                          guint                max_depth,
                          guint                max_elements,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VarJob *job;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (expression != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_evaluate_async);
  job = task_job (self, task, VAR_VIEW, machine, space, expression);
  if (job == NULL)
    return;
  job->max_depth = max_depth;
  job->max_elements = max_elements;
  hs_task_run_in_thread (task, var_thread);
}

char *
hs_engine_evaluate_finish (HsEngine      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return hs_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hs_engine_plan_assignment_async:
 *
 * Works out what writing @value to the lvalue @expression in @machine's @space means: the
 * address and the bytes, which hs_engine_plan_assignment_finish() hands back for
 * hs_engine_write_async(). Nothing is written. Main thread; completes there.
 */
void
hs_engine_plan_assignment_async (HsEngine            *self,
                                 guint                machine,
                                 guint64              space,
                                 const char          *expression,
                                 const char          *value,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VarJob *job;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (expression != NULL && value != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_plan_assignment_async);
  job = task_job (self, task, VAR_ASSIGN, machine, space, expression);
  if (job == NULL)
    return;
  job->value = g_strdup (value);
  hs_task_run_in_thread (task, var_thread);
}

gboolean
hs_engine_plan_assignment_finish (HsEngine      *self,
                                  GAsyncResult  *result,
                                  HsAddress     *address,
                                  GBytes       **bytes,
                                  GError       **error)
{
  VarJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!hs_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  *address = job->reader.base;
  address->offset = job->address;
  *bytes = g_bytes_ref (job->bytes);
  return TRUE;
}

/**
 * hs_engine_query_async:
 *
 * Answers @query (hs-cexpr.h) about the C expression @expression in @machine's @space (0: the
 * kernel's): its value, address, size, string or existence, for PRACTICE's Var.VALUE(),
 * Var.ADDRESS(), Var.SIZEOF(), Var.STRing() and Var.EXIST(). The target must be halted, even
 * for %HS_CEXPR_EXISTS, which reads nothing but still needs the machine's symbols. Main thread;
 * completes there.
 */
void
hs_engine_query_async (HsEngine            *self,
                       guint                machine,
                       guint64              space,
                       HsCexprQuery         query,
                       const char          *expression,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VarJob *job;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (expression != NULL);
  g_return_if_fail (query <= HS_CEXPR_EXISTS);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_query_async);
  job = task_job (self, task, VAR_QUERY, machine, space, expression);
  if (job == NULL)
    return;
  job->query = query;
  hs_task_run_in_thread (task, var_thread);
}

/* @number and @text (free it) as hs_cexpr_query() gives them; either may be NULL. */
gboolean
hs_engine_query_finish (HsEngine      *self,
                        GAsyncResult  *result,
                        guint64       *number,
                        char         **text,
                        GError       **error)
{
  VarJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (number != NULL)
    *number = 0;
  if (text != NULL)
    *text = NULL;
  if (!hs_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  if (number != NULL)
    *number = job->number;
  if (text != NULL)
    *text = g_steal_pointer (&job->text);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The watch list (main thread)                                                               */

typedef struct
{
  HsEngine *engine;          /* strong: the engine outlives no evaluation it started */
  HsWatch *watch;
  guint generation;
} WatchEval;

static void
watch_eval_free (WatchEval *eval)
{
  g_object_unref (eval->engine);
  g_object_unref (eval->watch);
  g_free (eval);
}

static void
complete_watch_waiters (HsEngine *self)
{
  GList *waiters;

  if (self->watch_evaluations > 0 || self->watch_idle != 0)
    return;
  waiters = g_steal_pointer (&self->watch_waiters);
  for (GList *l = waiters; l != NULL; l = l->next)
    g_task_return_boolean (l->data, TRUE);
  g_list_free_full (waiters, g_object_unref);
}

static void
watch_evaluated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WatchEval *eval = user_data;
  HsEngine *self = eval->engine;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hs_engine_evaluate_finish (self, result, &error);

  self->watch_evaluations--;
  /* A run cancelled it, or a newer halt's evaluation owns the item now. */
  if (eval->generation == self->watch_generation
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    hs_watch_set_result (eval->watch, text, error ? error->message : NULL);
  watch_eval_free (eval);
  complete_watch_waiters (self);
}

/* Where a watch without a machine of its own is evaluated: the current machine, in the
 * current task's space when that task's process has symbols of its own, else the kernel's. */
static void
current_context (HsEngine *self,
                 guint    *machine,
                 guint64  *space)
{
  HsTask *task = self->current_task;

  *machine = hs_engine_get_current_machine (self);
  *space = 0;
  if (task != NULL && hs_task_get_machine (task) == *machine && hs_task_get_space (task) != 0)
    {
      g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, *machine);

      for (guint i = 0; i < bindings->len; i++)
        {
          const HsSymbolBinding *b = g_ptr_array_index (bindings, i);

          if (b->space == hs_task_get_space (task) && b->module == NULL)
            *space = b->space;
        }
    }
}

static void
evaluate_watch (HsEngine *self,
                HsWatch  *watch)
{
  WatchEval *eval = g_new0 (WatchEval, 1);
  guint machine = hs_watch_get_machine (watch);
  guint64 space = 0;

  if (machine == HS_WATCH_CURRENT_MACHINE)
    current_context (self, &machine, &space);
  eval->engine = g_object_ref (self);
  eval->watch = g_object_ref (watch);
  eval->generation = self->watch_generation;
  self->watch_evaluations++;
  hs_engine_evaluate_async (self, machine, space, hs_watch_get_expression (watch), 0, 0,
                            self->watch_cancellable, watch_evaluated, eval);
}

static gboolean
evaluate_watches (gpointer data)
{
  HsEngine *self = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->watches));

  self->watch_idle = 0;
  for (guint i = 0; i < n && self->state == HS_ENGINE_STATE_HALTED; i++)
    {
      g_autoptr(HsWatch) watch = g_list_model_get_item (G_LIST_MODEL (self->watches), i);

      evaluate_watch (self, watch);
    }
  complete_watch_waiters (self);
  return G_SOURCE_REMOVE;
}

/* At each halt (hs-engine.c, after the views heard of it): one evaluation of each watch, in
 * one low-priority idle however many halts came before it ran. */
void
hs_engine_watches_halted (HsEngine *self)
{
  self->watch_generation++;
  g_cancellable_cancel (self->watch_cancellable);
  g_clear_object (&self->watch_cancellable);
  self->watch_cancellable = g_cancellable_new ();
  if (self->watch_idle == 0 && g_list_model_get_n_items (G_LIST_MODEL (self->watches)) > 0)
    self->watch_idle = g_idle_add_full (G_PRIORITY_LOW, evaluate_watches, self, NULL);
}

/* The target runs: what the last halt still evaluates would read a moving target. */
void
hs_engine_watches_resumed (HsEngine *self)
{
  self->watch_generation++;
  g_cancellable_cancel (self->watch_cancellable);
  g_clear_handle_id (&self->watch_idle, g_source_remove);
  complete_watch_waiters (self);
}

void
hs_engine_watches_init (HsEngine *self)
{
  self->watches = g_list_store_new (HS_TYPE_WATCH);
  self->watch_cancellable = g_cancellable_new ();
}

void
hs_engine_watches_dispose (HsEngine *self)
{
  g_cancellable_cancel (self->watch_cancellable);
  g_clear_handle_id (&self->watch_idle, g_source_remove);
}

void
hs_engine_watches_finalize (HsEngine *self)
{
  g_clear_object (&self->watch_cancellable);
  g_clear_object (&self->watches);
  g_list_free_full (g_steal_pointer (&self->watch_waiters), g_object_unref);
}

/**
 * hs_engine_get_watches:
 *
 * The watched expressions, a #GListModel of #HsWatch in the order they were added; their values
 * are set in place after each halt. Main thread.
 */
GListModel *
hs_engine_get_watches (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return G_LIST_MODEL (self->watches);
}

static gboolean
find_watch (HsEngine   *self,
            const char *expression,
            guint       machine,
            guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->watches));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsWatch) watch = g_list_model_get_item (G_LIST_MODEL (self->watches), i);

      if (g_str_equal (hs_watch_get_expression (watch), expression)
          && (machine == G_MAXUINT - 1 || hs_watch_get_machine (watch) == machine))
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * hs_engine_add_watch:
 * @machine: the machine to evaluate in, or %HS_WATCH_CURRENT_MACHINE for the current context
 *
 * Watches @expression (an expression already watched in @machine is not added twice) and, when
 * the target is halted, evaluates it now. Returns: (transfer none): the watch.
 */
HsWatch *
hs_engine_add_watch (HsEngine   *self,
                     const char *expression,
                     guint       machine)
{
  g_autoptr(HsWatch) watch = NULL;
  guint position;

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  g_return_val_if_fail (expression != NULL && *expression != 0, NULL);

  if (find_watch (self, expression, machine, &position))
    {
      watch = g_list_model_get_item (G_LIST_MODEL (self->watches), position);
      return watch;    /* the list holds it */
    }
  watch = hs_watch_new (expression, machine);
  g_list_store_append (self->watches, watch);
  if (self->state == HS_ENGINE_STATE_HALTED)
    evaluate_watch (self, watch);
  return watch;
}

/* Stops watching @expression (in any machine); FALSE when it was not watched. */
gboolean
hs_engine_remove_watch (HsEngine   *self,
                        const char *expression)
{
  guint position;
  gboolean found = FALSE;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (expression != NULL, FALSE);
  while (find_watch (self, expression, G_MAXUINT - 1, &position))
    {
      g_list_store_remove (self->watches, position);
      found = TRUE;
    }
  return found;
}

void
hs_engine_remove_all_watches (HsEngine *self)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  g_list_store_remove_all (self->watches);
}

/* Completes once this halt's watch evaluations have all come back (at once when none is due). */
void
hs_engine_wait_for_watches_async (HsEngine            *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HS_IS_ENGINE (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_wait_for_watches_async);
  self->watch_waiters = g_list_append (self->watch_waiters, g_steal_pointer (&task));
  complete_watch_waiters (self);
}

gboolean
hs_engine_wait_for_watches_finish (HsEngine      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
