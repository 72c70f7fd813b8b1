/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-lang.c: what a user or a script types: command lines, address
 * forms, expressions (with names and calls that answer), times, and a
 * script's text as PRACTICE compiles it (every jump inside the program,
 * every block inside the blocks) and expands its macros.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs-address.h"
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
  return 0;
}
