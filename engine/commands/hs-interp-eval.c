/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-eval.c: where the command language's expressions are evaluated:
 * the builtins' view of the engine (state, registers, symbols, tasks), any
 * address form, and evaluation that reads memory on the engine's worker
 * without blocking (hs_interp_evaluate_async()).
 *
 * Main thread only, like the engine it reads; memory comes back from the
 * worker as GBytes in the engine's results.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"
#include "hs-command.h"
#include "hs-builtins.h"
#include "hs-expr.h"

#include <string.h>

/* ---- expression context ----------------------------------------------------------------- */

/* The command line's view of the world: the engine's state, the current core's registers as
 * the last halt read them, the scope's machine's symbols and the guests' tasks. Memory is read
 * on the engine's worker: an evaluation reads it through the cache below, and when a read is
 * not there yet it fails, says which, and hs_interp_evaluate_async() reads it and evaluates
 * again. Var.*()'s C expressions are answered the same way, by the engine's evaluator. */

/* A Var.*() question, and once asked, its answer. */
typedef struct
{
  HsBuiltinVar query;
  guint machine;
  guint64 space;
  char *expression;
  HsValue value;
  char *fault;                  /* NULL: @value is the answer */
} CachedVar;

struct _HsEvalMemory
{
  GArray *reads;                /* of CachedRead */
  gboolean missed;              /* this evaluation asked for a read not in @reads: */
  HsAddress miss;
  gsize miss_length;
  gboolean wait_tasks;          /* it asked for tasks while they were being read */
  GArray *vars;                 /* of CachedVar */
  gboolean var_missed;          /* it asked a Var.*() question not in @vars: */
  CachedVar var_miss;           /* (its expression owned) */
  gboolean frozen;              /* a command's: read before it ran, nothing more comes */
};

typedef struct
{
  HsAddress address;
  gsize length;
  GBytes *bytes;                /* NULL: not readable, @fault says why */
  char *fault;
} CachedRead;

static void
cached_read_clear (gpointer data)
{
  CachedRead *r = data;

  g_clear_pointer (&r->bytes, g_bytes_unref);
  g_clear_pointer (&r->fault, g_free);
}

static void
cached_var_clear (gpointer data)
{
  CachedVar *v = data;

  g_clear_pointer (&v->expression, g_free);
  hs_value_clear (&v->value);
  g_clear_pointer (&v->fault, g_free);
}

/* The internal error of a read that is not in the cache yet: never shown (the evaluation is
 * made again once it is). */
#define HS_EVAL_MISS_ERROR (hs_eval_miss_error_quark ())
static G_DEFINE_QUARK (hs-interp-eval-miss-error-quark, hs_eval_miss_error)

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

static gboolean
same_space (const HsAddress *a,
            const HsAddress *b)
{
  return a->access == b->access && a->machine == b->machine && a->space == b->space;
}

/* A command's arguments are read before it runs (hs_interp_prefetch_async()); one that then
 * asks for more (an address computed from what it read, a different spelling) cannot wait. */
static gboolean
frozen_miss (GError **error)
{
  g_set_error_literal (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                       "this command cannot wait for the target's memory here: put the value "
                       "in a macro first (&v=Data.Long(...)), then use &v");
  return FALSE;
}

static gboolean
interp_read_address (gpointer          data,
                     const HsAddress  *address,
                     void             *buf,
                     gsize             len,
                     GError          **error)
{
  HsExprScope *scope = data;
  HsEvalMemory *memory = scope->memory;
  HsEngineState state = hs_engine_get_state (scope->interp->engine);

  if (memory == NULL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                   "memory is not read here (PRINT, scripts' expressions and commands' "
                   "arguments read it; a WAIT condition does not)");
      return FALSE;
    }
  if (state == HS_ENGINE_STATE_RUNNING)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                   "the target is running; halt it first (Break)");
      return FALSE;
    }
  if (state != HS_ENGINE_STATE_HALTED)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                   "not attached to a target (SYStem.Attach HOST:PORT)");
      return FALSE;
    }
  if (hs_address_range_wraps (address->offset, len))
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "0x%" G_GINT64_MODIFIER "x + %" G_GSIZE_FORMAT " runs past the end of the "
                   "address space", address->offset, len);
      return FALSE;
    }
  for (guint i = 0; i < memory->reads->len; i++)
    {
      const CachedRead *r = &g_array_index (memory->reads, CachedRead, i);

      if (!same_space (&r->address, address) || address->offset < r->address.offset
          || address->offset - r->address.offset + len > r->length)
        continue;
      if (r->bytes == NULL)
        {
          g_autofree char *where = hs_address_format (&r->address);

          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED, "cannot read %s: %s",
                       where, r->fault);
          return FALSE;
        }
      memcpy (buf, (const guint8 *) g_bytes_get_data (r->bytes, NULL)
                   + (address->offset - r->address.offset), len);
      return TRUE;
    }
  if (memory->frozen)
    return frozen_miss (error);
  if (!memory->missed)
    {
      memory->missed = TRUE;
      memory->miss = *address;
      memory->miss_length = len;
    }
  g_set_error_literal (error, HS_EVAL_MISS_ERROR, 1, "memory not read yet");
  return FALSE;
}

static gboolean
interp_read_memory (gpointer    data,
                    guint64     offset,
                    void       *buf,
                    gsize       len,
                    GError    **error)
{
  HsExprScope *scope = data;
  HsAddress a = { HS_ACCESS_VIRTUAL, scope->machine, scope->space, offset };

  return interp_read_address (data, &a, buf, len, error);
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

static gboolean
interp_resolve_address (gpointer     data,
                        const char  *text,
                        HsAddress   *address,
                        GError     **error)
{
  HsExprScope *scope = data;

  return hs_interp_resolve_address_in (scope->interp, scope->memory, text, address, error);
}

static gboolean
interp_machine (gpointer   data,
                guint     *machine,
                GError   **error)
{
  *machine = ((HsExprScope *) data)->machine;
  return TRUE;
}

static gboolean
interp_n_tasks (gpointer   data,
                guint     *n_tasks,
                GError   **error)
{
  HsExprScope *scope = data;
  HsEngine *engine = scope->interp->engine;

  if (hs_engine_get_tasks_pending (engine))
    {
      if (scope->memory != NULL && !scope->memory->frozen)
        {
          scope->memory->wait_tasks = TRUE;
          g_set_error_literal (error, HS_EVAL_MISS_ERROR, 1, "tasks not read yet");
        }
      else
        g_set_error_literal (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                             "the guests' tasks are still being read; ask again in a moment");
      return FALSE;
    }
  *n_tasks = g_list_model_get_n_items (hs_engine_get_tasks (engine));
  return TRUE;
}

static void
interp_task (gpointer       data,
             guint          position,
             HsBuiltinTask *task)
{
  HsExprScope *scope = data;
  g_autoptr(HsTask) t = g_list_model_get_item (hs_engine_get_tasks (scope->interp->engine),
                                               position);

  /* The list keeps the task (and its name) alive: it changes only at the next halt. */
  g_assert (t != NULL);
  task->machine = hs_task_get_machine (t);
  task->pid = hs_task_get_pid (t);
  task->address = hs_task_get_address (t);
  task->name = hs_task_get_name (t);
}

static gboolean
interp_current_task (gpointer   data,
                     guint     *position,
                     GError   **error)
{
  HsExprScope *scope = data;
  HsEngine *engine = scope->interp->engine;
  HsTask *current = hs_engine_get_current_task (engine);
  GListModel *tasks = hs_engine_get_tasks (engine);
  guint n = g_list_model_get_n_items (tasks);

  for (guint i = 0; current != NULL && i < n; i++)
    {
      g_autoptr(HsTask) t = g_list_model_get_item (tasks, i);

      if (t == current)
        {
          *position = i;
          return TRUE;
        }
    }
  g_set_error_literal (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                       "there is no current task (the current core is in the hypervisor, or "
                       "no guest's tasks are known; TASK.select chooses one)");
  return FALSE;
}

/* Var.VALUE(2:::init_task.pid): "[machine:::[space::]]expression" as Var.view takes it, by
 * default in the scope's machine and space; answered from the evaluation's cache, or asked
 * of the engine and evaluated again. */
static gboolean
interp_var (gpointer       data,
            HsBuiltinVar   query,
            const char    *text,
            HsValue       *result,
            GError       **error)
{
  HsExprScope *scope = data;
  HsEvalMemory *memory = scope->memory;
  HsEngine *engine = scope->interp->engine;
  g_auto(HsAddressSpec) spec = { 0 };
  guint machine = scope->machine;
  guint64 space = scope->space;

  if (memory == NULL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                   "C expressions are not evaluated here (PRINT, scripts' expressions and "
                   "commands' arguments evaluate them; a WAIT condition does not)");
      return FALSE;
    }
  if (!hs_address_spec_parse (text, &spec, error))
    return FALSE;
  if (spec.access != HS_ACCESS_VIRTUAL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "%s: C expressions read virtual memory: leave out the access class", text);
      return FALSE;
    }
  if (spec.has_machine)
    {
      if (!hs_engine_check_machine (engine, spec.machine, error))
        return FALSE;
      machine = spec.machine;
      if (!spec.has_space)
        space = 0;
    }
  if (spec.has_space)
    space = spec.space;
  if (hs_engine_get_state (engine) == HS_ENGINE_STATE_RUNNING)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                   "%s: the target is running; halt it first (Break)", text);
      return FALSE;
    }
  if (hs_engine_get_state (engine) != HS_ENGINE_STATE_HALTED)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                   "%s: not attached to a target (SYStem.Attach HOST:PORT)", text);
      return FALSE;
    }
  for (guint i = 0; i < memory->vars->len; i++)
    {
      const CachedVar *v = &g_array_index (memory->vars, CachedVar, i);

      if (v->query != query || v->machine != machine || v->space != space
          || strcmp (v->expression, spec.expression) != 0)
        continue;
      if (v->fault != NULL)
        {
          g_set_error_literal (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED, v->fault);
          return FALSE;
        }
      if (v->value.type == HS_VALUE_STRING)
        hs_value_set_string (result, v->value.string);
      else
        *result = v->value;
      return TRUE;
    }
  if (memory->frozen)
    return frozen_miss (error);
  if (!memory->var_missed)
    {
      memory->var_missed = TRUE;
      memory->var_miss = (CachedVar) { query, machine, space, g_strdup (spec.expression) };
    }
  g_set_error_literal (error, HS_EVAL_MISS_ERROR, 1, "C expression not evaluated yet");
  return FALSE;
}

static const HsBuiltinEnv interp_env = {
  .where = "in a command",
  .state = interp_state,
  .core = interp_core,
  .read_register = interp_register,
  .read_memory = interp_read_memory,
  .lookup_symbol = interp_symbol,
  .resolve_address = interp_resolve_address,
  .read_address = interp_read_address,
  .machine = interp_machine,
  .n_tasks = interp_n_tasks,
  .task = interp_task,
  .current_task = interp_current_task,
  .var = interp_var,
};

HsExprScope
hs_interp_default_scope (HsInterp *self)
{
  HsExprScope scope = { self, hs_engine_get_current_machine (self->engine), 0, { NULL, NULL },
                        NULL };

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

/* @text, any address form, with what @memory has read (NULL: no memory is read). */
gboolean
hs_interp_resolve_address_in (HsInterp      *self,
                              HsEvalMemory  *memory,
                              const char    *text,
                              HsAddress     *address,
                              GError       **error)
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
  scope.memory = memory;
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
hs_interp_resolve_address (HsInterp    *self,
                           const char  *text,
                           HsAddress   *address,
                           GError     **error)
{
  g_return_val_if_fail (HS_IS_INTERP (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  return hs_interp_resolve_address_in (self, NULL, text, address, error);
}

/* ---- evaluation that reads memory --------------------------------------------------------- */

HsEvalMemory *
hs_eval_memory_new (void)
{
  HsEvalMemory *memory = g_new0 (HsEvalMemory, 1);

  memory->reads = g_array_new (FALSE, TRUE, sizeof (CachedRead));
  g_array_set_clear_func (memory->reads, cached_read_clear);
  memory->vars = g_array_new (FALSE, TRUE, sizeof (CachedVar));
  g_array_set_clear_func (memory->vars, cached_var_clear);
  return memory;
}

/* What has been read is all there is: a miss is an error, not a wait. */
void
hs_eval_memory_freeze (HsEvalMemory *memory)
{
  memory->frozen = TRUE;
}

void
hs_eval_memory_free (HsEvalMemory *memory)
{
  if (memory == NULL)
    return;
  g_array_unref (memory->reads);
  g_array_unref (memory->vars);
  cached_var_clear (&memory->var_miss);
  g_free (memory);
}

typedef struct
{
  char *text;
  gboolean address;             /* @text is an address form (hs_interp_resolve_address_in()) */
  HsEvalMemory *memory;
  gboolean own_memory;
  guint n_reads;
  gsize n_bytes;
  guint n_task_waits;
} Evaluation;

static void
evaluation_free (Evaluation *ev)
{
  g_free (ev->text);
  if (ev->own_memory)
    hs_eval_memory_free (ev->memory);
  g_free (ev);
}

static void
value_free (HsValue *value)
{
  hs_value_clear (value);
  g_free (value);
}

static void evaluation_step (GTask *task);

static void
evaluation_read (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Evaluation *ev = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(HsMemoryRead) read = hs_engine_read_finish (HS_ENGINE (object), result, &error);
  CachedRead r = { ev->memory->miss, ev->memory->miss_length, NULL, NULL };

  if (read == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* A read that failed is an answer too: the function that asked says so, by name. */
  if (read == NULL)
    {
      r.fault = g_strdup (error->message);
      g_clear_error (&error);
    }
  else if (read->fault == NULL && memchr (g_bytes_get_data (read->valid, NULL), 0,
                                          g_bytes_get_size (read->valid)) == NULL)
    r.bytes = g_bytes_ref (read->data);
  else
    r.fault = g_strdup (read->fault ? read->fault : "not readable");
  g_array_append_val (ev->memory->reads, r);
  evaluation_step (task);
}

static const HsCexprQuery cexpr_queries[] = {
  [HS_BUILTIN_VAR_VALUE] = HS_CEXPR_VALUE,
  [HS_BUILTIN_VAR_ADDRESS] = HS_CEXPR_ADDRESS,
  [HS_BUILTIN_VAR_SIZEOF] = HS_CEXPR_SIZEOF,
  [HS_BUILTIN_VAR_STRING] = HS_CEXPR_STRING,
  [HS_BUILTIN_VAR_EXIST] = HS_CEXPR_EXISTS,
};

static void
evaluation_var_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Evaluation *ev = g_task_get_task_data (task);
  CachedVar v = ev->memory->var_miss;
  GError *error = NULL;
  guint64 number = 0;
  g_autofree char *text = NULL;

  memset (&ev->memory->var_miss, 0, sizeof ev->memory->var_miss);
  if (!hs_engine_query_finish (HS_ENGINE (object), result, &number, &text, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          cached_var_clear (&v);
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      /* A machine without debug information has none of the names asked about. */
      if (v.query == HS_BUILTIN_VAR_EXIST
          && g_error_matches (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS))
        hs_value_set_boolean (&v.value, FALSE);
      else
        v.fault = g_strdup (error->message);
      g_clear_error (&error);
    }
  else if (v.query == HS_BUILTIN_VAR_STRING)
    hs_value_set_string (&v.value, text ? text : "");
  else if (v.query == HS_BUILTIN_VAR_EXIST)
    hs_value_set_boolean (&v.value, number != 0);
  else
    hs_value_set_number (&v.value, number);
  g_array_append_val (ev->memory->vars, v);
  evaluation_step (task);
}

static void
evaluation_tasks_read (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!hs_engine_wait_for_tasks_finish (HS_ENGINE (object), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  evaluation_step (task);
}

/* Evaluates once more with what has been read; owns @task's reference. */
static void
evaluation_step (GTask *task)
{
  HsInterp *self = g_task_get_source_object (task);
  Evaluation *ev = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  HsExprScope scope = hs_interp_default_scope (self);
  HsExprContext ctx;
  HsValue value = { 0 };
  GError *error = NULL;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  ev->memory->missed = FALSE;
  ev->memory->wait_tasks = FALSE;
  ev->memory->var_missed = FALSE;
  cached_var_clear (&ev->memory->var_miss);
  scope.memory = ev->memory;
  if (ev->address)
    {
      HsAddress address;

      ok = hs_interp_resolve_address_in (self, ev->memory, ev->text, &address, &error);
      if (ok)
        hs_value_set_number (&value, address.offset);
    }
  else
    {
      ctx = hs_interp_expr_context (&scope);
      ok = hs_expr_evaluate (ev->text, &ctx, &value, &error);
    }

  /* What it needs is not here yet: whatever it made of that (an error, or a function that
   * took the failure for an answer), get it and evaluate again. */
  if (ev->memory->wait_tasks && ev->n_task_waits < 4)
    {
      ev->n_task_waits++;
      hs_value_clear (&value);
      g_clear_error (&error);
      hs_engine_wait_for_tasks_async (self->engine, cancellable, evaluation_tasks_read, task);
      return;
    }
  if (ev->memory->missed)
    {
      hs_value_clear (&value);
      g_clear_error (&error);
      if (ev->n_reads >= HS_INTERP_EVAL_MAX_READS
          || ev->n_bytes + ev->memory->miss_length > HS_INTERP_EVAL_MAX_BYTES)
        {
          g_task_return_new_error (task, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                                   "'%s' reads too much memory (at most %u reads and %u bytes "
                                   "per expression)", ev->text, HS_INTERP_EVAL_MAX_READS,
                                   HS_INTERP_EVAL_MAX_BYTES);
          g_object_unref (task);
          return;
        }
      ev->n_reads++;
      ev->n_bytes += ev->memory->miss_length;
      hs_engine_read_async (self->engine, &ev->memory->miss, ev->memory->miss_length, cancellable,
                            evaluation_read, task);
      return;
    }
  if (ev->memory->var_missed)
    {
      const CachedVar *q = &ev->memory->var_miss;

      hs_value_clear (&value);
      g_clear_error (&error);
      /* Each C expression reads what it needs on the worker: one question counts as a read. */
      if (ev->n_reads >= HS_INTERP_EVAL_MAX_READS)
        {
          g_task_return_new_error (task, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                                   "'%s' reads too much memory (at most %u reads and %u bytes "
                                   "per expression)", ev->text, HS_INTERP_EVAL_MAX_READS,
                                   HS_INTERP_EVAL_MAX_BYTES);
          g_object_unref (task);
          return;
        }
      ev->n_reads++;
      hs_engine_query_async (self->engine, q->machine, q->space, cexpr_queries[q->query],
                             q->expression, cancellable, evaluation_var_done, task);
      return;
    }
  if (!ok && error->domain == HS_EVAL_MISS_ERROR)
    {
      /* Only when the tasks were still being read after several halts' worth of waiting. */
      g_clear_error (&error);
      g_set_error_literal (&error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                           "the guests' tasks are still being read; ask again in a moment");
    }
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memdup2 (&value, sizeof value), (GDestroyNotify) value_free);
  g_object_unref (task);
}

/* Starts evaluating @text (an expression, or with @address an address form) with @memory's
 * reads (NULL: its own); the task returns an HsValue. */
static void
evaluate_with (HsInterp            *self,
               const char          *text,
               gboolean             address,
               HsEvalMemory        *memory,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Evaluation *ev = g_new0 (Evaluation, 1);

  g_task_set_source_tag (task, hs_interp_evaluate_async);
  ev->text = g_strdup (text);
  ev->address = address;
  ev->own_memory = memory == NULL;
  ev->memory = memory ? memory : hs_eval_memory_new ();
  g_task_set_task_data (task, ev, (GDestroyNotify) evaluation_free);
  evaluation_step (task);
}

void
hs_interp_evaluate_async (HsInterp            *self,
                          const char          *text,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (HS_IS_INTERP (self));
  g_return_if_fail (text != NULL);

  evaluate_with (self, text, FALSE, NULL, cancellable, callback, user_data);
}

gboolean
hs_interp_evaluate_finish (HsInterp      *self,
                           GAsyncResult  *result,
                           HsValue       *value,
                           GError       **error)
{
  HsValue *v;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  v = g_task_propagate_pointer (G_TASK (result), error);
  if (v == NULL)
    return FALSE;
  /* The value moves to the caller. */
  *value = *v;
  g_free (v);
  return TRUE;
}

/* ---- a command's arguments -------------------------------------------------------------- */

typedef struct
{
  GPtrArray *texts;             /* of char* */
  guint next;
  HsEvalMemory *memory;         /* the caller's */
} Prefetch;

static void
prefetch_free (Prefetch *p)
{
  g_ptr_array_unref (p->texts);
  g_free (p);
}

static void prefetch_next (GTask *task);

static void
prefetch_one_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_auto(HsValue) value = { 0 };
  GError *error = NULL;

  /* The command reports what is wrong with its arguments itself; only a stop stops here. One
 * past the read budget is then reported as something to put in a macro (which has a budget
 * of its own). */
  if (!hs_interp_evaluate_finish (HS_INTERP (object), result, &value, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_error (&error);
  prefetch_next (task);
}

static void
prefetch_next (GTask *task)
{
  Prefetch *p = g_task_get_task_data (task);

  if (p->next >= p->texts->len)
    {
      hs_eval_memory_freeze (p->memory);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  evaluate_with (g_task_get_source_object (task), g_ptr_array_index (p->texts, p->next++),
                 TRUE, p->memory, g_task_get_cancellable (task), prefetch_one_done, task);
}

/**
 * hs_interp_prefetch_async:
 * @texts: (element-type utf8): a command's arguments that call functions
 *
 * Reads into @memory what evaluating each of @texts (as an address form, which a plain
 * expression is too) reads from the target, so that the command can then evaluate them at
 * once with @memory (frozen afterwards: what was not read is an error, not a wait).
 * Evaluation errors are left for the command to report.
 */
void
hs_interp_prefetch_async (HsInterp            *self,
                          GPtrArray           *texts,
                          HsEvalMemory        *memory,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Prefetch *p = g_new0 (Prefetch, 1);

  g_task_set_source_tag (task, hs_interp_prefetch_async);
  p->texts = g_ptr_array_ref (texts);
  p->memory = memory;
  g_task_set_task_data (task, p, (GDestroyNotify) prefetch_free);
  prefetch_next (task);
}

gboolean
hs_interp_prefetch_finish (HsInterp      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
