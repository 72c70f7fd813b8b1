/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp.c: HsInterp: a line becomes a command of one of the groups'
 * tables, its arguments and options bound and checked against the table
 * entry; HELP and completion. The expressions' scope and their evaluation
 * are hs-interp-eval.c's, scripts hs-interp-script.c's.
 *
 * Main thread only, like the engine it drives.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"
#include "hs-command.h"
#include "hs-builtins.h"
#include "hs-expr.h"

#include <string.h>

G_DEFINE_FINAL_TYPE (HsInterp, hs_interp, G_TYPE_OBJECT)

static void cmd_help (Call *call);

static const CommandSpec help_commands[] = {
  { "HELP", "HELP [command]", "list commands, or show one command's usage", 0, 1, NULL,
    cmd_help },
  { NULL }
};

/* In HELP's order. */
static const CommandSpec * const command_groups[] = {
  hs_run_commands, hs_break_commands, hs_step_commands, hs_register_commands,
  hs_data_commands, hs_var_commands, hs_symbol_commands, hs_mmu_commands, hs_task_commands,
  hs_module_commands, hs_log_commands, hs_frame_commands,
  hs_session_commands, hs_script_commands, help_commands,
};

#define FOREACH_COMMAND(spec) \
  for (guint g_ = 0; g_ < G_N_ELEMENTS (command_groups); g_++) \
    for (const CommandSpec *spec = command_groups[g_]; spec->name != NULL; spec++)

static void
call_free (Call *call)
{
  if (call->state != NULL)
    {
      if (call->state_clear != NULL)
        call->state_clear (call->state);
      g_free (call->state);
    }
  g_clear_pointer (&call->args, g_ptr_array_unref);
  g_clear_pointer (&call->options, g_hash_table_unref);
  if (call->out)
    g_string_free (call->out, TRUE);
  g_clear_pointer (&call->memory, hs_eval_memory_free);
  g_clear_object (&call->interp);
  g_free (call);
}

gpointer
hs_call_alloc_state (Call           *call,
                     gsize           size,
                     GDestroyNotify  clear)
{
  g_return_val_if_fail (call->state == NULL, call->state);
  call->state = g_malloc0 (size);
  call->state_clear = clear;
  return call->state;
}

/* Ends a command: the task owns the call, so nothing may touch @call afterwards. */
void
hs_call_return (Call   *call,
                GError *error)
{
  GTask *task = call->task;

  call->task = NULL;
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (call->out->str), g_free);
  g_object_unref (task);
}

void
hs_call_fail (Call       *call,
              const char *fmt,
              ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  hs_call_return (call, g_error_new_literal (HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                                             msg));
}

static void
stop_described (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  g_autofree char *stop = hs_engine_describe_stop_finish (HS_ENGINE (object), result, NULL);

  if (stop != NULL)
    g_string_append_printf (call->out, "%s\n", stop);
  hs_call_return (call, NULL);
}

/* Ends the call with where and why the target stopped, as the GUI's status line says it (its
 * source line is looked up in a thread). */
void
hs_call_return_with_stop (Call *call)
{
  hs_engine_describe_stop_async (call->interp->engine, NULL, stop_described, call);
}

const char *
hs_call_option (Call       *call,
                const char *name)
{
  return g_hash_table_lookup (call->options, name);
}

const char *
hs_call_arg (Call  *call,
             guint  index)
{
  return index < call->args->len ? g_ptr_array_index (call->args, index) : NULL;
}

/* A file argument: unquoted, "~/" is the home directory. */
char *
hs_call_path (Call  *call,
              guint  index)
{
  g_autofree char *path = hs_command_unquote (hs_call_arg (call, index));

  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  return g_steal_pointer (&path);
}

HsEngine *
hs_call_engine (Call *call)
{
  return call->interp->engine;
}

/* Any address form, or the call returns with why not. */
gboolean
hs_call_resolve_address (Call       *call,
                         const char *text,
                         HsAddress  *address)
{
  GError *error = NULL;

  if (!hs_interp_resolve_address_in (call->interp, call->memory, text, address, &error))
    {
      hs_call_return (call, error);
      return FALSE;
    }
  return TRUE;
}

HsExprScope
hs_call_scope (Call *call)
{
  HsExprScope scope = hs_interp_default_scope (call->interp);

  scope.memory = call->memory;
  return scope;
}

gboolean
hs_call_eval_number (Call        *call,
                     const char  *text,
                     const char  *what,
                     guint64     *out)
{
  HsExprScope scope = hs_call_scope (call);
  HsExprContext ctx = hs_interp_expr_context (&scope);
  GError *error = NULL;

  if (!hs_expr_evaluate_number (text, &ctx, out, &error))
    {
      g_prefix_error (&error, "%s: ", what);
      hs_call_return (call, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
hs_call_require_state (Call          *call,
                       HsEngineState  state)
{
  HsEngineState now = hs_engine_get_state (call->interp->engine);

  if (now == state)
    return TRUE;
  if (now == HS_ENGINE_STATE_DETACHED)
    hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED,
                                    "%s: not attached to a target (SYStem.Attach HOST:PORT, "
                                    "or start with --attach or --demo)", call->spec->name));
  else if (now == HS_ENGINE_STATE_RUNNING)
    hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                                    "%s: the target is running; halt it first (Break)",
                                    call->spec->name));
  else
    hs_call_return (call, g_error_new (HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_RUNNING,
                                    "%s: the target is %s", call->spec->name,
                                    hs_engine_state_to_string (now)));
  return FALSE;
}

/* /CORE n, else the current core. */
gboolean
hs_call_get_core_option (Call  *call,
                         guint *core)
{
  const char *text = hs_call_option (call, "CORE");
  guint64 v;
  guint n = hs_engine_get_n_cores (call->interp->engine);

  *core = hs_engine_get_current_core (call->interp->engine);
  if (text == NULL)
    return TRUE;
  if (!hs_call_eval_number (call, text, "/CORE", &v))
    return FALSE;
  if (v >= n)
    {
      hs_call_fail (call, "/CORE %s: core %" G_GUINT64_FORMAT " does not exist; the target has "
                 "%u cores (0-%u)", text, v, n, n ? n - 1 : 0);
      return FALSE;
    }
  *core = (guint) v;
  return TRUE;
}

void
hs_call_append_core_line (Call   *call,
                          HsCore *core)
{
  g_autofree char *text = hs_core_describe (core);

  g_string_append_printf (call->out, "%s", text);
  if (hs_core_get_stop_reason (core) != HS_STOP_REASON_NONE)
    g_string_append_printf (call->out, " (%s)",
                            hs_stop_reason_to_string (hs_core_get_stop_reason (core)));
  g_string_append_c (call->out, '\n');
}

static const CommandSpec *
find_command (const char *typed)
{
  FOREACH_COMMAND (spec)
    if (hs_command_name_matches (spec->name, typed))
      return spec;
  return NULL;
}

static void
cmd_help (Call *call)
{
  if (call->args->len == 1)
    {
      const char *name = g_ptr_array_index (call->args, 0);
      const CommandSpec *spec = find_command (name);
      g_autofree char *abbrev = NULL;

      if (spec == NULL)
        {
          hs_call_fail (call, "HELP: no command '%s'", name);
          return;
        }
      abbrev = hs_command_name_abbreviation (spec->name);
      g_string_append_printf (call->out, "%s (short: %s)\n  %s\n", spec->usage, abbrev,
                              spec->summary);
      hs_call_return (call, NULL);
      return;
    }
  FOREACH_COMMAND (spec)
    g_string_append_printf (call->out, "%-36s %s\n", spec->usage, spec->summary);
  g_string_append (call->out, "Numbers: 0x1f hex, 42. decimal, plain digits hex; times 10.s, "
                              "500.ms. Comments start with ; or //.\n");
  g_string_append (call->out, "Scripts (DO file): LOCAL/PRIVATE/GLOBAL &m, &m=expression, &m in "
                              "any line, IF/ELSE, WHILE, RePeaT n, ( blocks ), label:, GOTO, "
                              "GOSUB/RETURN, ENTRY &a &b, ON ERROR CONTinue|GOSUB|GOTO|DEFault, "
                              "STOP (CONTinue resumes), ENDDO, END.\n");
  {
    g_autofree char *functions = hs_builtins_describe ();

    g_string_append_printf (call->out, "Functions in expressions (capitals: the short form; "
                            "[...]: optional): %s\n", functions);
  }
  hs_call_return (call, NULL);
}

/* ---- parsing ---------------------------------------------------------------------------- */

static const char *
nearest_command (const char *typed)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;

  FOREACH_COMMAND (spec)
    {
      g_autofree char *abbrev = hs_command_name_abbreviation (spec->name);
      guint d = MIN (hs_command_edit_distance (typed, spec->name),
                     hs_command_edit_distance (typed, abbrev));

      if (d < best_d)
        {
          best_d = d;
          best = spec->name;
        }
    }
  /* Only suggest what is plausibly a typo. */
  return best_d <= MAX (2u, (guint) strlen (typed) / 3) ? best : NULL;
}

static gboolean
bind_arguments (Call       *call,
                GPtrArray  *tokens,
                GError    **error)
{
  const CommandSpec *spec = call->spec;

  for (guint i = 1; i < tokens->len; i++)
    {
      HsToken *tok = g_ptr_array_index (tokens, i);
      const OptionSpec *opt = NULL;
      const char *value;

      if (tok->text[0] != '/' || !g_ascii_isalpha (tok->text[1]))
        {
          g_ptr_array_add (call->args, g_strdup (tok->text));
          continue;
        }
      for (guint k = 0; spec->options && spec->options[k].name; k++)
        if (hs_command_name_matches (spec->options[k].name, tok->text + 1))
          opt = &spec->options[k];
      /* An absolute path is an argument, not an option: "/usr/lib/debug/vmlinux", and so is
       * anything in the place of a command's file ("DO /tmp"). */
      if (opt == NULL
          && (strpbrk (tok->text + 1, "/.") != NULL || (spec->path_first && call->args->len == 0)))
        {
          g_ptr_array_add (call->args, g_strdup (tok->text));
          continue;
        }
      if (opt == NULL)
        {
          GString *known = g_string_new (NULL);

          for (guint k = 0; spec->options && spec->options[k].name; k++)
            g_string_append_printf (known, "%s/%s", k ? ", " : "", spec->options[k].name);
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_OPTION,
                       "%s has no option %s (%s%s)", spec->name, tok->text,
                       known->len ? "options: " : "it takes no options", known->str);
          g_string_free (known, TRUE);
          return FALSE;
        }
      if (opt->takes_value)
        {
          if (i + 1 >= tokens->len)
            {
              g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                           "%s: option /%s needs a value", spec->name, opt->name);
              return FALSE;
            }
          i++;
          value = ((HsToken *) g_ptr_array_index (tokens, i))->text;
          g_hash_table_insert (call->options, (gpointer) opt->name,
                               opt->text ? hs_command_unquote (value) : g_strdup (value));
        }
      else
        g_hash_table_insert (call->options, (gpointer) opt->name, g_strdup (""));
    }

  if (call->args->len < spec->min_args || call->args->len > spec->max_args)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                   "%s takes %s; usage: %s", spec->name,
                   spec->max_args == 0 ? "no arguments"
                   : spec->min_args == spec->max_args ? (spec->min_args == 1 ? "one argument"
                                                                             : "fixed arguments")
                   : "a different number of arguments",
                   spec->usage);
      return FALSE;
    }
  return TRUE;
}

static void
tasks_ready (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_engine_wait_for_tasks_finish (HS_ENGINE (object), result, &error))
    {
      hs_call_return (call, error);
      return;
    }
  call->spec->func (call);
}

/* The arguments and option values that call functions ("Data.dump Var.ADDRESS(x)"), whose
 * memory is read first for commands that evaluate at once; NULL when there are none. An
 * argument without a machine of its own is read in the /MACHINE given too, where Break.Set
 * evaluates it. */
static GPtrArray *
texts_to_prefetch (Call *call)
{
  GPtrArray *texts = NULL;
  const char *machine = hs_call_option (call, "MACHINE");
  GHashTableIter iter;
  gpointer value;

  if (call->spec->own_evaluation)
    return NULL;
  for (guint i = 0; i < call->args->len; i++)
    {
      const char *arg = g_ptr_array_index (call->args, i);

      if (strchr (arg, '(') == NULL)
        continue;
      if (texts == NULL)
        texts = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (texts, g_strdup (arg));
      if (machine != NULL && *machine != 0 && strstr (arg, ":::") == NULL)
        g_ptr_array_add (texts, g_strdup_printf ("%s:::%s", machine, arg));
    }
  g_hash_table_iter_init (&iter, call->options);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (strchr (value, '(') != NULL)
      {
        if (texts == NULL)
          texts = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (texts, g_strdup (value));
      }
  return texts;
}

static void run_call (Call *call);

static void
prefetched (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!hs_interp_prefetch_finish (HS_INTERP (object), result, &error))
    {
      hs_call_return (call, error);
      return;
    }
  run_call (call);
}

/* Runs the bound call: after a halt that came while a vmlinux was still being indexed,
 * commands in tasks wait (seconds) for that guest's tasks. */
static void
run_call (Call *call)
{
  if (call->spec->needs_tasks && hs_engine_get_tasks_pending (call->interp->engine))
    {
      hs_engine_wait_for_tasks_async (call->interp->engine, g_task_get_cancellable (call->task),
                                      tasks_ready, call);
      return;
    }
  call->spec->func (call);
}

void
hs_interp_execute_command_async (HsInterp            *self,
                                 const char          *line,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  GError *error = NULL;
  const char *word;
  Call *call;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_interp_execute_command_async);

  tokens = hs_command_tokenize (line, &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (tokens->len == 0)
    {
      /* Blank lines and comments do nothing, successfully. */
      g_task_return_pointer (task, g_strdup (""), g_free);
      return;
    }

  word = ((HsToken *) g_ptr_array_index (tokens, 0))->text;
  call = g_new0 (Call, 1);
  call->interp = g_object_ref (self);
  call->spec = find_command (word);
  call->args = g_ptr_array_new_with_free_func (g_free);
  call->options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  call->out = g_string_new (NULL);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (call->spec == NULL)
    {
      const char *near = nearest_command (word);

      if (near)
        g_task_return_new_error (task, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_COMMAND,
                                 "unknown command '%s'; did you mean %s?", word, near);
      else
        g_task_return_new_error (task, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_COMMAND,
                                 "unknown command '%s' (HELP lists the commands)", word);
      return;
    }
  if (!bind_arguments (call, tokens, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  call->task = g_steal_pointer (&task);
  {
    g_autoptr(GPtrArray) texts = texts_to_prefetch (call);

    if (texts != NULL)
      {
        call->memory = hs_eval_memory_new ();
        /* Running or detached, nothing is read: the functions then say why themselves. */
        if (hs_engine_get_state (self->engine) == HS_ENGINE_STATE_HALTED)
          {
            hs_interp_prefetch_async (self, texts, call->memory,
                                      g_task_get_cancellable (call->task), prefetched, call);
            return;
          }
        hs_eval_memory_freeze (call->memory);
      }
  }
  run_call (call);
}

/* Lines and scripts running inside each other (a macro that makes a line "DO" itself) are
 * bounded here, where every one starts. */
#define MAX_RUNS 64

void
hs_interp_execute_async (HsInterp            *self,
                         const char          *line,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HsPracticeProgram) program = NULL;
  GError *error = NULL;

  g_return_if_fail (HS_IS_INTERP (self));
  g_return_if_fail (line != NULL);

  program = hs_practice_compile (line, strlen (line), NULL, &error);
  /* A plain command is the common case: straight to it, its errors as they are. */
  if (program != NULL && hs_practice_program_get_length (program) == 1
      && hs_practice_program_get_insn (program, 0)->op == HS_PRACTICE_COMMAND)
    {
      g_autofree char *expanded = hs_interp_expand_line (self, line, &error);

      if (expanded != NULL)
        {
          hs_interp_execute_command_async (self, expanded, cancellable, callback, user_data);
          return;
        }
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_interp_execute_async);
  if (program == NULL || error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (hs_practice_program_get_length (program) == 0)
    {
      g_task_return_pointer (task, g_strdup (""), g_free);
      return;
    }
  if (self->runs >= MAX_RUNS)
    {
      g_task_return_new_error (task, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                               "%u scripts are running inside each other: a macro that runs "
                               "its own script?", self->runs);
      return;
    }
  hs_interp_run_program (self, program, NULL, g_steal_pointer (&task));
}

char *
hs_interp_execute_finish (HsInterp      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  GError *failure = NULL;
  char *output;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  output = g_task_propagate_pointer (G_TASK (result), &failure);
  /* Lines typed or read from scripts, symbol files and guest memory are quoted in messages and
   * output: what is not UTF-8 would be dropped whole by the window, or garble a terminal. */
  if (failure != NULL && !g_utf8_validate (failure->message, -1, NULL))
    {
      char *valid = g_utf8_make_valid (failure->message, -1);

      g_free (failure->message);
      failure->message = valid;
    }
  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return NULL;
    }
  if (!g_utf8_validate (output, -1, NULL))
    {
      char *valid = g_utf8_make_valid (output, -1);

      g_free (output);
      output = valid;
    }
  return output;
}

GStrv
hs_interp_complete (HsInterp   *self,
                    const char *prefix)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize len = strlen (prefix);

  g_return_val_if_fail (HS_IS_INTERP (self), NULL);

  FOREACH_COMMAND (spec)
    if (g_ascii_strncasecmp (spec->name, prefix, len) == 0)
      g_strv_builder_add (builder, spec->name);
  return g_strv_builder_end (builder);
}

const char *
hs_interp_resolve (HsInterp   *self,
                   const char *typed)
{
  const CommandSpec *spec;

  g_return_val_if_fail (HS_IS_INTERP (self), NULL);
  spec = find_command (typed);
  return spec ? spec->name : NULL;
}

HsEngine *
hs_interp_get_engine (HsInterp *self)
{
  g_return_val_if_fail (HS_IS_INTERP (self), NULL);
  return self->engine;
}

static void
hs_interp_finalize (GObject *object)
{
  HsInterp *self = HS_INTERP (object);

  hs_interp_clear_stopped (self);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->globals, g_hash_table_unref);
  g_clear_pointer (&self->command_line_macros, g_hash_table_unref);
  G_OBJECT_CLASS (hs_interp_parent_class)->finalize (object);
}

static guint view_requested_signal;
static guint printed_signal;
static guint script_progress_signal;
static guint quit_requested_signal;

enum { PROP_0, PROP_SCRIPT_STOPPED, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
hs_interp_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HsInterp *self = HS_INTERP (object);

  switch (prop_id)
    {
    case PROP_SCRIPT_STOPPED:
      g_value_set_boolean (value, self->stopped != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_interp_class_init (HsInterpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_interp_finalize;
  object_class->get_property = hs_interp_get_property;

  /**
   * HsInterp:script-stopped:
   *
   * A script is paused by STOP: CONTinue resumes it, END ends it
   * (hs_interp_get_stopped_script() says where).
   */
  properties[PROP_SCRIPT_STOPPED] =
    g_param_spec_boolean ("script-stopped", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HsInterp::view-requested:
   * @view: "registers"
   * @machine: the machine the view is for
   *
   * A command asked for a window (Register.view /MACHINE n); a GUI opens it, a script just
   * prints the command's text.
   */
  view_requested_signal =
    g_signal_new ("view-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);

  /**
   * HsInterp::printed:
   * @text: what a command in a running script printed
   *
   * While streaming is on (hs_interp_set_streaming()), what scripts print comes here as they
   * print it, and not in their DO's result.
   */
  printed_signal =
    g_signal_new ("printed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * HsInterp::script-progress:
   * @file: the script
   * @line: the line starting (0: the script starts)
   * @n_lines: the script's lines
   *
   * A script runs a command, or starts (for a progress display).
   */
  script_progress_signal =
    g_signal_new ("script-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * HsInterp::quit-requested:
   * @status: the exit status QUIT asked for
   *
   * QUIT ran: every script ends; the program should leave.
   */
  quit_requested_signal =
    g_signal_new ("quit-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

void
hs_interp_emit_printed (HsInterp   *self,
                        const char *text)
{
  g_autofree char *valid = NULL;

  /* As hs_interp_execute_finish() does for a result: the error lines a run prints itself may
   * quote bytes read from memory, and a window drops text that is not UTF-8 whole. */
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  g_signal_emit (self, printed_signal, 0, text);
}

void
hs_interp_emit_script_progress (HsInterp   *self,
                                const char *file,
                                guint       line,
                                guint       n_lines)
{
  g_signal_emit (self, script_progress_signal, 0, file, line, n_lines);
}

void
hs_interp_notify_stopped (HsInterp *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCRIPT_STOPPED]);
}

void
hs_interp_emit_quit_requested (HsInterp *self,
                               gint      status)
{
  g_signal_emit (self, quit_requested_signal, 0, status);
}

void
hs_interp_set_streaming (HsInterp *self,
                         gboolean  streaming)
{
  g_return_if_fail (HS_IS_INTERP (self));
  self->streaming = !!streaming;
}

void
hs_interp_request_view (HsInterp   *self,
                        const char *view,
                        guint       machine)
{
  g_signal_emit (self, view_requested_signal, 0, view, machine);
}

static void
hs_interp_init (HsInterp *self)
{
  self->globals = hs_interp_new_macro_table ();
  self->command_line_macros = hs_interp_new_macro_table ();
}


HsInterp *
hs_interp_new (HsEngine *engine)
{
  HsInterp *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  self = g_object_new (HS_TYPE_INTERP, NULL);
  self->engine = g_object_ref (engine);
  return self;
}
