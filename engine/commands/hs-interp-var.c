/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-var.c: C expressions over a machine's symbols and memory: Var.view and Var.set.
 *
 * "2:::init_task.comm" evaluates with machine 2's kernel symbols (at its KASLR offset) and
 * reads machine 2's kernel space; "2:::0x5a::expr" reads process 0x5a's space with the
 * symbols bound to it, else the kernel's. The evaluator (hs-cexpr.c) runs on a thread of its
 * own because DWARF may need indexing and because it decides what to read as it goes: each
 * read it asks for is posted to the main thread, which owns the engine, and queued there with
 * hs_engine_read_async() like any other; the evaluator's thread waits for the answer. The main
 * thread never waits. Reads go through the engine's translation for the machine and space,
 * exactly as Data.dump's do.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-cexpr.h"
#include "hs-interp-private.h"
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
} ReadRequest;

/* An hs_rc_box: the evaluator's thread and the main thread each hold one reference. The locks
 * and the hand-over are hs-sync's, which ThreadSanitizer sees (GLib's are futexes it does not). */
static void
read_request_clear (gpointer data)
{
  ReadRequest *req = data;

  g_clear_pointer (&req->data, g_bytes_unref);
  g_clear_error (&req->error);
  hs_mutex_clear (&req->lock);
  hs_cond_clear (&req->cond);
}

static void
read_request_unref (ReadRequest *req)
{
  hs_rc_box_release_full (req, read_request_clear);
}

static void
read_request_finish (ReadRequest *req,
                     GBytes      *data,
                     GError      *error)
{
  hs_mutex_lock (&req->lock);
  req->data = data;
  req->error = error;
  req->done = TRUE;
  hs_cond_signal (&req->cond);
  hs_mutex_unlock (&req->lock);
  read_request_unref (req);
}

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ReadRequest *req = user_data;
  GError *error = NULL;
  g_autoptr(HsMemoryRead) read = hs_engine_read_finish (HS_ENGINE (object), result, &error);
  g_autofree char *where = NULL;
  const guint8 *valid;
  gsize len;

  if (read == NULL)
    {
      read_request_finish (req, NULL, error);
      return;
    }
  valid = g_bytes_get_data (read->valid, &len);
  for (gsize i = 0; i < len; i++)
    if (!valid[i])
      {
        HsAddress at = req->address;

        at.offset += i;
        where = hs_address_format (&at);
        read_request_finish (req, NULL,
                             g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                                          "cannot read %s: %s", where,
                                          read->fault ? read->fault : "not readable"));
        return;
      }
  read_request_finish (req, g_bytes_ref (read->data), NULL);
}

static gboolean
start_read (gpointer data)
{
  ReadRequest *req = data;
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
  ReadRequest *req = hs_rc_box_new0 (ReadRequest);
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
  read_request_unref (req);
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
} VarOp;

typedef struct
{
  VarOp op;
  HsSymbolFile *file;
  guint64 offset;
  char *prefix;              /* "2:::" or "2:::0x5a::" */
  char *expression;
  char *value;               /* VAR_ASSIGN */
  guint max_depth;           /* /Depth, /Elements: 0 for the evaluator's defaults */
  guint max_elements;
  Reader reader;
  /* Results */
  guint64 address;
  GBytes *bytes;
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
  if (!hs_cexpr_assign (&ctx, job->expression, job->value, &job->address, &job->bytes, &error))
    hs_task_return_error (task, error);
  else
    hs_task_return_boolean (task, TRUE);
}

/* ------------------------------------------------------------------------------------------ */
/* Commands                                                                                   */

typedef struct
{
  VarJob *job;               /* between the steps of Var.set */
  char *expression;
  char *prefix;
} VarState;

static void
var_state_clear (VarState *state)
{
  g_clear_pointer (&state->job, var_job_free);
  g_free (state->expression);
  g_free (state->prefix);
}

/* The arguments as one line: the tokenizer splits "(struct x *)0x10" at its spaces. */
static char *
joined_args (Call *call)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < call->args->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, g_ptr_array_index (call->args, i));
    }
  return g_string_free (s, FALSE);
}

/* A job for @text ("[machine:::[space::]]expression"), bound to the right symbol file and
 * memory; NULL after failing the call. */
static VarJob *
new_job (Call       *call,
         VarOp       op,
         const char *text)
{
  HsEngine *engine = hs_call_engine (call);
  HsSymbolScope *scope = hs_engine_get_symbol_scope (engine);
  g_auto(HsAddressSpec) spec = { 0 };
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(HsSymbolFile) file = NULL;
  GError *error = NULL;
  guint64 offset = 0;
  guint machine;
  guint64 space = 0;
  gboolean given;
  VarJob *job;
  /* Printing is bounded anyway (HS_CEXPR_MAX_ITEMS); these only say how much of it to show. */
  static const struct { const char *name; guint max; } limits[] = {
    { "Depth", 16 }, { "Elements", 4096 },
  };
  guint64 values[G_N_ELEMENTS (limits)] = { 0 };

  if (!hs_call_get_machine_option (call, &machine, &given))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      const char *limit = hs_call_option (call, limits[i].name);

      if (limit == NULL)
        continue;
      if (!hs_call_eval_number (call, limit, limits[i].name, &values[i]))
        return NULL;
      if (values[i] == 0 || values[i] > limits[i].max)
        {
          hs_call_fail (call, "%s: /%s must be 1-%u", call->spec->name, limits[i].name,
                        limits[i].max);
          return NULL;
        }
    }
  if (hs_call_option (call, "TASK") != NULL)
    {
      HsTask *task = hs_call_resolve_task (call);

      if (task == NULL)
        return NULL;
      machine = hs_task_get_machine (task);
      space = hs_task_get_space (task);
    }
  if (!hs_address_spec_parse (text, &spec, &error))
    {
      hs_call_return (call, error);
      return NULL;
    }
  if (spec.access != HS_ACCESS_VIRTUAL)
    {
      hs_call_fail (call, "%s: expressions read virtual memory: leave out the access class",
                    call->spec->name);
      return NULL;
    }
  if (spec.has_machine)
    {
      if (!hs_engine_check_machine (engine, spec.machine, &error))
        {
          hs_call_return (call, error);
          return NULL;
        }
      machine = spec.machine;
      if (!spec.has_space)
        space = 0;
    }
  if (spec.has_space)
    space = spec.space;

  /* The process's own file when it has one bound, else the kernel's. */
  bindings = hs_symbol_scope_get_bindings (scope, machine);
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
    file = hs_symbol_scope_get_kernel (scope, machine, &offset);
  if (file == NULL)
    {
      hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                                         "%s: machine %u has no symbols (Data.LOAD.Elf)",
                                         call->spec->name, machine));
      return NULL;
    }

  job = g_new0 (VarJob, 1);
  job->op = op;
  job->file = g_steal_pointer (&file);
  job->offset = offset;
  job->prefix = space != 0 ? g_strdup_printf ("%u:::0x%" G_GINT64_MODIFIER "x::", machine, space)
                           : g_strdup_printf ("%u:::", machine);
  job->expression = g_strdup (spec.expression);
  job->max_depth = values[0];
  job->max_elements = values[1];
  job->reader.engine = engine;
  job->reader.context = g_main_context_ref_thread_default ();
  job->reader.base = (HsAddress) { HS_ACCESS_VIRTUAL, machine, space, 0 };
  job->reader.blocks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                              (GDestroyNotify) g_bytes_unref);
  return job;
}

static void
run_job (Call                *call,
         VarJob              *job,
         GAsyncReadyCallback  done)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, done, call);

  g_task_set_task_data (task, job, (GDestroyNotify) var_job_free);
  hs_task_run_in_thread (task, var_thread);
}

static void
view_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  VarState *state = call->state;
  GError *error = NULL;
  g_autofree char *text = hs_task_propagate_pointer (G_TASK (result), &error);

  if (text == NULL)
    {
      g_prefix_error (&error, "%s: ", call->spec->name);
      hs_call_return (call, error);
      return;
    }
  g_string_append_printf (call->out, "%s = %s\n", state->expression, text);
  hs_call_return (call, NULL);
}

static void
cmd_var_view (Call *call)
{
  g_autofree char *text = joined_args (call);
  VarState *state;
  VarJob *job;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  job = new_job (call, VAR_VIEW, text);
  if (job == NULL)
    return;
  state = hs_call_new_state (call, VarState, var_state_clear);
  state->expression = g_strdup (job->expression);
  state->prefix = g_strdup (job->prefix);
  run_job (call, job, view_done);
}

static void
set_written (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  VarState *state = call->state;
  GError *error = NULL;
  g_autofree char *text = NULL;
  VarJob *job;

  if (!hs_engine_write_finish (HS_ENGINE (object), result, &error))
    {
      g_prefix_error (&error, "Var.set: %s: ", state->expression);
      hs_call_return (call, error);
      return;
    }
  /* Read it back, through a fresh cache: what the target holds now. */
  text = g_strconcat (state->prefix, state->expression, NULL);
  job = new_job (call, VAR_VIEW, text);
  if (job == NULL)
    return;
  run_job (call, job, view_done);
}

static void
set_planned (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  VarState *state = call->state;
  GError *error = NULL;
  HsAddress address;

  if (!hs_task_propagate_boolean (G_TASK (result), &error))
    {
      g_prefix_error (&error, "Var.set: ");
      hs_call_return (call, error);
      return;
    }
  address = state->job->reader.base;
  address.offset = state->job->address;
  hs_engine_write_async (hs_call_engine (call), &address, state->job->bytes, NULL, set_written,
                         call);
}

static void
cmd_var_set (Call *call)
{
  g_autofree char *text = joined_args (call);
  g_autofree char *target = NULL;
  g_autofree char *value = NULL;
  VarState *state;
  VarJob *job;
  const char *eq = NULL;

  /* The first '=' that is not part of ==, !=, <= or >=. */
  for (const char *p = text; *p; p++)
    if (*p == '=' && p[1] != '=' && (p == text || strchr ("=!<>", p[-1]) == NULL))
      {
        eq = p;
        break;
      }
    else if (*p == '=' && p[1] == '=')
      p++;
  if (eq != NULL)
    {
      value = g_strstrip (g_strdup (eq + 1));
      target = g_strstrip (g_strndup (text, eq - text));
    }
  if (eq == NULL || *value == 0 || *target == 0)
    {
      hs_call_fail (call, "Var.set: expected 'expression = value'");
      return;
    }
  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  job = new_job (call, VAR_ASSIGN, target);
  if (job == NULL)
    return;
  job->value = g_steal_pointer (&value);
  state = hs_call_new_state (call, VarState, var_state_clear);
  state->expression = g_strdup (job->expression);
  state->prefix = g_strdup (job->prefix);
  /* The job outlives its thread: set_planned writes what it worked out. */
  {
    g_autoptr(GTask) task = g_task_new (NULL, NULL, set_planned, call);

    state->job = job;
    g_task_set_task_data (task, job, NULL);
    hs_task_run_in_thread (task, var_thread);
  }
}

static const OptionSpec var_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE },
                                          { "Depth", TRUE }, { "Elements", TRUE }, { NULL } };

const CommandSpec hs_var_commands[] = {
  { "Var.view", "Var.view [machine:::[space::]]expression [/MACHINE n] [/TASK x] [/Depth n] "
    "[/Elements n]",
    "a C expression over a machine's variables and types, printed as a C value "
    "(init_task.comm, ((struct task_struct *)0x...)->pid, sizeof (struct page)); structs "
    "expanded /Depth levels deep (4) and /Elements of each array (64) are shown",
    1, G_MAXUINT, var_options, cmd_var_view, .needs_tasks = TRUE },
  { "Var.set", "Var.set [machine:::[space::]]expression = value [/MACHINE n] [/TASK x]",
    "write an integer, enum (by name), bool or pointer variable or member, and read it back",
    1, G_MAXUINT, var_options, cmd_var_set, .needs_tasks = TRUE },
  { NULL }
};
