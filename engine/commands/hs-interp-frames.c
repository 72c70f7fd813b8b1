/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-frames.c: a PRACTICE run's frames (the line or script it started
 * with, each DO, each GOSUB), their blocks, and the macros they see: a
 * frame's own blocks' (innermost first), the LOCAL ones of the frames that
 * called it, then the GLOBAL ones.
 *
 * Main thread only (the interpreter's); each run owns its frames.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-script-private.h"

#include "hs-command.h"

#include <string.h>

/* ---- frames and macros ------------------------------------------------------------------ */

static void
macro_free (Macro *macro)
{
  g_free (macro->value);
  g_free (macro);
}

GHashTable *
hs_interp_new_macro_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) macro_free);
}

static void
block_frame_free (BlockFrame *block)
{
  if (!block->borrowed)
    g_hash_table_unref (block->macros);
  g_free (block);
}

BlockFrame *
hs_script_block_frame_new (guint block)
{
  BlockFrame *b = g_new0 (BlockFrame, 1);

  b->block = block;
  b->macros = hs_interp_new_macro_table ();
  return b;
}

void
hs_script_on_error_clear (OnError *on_error)
{
  g_clear_pointer (&on_error->program, hs_practice_program_unref);
  g_clear_pointer (&on_error->label, g_free);
  on_error->kind = ON_ERROR_DEFAULT;
}

void
hs_script_on_error_copy (OnError       *to,
                         const OnError *from)
{
  hs_script_on_error_clear (to);
  to->kind = from->kind;
  to->program = from->program ? hs_practice_program_ref (from->program) : NULL;
  to->label = g_strdup (from->label);
}

void
hs_script_frame_free (Frame *frame)
{
  hs_practice_program_unref (frame->program);
  g_free (frame->name);
  g_ptr_array_unref (frame->blocks);
  g_clear_pointer (&frame->entry, g_ptr_array_unref);
  g_free (frame->counters);
  hs_script_on_error_clear (&frame->on_error);
  g_free (frame);
}

Frame *
hs_script_frame_new (HsPracticeProgram *program,
                     const char        *name,
                     guint              pc,
                     guint              block,
                     GPtrArray         *entry)
{
  Frame *f = g_new0 (Frame, 1);

  f->program = hs_practice_program_ref (program);
  f->name = g_strdup (name);
  f->pc = pc;
  f->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_frame_free);
  g_ptr_array_add (f->blocks, hs_script_block_frame_new (block));
  f->entry = entry ? g_ptr_array_ref (entry) : g_ptr_array_new_with_free_func (g_free);
  f->counters = g_new0 (guint64, MAX (1u, hs_practice_program_get_n_slots (program)));
  return f;
}

Frame *
hs_script_innermost (Run *run)
{
  return run->frames->len ? g_ptr_array_index (run->frames, run->frames->len - 1) : NULL;
}

/* @name in @frame's blocks, innermost first; only a LOCAL one when @locals_only (a caller's
 * PRIVATE macros are not seen by what it calls). */
static Macro *
find_in_frame (Frame      *frame,
               const char *name,
               gboolean    locals_only)
{
  for (guint b = frame->blocks->len; b-- > 0;)
    {
      BlockFrame *block = g_ptr_array_index (frame->blocks, b);
      Macro *m = g_hash_table_lookup (block->macros, name);

      if (m != NULL && (!locals_only || m->scope == HS_PRACTICE_LOCAL))
        return m;
    }
  return NULL;
}

/* @name as @run's innermost frame sees it in @run's frames: its own blocks' (innermost
 * first), then the LOCAL ones of the frames that called it. */
static Macro *
find_in_frames (Run        *run,
                const char *name)
{
  for (guint f = run->frames->len; f-- > 0;)
    {
      Macro *m = find_in_frame (g_ptr_array_index (run->frames, f), name,
                                f != run->frames->len - 1);

      if (m != NULL)
        return m;
    }
  return NULL;
}

static gboolean
is_typed_line (Run *run)
{
  return run->frames->len == 1
         && hs_practice_program_get_file (((Frame *) g_ptr_array_index (run->frames,
                                                                         0))->program) == NULL;
}

/* The macro @name as the innermost frame sees it: in its run's frames, then the GLOBAL ones.
 * A line typed while a script is stopped sees that script's macros first, as one of its lines
 * would: PRINT &n shows the script's &n, and &n=5 changes it. */
static Macro *
find_macro (Run        *run,
            const char *name)
{
  HsScriptRun *stopped = run->interp->stopped;
  Macro *m;

  if (stopped != NULL && stopped != run && is_typed_line (run)
      && (m = find_in_frames (stopped, name)) != NULL)
    return m;
  if ((m = find_in_frames (run, name)) != NULL)
    return m;
  return g_hash_table_lookup (run->interp->globals, name);
}

const char *
hs_script_lookup_stopped_macro (HsInterp   *interp,
                                const char *name)
{
  Macro *m = interp->stopped ? find_in_frames (interp->stopped, name) : NULL;

  return m ? m->value : NULL;
}

const char *
hs_script_lookup_macro (const char *name,
                        gpointer    user_data)
{
  Macro *m = find_macro (user_data, name);

  return m ? m->value : NULL;
}

void
hs_script_declare_macro (GHashTable      *table,
                         const char      *name,
                         HsPracticeScope  scope,
                         const char      *value)
{
  Macro *m = g_new0 (Macro, 1);

  m->value = g_strdup (value);
  m->scope = scope;
  g_hash_table_replace (table, g_strdup (name), m);
}

GHashTable *
hs_script_innermost_macros (Run *run)
{
  Frame *frame = hs_script_innermost (run);

  return ((BlockFrame *) g_ptr_array_index (frame->blocks, frame->blocks->len - 1))->macros;
}

/* Gives @existing (or, when NULL, a new LOCAL of @frame's innermost block) @value. */
static gboolean
store_macro (Frame       *frame,
             Macro       *existing,
             const char  *name,
             const char  *value,
             GError     **error)
{
  if (strlen (value) > MACRO_MAX_BYTES)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "&%s: a macro holds at most %u bytes", name, MACRO_MAX_BYTES);
      return FALSE;
    }
  if (existing != NULL)
    {
      g_free (existing->value);
      existing->value = g_strdup (value);
    }
  else
    hs_script_declare_macro (((BlockFrame *) g_ptr_array_index (frame->blocks,
                                                                frame->blocks->len - 1))->macros,
                             name, HS_PRACTICE_LOCAL, value);
  return TRUE;
}

/* Assigns where the macro is seen, or makes it a LOCAL of the innermost block. */
gboolean
hs_script_set_macro (Run         *run,
                     const char  *name,
                     const char  *value,
                     GError     **error)
{
  return store_macro (hs_script_innermost (run), find_macro (run, name), name, value, error);
}

/* Sets @name in @frame's blocks (declared there, or a new LOCAL of its innermost block). */
gboolean
hs_script_set_frame_macro (Run         *run,
                           Frame       *frame,
                           const char  *name,
                           const char  *value,
                           GError     **error)
{
  return store_macro (frame, find_in_frame (frame, name, FALSE), name, value, error);
}
