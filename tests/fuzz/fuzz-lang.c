/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-lang.c: what a user or a script types: command lines, address
 * forms, expressions (with names and calls that answer, and with the
 * builtins over memory, symbols and tasks that answer), times, and a
 * script's text as PRACTICE compiles it (every jump inside the program,
 * every block inside the blocks) and expands its macros. A value that
 * evaluates prints as a literal that evaluates to it again.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs-address.h"
#include "hs-builtins.h"
#include "hs-command.h"
#include "hs-expr.h"
#include "hs-practice.h"

static gboolean
symbol (const char  *name,
        HsValue     *result,
        gpointer     user_data,
        GError     **error)
{
  if (strlen (name) % 3 == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no %s", name);
      return FALSE;
    }
  hs_value_set_number (result, strlen (name) * G_GUINT64_CONSTANT (0x1000000000000001));
  return TRUE;
}

static gboolean
call (const char     *name,
      const HsValue  *args,
      guint           n_args,
      HsValue        *result,
      gpointer        user_data,
      GError        **error)
{
  if (n_args > 2)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s takes 2", name);
      return FALSE;
    }
  if (n_args == 1 && args[0].type == HS_VALUE_STRING)
    hs_value_set_string (result, args[0].string);
  else
    hs_value_set_number (result, n_args);
  return TRUE;
}

static const char *
macro (const char *name,
       gpointer    user_data)
{
  /* Some names have a value that holds macros and quotes, so expansion meets its own kind. */
  return strlen (name) % 2 ? "\"&x\\\"\"" : NULL;
}

static void
check_program (const char *text,
               gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HsPracticeProgram) p = hs_practice_compile (text, size, "f.cmm", &error);
  g_autofree char *expanded = NULL;

  if (p == NULL)
    {
      if (error == NULL || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return;
    }
  for (guint i = 0; i < hs_practice_program_get_length (p); i++)
    {
      const HsPracticeInsn *insn = hs_practice_program_get_insn (p, i);

      if (insn->target != HS_PRACTICE_NO_TARGET && insn->target > hs_practice_program_get_length (p))
        abort ();
      if ((insn->op == HS_PRACTICE_REPEAT_INIT || insn->op == HS_PRACTICE_REPEAT_NEXT)
          && insn->slot >= hs_practice_program_get_n_slots (p))
        abort ();
      if (insn->source == NULL)
        abort ();
      if ((insn->op == HS_PRACTICE_BLOCK_ENTER || insn->op == HS_PRACTICE_BLOCK_LEAVE)
          && hs_practice_program_get_block_parent (p, insn->slot) != insn->block)
        abort ();
    }
  expanded = hs_practice_expand (text, macro, NULL, NULL);
  if (expanded != NULL && strlen (expanded) > HS_PRACTICE_MAX_LINE)
    abort ();
}

/* ---- the builtins' environment: 4 KiB of memory at 0x1000 holding the input itself -------- */

static guint8 memory[4096];

static gboolean
env_read (gpointer   data,
          guint64    address,
          void      *buf,
          gsize      len,
          GError   **error)
{
  if (address < 0x1000 || address - 0x1000 > sizeof memory
      || len > sizeof memory - (address - 0x1000))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAULT, "no memory at 0x%" G_GINT64_MODIFIER
                   "x", address);
      return FALSE;
    }
  memcpy (buf, memory + (address - 0x1000), len);
  return TRUE;
}

static gboolean
env_symbol (gpointer     data,
            const char  *name,
            guint64     *value,
            GError     **error)
{
  HsValue v = { 0 };

  if (!symbol (name, &v, data, error))
    return FALSE;
  *value = 0x1000 + v.number % sizeof memory;
  return TRUE;
}

static gboolean
env_resolve (gpointer     data,
             const char  *text,
             HsAddress   *address,
             GError     **error)
{
  g_auto(HsAddressSpec) spec = { 0 };

  if (!hs_address_spec_parse (text, &spec, error))
    return FALSE;
  memset (address, 0, sizeof *address);
  address->machine = spec.machine;
  return hs_expr_evaluate_number (spec.expression, NULL, &address->offset, error);
}

static gboolean
env_read_address (gpointer          data,
                  const HsAddress  *address,
                  void             *buf,
                  gsize             len,
                  GError          **error)
{
  return env_read (data, address->offset, buf, len, error);
}

static gboolean
env_machine (gpointer   data,
             guint     *machine,
             GError   **error)
{
  *machine = 1;
  return TRUE;
}

static const HsBuiltinTask env_tasks[] = {
  { 1, 1, 0xffff000010001000, "init" },
  { 2, 1, 0xffff000020001000, "init" },
  { 1, 50, 0xffff000010032000, "sh" },
};

static gboolean
env_n_tasks (gpointer   data,
             guint     *n,
             GError   **error)
{
  *n = G_N_ELEMENTS (env_tasks);
  return TRUE;
}

static void
env_task (gpointer       data,
          guint          position,
          HsBuiltinTask *task)
{
  if (position >= G_N_ELEMENTS (env_tasks))
    abort ();
  *task = env_tasks[position];
}

static gboolean
env_current_task (gpointer   data,
                  guint     *position,
                  GError   **error)
{
  *position = 2;
  return TRUE;
}

/* Var.*(): what the parser handed over, back as the answer. */
static gboolean
env_var (gpointer       data,
         HsBuiltinVar   query,
         const char    *expression,
         HsValue       *result,
         GError       **error)
{
  if (query == HS_BUILTIN_VAR_STRING)
    hs_value_set_string (result, expression);
  else
    hs_value_set_number (result, strlen (expression));
  return TRUE;
}

static const HsBuiltinEnv env = {
  .where = "in the fuzzer",
  .read_memory = env_read,
  .lookup_symbol = env_symbol,
  .resolve_address = env_resolve,
  .read_address = env_read_address,
  .machine = env_machine,
  .n_tasks = env_n_tasks,
  .task = env_task,
  .current_task = env_current_task,
  .var = env_var,
};

static gboolean
same_value (const HsValue *a,
            const HsValue *b)
{
  return a->type == b->type && a->number == b->number && g_strcmp0 (a->string, b->string) == 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  const HsExprContext ctx = { call, symbol, NULL };
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(HsAddressSpec) spec = { 0 };
  g_auto(HsValue) value = { 0 };
  guint64 n;

  tokens = hs_command_tokenize (text, &error);
  g_clear_error (&error);
  if (hs_address_spec_parse (text, &spec, &error) && spec.expression != NULL)
    hs_expr_evaluate_number (spec.expression, &ctx, &n, NULL);
  g_clear_error (&error);
  /* Whatever was typed, an error message is text a window can show. */
  if (!hs_expr_evaluate (text, &ctx, &value, &error)
      && !g_utf8_validate (error->message, -1, NULL))
    {
      fprintf (stderr, "not UTF-8: %s\n", error->message);
      abort ();
    }
  g_clear_error (&error);
  hs_expr_parse_time (text, &n, NULL);
  if (g_utf8_validate (text, -1, NULL))
    check_program (text, strlen (text));

  /* The builtins, over memory that holds the input (Data.String() finds its NULs or not). */
  memset (memory, 0, sizeof memory);
  memcpy (memory, data, MIN (size, sizeof memory));
  hs_value_clear (&value);
  if (hs_builtins_evaluate (&env, NULL, text, &value, &error))
    {
      g_autofree char *literal = hs_value_to_literal (&value);
      g_auto(HsValue) again = { 0 };
      g_autoptr(GError) again_error = NULL;

      if (!hs_builtins_evaluate (&env, NULL, literal, &again, &again_error)
          || !same_value (&value, &again))
        {
          fprintf (stderr, "'%s' does not evaluate to its value again: %s\n", literal,
                   again_error ? again_error->message : "another value");
          abort ();
        }
    }
  else if (!g_utf8_validate (error->message, -1, NULL))
    {
      fprintf (stderr, "not UTF-8: %s\n", error->message);
      abort ();
    }
  g_clear_error (&error);
  return 0;
}
