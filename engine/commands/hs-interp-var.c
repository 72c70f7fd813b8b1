/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-var.c: C expressions over a machine's symbols and memory: Var.view, Var.set and
 * the watch list (Var.Watch, Var.DelWatch).
 *
 * "2:::init_task.comm" evaluates with machine 2's kernel symbols (at its KASLR offset) and
 * reads machine 2's kernel space; "2:::0x5a::expr" reads process 0x5a's space with the
 * symbols bound to it, else the kernel's. The evaluation itself is the engine's
 * (hs_engine_evaluate_async(), hs-engine-vars.c); this file parses and prints.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Commands                                                                                   */

typedef struct
{
  char *expression;
  guint machine;
  guint64 space;
  GBytes *written;           /* Var.set: held until the call ends, as the old job held it */
} VarState;

static void
var_state_clear (VarState *state)
{
  g_free (state->expression);
  g_clear_pointer (&state->written, g_bytes_unref);
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

/* Where @text ("[machine:::[space::]]expression") is evaluated, in the call's state; FALSE after
 * failing the call. @limits: also parse /Depth and /Elements. */
static gboolean
parse_target (Call       *call,
              const char *text,
              VarState   *state,
              guint      *max_depth,
              guint      *max_elements)
{
  HsEngine *engine = hs_call_engine (call);
  g_auto(HsAddressSpec) spec = { 0 };
  GError *error = NULL;
  guint machine;
  guint64 space = 0;
  gboolean given;
  /* Printing is bounded anyway (HS_CEXPR_MAX_ITEMS); these only say how much of it to show. */
  static const struct { const char *name; guint max; } limits[] = {
    { "Depth", 16 }, { "Elements", 4096 },
  };
  guint64 values[G_N_ELEMENTS (limits)] = { 0 };

  if (!hs_call_get_machine_option (call, &machine, &given))
    return FALSE;
  for (guint i = 0; max_depth != NULL && i < G_N_ELEMENTS (limits); i++)
    {
      const char *limit = hs_call_option (call, limits[i].name);

      if (limit == NULL)
        continue;
      if (!hs_call_eval_number (call, limit, limits[i].name, &values[i]))
        return FALSE;
      if (values[i] == 0 || values[i] > limits[i].max)
        {
          hs_call_fail (call, "%s: /%s must be 1-%u", call->spec->name, limits[i].name,
                        limits[i].max);
          return FALSE;
        }
    }
  if (hs_call_option (call, "TASK") != NULL)
    {
      HsTask *task = hs_call_resolve_task (call);

      if (task == NULL)
        return FALSE;
      machine = hs_task_get_machine (task);
      space = hs_task_get_space (task);
    }
  if (!hs_address_spec_parse (text, &spec, &error))
    {
      hs_call_return (call, error);
      return FALSE;
    }
  if (spec.access != HS_ACCESS_VIRTUAL)
    {
      hs_call_fail (call, "%s: expressions read virtual memory: leave out the access class",
                    call->spec->name);
      return FALSE;
    }
  if (spec.has_machine)
    {
      if (!hs_engine_check_machine (engine, spec.machine, &error))
        {
          hs_call_return (call, error);
          return FALSE;
        }
      machine = spec.machine;
      if (!spec.has_space)
        space = 0;
    }
  if (spec.has_space)
    space = spec.space;
  /* Checked here, before anything runs, so that the error is the same as it always was. */
  if (!hs_symbol_scope_has_symbols (hs_engine_get_symbol_scope (engine), machine))
    {
      hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                                         "%s: machine %u has no symbols (Data.LOAD.Elf)",
                                         call->spec->name, machine));
      return FALSE;
    }
  state->expression = g_strdup (spec.expression);
  state->machine = machine;
  state->space = space;
  if (max_depth != NULL)
    {
      *max_depth = values[0];
      *max_elements = values[1];
    }
  return TRUE;
}

static void
view_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  VarState *state = call->state;
  GError *error = NULL;
  g_autofree char *text = hs_engine_evaluate_finish (HS_ENGINE (object), result, &error);

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
  guint max_depth, max_elements;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED))
    return;
  state = hs_call_new_state (call, VarState, var_state_clear);
  if (!parse_target (call, text, state, &max_depth, &max_elements))
    return;
  hs_engine_evaluate_async (hs_call_engine (call), state->machine, state->space,
                            state->expression, max_depth, max_elements, NULL, view_done, call);
}

static void
set_written (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  VarState *state = call->state;
  GError *error = NULL;

  if (!hs_engine_write_finish (HS_ENGINE (object), result, &error))
    {
      g_prefix_error (&error, "Var.set: %s: ", state->expression);
      hs_call_return (call, error);
      return;
    }
  /* Read it back, through a fresh cache: what the target holds now. */
  hs_engine_evaluate_async (HS_ENGINE (object), state->machine, state->space, state->expression,
                            0, 0, NULL, view_done, call);
}

static void
set_planned (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  HsAddress address;

  if (!hs_engine_plan_assignment_finish (HS_ENGINE (object), result, &address, &bytes, &error))
    {
      g_prefix_error (&error, "Var.set: ");
      hs_call_return (call, error);
      return;
    }
  /* The last reference is dropped here, after the call, not by the write job's GTask on the
   * main thread right after the worker read the bytes: ThreadSanitizer sees this hand-over
   * (hs-sync), not GTask's. */
  ((VarState *) call->state)->written = g_bytes_ref (bytes);
  hs_engine_write_async (HS_ENGINE (object), &address, bytes, NULL, set_written, call);
}

static void
cmd_var_set (Call *call)
{
  g_autofree char *text = joined_args (call);
  g_autofree char *target = NULL;
  g_autofree char *value = NULL;
  VarState *state;
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
  state = hs_call_new_state (call, VarState, var_state_clear);
  if (!parse_target (call, target, state, NULL, NULL))
    return;
  hs_engine_plan_assignment_async (hs_call_engine (call), state->machine, state->space,
                                   state->expression, value, NULL, set_planned, call);
}

/* ---- the watch list ------------------------------------------------------------------------
 * As TRACE32's Var.Watch: "Var.Watch expr" adds to the list the window shows, "Var.Watch" alone
 * prints it, "Var.DelWatch expr" and "Var.DelWatch /ALL" remove. A watch is evaluated in the
 * current context (the current machine; the current task's space when its process has symbols
 * of its own) unless pinned: "2:::jiffies" or /MACHINE 2. A process space is not kept: a watch
 * lives longer than a process. */

static void
print_watch (GString *out,
             HsWatch *watch)
{
  const char *error = hs_watch_get_error (watch);
  guint machine = hs_watch_get_machine (watch);

  if (machine != HS_WATCH_CURRENT_MACHINE)
    g_string_append_printf (out, "%u:::", machine);
  g_string_append (out, hs_watch_get_expression (watch));
  if (error != NULL)
    g_string_append_printf (out, ": %s", error);
  else
    g_string_append_printf (out, " = %s", hs_watch_get_value (watch));
  if (hs_watch_get_changed (watch))
    g_string_append (out, "  (changed)");
  g_string_append_c (out, '\n');
}

static void
watches_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  GListModel *watches = hs_engine_get_watches (HS_ENGINE (object));
  const char *only = call->state ? ((VarState *) call->state)->expression : NULL;
  guint n = g_list_model_get_n_items (watches);

  hs_engine_wait_for_watches_finish (HS_ENGINE (object), result, NULL);
  if (n == 0)
    g_string_append (call->out, "no watches (Var.Watch expression adds one)\n");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HsWatch) watch = g_list_model_get_item (watches, i);

      if (only == NULL || g_str_equal (only, hs_watch_get_expression (watch)))
        print_watch (call->out, watch);
    }
  hs_call_return (call, NULL);
}

static void
cmd_var_watch (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  g_autofree char *text = joined_args (call);
  g_auto(HsAddressSpec) spec = { 0 };
  GError *error = NULL;
  guint machine = HS_WATCH_CURRENT_MACHINE;
  const char *option = hs_call_option (call, "MACHINE");

  if (*text != 0)
    {
      VarState *state;

      if (!hs_address_spec_parse (text, &spec, &error))
        {
          hs_call_return (call, error);
          return;
        }
      if (spec.access != HS_ACCESS_VIRTUAL || spec.has_space || *spec.expression == 0)
        {
          hs_call_fail (call, "Var.Watch: expected [machine:::]expression (a watch follows "
                              "the current task's space; it cannot be pinned to one)");
          return;
        }
      if (option != NULL)
        {
          gboolean given;

          if (!hs_call_get_machine_option (call, &machine, &given))
            return;
        }
      if (spec.has_machine)
        {
          if (!hs_engine_check_machine (engine, spec.machine, &error))
            {
              hs_call_return (call, error);
              return;
            }
          machine = spec.machine;
        }
      hs_engine_add_watch (engine, spec.expression, machine);
      state = hs_call_new_state (call, VarState, var_state_clear);
      state->expression = g_strdup (spec.expression);
    }
  else if (option != NULL)
    {
      hs_call_fail (call, "Var.Watch: /MACHINE needs an expression");
      return;
    }
  /* Running: the values are the last halt's, shown as they are. */
  hs_engine_wait_for_watches_async (engine, NULL, watches_ready, call);
}

static void
cmd_var_del_watch (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  g_autofree char *text = joined_args (call);
  g_auto(HsAddressSpec) spec = { 0 };
  GError *error = NULL;

  if (hs_call_option (call, "ALL") != NULL)
    {
      if (*text != 0)
        {
          hs_call_fail (call, "Var.DelWatch: either an expression or /ALL");
          return;
        }
      hs_engine_remove_all_watches (engine);
      hs_call_return (call, NULL);
      return;
    }
  if (*text == 0)
    {
      hs_call_fail (call, "Var.DelWatch: expected an expression or /ALL");
      return;
    }
  if (!hs_address_spec_parse (text, &spec, &error))
    {
      hs_call_return (call, error);
      return;
    }
  if (!hs_engine_remove_watch (engine, spec.expression))
    {
      hs_call_fail (call, "Var.DelWatch: '%s' is not watched (Var.Watch lists the watches)",
                    spec.expression);
      return;
    }
  hs_call_return (call, NULL);
}

static const OptionSpec var_options[] = { { "MACHINE", TRUE }, { "TASK", TRUE, TRUE },
                                          { "Depth", TRUE }, { "Elements", TRUE }, { NULL } };
static const OptionSpec watch_options[] = { { "MACHINE", TRUE }, { NULL } };
static const OptionSpec del_watch_options[] = { { "ALL", FALSE }, { NULL } };

/* Their arguments are C expressions, which the engine evaluates: nothing is read for them
 * first (own_evaluation). */
const CommandSpec hs_var_commands[] = {
  { "Var.view", "Var.view [machine:::[space::]]expression [/MACHINE n] [/TASK x] [/Depth n] "
    "[/Elements n]",
    "a C expression over a machine's variables and types, printed as a C value "
    "(init_task.comm, ((struct task_struct *)0x...)->pid, sizeof (struct page)); structs "
    "expanded /Depth levels deep (4) and /Elements of each array (64) are shown",
    1, G_MAXUINT, var_options, cmd_var_view, .needs_tasks = TRUE,
    .own_evaluation = TRUE },
  { "Var.set", "Var.set [machine:::[space::]]expression = value [/MACHINE n] [/TASK x]",
    "write an integer, enum (by name), bool or pointer variable or member, and read it back",
    1, G_MAXUINT, var_options, cmd_var_set, .needs_tasks = TRUE,
    .own_evaluation = TRUE },
  { "Var.Watch", "Var.Watch [[machine:::]expression [/MACHINE n]]",
    "watch an expression: evaluated again after every halt in the current context (or the "
    "machine given), '(changed)' when its text differs from the halt before; alone, lists the "
    "watches and their values",
    0, G_MAXUINT, watch_options, cmd_var_watch, .needs_tasks = TRUE,
    .own_evaluation = TRUE },
  { "Var.DelWatch", "Var.DelWatch expression | /ALL",
    "stop watching an expression, or every one",
    0, G_MAXUINT, del_watch_options, cmd_var_del_watch, .own_evaluation = TRUE },
  { NULL }
};
