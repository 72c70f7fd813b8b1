/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-script.c: running PRACTICE. Every line typed and every script
 * run with DO goes through here: macros (&name) are expanded, assignments,
 * declarations and control flow (IF, WHILE, RePeaT, GOTO, GOSUB, ON ERROR,
 * ENDDO, ...) are done here, and the rest are commands (hs-interp.c).
 *
 * A run is a stack of frames: the line or script it started with, a frame
 * for each DO it went into and each GOSUB it called. Each frame has its
 * blocks' macros; LOCAL ones are seen by what the frame calls, PRIVATE ones
 * only by the frame itself, GLOBAL ones (the interpreter's) by everything
 * (hs-interp-frames.c).
 *
 * Main thread only (the interpreter's and the engine's). A run owns itself
 * and its GTask; the steps that wait (commands, expressions that read
 * memory) come back to run_continue(). Runs yield to the main loop every few
 * hundred instructions, so a tight WHILE keeps the window alive and can be
 * stopped. STOP pauses a script: its DO ends, the interpreter keeps the run
 * (HsInterp.stopped), lines typed meanwhile see its macros, and CONTinue
 * gives it a new task and runs it on from the line after the STOP.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-script-private.h"

#include "hs-command.h"
#include "hs-practice.h"

#include <string.h>

#define DO_MAX_DEPTH        8
#define GOSUB_MAX_DEPTH     1000
#define STEPS_PER_YIELD     500

static void run_continue (Run *run);

/* ---- the run ---------------------------------------------------------------------------- */

static void
run_free (Run *run)
{
  g_clear_handle_id (&run->idle_id, g_source_remove);
  g_ptr_array_unref (run->frames);
  g_clear_pointer (&run->insn_program, hs_practice_program_unref);
  g_string_free (run->out, TRUE);
  g_clear_object (&run->task);
  g_clear_object (&run->interp);
  g_free (run);
}

static gboolean
in_script (Run *run)
{
  for (guint f = 0; f < run->frames->len; f++)
    if (hs_practice_program_get_file (((Frame *) g_ptr_array_index (run->frames, f))->program))
      return TRUE;
  return FALSE;
}

/* What a command in a script prints goes out as it comes when someone listens (the window,
 * the command-line tool); the run's result holds the rest. */
static void
run_print (Run        *run,
           const char *text)
{
  if (*text == 0)
    return;
  if (run->interp->streaming && in_script (run))
    hs_interp_emit_printed (run->interp, text);
  else
    g_string_append (run->out, text);
}

static void
run_finish (Run    *run,
            GError *error)
{
  GTask *task = g_steal_pointer (&run->task);

  if (run->failed > 0 && error == NULL)
    {
      g_autofree char *summary = g_strdup_printf ("%u error%s in the script (ON ERROR "
                                                  "CONTinue: it ran on)\n", run->failed,
                                                  run->failed == 1 ? "" : "s");

      run_print (run, summary);
    }
  if (--run->interp->runs == 0)
    run->interp->quit_requested = FALSE;
  if (error)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (run->out->str), g_free);
  g_object_unref (task);
  run_free (run);
}

/* "file:12: " for messages about the instruction running; nothing for a typed line. */
static char *
where (Run *run)
{
  const char *file;

  if (run->insn == NULL)
    return g_strdup ("");
  file = hs_practice_program_get_file (run->insn_program);
  if (file == NULL)
    return g_strdup ("");
  return g_strdup_printf ("%s:%u: ", file, run->insn->line);
}

/* Ends the script STOP paused, if there is one; @printer (may be NULL) says so. */
static void
end_stopped (HsInterp *interp,
             Run      *printer)
{
  Run *stopped = g_steal_pointer (&interp->stopped);

  if (stopped == NULL)
    return;
  if (printer != NULL)
    {
      g_autofree char *at = where (stopped);
      g_autofree char *line = g_strdup_printf ("%sthe script stopped here has ended\n", at);

      run_print (printer, line);
    }
  stopped->interp = NULL;  /* borrowed while stopped */
  run_free (stopped);
  hs_interp_notify_stopped (interp);
}

void
hs_interp_clear_stopped (HsInterp *self)
{
  if (self->stopped == NULL)
    return;
  self->stopped->interp = NULL;
  g_clear_pointer (&self->stopped, run_free);
}

/* STOP in a script: its DO ends now with what it printed, so the command line is free; the
 * interpreter keeps the run until CONTinue resumes it or END ends it. One script waits at a
 * time: an older one stopped is ended. */
static void
run_suspend (Run *run)
{
  HsInterp *interp = run->interp;
  GTask *task = g_steal_pointer (&run->task);
  char *out;

  end_stopped (interp, run);
  out = g_string_free (g_steal_pointer (&run->out), FALSE);
  run->out = g_string_new (NULL);
  if (--interp->runs == 0)
    interp->quit_requested = FALSE;
  interp->stopped = run;
  /* The interpreter owns the run now: the run's reference would be a cycle. The task keeps
   * the interpreter alive until it has returned. */
  g_object_unref (interp);
  hs_interp_notify_stopped (interp);
  g_task_return_pointer (task, out, g_free);
  g_object_unref (task);
}

const char *
hs_interp_get_stopped_script (HsInterp *self,
                              guint    *line,
                              guint    *n_lines)
{
  Run *run;

  g_return_val_if_fail (HS_IS_INTERP (self), NULL);

  run = self->stopped;
  if (line)
    *line = run ? run->insn->line : 0;
  if (n_lines)
    *n_lines = run ? hs_practice_program_get_n_lines (run->insn_program) : 0;
  return run ? hs_practice_program_get_file (run->insn_program) : NULL;
}

/* "  in GOSUB check, called from x.cmm:8" lines, innermost first. */
static void
append_call_chain (Run     *run,
                   GString *s)
{
  for (guint f = run->frames->len; f-- > 1;)
    {
      Frame *frame = g_ptr_array_index (run->frames, f);
      Frame *caller = g_ptr_array_index (run->frames, f - 1);
      const char *file = hs_practice_program_get_file (caller->program);

      /* The script a typed DO runs is the one the message starts with. */
      if (frame->is_script && file == NULL)
        continue;
      if (frame->is_script)
        g_string_append_printf (s, "\n  in DO %s", frame->name);
      else
        g_string_append_printf (s, "\n  in GOSUB %s", frame->name);
      if (file != NULL)
        g_string_append_printf (s, ", called from %s:%u", file, frame->call_line);
    }
}

static Frame *
script_frame (Run *run)
{
  for (guint f = run->frames->len; f-- > 0;)
    {
      Frame *frame = g_ptr_array_index (run->frames, f);

      if (frame->is_script)
        return frame;
    }
  return NULL;
}

static gboolean jump_to_label (Run *run, Frame *frame, const char *name, GError **error);

/* The instruction running failed: what ON ERROR says happens next. Takes @error. */
static void
run_error (Run    *run,
           GError *error)
{
  Frame *script = script_frame (run);
  OnErrorKind kind = script ? script->on_error.kind : ON_ERROR_DEFAULT;
  g_autofree char *at = where (run);

  /* Stopped by the user (Escape, Ctrl+C, the Stop button): the rest does not run. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (g_task_get_cancellable (run->task)))
    {
      g_error_free (error);
      run_finish (run, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped at %s%s", at,
                                    run->insn ? run->insn->source : ""));
      return;
    }
  if (run->handling_error
      || kind == ON_ERROR_DEFAULT || run->interp->quit_requested)
    {
      GString *chain = g_string_new (NULL);

      if (run->insn != NULL && *at)
        g_prefix_error (&error, "%s%s: ", at, run->insn->source);
      append_call_chain (run, chain);
      if (chain->len)
        {
          char *msg = g_strconcat (error->message, chain->str, NULL);

          g_free (error->message);
          error->message = msg;
        }
      g_string_free (chain, TRUE);
      run_finish (run, error);
      return;
    }

  {
    g_autofree char *line = g_strdup_printf ("error: %s%s: %s\n", at, run->insn->source,
                                             error->message);

    run_print (run, line);
    run->failed++;
  }
  g_error_free (error);
  /* A condition or a count that could not be evaluated is false, or none: going into the
   * body would loop on the error for ever in a WHILE. */
  if (run->insn_frame != NULL && run->insn->op == HS_PRACTICE_JUMP_UNLESS)
    run->insn_frame->pc = run->insn->target;
  else if (run->insn_frame != NULL && run->insn->op == HS_PRACTICE_REPEAT_INIT)
    run->insn_frame->counters[run->insn->slot] = 0;
  if (kind == ON_ERROR_GOSUB)
    {
      const HsPracticeLabel *label = hs_practice_program_find_label (script->on_error.program,
                                                                     script->on_error.label);
      Frame *handler;

      g_assert (label != NULL);  /* checked when the script was compiled */
      handler = hs_script_frame_new (script->on_error.program, script->on_error.label,
                                     label->insn, label->block, NULL);
      handler->call_line = run->insn->line;
      handler->is_handler = TRUE;
      run->handling_error = TRUE;
      g_ptr_array_add (run->frames, handler);
    }
  else if (kind == ON_ERROR_GOTO)
    {
      GError *jump_error = NULL;
      HsPracticeProgram *program = script->on_error.program;
      g_autofree char *label = g_strdup (script->on_error.label);
      guint f;

      /* Back to the script whose label it is (a DO inherits its caller's handler). */
      for (f = run->frames->len; f-- > 0;)
        {
          Frame *frame = g_ptr_array_index (run->frames, f);

          if (frame->is_script && frame->program == program)
            break;
        }
      g_assert (f != G_MAXUINT);
      run->insn_frame = NULL;
      g_ptr_array_set_size (run->frames, f + 1);
      if (!jump_to_label (run, hs_script_innermost (run), label, &jump_error))
        {
          run_finish (run, jump_error);
          return;
        }
    }
  run_continue (run);
}

/* ---- instructions ----------------------------------------------------------------------- */

static char *
expand (Run         *run,
        const char  *text,
        GError     **error)
{
  return hs_practice_expand (text ? text : "", hs_script_lookup_macro, run, error);
}

/* A line's arguments as written (quotes kept, as ENTRY hands them on). */
static GPtrArray *
split_arguments (const char  *text,
                 GError     **error)
{
  g_autoptr(GPtrArray) tokens = hs_command_tokenize (text, error);
  GPtrArray *args;

  if (tokens == NULL)
    return NULL;
  args = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < tokens->len; i++)
    g_ptr_array_add (args, g_strdup (((HsToken *) g_ptr_array_index (tokens, i))->text));
  return args;
}

static gboolean
jump_to_label (Run         *run,
               Frame       *frame,
               const char  *name,
               GError     **error)
{
  const HsPracticeLabel *label = hs_practice_program_find_label (frame->program, name);
  guint depth;

  if (label == NULL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "there is no label %s in this script", name);
      return FALSE;
    }
  /* Out of blocks, never into one: the label's block must be one the frame is in. */
  for (depth = frame->blocks->len; depth-- > 0;)
    if (((BlockFrame *) g_ptr_array_index (frame->blocks, depth))->block == label->block)
      break;
  if (depth == G_MAXUINT)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "the label %s is inside a block this line is not in: a GOTO may leave "
                   "blocks, not enter them", name);
      return FALSE;
    }
  g_ptr_array_set_size (frame->blocks, depth + 1);
  frame->pc = label->insn;
  return TRUE;
}

static gboolean
do_declare (Run                  *run,
            const HsPracticeInsn *insn,
            GError              **error)
{
  g_auto(GStrv) names = g_strsplit_set (insn->text, " \t,", -1);

  for (guint i = 0; names[i]; i++)
    {
      if (*names[i] == 0)
        continue;
      if (insn->scope == HS_PRACTICE_GLOBAL)
        {
          if (!g_hash_table_contains (run->interp->globals, names[i] + 1))
            hs_script_declare_macro (run->interp->globals, names[i] + 1, HS_PRACTICE_GLOBAL,
                                     "");
        }
      else
        hs_script_declare_macro (hs_script_innermost_macros (run), names[i] + 1, insn->scope,
                                 "");
    }
  return TRUE;
}

static gboolean
do_entry (Run                  *run,
          Frame                *frame,
          const HsPracticeInsn *insn,
          GError              **error)
{
  g_auto(GStrv) names = g_strsplit_set (insn->text, " \t,", -1);
  gboolean whole_line = FALSE;
  guint arg = 0;

  for (guint i = 0; names[i]; i++)
    {
      gsize len;
      const char *value;
      g_autofree char *joined = NULL;

      if (*names[i] == 0)
        continue;
      if (g_ascii_strcasecmp (names[i], "%LINE") == 0)
        {
          whole_line = TRUE;
          continue;
        }
      if (!hs_practice_macro_name_length (names[i], &len) || names[i][len] != 0)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                       "ENTRY takes macro names (&name), not '%s'", names[i]);
          return FALSE;
        }
      if (whole_line)
        {
          GString *s = g_string_new (NULL);

          for (; arg < frame->entry->len; arg++)
            g_string_append_printf (s, "%s%s", s->len ? " " : "",
                                    (const char *) g_ptr_array_index (frame->entry, arg));
          joined = g_string_free (s, FALSE);
          value = joined;
        }
      else
        value = arg < frame->entry->len ? g_ptr_array_index (frame->entry, arg++) : "";
      /* The frame's own: a recursive GOSUB's ENTRY must not write its caller's. */
      if (!hs_script_set_frame_macro (run, frame, names[i] + 1, value, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
set_on_error (Run                  *run,
              Frame                *frame,
              const HsPracticeInsn *insn,
              GError              **error)
{
  Frame *script = script_frame (run);
  g_auto(GStrv) words = g_strsplit_set (insn->text, " \t", -1);
  OnError next = { 0 };

  if (script == NULL)
    return TRUE;
  if (words[0] == NULL || *words[0] == 0 || hs_command_name_matches ("DEFault", words[0]))
    next.kind = ON_ERROR_DEFAULT;
  else if (hs_command_name_matches ("CONTinue", words[0]))
    next.kind = ON_ERROR_CONTINUE;
  else
    {
      guint i = 1;
      g_autofree char *label = NULL;

      while (words[i] && *words[i] == 0)
        i++;
      {
        g_autofree char *expanded = expand (run, words[i], error);

        if (expanded == NULL)
          return FALSE;
        label = hs_command_unquote (expanded);
      }
      if (hs_practice_program_find_label (frame->program, label) == NULL)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                       "ON ERROR: there is no label %s in this script", label);
          return FALSE;
        }
      next.kind = hs_command_name_matches ("GOSUB", words[0]) ? ON_ERROR_GOSUB : ON_ERROR_GOTO;
      next.program = hs_practice_program_ref (frame->program);
      next.label = g_steal_pointer (&label);
    }
  hs_script_on_error_clear (&script->on_error);
  script->on_error = next;
  return TRUE;
}

/* Leaves the innermost frame (RETURN) or every frame up to its script's (ENDDO): the frame
 * left to run next gets @values for its ENTRY. */
static void
return_to_caller (Run       *run,
                  gboolean   whole_script,
                  GPtrArray *values)
{
  gboolean left_script;

  run->insn_frame = NULL;
  do
    {
      Frame *left = hs_script_innermost (run);

      left_script = left->is_script;
      if (left->is_handler)
        run->handling_error = FALSE;
      g_ptr_array_remove_index (run->frames, run->frames->len - 1);
    }
  while (whole_script && !left_script && run->frames->len > 0);
  if (run->frames->len > 0 && values != NULL)
    {
      Frame *caller = hs_script_innermost (run);

      g_ptr_array_unref (caller->entry);
      caller->entry = g_ptr_array_ref (values);
    }
}

/* A relative script path: from where Hyperscope runs, else beside the script that runs it. */
static char *
resolve_script_path (Run        *run,
                     const char *token)
{
  g_autofree char *path = hs_command_unquote (token);
  Frame *script = script_frame (run);
  const char *file = script ? hs_practice_program_get_file (script->program) : NULL;

  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  if (!g_path_is_absolute (path) && file != NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dir = g_path_get_dirname (file);
      g_autofree char *beside = g_build_filename (dir, path, NULL);

      if (g_file_test (beside, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&beside);
    }
  return g_steal_pointer (&path);
}

static gboolean
do_script (Run                  *run,
           const HsPracticeInsn *insn,
           const char           *text,
           GError              **error)
{
  g_autoptr(GPtrArray) args = split_arguments (text, error);
  g_autofree char *path = NULL;
  g_autoptr(HsPracticeProgram) program = NULL;
  Frame *caller_script = script_frame (run);
  Frame *frame;
  guint depth = 0;

  if (args == NULL)
    return FALSE;
  if (args->len == 0)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                   "DO needs a script: DO file [arguments]");
      return FALSE;
    }
  for (guint f = 0; f < run->frames->len; f++)
    if (((Frame *) g_ptr_array_index (run->frames, f))->is_script
        && hs_practice_program_get_file (((Frame *) g_ptr_array_index (run->frames, f))->program))
      depth++;
  path = resolve_script_path (run, g_ptr_array_index (args, 0));
  if (depth >= DO_MAX_DEPTH)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                   "DO %s: scripts nest deeper than %u (a script that runs itself?)", path,
                   DO_MAX_DEPTH);
      return FALSE;
    }
  program = hs_practice_compile_file (path, error);
  if (program == NULL)
    {
      g_prefix_error (error, "DO: ");
      return FALSE;
    }
  g_ptr_array_remove_index (args, 0);
  frame = hs_script_frame_new (program, path, 0, 0, args);
  frame->is_script = TRUE;
  frame->call_line = insn->line;
  if (caller_script != NULL)
    hs_script_on_error_copy (&frame->on_error, &caller_script->on_error);
  g_ptr_array_add (run->frames, frame);
  hs_interp_emit_script_progress (run->interp, path, 0,
                                  hs_practice_program_get_n_lines (program));
  return TRUE;
}

static void
command_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;
  g_autofree char *out = hs_interp_execute_finish (HS_INTERP (object), result, &error);

  if (out == NULL)
    {
      run_error (run, error);
      return;
    }
  run_print (run, out);
  if (run->interp->quit_requested)
    {
      run_finish (run, NULL);
      return;
    }
  run_continue (run);
}

/* What an expression is worth to the instruction that asked for it. */
static void
value_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  g_auto(HsValue) value = { 0 };
  GError *error = NULL;
  const HsPracticeInsn *insn = run->insn;
  Frame *frame = run->insn_frame;

  if (!hs_interp_evaluate_finish (HS_INTERP (object), result, &value, &error))
    {
      run_error (run, error);
      return;
    }
  switch (insn->op)
    {
    case HS_PRACTICE_ASSIGN:
      {
        g_autofree char *text = hs_value_to_literal (&value);

        if (!hs_script_set_macro (run, insn->name, text, &error))
          {
            run_error (run, error);
            return;
          }
      }
      break;
    case HS_PRACTICE_JUMP_UNLESS:
      if (!hs_value_is_true (&value))
        frame->pc = insn->target;
      break;
    case HS_PRACTICE_REPEAT_INIT:
      if (value.type != HS_VALUE_NUMBER)
        {
          run_error (run, g_error_new (HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                                       "RePeaT takes a number of times, e.g. RePeaT 10."));
          return;
        }
      frame->counters[insn->slot] = value.number;
      break;
    default:
      g_assert_not_reached ();
    }
  run_continue (run);
}

static gboolean
resume_idle (gpointer user_data)
{
  Run *run = user_data;

  run->idle_id = 0;
  run_continue (run);
  return G_SOURCE_REMOVE;
}

/* Runs instructions until one has to wait, or the run ends. Returns having handed the run to
 * whatever it waits for, or having finished it. */
static void
run_continue (Run *run)
{
  GCancellable *cancellable = g_task_get_cancellable (run->task);

  for (;;)
    {
      Frame *frame = hs_script_innermost (run);
      const HsPracticeInsn *insn;
      g_autofree char *text = NULL;
      GError *error = NULL;

      if (frame == NULL)
        {
          run_finish (run, NULL);
          return;
        }
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_autofree char *at = where (run);

          run_finish (run, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped at %s%s",
                                        at, run->insn ? run->insn->source : ""));
          return;
        }
      /* The end of a script is its ENDDO; running off a subroutine's end ends its script. */
      if (frame->pc >= hs_practice_program_get_length (frame->program))
        {
          return_to_caller (run, TRUE, NULL);
          continue;
        }
      if (++run->steps >= STEPS_PER_YIELD)
        {
          run->steps = 0;
          run->idle_id = g_idle_add (resume_idle, run);
          return;
        }

      insn = hs_practice_program_get_insn (frame->program, frame->pc++);
      run->insn = insn;
      run->insn_frame = frame;
      if (run->insn_program != frame->program)
        {
          g_clear_pointer (&run->insn_program, hs_practice_program_unref);
          run->insn_program = hs_practice_program_ref (frame->program);
        }

      switch (insn->op)
        {
        case HS_PRACTICE_COMMAND:
          if ((text = expand (run, insn->text, &error)) == NULL)
            break;
          if (hs_practice_program_get_file (frame->program) != NULL)
            hs_interp_emit_script_progress (run->interp,
                                            hs_practice_program_get_file (frame->program),
                                            insn->line,
                                            hs_practice_program_get_n_lines (frame->program));
          hs_interp_execute_command_async (run->interp, text, cancellable, command_done, run);
          return;

        case HS_PRACTICE_ASSIGN:
        case HS_PRACTICE_JUMP_UNLESS:
          if ((text = expand (run, insn->text, &error)) == NULL)
            break;
          if (insn->op == HS_PRACTICE_ASSIGN && *text == 0)
            {
              if (!hs_script_set_macro (run, insn->name, "", &error))
                break;
              continue;
            }
          hs_interp_evaluate_async (run->interp, text, cancellable, value_done, run);
          return;

        case HS_PRACTICE_REPEAT_INIT:
          if (insn->text == NULL)
            {
              frame->counters[insn->slot] = G_MAXUINT64;
              continue;
            }
          if ((text = expand (run, insn->text, &error)) == NULL)
            break;
          hs_interp_evaluate_async (run->interp, text, cancellable, value_done, run);
          return;

        case HS_PRACTICE_REPEAT_NEXT:
          if (frame->counters[insn->slot] == 0)
            frame->pc = insn->target;
          else if (frame->counters[insn->slot] != G_MAXUINT64)
            frame->counters[insn->slot]--;
          continue;

        case HS_PRACTICE_JUMP:
          frame->pc = insn->target;
          continue;

        case HS_PRACTICE_DECLARE:
          do_declare (run, insn, &error);
          continue;

        case HS_PRACTICE_BLOCK_ENTER:
          g_ptr_array_add (frame->blocks, hs_script_block_frame_new (insn->slot));
          continue;

        case HS_PRACTICE_BLOCK_LEAVE:
          if (frame->blocks->len < 2
              || ((BlockFrame *) g_ptr_array_index (frame->blocks,
                                                    frame->blocks->len - 1))->block != insn->slot)
            {
              error = g_error_new (HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                                   "this ')' ends a block the script did not enter (a GOSUB "
                                   "into a block, or a GOTO out of one that ran on?)");
              break;
            }
          g_ptr_array_remove_index (frame->blocks, frame->blocks->len - 1);
          continue;

        case HS_PRACTICE_GOTO:
          {
            const char *rest;

            if ((text = expand (run, insn->text, &error)) == NULL)
              break;
            rest = text + strcspn (text, " \t");
            if (*rest != 0 && *(rest + strspn (rest, " \t")) != 0)
              {
                error = g_error_new (HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                                     "GOTO takes a label and nothing else");
                break;
              }
            {
              g_autofree char *label = hs_command_unquote (g_strstrip (text));

              if (!jump_to_label (run, frame, label, &error))
                break;
            }
            continue;
          }

        case HS_PRACTICE_GOSUB:
          {
            g_autoptr(GPtrArray) args = NULL;
            const HsPracticeLabel *label;
            Frame *sub;
            guint calls = 0;

            if ((text = expand (run, insn->text, &error)) == NULL
                || (args = split_arguments (text, &error)) == NULL)
              break;
            {
              char *unquoted = hs_command_unquote (g_ptr_array_index (args, 0));

              g_free (g_ptr_array_index (args, 0));
              g_ptr_array_index (args, 0) = unquoted;
            }
            label = hs_practice_program_find_label (frame->program,
                                                    g_ptr_array_index (args, 0));
            if (label == NULL)
              {
                error = g_error_new (HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                                     "there is no label %s in this script",
                                     (const char *) g_ptr_array_index (args, 0));
                break;
              }
            for (guint f = 0; f < run->frames->len; f++)
              calls += !((Frame *) g_ptr_array_index (run->frames, f))->is_script;
            if (calls >= GOSUB_MAX_DEPTH)
              {
                error = g_error_new (HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                                     "GOSUB nests deeper than %u (a subroutine that never "
                                     "returns?)", GOSUB_MAX_DEPTH);
                break;
              }
            sub = hs_script_frame_new (frame->program, g_ptr_array_index (args, 0),
                                       label->insn, label->block, NULL);
            g_ptr_array_remove_index (args, 0);
            g_ptr_array_unref (sub->entry);
            sub->entry = g_ptr_array_ref (args);
            sub->call_line = insn->line;
            g_ptr_array_add (run->frames, sub);
            continue;
          }

        case HS_PRACTICE_RETURN:
        case HS_PRACTICE_ENDDO:
          {
            g_autoptr(GPtrArray) values = NULL;

            if ((text = expand (run, insn->text, &error)) == NULL
                || (values = split_arguments (text, &error)) == NULL)
              break;
            if (insn->op == HS_PRACTICE_RETURN && frame->is_script)
              {
                error = g_error_new (HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                                     "RETURN outside a subroutine (GOSUB label ... RETURN)");
                break;
              }
            return_to_caller (run, insn->op == HS_PRACTICE_ENDDO, values);
            continue;
          }

        case HS_PRACTICE_ENTRY:
          if (!do_entry (run, frame, insn, &error))
            break;
          continue;

        case HS_PRACTICE_ON_ERROR:
          if (!set_on_error (run, frame, insn, &error))
            break;
          continue;

        case HS_PRACTICE_STOP:
          {
            const char *file = hs_practice_program_get_file (frame->program);
            g_autofree char *line = NULL;

            /* A typed STOP has no script to pause; after a QUIT nothing waits. */
            if (file == NULL || run->interp->quit_requested)
              {
                run_print (run, "STOP\n");
                run_finish (run, NULL);
                return;
              }
            line = g_strdup_printf ("STOP at %s:%u: CONTinue resumes the script, END ends "
                                    "it\n", file, insn->line);
            run_print (run, line);
            run_suspend (run);
            return;
          }

        case HS_PRACTICE_END:
          end_stopped (run->interp, run);
          run_finish (run, NULL);
          return;

        case HS_PRACTICE_DO:
          if ((text = expand (run, insn->text, &error)) == NULL
              || !do_script (run, insn, text, &error))
            break;
          continue;

        default:
          g_assert_not_reached ();
        }
      g_assert (error != NULL);
      run_error (run, error);
      return;
    }
}

/* Runs @program (a script's, or a typed line's) in a run of its own; the task gets what it
 * printed. A typed line's macros are the command line's, kept by the interpreter. */
void
hs_interp_run_program (HsInterp          *self,
                       HsPracticeProgram *program,
                       GPtrArray         *args,
                       GTask             *task)
{
  Run *run = g_new0 (Run, 1);
  Frame *top;

  run->interp = g_object_ref (self);
  run->task = task;
  run->out = g_string_new (NULL);
  run->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_script_frame_free);
  top = hs_script_frame_new (program, hs_practice_program_get_file (program), 0, 0, args);
  top->is_script = TRUE;
  if (hs_practice_program_get_file (program) == NULL)
    {
      BlockFrame *command_line = g_ptr_array_index (top->blocks, 0);

      g_hash_table_unref (command_line->macros);
      command_line->macros = self->command_line_macros;
      command_line->borrowed = TRUE;
    }
  g_ptr_array_add (run->frames, top);
  /* A stopped script says where it stopped, rather than GTask's "Operation was cancelled". */
  g_task_set_check_cancellable (task, FALSE);
  self->runs++;
  run_continue (run);
}

/* ---- lines typed, DO and QUIT ------------------------------------------------------------ */

/* As hs_script_lookup_macro() sees it from a typed line. */
static const char *
lookup_command_line_macro (const char *name,
                           gpointer    user_data)
{
  HsInterp *self = user_data;
  const char *stopped = hs_script_lookup_stopped_macro (self, name);
  Macro *m;

  if (stopped != NULL)
    return stopped;
  m = g_hash_table_lookup (self->command_line_macros, name);
  if (m == NULL)
    m = g_hash_table_lookup (self->globals, name);
  return m ? m->value : NULL;
}

/* A typed command with the command line's macros in it. */
char *
hs_interp_expand_line (HsInterp    *self,
                       const char  *line,
                       GError     **error)
{
  return hs_practice_expand (line, lookup_command_line_macro, self, error);
}

static void
do_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *out = hs_interp_execute_finish (HS_INTERP (object), result, &error);

  if (out == NULL)
    {
      hs_call_return (call, error);
      return;
    }
  g_string_append (call->out, out);
  hs_call_return (call, NULL);
}

/* Reached only by a command line that became "DO ..." through a macro: a run of its own. */
static void
cmd_do (Call *call)
{
  g_autoptr(GString) line = g_string_new ("DO");

  for (guint i = 0; i < call->args->len; i++)
    g_string_append_printf (line, " %s", hs_call_arg (call, i));
  hs_interp_execute_async (call->interp, line->str, g_task_get_cancellable (call->task),
                           do_done, call);
}

static void
cmd_quit (Call *call)
{
  guint64 status = 0;

  if (call->args->len > 0 && !hs_call_eval_number (call, hs_call_arg (call, 0), "QUIT", &status))
    return;
  if (status > 255)
    {
      hs_call_fail (call, "QUIT: an exit status is 0-255, not %" G_GUINT64_FORMAT, status);
      return;
    }
  /* Scripts running end (the flag goes when the last of them has); a QUIT typed alone has
   * nothing to end, and must not leave the flag for the next script. */
  if (call->interp->runs > 0)
    call->interp->quit_requested = TRUE;
  end_stopped (call->interp, NULL);
  hs_interp_emit_quit_requested (call->interp, (gint) status);
  hs_call_return (call, NULL);
}

/* Resumes the script STOP paused; ends when that script does, with what it printed. */
static void
cmd_continue (Call *call)
{
  HsInterp *self = call->interp;
  Run *run = g_steal_pointer (&self->stopped);
  const char *file;

  if (run == NULL)
    {
      hs_call_fail (call, "no script is stopped (STOP in a script pauses it, CONTinue resumes "
                          "it)");
      return;
    }
  run->interp = g_object_ref (self);
  run->task = g_task_new (self, g_task_get_cancellable (call->task), do_done, call);
  g_task_set_source_tag (run->task, cmd_continue);
  g_task_set_check_cancellable (run->task, FALSE);
  self->runs++;
  hs_interp_notify_stopped (self);
  file = hs_practice_program_get_file (run->insn_program);
  hs_interp_emit_script_progress (self, file, run->insn->line,
                                  hs_practice_program_get_n_lines (run->insn_program));
  run_continue (run);
}

const CommandSpec hs_script_commands[] = {
  { "DO", "DO file [arguments]",
    "run a PRACTICE script: macros, IF/ELSE, WHILE, RePeaT, GOTO, GOSUB/RETURN, ENTRY, "
    "ON ERROR, ENDDO (the arguments are what its ENTRY takes)", 1, G_MAXUINT, NULL, cmd_do,
    TRUE, .own_evaluation = TRUE },
  { "CONTinue", "CONTinue", "resume the script STOP paused (END ends it)", 0, 0, NULL,
    cmd_continue },
  { "QUIT", "QUIT [status]",
    "end every script and leave Hyperscope (without a window: with that exit status)", 0, 1,
    NULL, cmd_quit },
  { NULL }
};
