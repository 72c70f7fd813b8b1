/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-practice.c: PRACTICE scripts: the compiler (hs-practice.c) on text
 * built here, and the runner (hs-interp-script.c) on scripts written to a
 * temporary folder and run with DO by an interpreter with no target.
 */
#define G_LOG_DOMAIN "test-practice"

#include "config.h"

#include "hs-test-util.h"


#include "hs-command.h"
#include "hs-engine.h"
#include "hs-interp.h"
#include "hs-practice.h"

#include <string.h>

#define COMMAND_TIMEOUT_S 20

typedef struct
{
  HsEngine *engine;
  HsInterp *interp;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->engine = hs_engine_new ();
  f->interp = hs_interp_new (f->engine);
  f->dir = g_dir_make_tmp ("hs-practice-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  hs_test_remove_dir (f->dir);
  g_free (f->dir);
  g_clear_object (&f->interp);
  hs_test_release_and_wait (g_steal_pointer (&f->engine), COMMAND_TIMEOUT_S);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("'%s' does not contain '%s'", haystack, needle);
}

/* Writes @text as @name in the fixture's folder; returns its path. */
static char *
write_script (Fixture    *f,
              const char *name,
              const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static char *
run_script (Fixture    *f,
            const char *text,
            const char *args)
{
  g_autofree char *path = write_script (f, "t.cmm", text);
  g_autofree char *line = g_strdup_printf ("DO \"%s\"%s%s", path, args ? " " : "",
                                           args ? args : "");

  return hs_test_run_ok (f->interp, line);
}

static GError *
fail_script (Fixture    *f,
             const char *text)
{
  g_autofree char *path = write_script (f, "t.cmm", text);
  g_autofree char *line = g_strdup_printf ("DO \"%s\"", path);

  return hs_test_run_fail (f->interp, line);
}

static GError *
compile_fail (const char *text)
{
  GError *error = NULL;
  g_autoptr(HsPracticeProgram) program = hs_practice_compile (text, strlen (text), "x.cmm",
                                                              &error);

  g_assert_null (program);
  g_assert_nonnull (error);
  return error;
}

/* ---- the compiler ----------------------------------------------------------------------- */

static void
test_compile_shapes (void)
{
  const char *text =
    "LOCAL &i\n"
    "IF &i==0\n"
    "(\n"
    "  PRINT 1\n"
    ")\n"
    "ELSE IF &i==1\n"
    "  PRINT 2\n"
    "ELSE\n"
    "  PRINT 3\n"
    "WHILE &i<3  ; a comment\n"
    "  &i=&i+1\n"
    "RePeaT 2. PRINT \"r; not a comment\"\n"
    "loop:\n"
    "GOSUB sub 1 2\n"
    "ENDDO\n"
    "sub: ENTRY &a\n"
    "  RETURN\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(HsPracticeProgram) p = hs_practice_compile (text, strlen (text), "s.cmm", &error);
  const HsPracticeLabel *loop, *sub;
  const HsPracticeInsn *first_if;
  gboolean saw_comment_string = FALSE;

  g_assert_no_error (error);
  g_assert_cmpstr (hs_practice_program_get_file (p), ==, "s.cmm");
  g_assert_cmpuint (hs_practice_program_get_n_lines (p), ==, 17);
  g_assert_cmpuint (hs_practice_program_get_insn (p, 0)->op, ==, HS_PRACTICE_DECLARE);
  first_if = hs_practice_program_get_insn (p, 1);
  g_assert_cmpuint (first_if->op, ==, HS_PRACTICE_JUMP_UNLESS);
  g_assert_cmpstr (first_if->text, ==, "&i==0");
  g_assert_cmpuint (first_if->line, ==, 2);
  /* A false IF goes past its block and the jump over the ELSE parts, to the ELSE IF's test. */
  g_assert_cmpuint (hs_practice_program_get_insn (p, first_if->target)->op, ==,
                    HS_PRACTICE_JUMP_UNLESS);
  g_assert_cmpuint (hs_practice_program_get_insn (p, first_if->target)->line, ==, 6);
  g_assert_cmpuint (hs_practice_program_get_insn (p, 2)->op, ==, HS_PRACTICE_BLOCK_ENTER);
  g_assert_cmpuint (hs_practice_program_get_insn (p, 3)->block, ==, 1);
  g_assert_cmpuint (hs_practice_program_get_block_parent (p, 1), ==, 0);
  for (guint i = 0; i < hs_practice_program_get_length (p); i++)
    {
      const HsPracticeInsn *insn = hs_practice_program_get_insn (p, i);

      if (insn->op == HS_PRACTICE_COMMAND && g_strcmp0 (insn->text, "PRINT \"r; not a comment\"")
          == 0)
        saw_comment_string = TRUE;
      if (insn->op == HS_PRACTICE_JUMP_UNLESS && insn->line == 10)
        g_assert_cmpstr (insn->text, ==, "&i<3");
      if (insn->op == HS_PRACTICE_ASSIGN)
        {
          g_assert_cmpstr (insn->name, ==, "i");
          g_assert_cmpstr (insn->text, ==, "&i+1");
        }
    }
  g_assert_true (saw_comment_string);
  loop = hs_practice_program_find_label (p, "loop");
  sub = hs_practice_program_find_label (p, "sub");
  g_assert_nonnull (loop);
  g_assert_nonnull (sub);
  g_assert_cmpuint (hs_practice_program_get_insn (p, loop->insn)->op, ==, HS_PRACTICE_GOSUB);
  g_assert_cmpuint (hs_practice_program_get_insn (p, loop->insn)->target, ==, sub->insn);
  g_assert_cmpuint (hs_practice_program_get_insn (p, sub->insn)->op, ==, HS_PRACTICE_ENTRY);
  g_assert_null (hs_practice_program_find_label (p, "nowhere"));
}

static void
test_compile_errors (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "PRINT 1\n)\n", "x.cmm:2: ')' without a '('" },
    { "(\nPRINT 1\n", "x.cmm:1: this '(' has no ')'" },
    { "ELSE\n", "x.cmm:1: ELSE without an IF" },
    { "IF 1\n", "x.cmm:1: IF has no command or block after it" },
    { "IF\nPRINT 1\n", "IF needs a condition" },
    { "(\nIF 1\n)\n", "x.cmm:2: IF has no command or block after it (the block ends" },
    { "IF 1\nthere:\n", "x.cmm:2: IF is followed by the label there" },
    { "WHILE\n", "WHILE needs a condition" },
    { "a:\na:\n", "x.cmm:2: the label a is already defined" },
    { "GOTO nowhere\n", "x.cmm:1: GOTO nowhere: there is no label nowhere" },
    { "GOSUB\n", "GOSUB needs a label" },
    { "ON ERROR GOSUB nope\n", "ON ERROR nope: there is no label nope" },
    { "ON ERROR SOMETIMES\n", "ON ERROR SOMETIMES: expected" },
    { "ON FIRE\n", "ON takes ERROR" },
    { "LOCAL i\n", "LOCAL takes macro names (&name), not 'i'" },
    { "PRIVATE\n", "PRIVATE needs at least one macro name" },
    { "STOP now\n", "STOP takes nothing after it" },
    { "DO\n", "DO needs a script" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = compile_fail (cases[i].text);

      g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
      assert_contains (error->message, cases[i].message);
    }
}

/* Hostile nesting is refused, not a stack overflow; long lines are refused whole. */
static void
test_compile_bounds (void)
{
  GString *deep = g_string_new (NULL);
  g_autofree char *line = NULL;
  g_autoptr(GError) nested = NULL;
  g_autoptr(GError) long_line = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append (deep, "IF 1\n");
  g_string_append (deep, "PRINT 1\n");
  nested = compile_fail (deep->str);
  assert_contains (nested->message, "nest deeper than");
  g_string_free (deep, TRUE);

  line = g_strnfill (HS_PRACTICE_MAX_LINE + 10, 'a');
  long_line = compile_fail (line);
  assert_contains (long_line->message, "longer than");
}

static const char *
test_lookup (const char *name,
             gpointer    user_data)
{
  return g_hash_table_lookup (user_data, name);
}

static void
test_expand (void)
{
  g_autoptr(GHashTable) macros = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *stripped = hs_practice_strip_comment ("PRINT \"a ; b\" ; comment");
  g_autofree char *url = hs_practice_strip_comment ("DO /tmp//x.cmm // why");
  g_autoptr(GError) error = NULL;
  GString *big = g_string_new (NULL);
  gsize len;

  g_hash_table_insert (macros, "n", "0x5");
  g_hash_table_insert (macros, "s", "\"text\"");
  g_hash_table_insert (macros, "n2", "7.");
  a = hs_practice_expand ("PRINT &n+&n2 \"&s\" &&init_task&n", test_lookup, macros, NULL);
  g_assert_cmpstr (a, ==, "PRINT 0x5+7. \"text\" &&init_task0x5");
  /* Names nobody defined stay as they are: an address-of in a C expression. */
  b = hs_practice_expand ("Var.view &init_task & 1", test_lookup, macros, NULL);
  g_assert_cmpstr (b, ==, "Var.view &init_task & 1");
  g_assert_cmpstr (stripped, ==, "PRINT \"a ; b\"");
  g_assert_cmpstr (url, ==, "DO /tmp//x.cmm");
  g_assert_true (hs_practice_macro_name_length ("&a_1+2", &len));
  g_assert_cmpuint (len, ==, 4);
  g_assert_false (hs_practice_macro_name_length ("&1", &len));
  g_assert_false (hs_practice_macro_name_length ("a", &len));

  /* A macro that doubles each time cannot make a line without end. */
  for (guint i = 0; i < 12000; i++)
    g_string_append (big, "&s");
  c = hs_practice_expand (big->str, test_lookup, macros, &error);
  g_assert_null (c);
  assert_contains (error->message, "longer than");
  g_string_free (big, TRUE);
}

/* ---- running ---------------------------------------------------------------------------- */

static void
test_macros (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = run_script (f,
    "LOCAL &n &s\n"
    "&n=0x10+2\n"
    "&s=\"a \\\"quoted\\\" word\"\n"
    "PRINT &n\n"
    "PRINT &s\n"
    "PRINT \"n is &n\"\n"
    "&undeclared=3\n"
    "PRINT &undeclared*2\n"
    "&empty=\n"
    "PRINT \"[&empty]\"\n"
    "&t=10.ms\n"
    "PRINT &t\n"
    "&b=1==1\n"
    "IF &b\n"
    "  PRINT \"true\"\n",
    NULL);

  g_assert_cmpstr (out, ==,
                   "0x12\n"
                   "a \"quoted\" word\n"
                   "n is 0x12\n"
                   "0x6\n"
                   "[]\n"
                   "10.ms\n"
                   "true\n");
}

/* A name option takes a string macro's text: /TASK &t with &t = "linux1_counter" names the
 * task linux1_counter, not one whose name has quotes. */
static void
test_name_options (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = run_script (f,
    "&t=\"linux1_counter\"\n"
    "Break.Set 0:::0xffff000000005000 /TASK &t\n",
    NULL);

  assert_contains (out, "[machine 0, task linux1_counter]");
  g_assert_null (strstr (out, "\"linux1_counter\""));
}

static void
test_scopes (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *inner = write_script (f, "inner.cmm",
    "PRINT \"inner sees &loc, &glob, [&priv]\"\n"
    "&loc=\"changed by inner\"\n");
  g_autofree char *out = NULL;
  g_autofree char *later = NULL;
  g_autofree char *block = NULL;

  out = run_script (f,
    "LOCAL &loc\n"
    "PRIVATE &priv\n"
    "GLOBAL &glob\n"
    "&loc=\"local\"\n"
    "&priv=\"private\"\n"
    "&glob=\"global\"\n"
    "GOSUB show\n"
    "DO inner.cmm\n"
    "PRINT &loc\n"
    "ENDDO\n"
    "show:\n"
    "  PRINT \"sub sees &loc, &glob, [&priv]\"\n"
    "  RETURN\n",
    NULL);
  g_assert_cmpstr (out, ==,
                   "sub sees local, global, [&priv]\n"
                   "inner sees local, global, [&priv]\n"
                   "changed by inner\n");

  /* GLOBAL lives on, for the command line and the next script; LOCAL died with its script. */
  later = hs_test_run_ok (f->interp, "PRINT \"&glob [&loc]\"");
  g_assert_cmpstr (later, ==, "global [&loc]\n");

  /* A block's LOCAL ends with the block; assigning an outer one reaches it. */
  block = run_script (f,
    "&x=1\n"
    "(\n"
    "  LOCAL &y\n"
    "  &y=2\n"
    "  &x=&x+&y\n"
    ")\n"
    "PRINT &x \" [&y]\"\n",
    NULL);
  g_assert_cmpstr (block, ==, "0x3 [&y]\n");
}

static void
test_command_line (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *set = hs_test_run_ok (f->interp, "&count=41.");
  g_autofree char *used = hs_test_run_ok (f->interp, "PRINT &count+1");
  g_autofree char *declared = hs_test_run_ok (f->interp, "LOCAL &fresh");
  g_autofree char *repeat = hs_test_run_ok (f->interp, "RePeaT 2. PRINT \"x\"");
  g_autoptr(GError) lone_if = hs_test_run_fail (f->interp, "IF 1");
  g_autoptr(GError) stray = hs_test_run_fail (f->interp, ")");

  g_assert_cmpstr (set, ==, "");
  g_assert_cmpstr (used, ==, "0x2a\n");
  g_assert_cmpstr (declared, ==, "");
  g_assert_cmpstr (repeat, ==, "x\nx\n");
  /* A typed line's messages name no file. */
  g_assert_cmpstr (lone_if->message, ==, "IF has no command or block after it");
  g_assert_cmpstr (stray->message, ==, "')' without a '(' before it");
}

static void
test_if_else (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *out = run_script (f,
    "&i=0\n"
    "WHILE &i<4\n"
    "(\n"
    "  IF &i==0\n"
    "    PRINT \"zero\"\n"
    "  ELSE IF &i==1\n"
    "  (\n"
    "    PRINT \"one\"\n"
    "  )\n"
    "  ELSE IF &i==2\n"
    "    PRINT \"two\"\n"
    "  ELSE\n"
    "  (\n"
    "    PRINT \"many\"\n"
    "  )\n"
    "  &i=&i+1\n"
    ")\n"
    "IF \"a\"==\"b\"\n"
    "  PRINT \"wrong\"\n"
    "ELSE PRINT \"inline else\"\n"
    "IF 0\n"
    "  PRINT \"skipped\"\n"
    "PRINT \"after\"\n",
    NULL);

  g_assert_cmpstr (out, ==, "zero\none\ntwo\nmany\ninline else\nafter\n");
}

static void
test_loops (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *out = run_script (f,
    "&n=0\n"
    "RePeaT 3.\n"
    "(\n"
    "  &n=&n+1\n"
    ")\n"
    "PRINT &n\n"
    "RePeaT 0. PRINT \"never\"\n"
    "RePeaT 2. PRINT \"twice\"\n"
    "&k=5\n"
    "RePeaT\n"
    "(\n"
    "  &k=&k-1\n"
    ")\n"
    "WHILE &k>2\n"
    "PRINT &k\n"
    "&w=0\n"
    "WHILE &w<0x400\n"
    "  &w=&w+1\n"
    "PRINT &w\n"
    "RePeaT\n"
    "(\n"
    "  &w=&w+1\n"
    "  IF &w==0x405\n"
    "    GOTO out\n"
    ")\n"
    "out:\n"
    "PRINT &w\n",
    NULL);

  g_assert_cmpstr (out, ==, "0x3\ntwice\ntwice\n0x2\n0x400\n0x405\n");
}

static void
test_goto_gosub (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = run_script (f,
    "&i=0\n"
    "again:\n"
    "&i=&i+1\n"
    "IF &i<3\n"
    "  GOTO again\n"
    "GOSUB twice &i \"word\"\n"
    "ENTRY &r1 &r2\n"
    "PRINT &r1 \" \" &r2\n"
    "&label=\"again2\"\n"
    "GOTO &label\n"
    "PRINT \"skipped\"\n"
    "again2:\n"
    "GOSUB fact 5.\n"
    "ENTRY &f\n"
    "PRINT %Decimal &f\n"
    "ENDDO\n"
    "twice:\n"
    "  ENTRY &x &w\n"
    "  RETURN &x*2 &w\n"
    "fact:\n"
    "  ENTRY &n\n"
    "  IF &n<=1\n"
    "    RETURN 1\n"
    "  GOSUB fact &n-1\n"
    "  ENTRY &sub\n"
    "  RETURN (&n)*(&sub)\n",
    NULL);

  /* RETURN hands its values on as written; the caller evaluates them where it uses them. */
  g_assert_cmpstr (out, ==, "0x6 word\n120\n");
}

static void
test_entry (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *rest = write_script (f, "rest.cmm",
    "ENTRY %LINE &all\n"
    "PRINT \"all=&all\"\n");
  g_autofree char *out = run_script (f,
    "ENTRY &a &b &missing\n"
    "PRINT \"a=&a b=\" &b \" missing=[&missing]\"\n"
    "DO rest.cmm one two three\n",
    "0x10 \"two words\"");
  g_assert_cmpstr (out, ==, "a=0x10 b=two words missing=[]\nall=one two three\n");
}

static void
test_on_error (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *cont = run_script (f,
    "ON ERROR CONTinue\n"
    "No.Such.Command\n"
    "PRINT \"went on\"\n",
    NULL);
  g_autofree char *gosub = run_script (f,
    "ON ERROR GOSUB handler\n"
    "PRINT 1/0\n"
    "PRINT \"back\"\n"
    "ENDDO\n"
    "handler:\n"
    "  PRINT \"handled\"\n"
    "  RETURN\n",
    NULL);
  g_autofree char *false_condition = run_script (f,
    "ON ERROR CONTinue\n"
    "&n=0\n"
    "WHILE Bogus(&n)\n"
    "  &n=&n+1\n"
    "RePeaT Bogus(1) PRINT \"never\"\n"
    "IF Bogus(2)\n"
    "  PRINT \"never\"\n"
    "ELSE\n"
    "  PRINT \"else &n\"\n",
    NULL);
  g_autofree char *jump = run_script (f,
    "ON ERROR GOTO bail\n"
    "GOSUB sub\n"
    "PRINT \"not here\"\n"
    "bail:\n"
    "PRINT \"bailed\"\n"
    "ENDDO\n"
    "sub:\n"
    "  Bad.Command\n"
    "  RETURN\n",
    NULL);
  g_autoptr(GError) in_handler = fail_script (f,
    "ON ERROR GOSUB handler\n"
    "Bad.One\n"
    "ENDDO\n"
    "handler:\n"
    "  Bad.Two\n"
    "  RETURN\n");
  g_autoptr(GError) back_to_default = fail_script (f,
    "ON ERROR CONTinue\n"
    "Bad.One\n"
    "ON ERROR DEFault\n"
    "Bad.Two\n"
    "PRINT \"never\"\n");

  assert_contains (cont, "error: ");
  assert_contains (cont, "t.cmm:2: No.Such.Command: unknown command");
  assert_contains (cont, "went on\n");
  assert_contains (cont, "1 error in the script");
  assert_contains (gosub, "t.cmm:2: PRINT 1/0: ");
  assert_contains (gosub, "handled\nback\n");
  /* A condition that fails is false, and a count that fails is none: no loop on the error. */
  assert_contains (false_condition, "else 0x0\n");
  g_assert_null (strstr (false_condition, "\nnever"));
  assert_contains (false_condition, "3 errors in the script");
  assert_contains (jump, "bailed\n");
  g_assert_null (strstr (jump, "not here"));
  assert_contains (in_handler->message, "t.cmm:5: Bad.Two");
  assert_contains (in_handler->message, "in GOSUB handler, called from");
  assert_contains (back_to_default->message, "t.cmm:4: Bad.Two: unknown command");
}

/* A failure names the file and line, then each GOSUB and DO that led there. */
static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *leaf = write_script (f, "leaf.cmm",
    "\n"
    "GOSUB inner\n"
    "ENDDO\n"
    "inner:\n"
    "  PRINT Bogus(1)\n"
    "  RETURN\n");
  g_autoptr(GError) chain = fail_script (f,
    "PRINT \"start\"\n"
    "GOSUB outer\n"
    "ENDDO\n"
    "outer:\n"
    "  DO leaf.cmm\n"
    "  RETURN\n");
  g_autoptr(GError) into_block = fail_script (f,
    "GOTO inside\n"
    "(\n"
    "inside:\n"
    "  PRINT 1\n"
    ")\n");
  g_autoptr(GError) stray_return = fail_script (f, "RETURN\n");
  g_autoptr(GError) recursion = fail_script (f, "down:\nGOSUB down\n");
  g_autoptr(GError) repeat_text = fail_script (f, "RePeaT \"x\" PRINT 1\n");
  g_autoptr(GError) bad_label = fail_script (f, "&l=\"nope\"\nGOTO &l\n");
  g_autoptr(GError) compile = fail_script (f, "PRINT 1\nIF 1\n");
  g_autoptr(GError) missing = fail_script (f, "DO nothing-here.cmm\n");
  g_autofree char *self_path = g_build_filename (f->dir, "self.cmm", NULL);
  g_autofree char *self_text = g_strdup_printf ("DO \"%s\"\n", self_path);
  g_autofree char *written = write_script (f, "self.cmm", self_text);
  g_autofree char *self_line = g_strdup_printf ("DO \"%s\"", self_path);
  g_autoptr(GError) self = hs_test_run_fail (f->interp, self_line);

  g_assert_error (chain, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT);
  assert_contains (chain->message, "leaf.cmm:5: PRINT Bogus(1): ");
  assert_contains (chain->message, "unknown function Bogus()");
  assert_contains (chain->message, "\n  in GOSUB inner, called from ");
  assert_contains (chain->message, "leaf.cmm:2\n  in DO ");
  assert_contains (chain->message, "t.cmm:5\n  in GOSUB outer, called from ");
  assert_contains (chain->message, "t.cmm:2");
  assert_contains (into_block->message, "t.cmm:1: GOTO inside: the label inside is inside a "
                                        "block");
  assert_contains (stray_return->message, "RETURN outside a subroutine");
  assert_contains (recursion->message, "GOSUB nests deeper than 1000");
  assert_contains (repeat_text->message, "RePeaT takes a number");
  assert_contains (bad_label->message, "t.cmm:2: GOTO &l: there is no label nope");
  assert_contains (compile->message, "t.cmm:2: IF has no command or block after it");
  assert_contains (missing->message, "DO: cannot read the script");
  assert_contains (self->message, "scripts nest deeper than 8");
}

static void
test_stop_end (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *inner = write_script (f, "end.cmm", "PRINT \"inner\"\nEND\nPRINT \"no\"\n");
  g_autofree char *end = run_script (f, "DO end.cmm\nPRINT \"outer goes on?\"\n", NULL);
  g_autofree char *enddo = run_script (f, "PRINT 1\nENDDO\nPRINT 2\n", NULL);

  g_assert_cmpstr (end, ==, "inner\n");
  g_assert_cmpstr (enddo, ==, "0x1\n");
}

/* STOP pauses a script: its DO ends, typed lines see (and change) its macros, CONTinue runs
 * it on from the next line, inside the GOSUB it stopped in; END ends it. */
static void
test_stop_continue (Fixture       *f,
                    gconstpointer  data)
{
  const char *text =
    "LOCAL &n\n"
    "&n=1\n"
    "GOSUB sub\n"
    "PRINT \"back \" &n\n"
    "ENDDO\n"
    "sub:\n"
    "  PRINT \"in sub\"\n"
    "  STOP\n"
    "  PRINT \"resumed \" &n\n"
    "  &n=&n+1\n"
    "  RETURN\n";
  g_autofree char *stopped = NULL, *seen = NULL, *resumed = NULL, *typed_stop = NULL;
  g_autofree char *ended = NULL, *other = NULL, *quit = NULL;
  g_autofree char *path = g_build_filename (f->dir, "t.cmm", NULL);
  g_autofree char *stop_line = g_strdup_printf ("in sub\nSTOP at %s:8: CONTinue resumes the "
                                                "script, END ends it\n", path);
  g_autofree char *end_line = g_strdup_printf ("%s:8: the script stopped here has ended\n",
                                               path);
  g_autoptr(GError) none = NULL;
  guint line = 0, n_lines = 0, notified = 0;
  gboolean is_stopped = FALSE;

  g_signal_connect (f->interp, "notify::script-stopped", G_CALLBACK (hs_test_count_notify),
                    &notified);
  g_assert_null (hs_interp_get_stopped_script (f->interp, NULL, NULL));

  stopped = run_script (f, text, NULL);
  g_assert_cmpstr (stopped, ==, stop_line);
  g_assert_cmpstr (hs_interp_get_stopped_script (f->interp, &line, &n_lines), ==, path);
  g_assert_cmpuint (line, ==, 8);
  g_assert_cmpuint (n_lines, ==, 11);
  g_object_get (f->interp, "script-stopped", &is_stopped, NULL);
  g_assert_true (is_stopped);
  g_assert_cmpuint (notified, ==, 1);

  seen = hs_test_run_ok (f->interp, "PRINT &n");
  g_assert_cmpstr (seen, ==, "0x1\n");
  g_free (hs_test_run_ok (f->interp, "&n=5"));
  resumed = hs_test_run_ok (f->interp, "CONTinue");
  g_assert_cmpstr (resumed, ==, "resumed 0x5\nback 0x6\n");
  g_assert_null (hs_interp_get_stopped_script (f->interp, NULL, NULL));
  g_assert_cmpuint (notified, ==, 2);
  /* The script's macros went with it; a typed line's own are the command line's again. */
  g_free (hs_test_run_ok (f->interp, "&n=7"));
  g_free (seen);
  seen = hs_test_run_ok (f->interp, "PRINT &n");
  g_assert_cmpstr (seen, ==, "0x7\n");

  none = hs_test_run_fail (f->interp, "CONTinue");
  assert_contains (none->message, "no script is stopped");

  /* A typed STOP has nothing to pause. */
  typed_stop = hs_test_run_ok (f->interp, "STOP");
  g_assert_cmpstr (typed_stop, ==, "STOP\n");
  g_assert_null (hs_interp_get_stopped_script (f->interp, NULL, NULL));

  /* END ends the stopped script without running the rest of it. */
  g_free (run_script (f, text, NULL));
  ended = hs_test_run_ok (f->interp, "END");
  g_assert_cmpstr (ended, ==, end_line);
  g_assert_null (hs_interp_get_stopped_script (f->interp, NULL, NULL));

  /* One script waits at a time: a second STOP ends the first. */
  g_free (run_script (f, text, NULL));
  {
    g_autofree char *second = write_script (f, "second.cmm", "PRINT 2\nSTOP\nPRINT 3\n");
    g_autofree char *line2 = g_strdup_printf ("DO \"%s\"", second);
    g_autofree char *rest = NULL;

    other = hs_test_run_ok (f->interp, line2);
    assert_contains (other, "t.cmm:8: the script stopped here has ended\n");
    g_assert_cmpstr (hs_interp_get_stopped_script (f->interp, &line, NULL), ==, second);
    g_assert_cmpuint (line, ==, 2);
    rest = hs_test_run_ok (f->interp, "CONTinue");
    g_assert_cmpstr (rest, ==, "0x3\n");
  }

  /* QUIT ends it too; and an interpreter dropped with a script stopped frees it (valgrind and
   * the sanitizers run this test). */
  g_free (run_script (f, text, NULL));
  quit = hs_test_run_ok (f->interp, "QUIT");
  g_assert_null (hs_interp_get_stopped_script (f->interp, NULL, NULL));
  g_free (run_script (f, text, NULL));
  g_assert_nonnull (hs_interp_get_stopped_script (f->interp, NULL, NULL));
}

static void
on_quit (HsInterp *interp,
         gint      status,
         gpointer  user_data)
{
  *(gint *) user_data = status;
}

static void
on_printed (HsInterp   *interp,
            const char *text,
            gpointer    user_data)
{
  g_string_append (user_data, text);
}

static void
test_quit_and_streaming (Fixture       *f,
                         gconstpointer  data)
{
  gint status = -1;
  g_autoptr(GString) streamed = g_string_new (NULL);
  g_autofree char *out = NULL;
  g_autofree char *after = NULL;

  g_signal_connect (f->interp, "quit-requested", G_CALLBACK (on_quit), &status);
  g_signal_connect (f->interp, "printed", G_CALLBACK (on_printed), streamed);
  hs_interp_set_streaming (f->interp, TRUE);
  out = run_script (f, "PRINT \"before\"\nQUIT 3.\nPRINT \"after\"\n", NULL);
  g_assert_cmpint (status, ==, 3);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (streamed->str, ==, "before\n");
  /* The next line runs again: QUIT ended the runs of its time. */
  after = hs_test_run_ok (f->interp, "PRINT 1");
  g_assert_cmpstr (after, ==, "0x1\n");
  /* A QUIT typed alone (a script's API calling it) asks to leave, and leaves no script ended
   * before its time behind it. */
  status = -1;
  g_free (hs_test_run_ok (f->interp, "QUIT"));
  g_assert_cmpint (status, ==, 0);
  g_free (out);
  out = run_script (f, "PRINT 1\nPRINT 2\n", NULL);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (streamed->str, ==, "before\n0x1\n0x2\n");
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = write_script (f, "t.cmm", "&n=0\nRePeaT\n  &n=&n+1\n");
  g_autofree char *line = g_strdup_printf ("DO \"%s\"", path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  hs_interp_execute_async (f->interp, line, cancellable, hs_test_store_result, &result);
  /* It runs for ever, yet the main loop goes on: it can be stopped. */
  hs_test_spin (100);
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  hs_test_wait_result (&result, COMMAND_TIMEOUT_S);
  out = hs_interp_execute_finish (f->interp, result, &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_contains (error->message, "stopped at ");
  assert_contains (error->message, "t.cmm:");
}

static void
on_progress (HsInterp   *interp,
             const char *file,
             guint       line,
             guint       n_lines,
             gpointer    user_data)
{
  g_string_append_printf (user_data, "%u/%u ", line, n_lines);
}

static void
test_progress (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autofree char *out = NULL;

  g_signal_connect (f->interp, "script-progress", G_CALLBACK (on_progress), seen);
  out = run_script (f, "PRINT 1\n&x=2\nPRINT &x\n", NULL);
  g_assert_cmpstr (seen->str, ==, "0/3 1/3 3/3 ");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/Hs/Practice/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/Hs/Practice/compile-shapes", test_compile_shapes);
  g_test_add_func ("/Hs/Practice/compile-errors", test_compile_errors);
  g_test_add_func ("/Hs/Practice/compile-bounds", test_compile_bounds);
  g_test_add_func ("/Hs/Practice/expand", test_expand);
  ADD ("macros", test_macros);
  ADD ("scopes", test_scopes);
  ADD ("name-options", test_name_options);
  ADD ("command-line", test_command_line);
  ADD ("if-else", test_if_else);
  ADD ("loops", test_loops);
  ADD ("goto-gosub", test_goto_gosub);
  ADD ("entry", test_entry);
  ADD ("on-error", test_on_error);
  ADD ("errors", test_errors);
  ADD ("stop-end", test_stop_end);
  ADD ("stop-continue", test_stop_continue);
  ADD ("quit-streaming", test_quit_and_streaming);
  ADD ("cancel", test_cancel);
  ADD ("progress", test_progress);

  {
    GMainContext *context = g_main_context_default ();
    int status;

    g_assert_true (g_main_context_acquire (context));
    status = g_test_run ();
    g_main_context_release (context);
    return status;
  }
}
