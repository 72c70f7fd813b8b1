/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-command.c: the command language's syntax (hs-command.c) and
 * expressions (hs-expr.c), TRACE32's rules.
 */
#define G_LOG_DOMAIN "test-command"

#include "config.h"

#include "hs-command.h"
#include "hs-expr.h"
#include "hs-script.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* ---- tokenizer -------------------------------------------------------------------------- */

/* Tokenizes @line and checks the tokens' text against the NULL-terminated @expected. */
static void
assert_tokens (const char *line,
               ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = hs_command_tokenize (line, &error);
  va_list args;
  guint i = 0;
  const char *want;

  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  va_start (args, line);
  while ((want = va_arg (args, const char *)) != NULL)
    {
      HsToken *tok;

      g_assert_cmpuint (i, <, tokens->len);
      tok = g_ptr_array_index (tokens, i);
      g_assert_cmpstr (tok->text, ==, want);
      /* The offset points at the token in the line. */
      g_assert_true (strncmp (line + tok->offset, want, strlen (want)) == 0);
      i++;
    }
  va_end (args);
  g_assert_cmpuint (tokens->len, ==, i);
}

static void
test_tokenize_basic (void)
{
  assert_tokens ("Data.dump A:0x1000 /Length 0x20", "Data.dump", "A:0x1000", "/Length", "0x20",
                 NULL);
  /* Blanks and commas both separate; runs of them are one separator. */
  assert_tokens ("  PRINT 1,2 ,\t3,,4  ", "PRINT", "1", "2", "3", "4", NULL);
  assert_tokens ("", NULL);
  assert_tokens ("   \t ", NULL);
  assert_tokens (",,,", NULL);
}

static void
test_tokenize_offsets (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = hs_command_tokenize ("  Go  , x", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 2);
  g_assert_cmpuint (((HsToken *) g_ptr_array_index (tokens, 0))->offset, ==, 2);
  g_assert_cmpuint (((HsToken *) g_ptr_array_index (tokens, 1))->offset, ==, 8);
}

static void
test_tokenize_strings_parens (void)
{
  assert_tokens ("PRINT \"strings, with commas\" 1.", "PRINT", "\"strings, with commas\"", "1.",
                 NULL);
  assert_tokens ("WAIT STATE.RUN() 10.s", "WAIT", "STATE.RUN()", "10.s", NULL);
  assert_tokens ("PRINT Register(pc)", "PRINT", "Register(pc)", NULL);
  /* Blanks and commas inside parentheses do not split, however deep. */
  assert_tokens ("PRINT f(a, g(b, c)) (1 + 2)*3", "PRINT", "f(a, g(b, c))", "(1 + 2)*3", NULL);
  /* Parentheses inside a string do not count; an escaped quote does not end it. */
  assert_tokens ("PRINT \"(\" \"a\\\"b c\"", "PRINT", "\"(\"", "\"a\\\"b c\"", NULL);
  /* A string in the middle of a token keeps the token whole. */
  assert_tokens ("PRINT x\"a b\"y z", "PRINT", "x\"a b\"y", "z", NULL);
}

static void
test_tokenize_comments (void)
{
  assert_tokens ("Go ; resume", "Go", NULL);
  assert_tokens ("Go // resume", "Go", NULL);
  assert_tokens ("PRINT 1,; two", "PRINT", "1", NULL);
  assert_tokens ("; a comment line", NULL);
  assert_tokens (";", NULL);
  assert_tokens ("// a comment line", NULL);
  assert_tokens ("   ; indented comment", NULL);
  /* Not after a blank: part of the token. */
  assert_tokens ("PRINT a;b", "PRINT", "a;b", NULL);
  assert_tokens ("PRINT 4//2", "PRINT", "4//2", NULL);
  /* Inside a string it is text. */
  assert_tokens ("PRINT \"a ; b // c\"", "PRINT", "\"a ; b // c\"", NULL);
  /* A single '/' starts an option, not a comment. */
  assert_tokens ("Register.view /ALL", "Register.view", "/ALL", NULL);
}

static void
assert_tokenize_error (const char *line,
                       const char *column)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = hs_command_tokenize (line, &error);

  g_assert_null (tokens);
  g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  if (g_test_verbose ())
    g_test_message ("%s -> %s", line, error->message);
  g_assert_true (strstr (error->message, column) != NULL);
}

static void
test_tokenize_errors (void)
{
  /* Unterminated strings point at where the string starts. */
  assert_tokenize_error ("PRINT \"abc", "column 7");
  assert_tokenize_error ("PRINT 1 \"a\\\"", "column 9");
  /* Unmatched parentheses point at the offending one. */
  assert_tokenize_error ("PRINT 1)", "column 8");
  assert_tokenize_error ("PRINT (1))", "column 10");
  assert_tokenize_error ("PRINT Register(pc", "column 15");
  assert_tokenize_error ("PRINT f(a, (b)", "column 8");

  /* Nesting is bounded. */
  {
    g_autoptr(GString) deep = g_string_new ("PRINT ");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) tokens = NULL;

    for (guint i = 0; i < 100; i++)
      g_string_append_c (deep, '(');
    g_string_append_c (deep, '1');
    for (guint i = 0; i < 100; i++)
      g_string_append_c (deep, ')');
    tokens = hs_command_tokenize (deep->str, &error);
    g_assert_null (tokens);
    g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  }
  /* So is the line. */
  {
    g_autofree char *huge = g_strnfill (70000, 'a');
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) tokens = hs_command_tokenize (huge, &error);

    g_assert_null (tokens);
    g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  }
}

/* ---- names ------------------------------------------------------------------------------ */

static void
test_name_matches (void)
{
  static const struct
  {
    const char *spec;
    const char *typed;
    gboolean match;
  } cases[] = {
    { "Register.view", "r.v", TRUE },
    { "Register.view", "R.V", TRUE },
    { "Register.view", "reg.view", TRUE },
    { "Register.view", "register.v", TRUE },
    { "Register.view", "Register.view", TRUE },
    { "Register.view", "REGISTER.VIEW", TRUE },
    { "Register.view", "r.vi", TRUE },
    { "Register.view", "r", FALSE },            /* the part count must match */
    { "Register.view", "r.v.x", FALSE },
    { "Register.view", "rx.v", FALSE },
    { "Register.view", "r.views", FALSE },
    { "Register.view", "registers.v", FALSE },
    { "Register.view", "r.", FALSE },
    { "Register.view", ".v", FALSE },
    { "Register.view", "", FALSE },
    { "sYmbol.List", "y.l", TRUE },
    { "sYmbol.List", "sym.list", TRUE },
    { "sYmbol.List", "symbol.l", TRUE },
    { "sYmbol.List", "sy.l", TRUE },
    { "sYmbol.List", "s.l", FALSE },            /* "s" stops short of the capital Y */
    { "sYmbol.List", "sym.lis", TRUE },
    { "sYmbol.List", "y.li", TRUE },
    { "Data.LOAD.Elf", "d.load.e", TRUE },
    { "Data.LOAD.Elf", "data.load.elf", TRUE },
    { "Data.LOAD.Elf", "d.lo.e", FALSE },       /* LOAD is all capitals: all of it is needed */
    { "Data.LOAD.Elf", "d.load", FALSE },
    { "PRINT", "print", TRUE },
    { "PRINT", "PRINT", TRUE },
    { "PRINT", "pr", FALSE },
    { "PRINT", "p", FALSE },
    { "PRINT", "printf", FALSE },
    { "Go", "g", TRUE },
    { "Go", "go", TRUE },
    { "SYStem.Attach", "sys.a", TRUE },
    { "SYStem.Attach", "system.attach", TRUE },
    { "SYStem.Attach", "sy.a", FALSE },
    { "STATE.RUN", "state.run", TRUE },
    { "STATE.RUN", "STATE.RUN", TRUE },
    { "STATE.RUN", "state.r", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean got = hs_command_name_matches (cases[i].spec, cases[i].typed);

      if (got != cases[i].match)
        g_error ("'%s' vs '%s': expected %s", cases[i].spec, cases[i].typed,
                 cases[i].match ? "a match" : "no match");
      g_assert_true (got == cases[i].match);
    }
}

static void
test_name_abbreviation (void)
{
  static const struct
  {
    const char *spec;
    const char *abbrev;
  } cases[] = {
    { "Register.view", "R.v" },
    { "sYmbol.List", "Y.L" },
    { "Data.LOAD.Elf", "D.LOAD.E" },
    { "PRINT", "PRINT" },
    { "SYStem.Attach", "SYS.A" },
    { "Go", "G" },
    { "lower", "l" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *abbrev = hs_command_name_abbreviation (cases[i].spec);

      g_assert_cmpstr (abbrev, ==, cases[i].abbrev);
      /* The shortest form is itself accepted. */
      g_assert_true (hs_command_name_matches (cases[i].spec, abbrev));
    }
}

static void
test_edit_distance (void)
{
  g_assert_cmpuint (hs_command_edit_distance ("kitten", "sitting"), ==, 3);
  g_assert_cmpuint (hs_command_edit_distance ("", ""), ==, 0);
  g_assert_cmpuint (hs_command_edit_distance ("", "abc"), ==, 3);
  g_assert_cmpuint (hs_command_edit_distance ("abc", ""), ==, 3);
  g_assert_cmpuint (hs_command_edit_distance ("Regster.view", "Register.view"), ==, 1);
  g_assert_cmpuint (hs_command_edit_distance ("Register.veiw", "Register.view"), ==, 2);
  /* Case does not count. */
  g_assert_cmpuint (hs_command_edit_distance ("REGISTER.VIEW", "Register.view"), ==, 0);
  /* Symmetric. */
  g_assert_cmpuint (hs_command_edit_distance ("flaw", "lawn"), ==, 2);
  g_assert_cmpuint (hs_command_edit_distance ("lawn", "flaw"), ==, 2);
}

/* ---- expressions ------------------------------------------------------------------------ */

static HsValue
eval_ok (const char          *text,
         const HsExprContext *ctx)
{
  g_autoptr(GError) error = NULL;
  HsValue v = { 0 };

  if (!hs_expr_evaluate (text, ctx, &v, &error))
    g_error ("'%s' failed: %s", text, error->message);
  g_assert_no_error (error);
  return v;
}

static void
assert_number (const char *text,
               guint64     expected)
{
  HsValue v = eval_ok (text, NULL);

  if (v.type != HS_VALUE_NUMBER || v.number != expected)
    g_error ("'%s': expected number 0x%" G_GINT64_MODIFIER "x, got type %d value 0x%"
             G_GINT64_MODIFIER "x", text, expected, v.type, v.number);
  g_assert_cmpint (v.type, ==, HS_VALUE_NUMBER);
  g_assert_cmpuint (v.number, ==, expected);
  hs_value_clear (&v);
}

static void
assert_boolean (const char *text,
                gboolean    expected)
{
  HsValue v = eval_ok (text, NULL);
  g_autofree char *formatted = hs_value_format (&v);

  g_assert_cmpint (v.type, ==, HS_VALUE_BOOLEAN);
  g_assert_cmpuint (v.number, ==, expected ? 1 : 0);
  g_assert_cmpstr (formatted, ==, expected ? "TRUE()" : "FALSE()");
  hs_value_clear (&v);
}

static void
assert_time (const char *text,
             guint64     usec)
{
  HsValue v = eval_ok (text, NULL);
  guint64 parsed = 0;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (v.type, ==, HS_VALUE_TIME);
  g_assert_cmpuint (v.number, ==, usec);
  hs_value_clear (&v);
  g_assert_true (hs_expr_parse_time (text, &parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (parsed, ==, usec);
}

static void
assert_eval_error (const char          *text,
                   const HsExprContext *ctx,
                   const char          *fragment)
{
  g_autoptr(GError) error = NULL;
  HsValue v = { 0 };

  if (hs_expr_evaluate (text, ctx, &v, &error))
    g_error ("'%s' evaluated but should have failed", text);
  g_assert_nonnull (error);
  g_assert_true (error->domain == HS_COMMAND_ERROR);
  if (g_test_verbose ())
    g_test_message ("%s -> %s", text, error->message);
  /* Whatever was typed, the message is text a window can show. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s': error '%s' does not mention '%s'", text, error->message, fragment);
  /* A failed evaluation leaves nothing to free. */
  g_assert_null (v.string);
}

static void
test_expr_numbers (void)
{
  assert_number ("0x1f", 31);
  assert_number ("0X1F", 31);
  /* TRACE32's default radix is hex: plain digits are hex... */
  assert_number ("10", 0x10);
  assert_number ("0ff", 0xff);
  /* ...and a trailing dot makes them decimal. */
  assert_number ("10.", 10);
  assert_number ("255.", 255);
  assert_number ("0y101", 5);
  assert_number ("0Y11111111", 255);
  assert_number ("0", 0);
  assert_number ("0xffffffffffffffff", G_MAXUINT64);
  assert_number ("18446744073709551615.", G_MAXUINT64);
  assert_number ("  0x10  ", 0x10);
}

static void
test_expr_number_errors (void)
{
  /* One past 64 bits, in each radix. */
  assert_eval_error ("0x10000000000000000", NULL, "64 bits");
  assert_eval_error ("10000000000000000", NULL, "64 bits");
  assert_eval_error ("18446744073709551616.", NULL, "64 bits");
  assert_eval_error ("0y11111111111111111111111111111111111111111111111111111111111111111", NULL,
                     "64 bits");
  assert_eval_error ("0x", NULL, "digits");
  assert_eval_error ("0y2", NULL, "digits");
  assert_eval_error ("1f.", NULL, "decimal");
  assert_eval_error ("0y102", NULL, "after a number");
  assert_eval_error ("12g", NULL, "after a number");
  assert_eval_error ("1.5", NULL, "fraction");
}

static void
test_expr_times (void)
{
  assert_time ("10.s", 10000000);
  assert_time ("500.ms", 500000);
  assert_time ("20.us", 20);
  assert_time ("1s", 1000000);
  assert_time ("10s", 10000000);          /* a unit makes the digits decimal */
  assert_time ("0.5s", 500000);
  assert_time ("1.5ms", 1500);
  assert_time ("2.25s", 2250000);
  assert_time ("100.MS", 100000);
  assert_time ("0.s", 0);
  /* Arithmetic on times stays a time. */
  assert_time ("1.s+500.ms", 1500000);
  assert_time ("2*100.ms", 200000);

  /* The largest times, and one past them: too large, not wrapped around. */
  assert_time ("18446744073709551615.us", G_MAXUINT64);
  assert_time ("18446744073709551.615ms", G_MAXUINT64);
  assert_eval_error ("18446744073709551616.us", NULL, "64 bits");
  assert_eval_error ("18446744073709552.ms", NULL, "too large");
  assert_eval_error ("18446744073709551.999ms", NULL, "too large");
  assert_eval_error ("18446744073709.9999999s", NULL, "too large");

  /* A unit must end the literal. */
  assert_eval_error ("10.sx", NULL, "after a number");
  assert_eval_error ("10.m", NULL, "after a number");

  /* hs_expr_parse_time wants a unit. */
  {
    g_autoptr(GError) error = NULL;
    guint64 usec = 42;

    g_assert_false (hs_expr_parse_time ("10", &usec, &error));
    g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT);
    g_assert_true (strstr (error->message, "not a time") != NULL);
    g_assert_cmpuint (usec, ==, 42);
    g_clear_error (&error);
    g_assert_false (hs_expr_parse_time ("10.", &usec, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_false (hs_expr_parse_time ("\"10.s\"", &usec, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_false (hs_expr_parse_time ("bogus", &usec, &error));
    g_assert_nonnull (error);
  }
}

static void
test_expr_precedence (void)
{
  assert_number ("1+2*3", 7);
  assert_number ("(1+2)*3", 9);
  assert_number ("1<<4|1", 0x11);
  assert_number ("1 << 4 | 1", 0x11);
  assert_number ("2*3+4*5", 26);
  /* Left associative. */
  assert_number ("10.-3.-2.", 5);
  assert_number ("100./10./2.", 5);
  assert_number ("7.%4.", 3);
  assert_number ("0x10>>4", 1);
  assert_number ("1<<64", 0);
  assert_number ("6&3", 2);
  assert_number ("6^3", 5);
  assert_number ("1|2^3&1", 3);           /* & before ^ before | */
  assert_number ("~0", G_MAXUINT64);
  assert_number ("-1", G_MAXUINT64);
  assert_number ("-(2+3)", (guint64) -5);
  assert_number ("+5", 5);
  assert_number ("((((7))))", 7);
  assert_boolean ("!0", TRUE);
  assert_boolean ("!5", FALSE);
  assert_boolean ("!!5", TRUE);
  assert_boolean ("1==1", TRUE);
  assert_boolean ("1!=1", FALSE);
  assert_boolean ("1<2", TRUE);
  assert_boolean ("2<=1", FALSE);
  assert_boolean ("2>=2", TRUE);
  assert_boolean ("3>2", TRUE);
  assert_boolean ("3>2&&1", TRUE);        /* comparisons bind tighter than && */
  assert_boolean ("0||0", FALSE);
  assert_boolean ("1+1==2", TRUE);
  assert_boolean ("1<2==1", TRUE);
  assert_boolean ("500.ms<1.s", TRUE);

  assert_eval_error ("1 2", NULL, "unexpected");
  assert_eval_error ("(1", NULL, "expected ')'");
  assert_eval_error ("1+", NULL, "ends too early");
  assert_eval_error ("", NULL, "ends too early");
  assert_eval_error ("1 = 1", NULL, "unexpected");
  assert_eval_error ("#", NULL, "unexpected");
  /* A character of several bytes is quoted whole; a byte that is no UTF-8 is named. */
  assert_eval_error ("\xc3\xa9", NULL, "unexpected '\xc3\xa9'");
  assert_eval_error ("1+\xff", NULL, "unexpected byte 0xff");
  assert_eval_error ("\xc3", NULL, "unexpected byte 0xc3");
  assert_eval_error ("1.\xc3\xa9s", NULL, "");
  assert_eval_error ("1\xfe", NULL, "unexpected");     /* found by fuzz-lang */
}

static void
test_expr_division_by_zero (void)
{
  assert_eval_error ("1/0", NULL, "division by zero");
  assert_eval_error ("1%0", NULL, "division by zero");
  assert_eval_error ("10./(5.-5.)", NULL, "division by zero");
}

static void
test_expr_strings (void)
{
  HsValue v;

  v = eval_ok ("\"hello\"", NULL);
  g_assert_cmpint (v.type, ==, HS_VALUE_STRING);
  g_assert_cmpstr (v.string, ==, "hello");
  hs_value_clear (&v);

  v = eval_ok ("\"a\" + \"b\" + \"c\"", NULL);
  g_assert_cmpint (v.type, ==, HS_VALUE_STRING);
  g_assert_cmpstr (v.string, ==, "abc");
  hs_value_clear (&v);

  v = eval_ok ("\"tab\\there \\\"quoted\\\"\\n\"", NULL);
  g_assert_cmpstr (v.string, ==, "tab\there \"quoted\"\n");
  hs_value_clear (&v);

  v = eval_ok ("\"\"", NULL);
  g_assert_cmpint (v.type, ==, HS_VALUE_STRING);
  g_assert_cmpstr (v.string, ==, "");
  g_assert_false (hs_value_is_true (&v));
  hs_value_clear (&v);

  assert_boolean ("\"a\" == \"a\"", TRUE);
  assert_boolean ("\"a\" == \"b\"", FALSE);
  assert_boolean ("\"a\" != \"b\"", TRUE);
  assert_boolean ("\"ab\" == \"a\" + \"b\"", TRUE);

  assert_eval_error ("\"a\" + 1", NULL, "does not apply to strings");
  /* Strings order by their bytes, as strcmp() does; shifts do not apply. */
  assert_boolean ("\"a\" < \"b\"", TRUE);
  assert_boolean ("\"b\" < \"a\"", FALSE);
  assert_boolean ("\"ab\" > \"a\"", TRUE);
  assert_boolean ("\"a\" <= \"a\"", TRUE);
  assert_boolean ("\"a\" >= \"b\"", FALSE);
  assert_boolean ("\"B\" < \"a\"", TRUE);
  assert_eval_error ("\"a\" << \"b\"", NULL, "does not apply to strings");
  assert_eval_error ("\"a\" < 1", NULL, "does not apply to strings");
  assert_eval_error ("-\"a\"", NULL, "does not apply to a string");
  assert_eval_error ("!\"a\"", NULL, "does not apply to a string");
  assert_eval_error ("\"abc", NULL, "unterminated string");

  /* hs_expr_evaluate_number refuses a string. */
  {
    g_autoptr(GError) error = NULL;
    guint64 n = 7;

    g_assert_false (hs_expr_evaluate_number ("\"x\"", NULL, &n, &error));
    g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT);
    g_assert_cmpuint (n, ==, 7);
    g_clear_error (&error);
    g_assert_true (hs_expr_evaluate_number ("10.+0x10", NULL, &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 26);
  }

  /* A hex number must start with a digit: "ff" is a name. */
  assert_eval_error ("ff", NULL, "unknown name 'ff'");
}

/* A fake interpreter context: STATE.RUN(), Register(name), ADD(a, b) and one symbol. */
typedef struct
{
  gboolean running;
  GPtrArray *calls;          /* "NAME(arg,...)" as received */
} FakeContext;

static gboolean
fake_call (const char     *name,
           const HsValue  *args,
           guint           n_args,
           HsValue        *result,
           gpointer        user_data,
           GError        **error)
{
  FakeContext *fake = user_data;
  GString *record = g_string_new (name);

  g_string_append_c (record, '(');
  for (guint i = 0; i < n_args; i++)
    {
      g_autofree char *arg = hs_value_format (&args[i]);

      g_string_append_printf (record, "%s%s%s", i ? "," : "",
                              args[i].type == HS_VALUE_STRING ? "s:" : "", arg);
    }
  g_string_append_c (record, ')');
  g_ptr_array_add (fake->calls, g_string_free (record, FALSE));

  if (hs_command_name_matches ("STATE.RUN", name) && n_args == 0)
    {
      hs_value_set_boolean (result, fake->running);
      return TRUE;
    }
  if (hs_command_name_matches ("Register", name) && n_args == 1
      && args[0].type == HS_VALUE_STRING)
    {
      if (g_ascii_strcasecmp (args[0].string, "pc") == 0)
        {
          hs_value_set_number (result, 0xffff800008001234);
          return TRUE;
        }
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "Register(%s): no such register", args[0].string);
      return FALSE;
    }
  if (g_ascii_strcasecmp (name, "ADD") == 0 && n_args == 2)
    {
      hs_value_set_number (result, args[0].number + args[1].number);
      return TRUE;
    }
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
               "unknown function %s()", name);
  return FALSE;
}

static gboolean
fake_symbol (const char  *name,
             HsValue     *result,
             gpointer     user_data,
             GError     **error)
{
  if (strcmp (name, "jiffies") == 0)
    {
      hs_value_set_number (result, 0x4242);
      return TRUE;
    }
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
               "unknown name '%s'", name);
  return FALSE;
}

static void
test_expr_calls (void)
{
  FakeContext fake = { FALSE, g_ptr_array_new_with_free_func (g_free) };
  HsExprContext ctx = { fake_call, fake_symbol, &fake };
  HsValue v;

  v = eval_ok ("STATE.RUN()", &ctx);
  g_assert_cmpint (v.type, ==, HS_VALUE_BOOLEAN);
  g_assert_cmpuint (v.number, ==, 0);
  hs_value_clear (&v);
  g_assert_cmpuint (fake.calls->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fake.calls, 0), ==, "STATE.RUN()");

  fake.running = TRUE;
  v = eval_ok ("state.run ( )", &ctx);
  g_assert_cmpuint (v.number, ==, 1);
  hs_value_clear (&v);
  v = eval_ok ("!STATE.RUN()", &ctx);
  g_assert_cmpint (v.type, ==, HS_VALUE_BOOLEAN);
  g_assert_cmpuint (v.number, ==, 0);
  hs_value_clear (&v);

  /* A bare word argument reaches the function as a string. */
  g_ptr_array_set_size (fake.calls, 0);
  v = eval_ok ("Register(pc)", &ctx);
  g_assert_cmpint (v.type, ==, HS_VALUE_NUMBER);
  g_assert_cmpuint (v.number, ==, 0xffff800008001234);
  hs_value_clear (&v);
  g_assert_cmpstr (g_ptr_array_index (fake.calls, 0), ==, "Register(s:pc)");

  v = eval_ok ("Register( pc )+4", &ctx);
  g_assert_cmpuint (v.number, ==, 0xffff800008001238);
  hs_value_clear (&v);
  g_assert_cmpstr (g_ptr_array_index (fake.calls, 1), ==, "Register(s:pc)");

  /* Expression arguments are evaluated first. */
  v = eval_ok ("ADD(1+1, 10.)*2", &ctx);
  g_assert_cmpuint (v.number, ==, 24);
  hs_value_clear (&v);
  g_assert_cmpstr (g_ptr_array_index (fake.calls, 2), ==, "ADD(0x2,0xa)");

  /* Nested calls. */
  v = eval_ok ("ADD(Register(pc), 1)", &ctx);
  g_assert_cmpuint (v.number, ==, 0xffff800008001235);
  hs_value_clear (&v);

  /* Names go to the symbol callback. */
  v = eval_ok ("jiffies+1", &ctx);
  g_assert_cmpuint (v.number, ==, 0x4243);
  hs_value_clear (&v);

  /* Errors from the context come back, naming what was unknown. */
  assert_eval_error ("Register(x99)", &ctx, "x99");
  assert_eval_error ("NOSUCH(1)", &ctx, "NOSUCH");
  assert_eval_error ("nosuchsym+1", &ctx, "nosuchsym");
  assert_eval_error ("ADD(1, 2", &ctx, "expected ')'");
  assert_eval_error ("ADD(1/0, 2)", &ctx, "division by zero");

  /* Without a context nothing is known, and the message says which name. */
  assert_eval_error ("STATE.RUN()", NULL, "unknown function STATE.RUN()");
  assert_eval_error ("pc", NULL, "unknown name 'pc'");
  {
    HsExprContext empty = { NULL, NULL, NULL };

    assert_eval_error ("FOO(1)", &empty, "FOO");
    assert_eval_error ("bar", &empty, "bar");
  }

  /* At most 16 arguments. */
  assert_eval_error ("ADD(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17)", &ctx, "arguments");

  g_ptr_array_unref (fake.calls);
}

/* && and || are C's: the side that cannot change the result is not evaluated. */
static void
test_expr_short_circuit (void)
{
  FakeContext fake = { FALSE, g_ptr_array_new_with_free_func (g_free) };
  HsExprContext ctx = { fake_call, fake_symbol, &fake };
  HsValue v;

  /* Not running: Register() is never asked (it would fail on a running target). */
  v = eval_ok ("STATE.RUN() && Register(x99) == 0", &ctx);
  g_assert_cmpint (v.type, ==, HS_VALUE_BOOLEAN);
  g_assert_cmpuint (v.number, ==, 0);
  hs_value_clear (&v);
  g_assert_cmpuint (fake.calls->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fake.calls, 0), ==, "STATE.RUN()");

  v = eval_ok ("!STATE.RUN() || nosuchsym", &ctx);
  g_assert_cmpint (v.type, ==, HS_VALUE_BOOLEAN);
  g_assert_cmpuint (v.number, ==, 1);
  hs_value_clear (&v);
  g_assert_cmpuint (fake.calls->len, ==, 2);

  /* When the left side does not decide, the right side is evaluated as usual. */
  fake.running = TRUE;
  assert_eval_error ("STATE.RUN() && Register(x99) == 0", &ctx, "x99");
  v = eval_ok ("STATE.RUN() && Register(pc) == 0xffff800008001234", &ctx);
  g_assert_cmpuint (v.number, ==, 1);
  hs_value_clear (&v);

  /* Skipped sides may not fail at run time either; syntax is still checked. */
  assert_boolean ("0 && 1/0", FALSE);
  assert_boolean ("1 || (1%0 == \"a\")", TRUE);
  assert_boolean ("0 && -\"a\"", FALSE);
  assert_boolean ("0 && FOO(1, 2)", FALSE);
  assert_boolean ("1 || 0 && 1/0", TRUE);
  assert_boolean ("0 && 1 || 1", TRUE);
  assert_eval_error ("0 && (1", &ctx, "expected ')'");
  assert_eval_error ("1 || 12g", &ctx, "after a number");
  /* Without short-circuiting, errors on the right still count. */
  assert_eval_error ("1 && 1/0", NULL, "division by zero");
  assert_eval_error ("0 || 1/0", NULL, "division by zero");

  g_ptr_array_unref (fake.calls);
}

static void
test_expr_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);

  for (guint i = 0; i < 200; i++)
    g_string_append_c (deep, '(');
  g_string_append_c (deep, '1');
  for (guint i = 0; i < 200; i++)
    g_string_append_c (deep, ')');
  assert_eval_error (deep->str, NULL, "deeper");

  g_string_truncate (deep, 0);
  for (guint i = 0; i < 200; i++)
    g_string_append_c (deep, '-');
  g_string_append_c (deep, '1');
  assert_eval_error (deep->str, NULL, "deeper");
}

static void
test_value_format (void)
{
  HsValue v = { 0 };
  struct
  {
    HsValueType type;
    guint64 number;
    const char *string;
    const char *formatted;
  } cases[] = {
    { HS_VALUE_NUMBER, 0x12, NULL, "0x12" },
    { HS_VALUE_NUMBER, 0, NULL, "0x0" },
    { HS_VALUE_NUMBER, G_MAXUINT64, NULL, "0xffffffffffffffff" },
    { HS_VALUE_BOOLEAN, 1, NULL, "TRUE()" },
    { HS_VALUE_BOOLEAN, 0, NULL, "FALSE()" },
    { HS_VALUE_STRING, 0, "text", "text" },
    { HS_VALUE_STRING, 0, "", "" },
    { HS_VALUE_TIME, 10000000, NULL, "10.s" },
    { HS_VALUE_TIME, 500000, NULL, "500.ms" },
    { HS_VALUE_TIME, 1500, NULL, "1500.us" },
    { HS_VALUE_TIME, 20, NULL, "20.us" },
    { HS_VALUE_TIME, 0, NULL, "0.s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = NULL;

      if (cases[i].type == HS_VALUE_STRING)
        hs_value_set_string (&v, cases[i].string);
      else if (cases[i].type == HS_VALUE_BOOLEAN)
        hs_value_set_boolean (&v, cases[i].number != 0);
      else
        {
          hs_value_set_number (&v, cases[i].number);
          v.type = cases[i].type;
        }
      text = hs_value_format (&v);
      g_assert_cmpstr (text, ==, cases[i].formatted);
      hs_value_clear (&v);
    }

  /* A formatted time reads back as the same time. */
  {
    static const char *times[] = { "10.s", "500.ms", "1500.us", "20.us" };

    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        HsValue t = eval_ok (times[i], NULL);
        g_autofree char *text = hs_value_format (&t);

        g_assert_cmpstr (text, ==, times[i]);
        hs_value_clear (&t);
      }
  }

  /* Truth. */
  hs_value_set_string (&v, "x");
  g_assert_true (hs_value_is_true (&v));
  hs_value_set_number (&v, 0);
  g_assert_null (v.string);
  g_assert_false (hs_value_is_true (&v));
  hs_value_set_boolean (&v, TRUE);
  g_assert_true (hs_value_is_true (&v));
  hs_value_clear (&v);
}

/* The one script reader: a script's text, checked; files that are not scripts (too big, not
 * regular, not text) are refused with the reason. */
static void
test_script (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hs-script-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.cmm", NULL);
  g_autofree char *big = g_build_filename (dir, "big.cmm", NULL);
  g_autofree char *binary = g_build_filename (dir, "binary.cmm", NULL);
  g_autofree char *text = NULL;
  g_autofree char *none = NULL;
  gsize length = 0;

  g_assert_true (g_file_set_contents (good, "; a comment\n  Break\n", -1, NULL));
  text = hs_script_read_text (good, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 20);
  g_assert_cmpstr (text, ==, "; a comment\n  Break\n");

  none = hs_script_read_text ("/dev/zero", &length, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);
  {
    int fd = g_open (big, O_CREAT | O_WRONLY, 0600);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, HS_SCRIPT_MAX_BYTES + 1), ==, 0);
    close (fd);
  }
  none = hs_script_read_text (big, &length, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "MiB"));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (binary, "Go\n\xff\xfe\n", -1, NULL));
  none = hs_script_read_text (binary, &length, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  g_unlink (good);
  g_unlink (big);
  g_unlink (binary);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hs/Command/tokenize-basic", test_tokenize_basic);
  g_test_add_func ("/Hs/Script/read", test_script);
  g_test_add_func ("/Hs/Command/tokenize-offsets", test_tokenize_offsets);
  g_test_add_func ("/Hs/Command/tokenize-strings-parens", test_tokenize_strings_parens);
  g_test_add_func ("/Hs/Command/tokenize-comments", test_tokenize_comments);
  g_test_add_func ("/Hs/Command/tokenize-errors", test_tokenize_errors);
  g_test_add_func ("/Hs/Command/name-matches", test_name_matches);
  g_test_add_func ("/Hs/Command/name-abbreviation", test_name_abbreviation);
  g_test_add_func ("/Hs/Command/edit-distance", test_edit_distance);
  g_test_add_func ("/Hs/Expr/numbers", test_expr_numbers);
  g_test_add_func ("/Hs/Expr/number-errors", test_expr_number_errors);
  g_test_add_func ("/Hs/Expr/times", test_expr_times);
  g_test_add_func ("/Hs/Expr/precedence", test_expr_precedence);
  g_test_add_func ("/Hs/Expr/division-by-zero", test_expr_division_by_zero);
  g_test_add_func ("/Hs/Expr/strings", test_expr_strings);
  g_test_add_func ("/Hs/Expr/calls", test_expr_calls);
  g_test_add_func ("/Hs/Expr/short-circuit", test_expr_short_circuit);
  g_test_add_func ("/Hs/Expr/depth", test_expr_depth);
  g_test_add_func ("/Hs/Expr/value-format", test_value_format);

  return g_test_run ();
}
