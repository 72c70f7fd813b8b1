/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-builtins.c: the expression language's functions (hs-builtins.c,
 * hs-builtins-string.c) over an environment built here: memory, symbols and
 * tasks the test fills; and hs_value_to_literal() round trips.
 */
#define G_LOG_DOMAIN "test-builtins"

#include "config.h"

#include "hs-builtins.h"
#include "hs-command.h"
#include "hs-expr.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define BASE 0x1000u
#define SIZE 0x2000u

typedef struct
{
  guint8 memory[SIZE];          /* readable at [BASE, BASE + SIZE) */
  const HsBuiltinTask *tasks;
  guint n_tasks;
  gint current;                 /* position of the current task, -1: none */
  guint machine;
  char last_var[128];           /* the C expression the last Var.*() was given */
} Fake;

static gboolean
fake_read (gpointer   data,
           guint64    address,
           void      *buf,
           gsize      len,
           GError   **error)
{
  Fake *f = data;

  if (address < BASE || address - BASE > SIZE || len > SIZE - (address - BASE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no memory at 0x%" G_GINT64_MODIFIER
                   "x", address);
      return FALSE;
    }
  memcpy (buf, f->memory + (address - BASE), len);
  return TRUE;
}

static gboolean
fake_symbol (gpointer     data,
             const char  *name,
             guint64     *value,
             GError     **error)
{
  if (g_str_equal (name, "buffer"))
    *value = BASE;
  else if (g_str_equal (name, "greeting"))
    *value = BASE + 0x100;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no symbol %s", name);
      return FALSE;
    }
  return TRUE;
}

/* "M:::name" or "M:::number": machine 1's memory is the fake's, the others have none. */
static gboolean
fake_resolve (gpointer     data,
              const char  *text,
              HsAddress   *address,
              GError     **error)
{
  g_auto(HsAddressSpec) spec = { 0 };

  if (!hs_address_spec_parse (text, &spec, error))
    return FALSE;
  memset (address, 0, sizeof *address);
  address->machine = spec.has_machine ? spec.machine : 1;
  if (g_ascii_isdigit (spec.expression[0]))
    return hs_expr_evaluate_number (spec.expression, NULL, &address->offset, error);
  return fake_symbol (data, spec.expression, &address->offset, error);
}

static gboolean
fake_read_address (gpointer          data,
                   const HsAddress  *address,
                   void             *buf,
                   gsize             len,
                   GError          **error)
{
  if (address->machine != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "machine %u has no memory",
                   address->machine);
      return FALSE;
    }
  return fake_read (data, address->offset, buf, len, error);
}

static gboolean
fake_machine (gpointer   data,
              guint     *machine,
              GError   **error)
{
  *machine = ((Fake *) data)->machine;
  return TRUE;
}

static gboolean
fake_n_tasks (gpointer   data,
              guint     *n,
              GError   **error)
{
  *n = ((Fake *) data)->n_tasks;
  return TRUE;
}

static void
fake_task (gpointer       data,
           guint          position,
           HsBuiltinTask *task)
{
  Fake *f = data;

  g_assert_cmpuint (position, <, f->n_tasks);
  *task = f->tasks[position];
}

static gboolean
fake_current_task (gpointer   data,
                   guint     *position,
                   GError   **error)
{
  Fake *f = data;

  if (f->current < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no current task");
      return FALSE;
    }
  *position = (guint) f->current;
  return TRUE;
}

/* C expressions as a machine's debug information would answer them: "jiffies" is 0x1234 at
 * 0xffff000000010000 (8 bytes), "comm" the string "swapper/0"; anything else is unknown. */
static gboolean
fake_var (gpointer       data,
          HsBuiltinVar   query,
          const char    *expression,
          HsValue       *result,
          GError       **error)
{
  Fake *f = data;
  gboolean known = g_str_equal (expression, "jiffies") || g_str_equal (expression, "comm");

  g_strlcpy (f->last_var, expression, sizeof f->last_var);
  if (query == HS_BUILTIN_VAR_EXIST)
    {
      hs_value_set_boolean (result, known);
      return TRUE;
    }
  if (!known)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such symbol", expression);
      return FALSE;
    }
  switch (query)
    {
    case HS_BUILTIN_VAR_VALUE:
      hs_value_set_number (result, 0x1234);
      break;
    case HS_BUILTIN_VAR_ADDRESS:
      hs_value_set_number (result, G_GUINT64_CONSTANT (0xffff000000010000));
      break;
    case HS_BUILTIN_VAR_SIZEOF:
      hs_value_set_number (result, 8);
      break;
    default:
      hs_value_set_string (result, "swapper/0");
    }
  return TRUE;
}

/* Like the command line's. */
static const HsBuiltinEnv full_env = {
  .where = "in a test",
  .read_memory = fake_read,
  .lookup_symbol = fake_symbol,
  .resolve_address = fake_resolve,
  .read_address = fake_read_address,
  .machine = fake_machine,
  .n_tasks = fake_n_tasks,
  .task = fake_task,
  .current_task = fake_current_task,
  .var = fake_var,
};

/* Like a breakpoint condition's: memory and symbols of one machine, no tasks. */
static const HsBuiltinEnv condition_env = {
  .where = "in a breakpoint condition",
  .read_memory = fake_read,
  .lookup_symbol = fake_symbol,
  .machine = fake_machine,
};

static const HsBuiltinEnv empty_env = { .where = "nowhere" };

/* Machines 1 and 2, interleaved as the engine's list may have them. */
static const HsBuiltinTask tasks[] = {
  { 1, 1, 0xffff000010001000, "init" },
  { 1, 50, 0xffff000010032000, "sh" },
  { 2, 1, 0xffff000020001000, "init" },
  { 1, 60, 0xffff00001003c000, "app" },
  { 2, 70, 0xffff000020046000, "getty" },
};

static Fake *
fake_new (void)
{
  Fake *f = g_new0 (Fake, 1);

  for (guint i = 0; i < SIZE; i++)
    f->memory[i] = 'x';
  f->tasks = tasks;
  f->n_tasks = G_N_ELEMENTS (tasks);
  f->current = 1;
  f->machine = 1;
  return f;
}

static HsValue
eval_in (const HsBuiltinEnv *env,
         gpointer            data,
         const char         *text)
{
  g_autoptr(GError) error = NULL;
  HsValue v = { 0 };

  if (!hs_builtins_evaluate (env, data, text, &v, &error))
    g_error ("'%s' failed: %s", text, error->message);
  return v;
}

static void
assert_number_in (const HsBuiltinEnv *env,
                  gpointer            data,
                  const char         *text,
                  guint64             expected)
{
  g_auto(HsValue) v = eval_in (env, data, text);

  if (v.type == HS_VALUE_STRING || v.number != expected)
    g_error ("'%s': expected 0x%" G_GINT64_MODIFIER "x, got type %d 0x%" G_GINT64_MODIFIER
             "x '%s'", text, expected, v.type, v.number, v.string ? v.string : "");
  g_assert_cmpuint (v.number, ==, expected);
}

static void
assert_string_in (const HsBuiltinEnv *env,
                  gpointer            data,
                  const char         *text,
                  const char         *expected)
{
  g_auto(HsValue) v = eval_in (env, data, text);

  if (v.type != HS_VALUE_STRING)
    g_error ("'%s': expected the string '%s', got type %d", text, expected, v.type);
  g_assert_cmpstr (v.string, ==, expected);
}

static void
assert_error_in (const HsBuiltinEnv *env,
                 gpointer            data,
                 const char         *text,
                 const char         *fragment)
{
  g_autoptr(GError) error = NULL;
  HsValue v = { 0 };

  if (hs_builtins_evaluate (env, data, text, &v, &error))
    g_error ("'%s' evaluated but should have failed", text);
  g_assert_nonnull (error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s': error '%s' does not mention '%s'", text, error->message, fragment);
  g_assert_null (v.string);
}

#define assert_number(text, expected) assert_number_in (&full_env, f, (text), (expected))
#define assert_string(text, expected) assert_string_in (&full_env, f, (text), (expected))
#define assert_error(text, fragment) assert_error_in (&full_env, f, (text), (fragment))

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_literal_round_trip (void)
{
  static const struct { HsValueType type; guint64 number; const char *string; } cases[] = {
    { HS_VALUE_NUMBER, 0, NULL },
    { HS_VALUE_NUMBER, 0x1f, NULL },
    { HS_VALUE_NUMBER, G_MAXUINT64, NULL },
    { HS_VALUE_BOOLEAN, 1, NULL },
    { HS_VALUE_BOOLEAN, 0, NULL },
    { HS_VALUE_TIME, 10000000, NULL },
    { HS_VALUE_TIME, 1500, NULL },
    { HS_VALUE_TIME, 0, NULL },
    { HS_VALUE_STRING, 0, "" },
    { HS_VALUE_STRING, 0, "plain text" },
    { HS_VALUE_STRING, 0, "say \"hi\" \\ back\\slash\\" },
    { HS_VALUE_STRING, 0, "two\nlines\tand a tab" },
    { HS_VALUE_STRING, 0, "Größe; // not a comment" },
  };
  static const struct { HsValueType type; guint64 number; const char *string;
                        const char *literal; } spelled[] = {
    { HS_VALUE_NUMBER, 0x1f, NULL, "0x1f" },
    { HS_VALUE_BOOLEAN, 1, NULL, "TRUE()" },
    { HS_VALUE_TIME, 10000, NULL, "10.ms" },
    { HS_VALUE_STRING, 0, "a\"b\\c", "\"a\\\"b\\\\c\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HsValue v = { cases[i].type, cases[i].number, (char *) cases[i].string };
      g_autofree char *literal = hs_value_to_literal (&v);
      g_auto(HsValue) back = eval_in (&empty_env, NULL, literal);

      g_assert_cmpint (back.type, ==, v.type);
      g_assert_cmpuint (back.number, ==, v.number);
      g_assert_cmpstr (back.string, ==, v.string);
      /* A macro's value goes into a command line: it is one token there. */
      {
        g_autoptr(GPtrArray) tokens = hs_command_tokenize (literal, NULL);

        g_assert_nonnull (tokens);
        g_assert_cmpuint (tokens->len, ==, 1);
      }
    }
  for (guint i = 0; i < G_N_ELEMENTS (spelled); i++)
    {
      HsValue v = { spelled[i].type, spelled[i].number, (char *) spelled[i].string };
      g_autofree char *literal = hs_value_to_literal (&v);

      g_assert_cmpstr (literal, ==, spelled[i].literal);
    }
}

static void
test_arguments (void)
{
  g_autofree Fake *f = fake_new ();
  g_autofree char *known = hs_builtins_describe ();

  /* HELP lists each function with its signature. */
  g_assert_nonnull (strstr (known, "STRing.MID(s, start, length)"));
  g_assert_nonnull (strstr (known, "TASK.FIRST([machine])"));
  g_assert_nonnull (strstr (known, "Data.String(address)"));
  g_assert_nonnull (strstr (known, "STATE.RUN()"));

  assert_error ("STRing.MID(\"a\")", "STRing.MID() takes 3 arguments, not 1; usage: "
                "STRing.MID(s, start, length)");
  assert_error ("Register()", "Register() takes one name");
  assert_error ("TASK.FIRST(1, 2)", "TASK.FIRST() takes 0 to 1 arguments, not 2");
  assert_error ("STATE.RUN(1)", "STATE.RUN() takes no arguments");
  assert_error ("STRing.LENgth(1)", "STRing.LENgth(): argument 1 must be a string");
  assert_error ("STRing.MID(\"abc\", \"x\", 1)", "argument 2 must be a number");
  /* A bare word is a string: a number argument says so. */
  assert_error ("TASK.NAME(handle)", "a bare word is a string here");
  assert_error ("NoSuch.Function()", "unknown function NoSuch.Function()");
  /* Names match case-insensitively, in TRACE32's short forms too. */
  assert_number ("string.length(\"abcd\")", 4);
  assert_number ("STR.LEN(\"abcd\")", 4);
}

static void
test_strings (void)
{
  g_autofree Fake *f = fake_new ();
  GString *big = g_string_new ("STRing.Replace(\"");
  GString *wide = g_string_new (NULL);

  assert_number ("STRing.LENgth(\"\")", 0);
  assert_number ("STRing.LENgth(\"abc\"+\"de\")", 5);
  assert_string ("STRing.MID(\"hello\", 1, 3)", "ell");
  assert_string ("STRing.MID(\"hello\", 3, 100.)", "lo");
  assert_string ("STRing.MID(\"hi\", 5, 2)", "");
  assert_string ("STRing.MID(\"hi\", 0xffffffffffffffff, 0xffffffffffffffff)", "");
  assert_number ("STRing.SCAN(\"hello\", \"l\", 0)", 2);
  assert_number ("STRing.SCAN(\"hello\", \"l\", 3)", 3);
  assert_number ("STRing.SCAN(\"hello\", \"z\", 0)", G_MAXUINT64);
  assert_number ("STRing.SCAN(\"hi\", \"h\", 99.)", G_MAXUINT64);
  assert_string ("STRing.UPpeR(\"Init_Task 1\")", "INIT_TASK 1");
  assert_string ("STRing.UPR(\"ab\")", "AB");
  assert_string ("STRing.LOWeR(\"ABC d\")", "abc d");
  assert_string ("STRing.TRIM(\"  a b \t\")", "a b");
  assert_string ("STRing.Replace(\"a-b-c\", \"-\", \"+\", 0)", "a+b+c");
  assert_string ("STRing.Replace(\"a-b-c\", \"-\", \"+\", 1)", "a+b-c");
  assert_string ("STRing.Replace(\"aaa\", \"a\", \"\", 0)", "");
  assert_error ("STRing.Replace(\"aaa\", \"\", \"x\", 0)", "nothing to find");
  assert_number ("STRing.ComPare(\"vmlinux-6.1\", \"vmlinux*\")", TRUE);
  assert_number ("STRing.ComPare(\"vmlinux-6.1\", \"?mlinux-6.?\")", TRUE);
  assert_number ("STRing.ComPare(\"vmlinux\", \"VMLINUX\")", FALSE);
  assert_number ("STRing.ComPare(\"abc\", \"ab\")", FALSE);
  assert_number ("STRing.CHAR(\"AB\", 1)", 'B');
  assert_number ("STRing.CHAR(\"AB\", 2)", 0);
  assert_string ("STRing.SPLIT(\"a,b,,c\", \",\", 0)", "a");
  assert_string ("STRing.SPLIT(\"a,b,,c\", \",\", 1)", "b");
  assert_string ("STRing.SPLIT(\"a,b,,c\", \",\", 2)", "");
  assert_string ("STRing.SPLIT(\"a,b,,c\", \",\", 3)", "c");
  assert_string ("STRing.SPLIT(\"a,b,,c\", \",\", 9)", "");
  assert_string ("STRing.SPLIT(\"a::b\", \"::\", 1)", "b");
  assert_error ("STRing.SPLIT(\"a\", \"\", 0)", "separator is empty");

  /* No result grows past 64 KiB, whatever the arguments. */
  for (guint i = 0; i < 100; i++)
    g_string_append_c (big, 'a');
  g_string_append (big, "\", \"a\", \"");
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (wide, 'b');
  g_string_append_printf (big, "%s\", 0)", wide->str);
  assert_error (big->str, "longer than 65536 bytes");
  g_string_free (big, TRUE);
  g_string_free (wide, TRUE);
}

static void
test_format_convert (void)
{
  g_autofree Fake *f = fake_new ();

  assert_string ("FORMAT.Decimal(5, 42.)", "   42");
  assert_string ("FORMAT.Decimal(0, 0-1)", "-1");
  assert_string ("FORMAT.Decimal(1, 1000.)", "1000");
  assert_string ("FORMAT.HEX(8, 0x1f)", "0000001f");
  assert_string ("FORMAT.HEX(0, 0)", "0");
  assert_string ("FORMAT.HEX(2, 0xffffffffffffffff)", "ffffffffffffffff");
  assert_string ("FORMAT.BINary(4, 5)", "0101");
  assert_error ("FORMAT.HEX(1000., 1)", "over the limit of 64");
  assert_error ("FORMAT.Decimal(0xffffffffffffffff, 1)", "over the limit");
  assert_number ("CONVert.HEXTOINT(\"0x1F\")", 0x1f);
  assert_number ("CONVert.HEXTOINT(\"ff\")", 0xff);
  assert_number ("CONVert.HEXTOINT(\"ffffffffffffffff\")", G_MAXUINT64);
  assert_error ("CONVert.HEXTOINT(\"xyz\")", "not a hex number");
  assert_error ("CONVert.HEXTOINT(\"0x\")", "no hex digits");
  assert_error ("CONVert.HEXTOINT(\"10000000000000000\")", "too large");
  assert_string ("CONVert.CHAR(0x41)", "A");
  assert_string ("CONVert.CHAR(0xe9)", "é");
  assert_error ("CONVert.CHAR(0)", "not a character");
  assert_error ("CONVert.CHAR(0x110000)", "not a character");
}

static void
test_os (void)
{
  g_autofree Fake *f = fake_new ();
  g_autofree char *dir = g_dir_make_tmp ("hs-builtins-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "setup.cmm", NULL);
  g_autofree char *exists = g_strdup_printf ("OS.FILE(\"%s\")", path);
  g_autofree char *is_dir = g_strdup_printf ("OS.FILE(\"%s\")", dir);
  g_autofree char *cwd = g_get_current_dir ();

  g_assert_true (g_file_set_contents (path, "PRINT 1\n", -1, NULL));
  assert_number (exists, TRUE);
  assert_number (is_dir, FALSE);
  assert_number ("OS.FILE(\"/no/such/file\")", FALSE);
  assert_number ("OS.FILE(\"\")", FALSE);
  assert_number ("OS.FILE(\"~/no-such-file-here-hs\")", FALSE);
  assert_string ("OS.PWD()", cwd);
  g_setenv ("HS_TEST_BUILTINS", "value 1", TRUE);
  assert_string ("OS.ENV(\"HS_TEST_BUILTINS\")", "value 1");
  assert_string ("OS.ENV(\"HS_TEST_BUILTINS_UNSET\")", "");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_memory (void)
{
  g_autofree Fake *f = fake_new ();
  static const guint8 invalid[] = { 'o', 'k', 0xff, 0xfe, '!', 0 };
  guint64 quad = GUINT64_TO_LE (G_GUINT64_CONSTANT (0x1122334455667788));

  memcpy (f->memory, &quad, 8);
  assert_number ("Data.Byte(0x1000)", 0x88);
  assert_number ("Data.Word(0x1000)", 0x7788);
  assert_number ("Data.Long(0x1000)", 0x55667788);
  assert_number ("Data.Quad(0x1000)", 0x1122334455667788);
  /* A bare symbol name, and any address form in a string. */
  assert_number ("Data.Long(buffer)", 0x55667788);
  assert_number ("Data.Quad(\"1:::buffer\")", 0x1122334455667788);
  assert_number ("Data.Byte(\"1:::0x1001\")", 0x77);
  assert_error ("Data.Long(\"2:::buffer\")", "machine 2 has no memory");
  assert_error ("Data.Long(0x10)", "Data.Long(): no memory at 0x10");
  /* In a condition: a symbol name works, an address form cannot be resolved there. */
  assert_number_in (&condition_env, f, "Data.Long(buffer)", 0x55667788);
  assert_error_in (&condition_env, f, "Data.Long(\"1:::buffer\")",
                   "an address form in a string cannot be used in a breakpoint condition");
  assert_error_in (&empty_env, f, "Data.Long(0x1000)", "Data.Long() cannot be used nowhere");

  /* Strings end at their NUL, across the pieces they are read in. */
  memcpy (f->memory + 0x100, "hello", 6);
  assert_string ("Data.String(greeting)", "hello");
  assert_string ("Data.String(0x1101)", "ello");
  memset (f->memory + 0x1f0, 'y', 0x50);
  f->memory[0x240] = 0;
  {
    g_auto(HsValue) v = eval_in (&full_env, f, "Data.String(0x11f0)");

    g_assert_cmpuint (strlen (v.string), ==, 0x50);
  }
  /* What is not UTF-8 is made valid. */
  memcpy (f->memory + 0x300, invalid, sizeof invalid);
  {
    g_auto(HsValue) v = eval_in (&full_env, f, "Data.String(0x1300)");

    g_assert_true (g_utf8_validate (v.string, -1, NULL));
    g_assert_true (g_str_has_prefix (v.string, "ok"));
    g_assert_true (g_str_has_suffix (v.string, "!"));
  }
  /* Without a NUL it stops at 4096 bytes. */
  memset (f->memory + 0x400, 'z', SIZE - 0x400);
  {
    g_auto(HsValue) v = eval_in (&full_env, f, "Data.String(0x1400)");

    g_assert_cmpuint (strlen (v.string), ==, HS_BUILTIN_STRING_MAX);
  }
  /* A string that runs into unreadable memory fails. */
  f->memory[SIZE - 1] = 'z';
  assert_error ("Data.String(0x2ff0)", "Data.String(): no memory at 0x3000");
}

static void
test_symbols_machines (void)
{
  g_autofree Fake *f = fake_new ();

  assert_number ("sYmbol.EXIST(buffer)", TRUE);
  assert_number ("y.exist(\"greeting\")", TRUE);
  assert_number ("sYmbol.EXIST(nosuch)", FALSE);
  /* A hex-looking word is a name here, not a number. */
  assert_number ("sYmbol.EXIST(ffff)", FALSE);
  assert_number ("sYmbol.EXIST(\"1:::buffer\")", TRUE);
  assert_number ("sYmbol.EXIST(\"1:::0x10\")", FALSE);
  assert_number ("sYmbol.EXIST(\"1:::nosuch\")", FALSE);
  assert_error_in (&condition_env, f, "sYmbol.EXIST(\"1:::buffer\")",
                   "cannot be used in a breakpoint condition");
  assert_number ("MACHINE.ID()", 1);
  f->machine = 2;
  assert_number ("MACHINE.ID()", 2);
  assert_error_in (&empty_env, f, "MACHINE.ID()", "MACHINE.ID() cannot be used nowhere");
}

/* Var.*() take their C expression as written: brackets, quotes and operators that are not
 * ours reach the environment untouched, and the call still ends at its own ')'. */
static void
test_var (void)
{
  g_autofree Fake *f = fake_new ();
  static const char *texts[] = {
    "init_task.comm[0]",
    "((struct task_struct *) 0xffff000010001000)->pid",
    "sizeof(int) * (2 + 3)",
    "\"a ) in a string\"[1]",
    "')' == 41",
    "2:::0x5a::current->mm",
  };

  assert_number ("Var.VALUE(jiffies)", 0x1234);
  assert_number ("Var.VALUE( jiffies )+1", 0x1235);
  assert_number ("v.address(jiffies)", G_GUINT64_CONSTANT (0xffff000000010000));
  assert_number ("Var.SIZEOF(jiffies)*2", 16);
  assert_string ("Var.STRing(comm)", "swapper/0");
  assert_number ("Var.EXIST(comm)", TRUE);
  assert_number ("Var.EXIST(nosuch)", FALSE);
  assert_number ("Var.EXIST(nosuch)||Var.EXIST(jiffies)", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *call = g_strdup_printf ("Var.EXIST(%s)==FALSE()", texts[i]);

      assert_number (call, TRUE);
      g_assert_cmpstr (f->last_var, ==, texts[i]);
    }
  assert_error ("Var.VALUE(nosuch)", "nosuch: no such symbol");
  assert_error ("Var.VALUE()", "Var.VALUE() takes one C expression, not 0");
  assert_error ("Var.VALUE(a[1)", "expected ')' to close Var.VALUE(");
  assert_error ("Var.VALUE(\"open)", "expected ')' to close Var.VALUE(");
  assert_error_in (&condition_env, f, "Var.VALUE(jiffies)",
                   "Var.VALUE() cannot be used in a breakpoint condition");
}

static void
test_tasks (void)
{
  g_autofree Fake *f = fake_new ();
  HsValue v;
  guint64 h;
  GString *names = g_string_new (NULL);

  assert_number ("TASK.COUNT(1)", 3);
  assert_number ("TASK.COUNT(2)", 2);
  assert_number ("TASK.COUNT()", 3);
  assert_number ("TASK.COUNT(7)", 0);
  assert_number ("TASK.FIRST(7)", 0);

  /* A WHILE over machine 2's tasks, as a script writes it. */
  v = eval_in (&full_env, f, "TASK.FIRST(2)");
  h = v.number;
  g_assert_cmpuint (h >> 32, ==, 2);
  while (h != 0)
    {
      g_autofree char *name = g_strdup_printf ("TASK.NAME(0x%" G_GINT64_MODIFIER "x)", h);
      g_autofree char *machine = g_strdup_printf ("TASK.MACHINE(0x%" G_GINT64_MODIFIER "x)", h);
      g_autofree char *next = g_strdup_printf ("TASK.NEXT(0x%" G_GINT64_MODIFIER "x)", h);
      g_auto(HsValue) n = eval_in (&full_env, f, name);

      assert_number (machine, 2);
      g_string_append_printf (names, "%s ", n.string);
      v = eval_in (&full_env, f, next);
      h = v.number;
    }
  g_assert_cmpstr (names->str, ==, "init getty ");
  g_string_free (names, TRUE);
  assert_number ("TASK.PID(TASK.NEXT(TASK.FIRST(1)))", 50);
  assert_number ("TASK.PID(TASK.NEXT(TASK.NEXT(TASK.FIRST(1))))", 60);
  assert_number ("TASK.NEXT(TASK.NEXT(TASK.NEXT(TASK.FIRST(1))))", 0);
  /* Handles are unique across machines: both inits differ. */
  {
    g_auto(HsValue) a = eval_in (&full_env, f, "TASK.FIRST(1)");
    g_auto(HsValue) b = eval_in (&full_env, f, "TASK.FIRST(2)");

    g_assert_cmpuint (a.number, !=, b.number);
  }
  /* Position 3 is machine 2's: a handle naming machine 1 there is stale. */
  assert_error ("TASK.NAME(0x100000003)", "0x100000003 is not a task handle");
  assert_error ("TASK.NAME(0)", "0x0 is not a task handle");
  assert_error ("TASK.PID(0x100000099)", "not a task handle");

  /* The current task, and a task by name in the current machine. */
  assert_number ("TASK.ID()", 50);
  assert_number ("TASK.MAGIC()", 0xffff000010032000);
  assert_number ("TASK.ID(\"app\")", 60);
  assert_number ("TASK.ID(app)", 60);
  assert_error ("TASK.ID(\"getty\")", "machine 1 has no task named getty");
  f->machine = 2;
  assert_number ("TASK.ID(\"getty\")", 70);
  f->current = -1;
  assert_error ("TASK.ID()", "TASK.ID(): no current task");
  assert_error ("TASK.MAGIC()", "TASK.MAGIC(): no current task");

  /* On the worker, at a breakpoint: tasks are not there. */
  assert_error_in (&condition_env, f, "TASK.ID()",
                   "TASK.ID() cannot be used in a breakpoint condition");
  assert_error_in (&condition_env, f, "TASK.COUNT()", "cannot be used in a breakpoint condition");
  assert_error_in (&condition_env, f, "TASK.FIRST(1)", "cannot be used in a breakpoint");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hs/Expr/literal-round-trip", test_literal_round_trip);
  g_test_add_func ("/Hs/Builtins/arguments", test_arguments);
  g_test_add_func ("/Hs/Builtins/strings", test_strings);
  g_test_add_func ("/Hs/Builtins/format-convert", test_format_convert);
  g_test_add_func ("/Hs/Builtins/os", test_os);
  g_test_add_func ("/Hs/Builtins/memory", test_memory);
  g_test_add_func ("/Hs/Builtins/symbols-machines", test_symbols_machines);
  g_test_add_func ("/Hs/Builtins/tasks", test_tasks);
  g_test_add_func ("/Hs/Builtins/var", test_var);
  return g_test_run ();
}
