/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-practice"

#include "config.h"

#include "hs-practice.h"

#include "hs-command.h"
#include "hs-script.h"

#include <string.h>

/* Scripts are input Hyperscope does not control: blocks and IFs nest by recursion here, so
 * their depth is bounded well below what the stack takes. */
#define MAX_NESTING 200

struct _HsPracticeProgram
{
  gatomicrefcount ref;
  char *file;
  GArray *code;                 /* of HsPracticeInsn */
  GArray *block_parents;        /* of guint, by block; [0] is the top */
  GHashTable *labels;           /* name -> HsPracticeLabel */
  guint n_slots;
  guint n_lines;
};

typedef struct
{
  char *text;                   /* without comments and surrounding blanks; never empty */
  guint number;
  gboolean column0;             /* it started in the first column (labels do) */
} Line;

typedef struct
{
  HsPracticeProgram *program;
  GArray *lines;                /* of Line */
  guint block;                  /* the block being compiled */
  const char *source;           /* the statement being compiled */
  guint depth;
  GError **error;
} Compiler;

static const char * const op_names[] = {
  "command", "assignment", "declaration", "jump", "jump unless", "RePeaT", "RePeaT next",
  "(", ")", "GOTO", "GOSUB", "RETURN", "ENTRY", "ON ERROR", "STOP", "ENDDO", "END", "DO",
};

const char *
hs_practice_op_to_string (HsPracticeOp op)
{
  return op < G_N_ELEMENTS (op_names) ? op_names[op] : "?";
}

static void
insn_clear (HsPracticeInsn *insn)
{
  g_free (insn->text);
  g_free (insn->source);
  g_free (insn->name);
}

static void
label_free (HsPracticeLabel *label)
{
  g_free (label->name);
  g_free (label);
}

HsPracticeProgram *
hs_practice_program_ref (HsPracticeProgram *program)
{
  g_return_val_if_fail (program != NULL, NULL);
  g_atomic_ref_count_inc (&program->ref);
  return program;
}

void
hs_practice_program_unref (HsPracticeProgram *program)
{
  if (program == NULL || !g_atomic_ref_count_dec (&program->ref))
    return;
  g_free (program->file);
  g_array_unref (program->code);
  g_array_unref (program->block_parents);
  g_hash_table_unref (program->labels);
  g_free (program);
}

const char *
hs_practice_program_get_file (const HsPracticeProgram *program)
{
  return program->file;
}

guint
hs_practice_program_get_length (const HsPracticeProgram *program)
{
  return program->code->len;
}

const HsPracticeInsn *
hs_practice_program_get_insn (const HsPracticeProgram *program,
                              guint                    index)
{
  g_return_val_if_fail (index < program->code->len, NULL);
  return &g_array_index (program->code, HsPracticeInsn, index);
}

guint
hs_practice_program_get_block_parent (const HsPracticeProgram *program,
                                      guint                    block)
{
  g_return_val_if_fail (block < program->block_parents->len, G_MAXUINT);
  return g_array_index (program->block_parents, guint, block);
}

guint
hs_practice_program_get_n_slots (const HsPracticeProgram *program)
{
  return program->n_slots;
}

guint
hs_practice_program_get_n_lines (const HsPracticeProgram *program)
{
  return program->n_lines;
}

const HsPracticeLabel *
hs_practice_program_find_label (const HsPracticeProgram *program,
                                const char              *name)
{
  return g_hash_table_lookup (program->labels, name);
}

/* ---- text ------------------------------------------------------------------------------- */

gboolean
hs_practice_macro_name_length (const char *text,
                               gsize      *length)
{
  gsize n = 1;

  if (text[0] != '&' || !(g_ascii_isalpha (text[1]) || text[1] == '_'))
    return FALSE;
  while (g_ascii_isalnum (text[n]) || text[n] == '_')
    n++;
  *length = n;
  return TRUE;
}

char *
hs_practice_strip_comment (const char *text)
{
  gboolean in_string = FALSE;
  const char *p;

  for (p = text; *p; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1])
            p++;
          else if (*p == '"')
            in_string = FALSE;
          continue;
        }
      if (*p == '"')
        {
          in_string = TRUE;
          continue;
        }
      if (hs_command_is_comment_start (p, text))
        break;
    }
  return g_strstrip (g_strndup (text, p - text));
}

/* Whether @value is one string literal ("..." with only escaped quotes inside). */
static gboolean
is_string_literal (const char *value,
                   gsize       length)
{
  if (length < 2 || value[0] != '"' || value[length - 1] != '"')
    return FALSE;
  for (gsize i = 1; i < length - 1; i++)
    {
      if (value[i] == '\\')
        i++;
      else if (value[i] == '"')
        return FALSE;
    }
  return TRUE;
}

char *
hs_practice_expand (const char        *text,
                    HsPracticeLookup   lookup,
                    gpointer           user_data,
                    GError           **error)
{
  GString *out = g_string_sized_new (strlen (text) + 16);
  gboolean in_string = FALSE;

  for (const char *p = text; *p;)
    {
      gsize len;

      if (*p == '"')
        in_string = !in_string;
      if (in_string && *p == '\\' && p[1] != 0)
        {
          g_string_append_len (out, p, 2);
          p += 2;
          continue;
        }
      if (*p == '&' && p[1] == '&')
        {
          g_string_append (out, "&&");
          p += 2;
          continue;
        }
      if (*p != '&' || !hs_practice_macro_name_length (p, &len))
        {
          g_string_append_c (out, *p++);
          continue;
        }
      {
        g_autofree char *name = g_strndup (p + 1, len - 1);
        const char *value = lookup (name, user_data);
        gsize value_len = value ? strlen (value) : 0;

        if (value == NULL)
          g_string_append_len (out, p, len);
        /* "tasks: &name" with a string in &name: its text, not a second pair of quotes. */
        else if (in_string && is_string_literal (value, value_len))
          g_string_append_len (out, value + 1, value_len - 2);
        else
          g_string_append (out, value);
        p += len;
      }
      if (out->len > HS_PRACTICE_MAX_LINE)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                       "the line is longer than %u characters with its macros expanded",
                       HS_PRACTICE_MAX_LINE);
          g_string_free (out, TRUE);
          return NULL;
        }
    }
  return g_string_free (out, FALSE);
}

/* The first word of @text (up to a blank) and what follows it, without blanks. */
static char *
split_word (const char  *text,
            const char **rest)
{
  const char *p = text;

  while (*p && !g_ascii_isspace (*p))
    p++;
  *rest = p;
  while (g_ascii_isspace (**rest))
    (*rest)++;
  return g_strndup (text, p - text);
}

/* "name:" or "name: command" (the latter only from the first column, as PRACTICE wants). */
static gboolean
is_label (const Line  *line,
          char       **name,
          const char **rest)
{
  const char *p = line->text;

  if (!(g_ascii_isalpha (*p) || *p == '_'))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  if (*p != ':' || (p[1] != 0 && !g_ascii_isspace (p[1])))
    return FALSE;
  *rest = p + 1;
  while (g_ascii_isspace (**rest))
    (*rest)++;
  if (**rest != 0 && !line->column0)
    return FALSE;
  *name = g_strndup (line->text, p - line->text);
  return TRUE;
}

/* ---- compiling -------------------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (3, 4)
fail (Compiler   *c,
      guint       number,
      const char *fmt,
      ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  if (c->program->file != NULL)
    g_set_error (c->error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX, "%s:%u: %s",
                 c->program->file, number, msg);
  else
    g_set_error_literal (c->error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX, msg);
  return FALSE;
}

static guint
emit (Compiler     *c,
      HsPracticeOp  op,
      guint         number,
      const char   *text)
{
  HsPracticeInsn insn = { 0 };

  insn.op = op;
  insn.line = number;
  insn.text = g_strdup (text);
  insn.source = g_strdup (c->source);
  insn.target = HS_PRACTICE_NO_TARGET;
  insn.block = c->block;
  g_array_append_val (c->program->code, insn);
  return c->program->code->len - 1;
}

static HsPracticeInsn *
insn_at (Compiler *c,
         guint     index)
{
  return &g_array_index (c->program->code, HsPracticeInsn, index);
}

static gboolean
word_is (const char *word,
         const char *spec)
{
  return hs_command_name_matches (spec, word);
}

static gboolean compile_line (Compiler *c, const char *text, guint number, guint *next);

/* A line of the script as it comes, in a block or at the top: a label (that may have a command
 * after it) or a statement. */
static gboolean
compile_listed_line (Compiler   *c,
                     const Line *line,
                     guint      *next)
{
  g_autofree char *label = NULL;
  const char *rest = NULL;
  HsPracticeLabel *l;

  if (!is_label (line, &label, &rest))
    return compile_line (c, line->text, line->number, next);
  if (g_hash_table_contains (c->program->labels, label))
    return fail (c, line->number, "the label %s is already defined", label);
  l = g_new0 (HsPracticeLabel, 1);
  l->name = g_strdup (label);
  l->insn = c->program->code->len;
  l->block = c->block;
  g_hash_table_insert (c->program->labels, l->name, l);
  return *rest == 0 || compile_line (c, rest, line->number, next);
}

static gboolean
compile_block (Compiler *c,
               guint     open_number,
               guint    *next)
{
  guint parent = c->block;
  guint block = c->program->block_parents->len;
  guint enter;

  g_array_append_val (c->program->block_parents, parent);
  enter = emit (c, HS_PRACTICE_BLOCK_ENTER, open_number, NULL);
  insn_at (c, enter)->slot = block;
  c->block = block;
  while (*next < c->lines->len)
    {
      const Line *line = &g_array_index (c->lines, Line, *next);

      (*next)++;
      if (strcmp (line->text, ")") == 0)
        {
          guint leave;

          c->block = parent;
          leave = emit (c, HS_PRACTICE_BLOCK_LEAVE, line->number, NULL);
          insn_at (c, leave)->slot = block;
          return TRUE;
        }
      if (!compile_listed_line (c, line, next))
        return FALSE;
    }
  return fail (c, open_number, "this '(' has no ')' to end its block");
}

/* What IF, ELSE, WHILE and RePeaT run: the next line, a command or a block. */
static gboolean
compile_body (Compiler   *c,
              guint       number,
              const char *what,
              guint      *next)
{
  const Line *line;
  g_autofree char *label = NULL;
  const char *rest;

  if (*next >= c->lines->len)
    return fail (c, number, "%s has no command or block after it", what);
  line = &g_array_index (c->lines, Line, *next);
  if (strcmp (line->text, ")") == 0)
    return fail (c, number, "%s has no command or block after it (the block ends first)",
                 what);
  if (is_label (line, &label, &rest))
    return fail (c, line->number, "%s is followed by the label %s, not a command or block",
                 what, label);
  (*next)++;
  return compile_line (c, line->text, line->number, next);
}

static gboolean
next_line_is (Compiler    *c,
              guint        next,
              const char  *keyword,
              const char **rest)
{
  const Line *line;
  g_autofree char *word = NULL;

  if (next >= c->lines->len)
    return FALSE;
  line = &g_array_index (c->lines, Line, next);
  word = split_word (line->text, rest);
  return word_is (word, keyword);
}

static gboolean
compile_if (Compiler   *c,
            const char *condition,
            guint       number,
            guint      *next)
{
  guint unless, over;
  const char *rest;

  if (*condition == 0)
    return fail (c, number, "IF needs a condition: IF Register(x0)==0 ...");
  unless = emit (c, HS_PRACTICE_JUMP_UNLESS, number, condition);
  if (!compile_body (c, number, "IF", next))
    return FALSE;
  if (!next_line_is (c, *next, "ELSE", &rest))
    {
      insn_at (c, unless)->target = c->program->code->len;
      return TRUE;
    }
  {
    const Line *else_line = &g_array_index (c->lines, Line, *next);
    guint else_number = else_line->number;
    g_autofree char *else_rest = g_strdup (rest);
    const char *after_if;
    g_autofree char *word = split_word (else_rest, &after_if);

    (*next)++;
    over = emit (c, HS_PRACTICE_JUMP, else_number, NULL);
    insn_at (c, unless)->target = c->program->code->len;
    if (*else_rest == 0)
      {
        if (!compile_body (c, else_number, "ELSE", next))
          return FALSE;
      }
    else if (word_is (word, "IF"))
      {
        if (!compile_if (c, after_if, else_number, next))
          return FALSE;
      }
    else if (!compile_line (c, else_rest, else_number, next))
      return FALSE;
    insn_at (c, over)->target = c->program->code->len;
  }
  return TRUE;
}

static gboolean
compile_while (Compiler   *c,
               const char *condition,
               guint       number,
               guint      *next)
{
  guint top = c->program->code->len;
  guint unless;

  if (*condition == 0)
    return fail (c, number, "WHILE needs a condition: WHILE &i<10. ...");
  unless = emit (c, HS_PRACTICE_JUMP_UNLESS, number, condition);
  if (!compile_body (c, number, "WHILE", next))
    return FALSE;
  insn_at (c, emit (c, HS_PRACTICE_JUMP, number, NULL))->target = top;
  insn_at (c, unless)->target = c->program->code->len;
  return TRUE;
}

/* RePeaT n (body), RePeaT n command, RePeaT (body) for ever, RePeaT (body) WHILE condition. */
static gboolean
compile_repeat (Compiler   *c,
                const char *args,
                guint       number,
                guint      *next)
{
  const char *inline_command;
  g_autofree char *count = split_word (args, &inline_command);
  guint slot = c->program->n_slots++;
  guint init, top, step;
  guint post = HS_PRACTICE_NO_TARGET;
  const char *condition;

  init = emit (c, HS_PRACTICE_REPEAT_INIT, number, *count ? count : NULL);
  insn_at (c, init)->slot = slot;
  top = c->program->code->len;
  step = emit (c, HS_PRACTICE_REPEAT_NEXT, number, NULL);
  insn_at (c, step)->slot = slot;
  if (*inline_command != 0)
    {
      if (!compile_line (c, inline_command, number, next))
        return FALSE;
    }
  else if (!compile_body (c, number, "RePeaT", next))
    return FALSE;
  if (*count == 0 && next_line_is (c, *next, "WHILE", &condition))
    {
      const Line *line = &g_array_index (c->lines, Line, *next);

      if (*condition == 0)
        return fail (c, line->number, "WHILE needs a condition");
      (*next)++;
      post = emit (c, HS_PRACTICE_JUMP_UNLESS, line->number, condition);
    }
  insn_at (c, emit (c, HS_PRACTICE_JUMP, number, NULL))->target = top;
  insn_at (c, step)->target = c->program->code->len;
  /* A false post-condition leaves too: past the jump back. */
  if (post != HS_PRACTICE_NO_TARGET)
    insn_at (c, post)->target = c->program->code->len;
  return TRUE;
}

static gboolean
compile_declare (Compiler        *c,
                 HsPracticeScope  scope,
                 const char      *keyword,
                 const char      *names,
                 guint            number)
{
  g_auto(GStrv) parts = g_strsplit_set (names, " \t,", -1);
  guint n = 0;
  guint insn;

  for (guint i = 0; parts[i]; i++)
    {
      gsize len;

      if (*parts[i] == 0)
        continue;
      if (!hs_practice_macro_name_length (parts[i], &len) || parts[i][len] != 0)
        return fail (c, number, "%s takes macro names (&name), not '%s'", keyword, parts[i]);
      n++;
    }
  if (n == 0)
    return fail (c, number, "%s needs at least one macro name: %s &name", keyword, keyword);
  insn = emit (c, HS_PRACTICE_DECLARE, number, names);
  insn_at (c, insn)->scope = scope;
  return TRUE;
}

static gboolean
compile_on_error (Compiler   *c,
                  const char *args,
                  guint       number)
{
  const char *rest;
  g_autofree char *word = split_word (args, &rest);
  const char *what;
  g_autofree char *action = NULL;

  if (!word_is (word, "ERROR"))
    return fail (c, number, "ON takes ERROR: ON ERROR CONTinue, ON ERROR GOSUB label, "
                            "ON ERROR GOTO label or ON ERROR DEFault");
  action = split_word (rest, &what);
  if (*action == 0 || word_is (action, "DEFault") || word_is (action, "CONTinue"))
    {
      if (*what != 0)
        return fail (c, number, "ON ERROR %s takes nothing after it", action);
    }
  else if (word_is (action, "GOSUB") || word_is (action, "GOTO"))
    {
      if (*what == 0)
        return fail (c, number, "ON ERROR %s needs a label", action);
    }
  else
    return fail (c, number, "ON ERROR %s: expected CONTinue, GOSUB label, GOTO label or DEFault",
                 action);
  emit (c, HS_PRACTICE_ON_ERROR, number, rest);
  return TRUE;
}

static gboolean
compile_line (Compiler   *c,
              const char *text,
              guint       number,
              guint      *next)
{
  const char *rest;
  g_autofree char *word = NULL;
  const char *outer_source = c->source;
  gsize len;
  gboolean ok = TRUE;

  if (++c->depth > MAX_NESTING)
    {
      c->depth--;
      return fail (c, number, "blocks and IFs nest deeper than %u", MAX_NESTING);
    }
  word = split_word (text, &rest);
  c->source = text;

  if (strcmp (text, "(") == 0)
    ok = compile_block (c, number, next);
  else if (strcmp (text, ")") == 0)
    ok = fail (c, number, "')' without a '(' before it");
  else if (hs_practice_macro_name_length (text, &len)
           && text[len + strspn (text + len, " \t")] == '='
           && text[len + strspn (text + len, " \t") + 1] != '=')
    {
      const char *expr = text + len + strspn (text + len, " \t") + 1;
      guint insn;

      while (g_ascii_isspace (*expr))
        expr++;
      insn = emit (c, HS_PRACTICE_ASSIGN, number, expr);
      insn_at (c, insn)->name = g_strndup (text + 1, len - 1);
    }
  else if (word_is (word, "IF"))
    ok = compile_if (c, rest, number, next);
  else if (word_is (word, "ELSE"))
    ok = fail (c, number, "ELSE without an IF before it");
  else if (word_is (word, "WHILE"))
    ok = compile_while (c, rest, number, next);
  else if (word_is (word, "RePeaT"))
    ok = compile_repeat (c, rest, number, next);
  else if (word_is (word, "GOTO") || word_is (word, "GOSUB"))
    {
      gboolean gosub = word_is (word, "GOSUB");

      if (*rest == 0)
        ok = fail (c, number, "%s needs a label", gosub ? "GOSUB" : "GOTO");
      else
        emit (c, gosub ? HS_PRACTICE_GOSUB : HS_PRACTICE_GOTO, number, rest);
    }
  else if (word_is (word, "RETURN"))
    emit (c, HS_PRACTICE_RETURN, number, rest);
  else if (word_is (word, "ENTRY"))
    emit (c, HS_PRACTICE_ENTRY, number, rest);
  else if (word_is (word, "ON"))
    ok = compile_on_error (c, rest, number);
  else if (word_is (word, "STOP") || word_is (word, "END"))
    {
      if (*rest != 0)
        ok = fail (c, number, "%s takes nothing after it", word);
      else
        emit (c, word_is (word, "STOP") ? HS_PRACTICE_STOP : HS_PRACTICE_END, number, NULL);
    }
  else if (word_is (word, "ENDDO"))
    emit (c, HS_PRACTICE_ENDDO, number, rest);
  else if (word_is (word, "LOCAL"))
    ok = compile_declare (c, HS_PRACTICE_LOCAL, "LOCAL", rest, number);
  else if (word_is (word, "PRIVATE"))
    ok = compile_declare (c, HS_PRACTICE_PRIVATE, "PRIVATE", rest, number);
  else if (word_is (word, "GLOBAL"))
    ok = compile_declare (c, HS_PRACTICE_GLOBAL, "GLOBAL", rest, number);
  else if (word_is (word, "DO"))
    {
      if (*rest == 0)
        ok = fail (c, number, "DO needs a script: DO file [arguments]");
      else
        emit (c, HS_PRACTICE_DO, number, rest);
    }
  else
    emit (c, HS_PRACTICE_COMMAND, number, text);
  /* A body's text may be gone by the time its statement emits its last jump. */
  c->source = outer_source;
  c->depth--;
  return ok;
}

/* A label named literally must exist; one named by a macro is looked up when it runs. */
static gboolean
resolve_label (Compiler       *c,
               HsPracticeInsn *insn,
               const char     *text,
               const char     *what)
{
  const char *rest;
  g_autofree char *name = split_word (text, &rest);
  const HsPracticeLabel *label;

  if (strchr (name, '&') != NULL)
    return TRUE;
  label = g_hash_table_lookup (c->program->labels, name);
  if (label == NULL)
    return fail (c, insn->line, "%s %s: there is no label %s in this script", what, name, name);
  insn->target = label->insn;
  return TRUE;
}

static gboolean
resolve_labels (Compiler *c)
{
  for (guint i = 0; i < c->program->code->len; i++)
    {
      HsPracticeInsn *insn = insn_at (c, i);

      if (insn->op == HS_PRACTICE_GOTO && !resolve_label (c, insn, insn->text, "GOTO"))
        return FALSE;
      if (insn->op == HS_PRACTICE_GOSUB && !resolve_label (c, insn, insn->text, "GOSUB"))
        return FALSE;
      if (insn->op == HS_PRACTICE_ON_ERROR)
        {
          const char *label;
          g_autofree char *action = split_word (insn->text, &label);

          if ((word_is (action, "GOSUB") || word_is (action, "GOTO"))
              && !resolve_label (c, insn, label, "ON ERROR"))
            return FALSE;
        }
    }
  return TRUE;
}

static void
line_clear (Line *line)
{
  g_free (line->text);
}

HsPracticeProgram *
hs_practice_compile (const char  *text,
                     gsize        length,
                     const char  *file,
                     GError     **error)
{
  g_autoptr(HsPracticeProgram) program = g_new0 (HsPracticeProgram, 1);
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (Line));
  Compiler c = { 0 };
  const char *p = text;
  const char *end = text + length;
  guint number = 0;
  guint next = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  g_atomic_ref_count_init (&program->ref);
  program->file = g_strdup (file);
  program->code = g_array_new (FALSE, TRUE, sizeof (HsPracticeInsn));
  g_array_set_clear_func (program->code, (GDestroyNotify) insn_clear);
  program->block_parents = g_array_new (FALSE, TRUE, sizeof (guint));
  g_array_append_val (program->block_parents, (guint) { G_MAXUINT });
  program->labels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) label_free);
  g_array_set_clear_func (lines, (GDestroyNotify) line_clear);

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      g_autofree char *raw = g_strndup (p, (nl ? nl : end) - p);
      Line line = { 0 };

      number++;
      p = nl ? nl + 1 : end;
      if (strlen (raw) > HS_PRACTICE_MAX_LINE)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX,
                       "%s:%u: the line is longer than %u characters",
                       file ? file : "line", number, HS_PRACTICE_MAX_LINE);
          return NULL;
        }
      line.column0 = raw[0] != 0 && !g_ascii_isspace (raw[0]);
      line.text = hs_practice_strip_comment (raw);
      line.number = number;
      if (*line.text == 0)
        {
          g_free (line.text);
          continue;
        }
      g_array_append_val (lines, line);
    }
  program->n_lines = number;

  c.program = program;
  c.lines = lines;
  c.error = error;
  /* The top is block 0, without brackets. */
  while (next < lines->len)
    {
      const Line *line = &g_array_index (lines, Line, next);

      next++;
      if (!compile_listed_line (&c, line, &next))
        return NULL;
    }
  if (!resolve_labels (&c))
    return NULL;
  return g_steal_pointer (&program);
}

HsPracticeProgram *
hs_practice_compile_file (const char  *path,
                          GError     **error)
{
  gsize length = 0;
  g_autofree char *text = hs_script_read_text (path, &length, error);

  if (text == NULL)
    return NULL;
  return hs_practice_compile (text, length, path, error);
}
