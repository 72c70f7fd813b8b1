/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cexpr.c: C expressions and gdb-style values (hs-cexpr.c) over symbols-sample.c's
 * variables, in memory the test builds from the host's own layout of the same types (LP64 on
 * both sides, see symbols-sample.h), placed at a load offset.
 */
#include "config.h"

#include "hs-cexpr.h"
#include "symbols-sample.h"

#include <string.h>

#define LOAD_OFFSET 0x100000u

typedef struct
{
  guint64 base;
  GByteArray *bytes;
  guint reads;
} Memory;

static gboolean
read_memory (guint64   address,
             guint8   *buffer,
             gsize     length,
             gpointer  user_data,
             GError  **error)
{
  Memory *m = user_data;

  m->reads++;
  if (address < m->base || address - m->base > m->bytes->len
      || length > m->bytes->len - (address - m->base))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cannot read %" G_GSIZE_FORMAT " bytes at 0x%" G_GINT64_MODIFIER "x: unmapped",
                   length, address);
      return FALSE;
    }
  memcpy (buffer, m->bytes->data + (address - m->base), length);
  return TRUE;
}

typedef struct
{
  HsSymbolFile *file;
  Memory memory;
  HsCexprContext ctx;
} Fixture;

static guint64
symbol_address (HsSymbolFile *file,
                const char   *name)
{
  HsSymbol sym;

  g_assert_true (hs_symbol_file_lookup (file, name, &sym));
  return sym.address + LOAD_OFFSET;
}

static void
put (Fixture    *f,
     const char *name,
     const void *data,
     gsize       size)
{
  guint64 at = symbol_address (f->file, name);

  g_assert_cmpuint (at, >=, f->memory.base);
  g_assert_cmpuint (at - f->memory.base + size, <=, f->memory.bytes->len);
  memcpy (f->memory.bytes->data + (at - f->memory.base), data, size);
}

static gboolean
fixture_init (Fixture    *f,
              const char *env)
{
  static const char *const names[] = {
    "sample_global", "sample_counter", "sample_buffer", "typed_color", "typed_ptr",
    "typed_bits", "typed_either", "typed_grid",
  };
  const char *path = g_getenv (env);
  g_autoptr(GError) error = NULL;
  guint64 lo = G_MAXUINT64, hi = 0;
  struct sample s = { 0 };
  struct sample_bits bits = { 0 };
  short grid[2][3][4] = { 0 };
  enum sample_color color = SAMPLE_GREEN;
  sample_u32 counter = 7;
  guint64 pointer;

  memset (f, 0, sizeof *f);
  if (path == NULL)
    {
      g_test_skip ("the AArch64 sample was not built (no aarch64-linux-gnu-gcc?)");
      return FALSE;
    }
  f->file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      HsSymbol sym;

      g_assert_true (hs_symbol_file_lookup (f->file, names[i], &sym));
      lo = MIN (lo, sym.address + LOAD_OFFSET);
      hi = MAX (hi, sym.address + LOAD_OFFSET + sym.size);
    }
  f->memory.base = lo;
  f->memory.bytes = g_byte_array_sized_new (hi - lo);
  g_byte_array_set_size (f->memory.bytes, hi - lo);
  memset (f->memory.bytes->data, 0, hi - lo);

  s.id = 1;
  s.flags = 0x10;
  s.tag = 't';
  s.level = -2;
  strcpy (s.name, "sample\n");
  s.inner.a = -5;
  s.inner.b = 3;
  s.mode = 5;
  s.ready = 1;
  s.level2 = 1000;
  s.matrix[1][2] = 6;
  put (f, "sample_global", &s, sizeof s);
  pointer = symbol_address (f->file, "sample_global");
  /* s.next, as the target's 64-bit pointer. */
  put (f, "typed_ptr", &pointer, 8);
  memcpy (f->memory.bytes->data + (pointer - lo) + G_STRUCT_OFFSET (struct sample, next),
          &pointer, 8);
  bits.low = -3;
  bits.high = 100;
  bits.color = SAMPLE_BLUE;
  memcpy (bits.bytes, "ab\0d", 4);
  put (f, "typed_bits", &bits, sizeof bits);
  grid[1][2][3] = 123;
  grid[0][1][0] = -7;
  put (f, "typed_grid", grid, sizeof grid);
  put (f, "typed_color", &color, sizeof color);
  put (f, "sample_counter", &counter, sizeof counter);

  f->ctx.file = f->file;
  f->ctx.offset = LOAD_OFFSET;
  f->ctx.read = read_memory;
  f->ctx.read_data = &f->memory;
  f->ctx.prefix = "1:::";
  return TRUE;
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->file);
  g_clear_pointer (&f->memory.bytes, g_byte_array_unref);
}

static void
check (Fixture    *f,
       const char *expression,
       const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = hs_cexpr_print (&f->ctx, expression, &error);

  g_assert_no_error (error);
  if (g_strcmp0 (printed, expected) != 0)
    g_error ("%s printed\n  %s\nexpected\n  %s", expression, printed, expected);
}

static void
check_error (Fixture    *f,
             const char *expression,
             const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = hs_cexpr_print (&f->ctx, expression, &error);

  g_assert_null (printed);
  g_assert_nonnull (error);
  if (strstr (error->message, expected) == NULL)
    g_error ("%s failed with\n  %s\nexpected it to say\n  %s", expression, error->message,
             expected);
}

static char *
address_text (Fixture    *f,
              const char *name)
{
  return g_strdup_printf ("0x%" G_GINT64_MODIFIER "x", symbol_address (f->file, name));
}

static void
test_values (gconstpointer data)
{
  Fixture f;
  g_autofree char *global = NULL;
  g_autofree char *expected = NULL;

  if (!fixture_init (&f, data))
    return;
  global = address_text (&f, "sample_global");

  check (&f, "sample_counter", "7");
  check (&f, "sample_global.id", "1");
  check (&f, "sample_global.name", "\"sample\\n\"");
  check (&f, "sample_global.tag", "116 't'");
  check (&f, "sample_global.level", "-2");
  check (&f, "sample_global.flags", "16");
  check (&f, "sample_global.inner", "{a = -5, b = 3}");
  check (&f, "sample_global.mode", "5");
  check (&f, "sample_global.ready", "1");
  check (&f, "sample_global.level2", "1000");
  check (&f, "sample_global.matrix", "{{0, 0, 0}, {0, 0, 6}}");
  check (&f, "sample_global.matrix[1]", "{0, 0, 6}");
  check (&f, "sample_global.matrix[1][2]", "6");
  expected = g_strdup_printf ("{id = 1, {flags = 16, cookie = 0x10}, {tag = 116 't', level = -2}, "
                              "name = \"sample\\n\", inner = {a = -5, b = 3}, mode = 5, "
                              "ready = 1, level2 = 1000, matrix = {{0, 0, 0}, {0, 0, 6}}, "
                              "next = %s <sample_global>}", global);
  check (&f, "sample_global", expected);
  g_clear_pointer (&expected, g_free);

  /* Pointers, with the symbol they point to. */
  expected = g_strdup_printf ("(sample_ptr_t) %s <sample_global>", global);
  check (&f, "typed_ptr", expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("(struct sample *) %s <sample_global>", global);
  check (&f, "&sample_global", expected);
  check (&f, "sample_global.next", expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("(char *) 0x%" G_GINT64_MODIFIER "x <sample_global+%u> \"mple\\n\"",
                              symbol_address (f.file, "sample_global")
                              + G_STRUCT_OFFSET (struct sample, name) + 2,
                              (guint) G_STRUCT_OFFSET (struct sample, name) + 2);
  check (&f, "&sample_global.name[2]", expected);
  g_clear_pointer (&expected, g_free);
  /* A char * with the string it points to; none for NULL, and a bad one says so. */
  check (&f, "(char *)0", "(char *) 0x0");
  check (&f, "(char *)0x10", "(char *) 0x10 <unreadable>");
  check (&f, "typed_ptr->inner.a", "-5");
  check (&f, "(*typed_ptr).id", "1");
  check (&f, "typed_ptr[0].inner.b", "3");
  check (&f, "typed_ptr->next->next->id", "1");
  check (&f, "*&sample_global.id", "1");

  /* A function's name is its address, shown with the name; arithmetic makes it a number. */
  expected = g_strdup_printf ("0x%" G_GINT64_MODIFIER "x <sample_leaf>",
                              symbol_address (f.file, "sample_leaf"));
  check (&f, "sample_leaf", expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%" G_GUINT64_FORMAT, symbol_address (f.file, "sample_leaf") + 4);
  check (&f, "sample_leaf + 4", expected);
  g_clear_pointer (&expected, g_free);

  /* Enums by name, bit-fields signed and unsigned, nested arrays. */
  check (&f, "typed_color", "SAMPLE_GREEN");
  check (&f, "typed_bits.color", "SAMPLE_BLUE");
  check (&f, "(enum sample_color)0", "SAMPLE_RED");
  check (&f, "(enum sample_color)7", "7");
  check (&f, "typed_bits.low", "-3");
  check (&f, "typed_bits.high", "100");
  check (&f, "typed_bits.bytes", "\"ab\"");
  check (&f, "typed_bits",
         "{low = -3, high = 100, color = SAMPLE_BLUE, bytes = \"ab\", grid = {{0, 0, 0}, "
         "{0, 0, 0}}}");
  check (&f, "typed_grid[1][2][3]", "123");
  check (&f, "typed_grid[0][1]", "{-7, 0, 0, 0}");
  check (&f, "typed_either", "{i = 0, c = \"\"}");

  /* A cast of a number to a pointer to a struct, and reading through it. */
  expected = g_strdup_printf ("((struct sample *)%s)->inner.a", global);
  check (&f, expected, "-5");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("(*(sample_t *)%s).name", global);
  check (&f, expected, "\"sample\\n\"");
  g_clear_pointer (&expected, g_free);

  /* Casts through a typedef of a pointer, and pointers to arrays. */
  expected = g_strdup_printf ("((sample_ptr_t)%s)->id", global);
  check (&f, expected, "1");
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("(short int (*)[3][4]) 0x%" G_GINT64_MODIFIER "x <typed_grid+24>",
                              symbol_address (f.file, "typed_grid") + 24);
  check (&f, "&typed_grid[1]", expected);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("(short int (*)[2][3][4]) 0x%" G_GINT64_MODIFIER "x <typed_grid>",
                              symbol_address (f.file, "typed_grid"));
  check (&f, "&typed_grid", expected);
  g_clear_pointer (&expected, g_free);
  check (&f, "(*&typed_grid)[1][2][3]", "123");
  check (&f, "(*&typed_grid[1])[2][3]", "123");
  expected = g_strdup_printf ("%" G_GUINT64_FORMAT, symbol_address (f.file, "sample_global"));
  check (&f, "(unsigned long)&sample_global", expected);
  g_clear_pointer (&expected, g_free);

  fixture_clear (&f);
}

static void
test_enum_names (gconstpointer data)
{
  Fixture f;

  if (!fixture_init (&f, data))
    return;
  /* An enum's enumerators are names in the expression that met it. */
  check (&f, "typed_color == SAMPLE_GREEN", "1");
  check (&f, "typed_bits.color != SAMPLE_BLUE", "0");
  check (&f, "(enum sample_color)SAMPLE_BLUE", "SAMPLE_BLUE");
  check (&f, "typed_color + SAMPLE_GREEN", "10");
  /* And any named enum's, alone. */
  check (&f, "SAMPLE_GREEN", "SAMPLE_GREEN");
  check (&f, "SAMPLE_GREEN + 1", "6");
  check (&f, "typed_grid[1][2][SAMPLE_RED + 3]", "123");
  check_error (&f, "typed_color == SAMPLE_PURPLE", "no variable 'SAMPLE_PURPLE'");
  fixture_clear (&f);
}

static void
test_limits (gconstpointer data)
{
  Fixture f;

  if (!fixture_init (&f, data))
    return;
  f.ctx.max_depth = 1;
  check (&f, "sample_global.inner", "{a = -5, b = 3}");
  check (&f, "typed_bits", "{low = -3, high = 100, color = SAMPLE_BLUE, bytes = \"ab\", "
                           "grid = {...}}");
  f.ctx.max_depth = 2;
  check (&f, "typed_grid", "{{{...}, {...}, {...}}, {{...}, {...}, {...}}}");
  f.ctx.max_elements = 2;
  check (&f, "typed_grid[0]", "{{0, 0, ...}, {-7, 0, ...}, ...}");
  f.ctx.max_elements = 1;
  check (&f, "sample_global.name", "\"samp\"...");
  fixture_clear (&f);
}

static void
test_format_value (gconstpointer data)
{
  Fixture f;
  struct sample_inner inner = { .a = 9, .b = -1 };
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint64 die;

  if (!fixture_init (&f, data))
    return;
  g_assert_true (hs_symbol_file_find_type (f.file, "struct sample_inner", &die, &error));
  text = hs_cexpr_format_value (&f.ctx, die, (const guint8 *) &inner, sizeof inner);
  g_assert_cmpstr (text, ==, "{a = 9, b = -1}");
  g_clear_pointer (&text, g_free);
  /* Too few bytes: what is missing says so. */
  text = hs_cexpr_format_value (&f.ctx, die, (const guint8 *) &inner, 4);
  g_assert_cmpstr (text, ==, "{a = <unavailable>, b = <unavailable>}");
  g_clear_pointer (&text, g_free);
  f.ctx.read = NULL;
  g_assert_true (hs_symbol_file_find_type (f.file, "sample_ptr_t", &die, &error));
  text = hs_cexpr_format_value (&f.ctx, die, (const guint8 *) "\0\0\0\0\0\0\0\0", 8);
  g_assert_cmpstr (text, ==, "(sample_ptr_t) 0x0");
  fixture_clear (&f);
}

static void
test_operators (gconstpointer data)
{
  Fixture f;

  if (!fixture_init (&f, data))
    return;

  check (&f, "1 + 2 * 3", "7");
  check (&f, "(1 + 2) * 3", "9");
  check (&f, "(10 - 4) / 3 % 5", "2");
  check (&f, "-7 / 2", "-3");
  check (&f, "-7 % 2", "-1");
  check (&f, "1 << 4 | 1", "17");
  check (&f, "0x100 >> 4", "16");
  check (&f, "0xff & ~0xf ^ 1", "241");
  check (&f, "3 > 2 == 1", "1");
  check (&f, "-1 < 0", "1");
  check (&f, "-1 < 0u", "0");
  check (&f, "2 <= 2", "1");
  check (&f, "2 >= 3", "0");
  check (&f, "1 != 1", "0");
  check (&f, "!0", "1");
  check (&f, "!sample_counter", "0");
  check (&f, "-sample_global.inner.a", "5");
  check (&f, "~0", "-1");
  check (&f, "0xffffffffffffffff", "18446744073709551615");
  check (&f, "sample_counter * 2 + sample_global.id", "15");
  check (&f, "'a'", "97");
  check (&f, "(char)sample_global.tag", "116 't'");
  check (&f, "(unsigned char)-1", "255 '\\377'");
  check (&f, "(short)0x12345", "9029");
  check (&f, "(unsigned int)-1", "4294967295");
  check (&f, "(long)sample_global.level", "-2");

  /* && and || short-circuit: the side C does not evaluate reads nothing and divides by
   * nothing, but must still parse. */
  check (&f, "1 && 2", "1");
  check (&f, "0 || 0", "0");
  check (&f, "1 || 0 && 0", "1");
  check (&f, "0 && 1 / 0", "0");
  check (&f, "1 || *(int *)0", "1");
  check (&f, "typed_ptr && typed_ptr->id == 1", "1");
  check (&f, "(struct sample *)0 && ((struct sample *)0)->id", "0");
  check (&f, "typed_color == SAMPLE_RED || typed_color == SAMPLE_GREEN", "1");
  check (&f, "typed_ptr ? typed_ptr->id : -1", "1");
  check (&f, "0 ? *(int *)0 : 7", "7");
  check (&f, "1 ? sample_global.inner : sample_global.inner", "{a = -5, b = 3}");
  check (&f, "0 ? 1 : 0 ? 2 : 3", "3");
  check_error (&f, "1 ? 2", "':' expected");
  check_error (&f, "1 || nosuch_variable", "no variable 'nosuch_variable'");
  check_error (&f, "0 || *(int *)0", "cannot read");

  /* sizeof, of types and of expressions (which reads nothing). */
  {
    g_autofree char *size = g_strdup_printf ("%u", (guint) sizeof (struct sample));

    check (&f, "sizeof (struct sample)", size);
    check (&f, "sizeof(sample_t)", size);
    check (&f, "sizeof sample_global", size);
    check (&f, "sizeof (*typed_ptr)", size);
  }
  check (&f, "sizeof (sample_ptr_t)", "8");
  check (&f, "sizeof (struct sample *)", "8");
  check (&f, "sizeof typed_grid", "48");
  check (&f, "sizeof typed_grid[1]", "24");
  check (&f, "sizeof (typed_grid[1][2])", "8");
  check (&f, "sizeof (unsigned long)", "8");
  check (&f, "sizeof (enum sample_color)", "4");

  /* Pointer arithmetic, scaled by the element. */
  check (&f, "&typed_grid[1][0][0] - &typed_grid[0][0][0]", "12");
  check (&f, "*(&typed_grid[1][2][0] + 3)", "123");
  check (&f, "*(typed_grid[1][2] + 3)", "123");
  check (&f, "(&sample_global + 1) - &sample_global", "1");
  {
    g_autofree char *size = g_strdup_printf ("%u", (guint) sizeof (struct sample));

    check (&f, "(char *)(&sample_global + 1) - (char *)&sample_global", size);
  }
  check (&f, "*((char *)sample_global.name + 1)", "97 'a'");
  check (&f, "sample_global.name[0]", "115 's'");

  fixture_clear (&f);
}

static void
test_errors (gconstpointer data)
{
  Fixture f;

  if (!fixture_init (&f, data))
    return;

  check_error (&f, "sample_global.nosuch",
               "1:::sample_global.nosuch: struct sample has no member 'nosuch'");
  check_error (&f, "sample_global.inner.c",
               "1:::sample_global.inner.c: struct sample_inner has no member 'c'");
  check_error (&f, "sample_global.nexx", "did you mean 'next'?");
  check_error (&f, "typed_ptr.id", "1:::typed_ptr.id: sample_ptr_t is a pointer: use '->id'");
  check_error (&f, "sample_global->id", "1:::sample_global->id: struct sample is not a pointer");
  check_error (&f, "sample_global.id.x", "int is not a struct or union");
  check_error (&f, "nosuch_variable", "1:::nosuch_variable: ");
  check_error (&f, "nosuch_variable", "no variable 'nosuch_variable'");
  check_error (&f, "((struct sample *)0x10)->id", "cannot read 4 bytes at 0x10");
  check_error (&f, "((struct sample *)0x10)->id", "1:::((struct sample *)0x10)->id: ");
  check_error (&f, "*(struct nosuch *)0", "has no type 'struct nosuch'");
  check_error (&f, "1 / 0", "division by zero");
  check_error (&f, "1 +", "ends too early");
  check_error (&f, "1 2", "unexpected text after the expression");
  check_error (&f, "(1", "')' expected");
  check_error (&f, "sample_global.matrix[2]", "out of bounds");
  check_error (&f, "&typed_bits.low", "a bit-field has no address");
  check_error (&f, "&1", "only something in memory has an address");
  check_error (&f, "*(void *)typed_ptr", "a void * cannot be dereferenced");
  check_error (&f, "sample_global + 1", "struct sample is not a number or a pointer");
  check_error (&f, "&sample_global + &sample_global", "two pointers cannot be added");
  check_error (&f, "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1"
               "))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
               "nested more than");
  check_error (&f, "99999999999999999999999", "more than 64 bits");
  fixture_clear (&f);
}

static void
test_hostile (gconstpointer data)
{
  Fixture f;

  if (!fixture_init (&f, data))
    return;
  /* A cycle through next: printing follows no pointer, so it ends; nesting is by depth. */
  check (&f, "typed_ptr->next->next->next->next->next->next->next->next->id", "1");
  /* A huge array from a corrupt pointer: refused, not allocated. */
  check_error (&f, "*(struct sample *)0xfffffffffffffff0", "run past the end of the address space");
  fixture_clear (&f);
}

static void
test_assign (gconstpointer data)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 address = 0;
  const guint8 *b;
  gsize n;

  if (!fixture_init (&f, data))
    return;

  g_assert_true (hs_cexpr_assign (&f.ctx, "typed_color", "SAMPLE_BLUE", &address, &bytes,
                                  &error));
  g_assert_no_error (error);
  g_assert_cmpuint (address, ==, symbol_address (f.file, "typed_color"));
  b = g_bytes_get_data (bytes, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (b[0], ==, 0xff);
  g_assert_cmpuint (b[3], ==, 0xff);
  g_clear_pointer (&bytes, g_bytes_unref);

  g_assert_true (hs_cexpr_assign (&f.ctx, "sample_global.inner.b", "sample_counter + 1",
                                  &address, &bytes, &error));
  g_assert_no_error (error);
  b = g_bytes_get_data (bytes, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (b[0], ==, 8);
  g_assert_cmpuint (address, ==, symbol_address (f.file, "sample_global")
                    + G_STRUCT_OFFSET (struct sample, inner) + 8);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* A bit-field: the bytes that hold it, the other bits as they were (low = -3). */
  g_assert_true (hs_cexpr_assign (&f.ctx, "typed_bits.high", "0x5a5", &address, &bytes,
                                  &error));
  g_assert_no_error (error);
  b = g_bytes_get_data (bytes, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (b[0], ==, 0x5d);    /* 0x5 << 4 | (-3 & 0xf) */
  g_assert_cmpuint (b[1], ==, 0x5a);
  g_clear_pointer (&bytes, g_bytes_unref);

  g_assert_false (hs_cexpr_assign (&f.ctx, "typed_bits.low", "100", &address, &bytes, &error));
  g_assert_nonnull (strstr (error->message, "does not fit"));
  g_clear_error (&error);
  g_assert_false (hs_cexpr_assign (&f.ctx, "sample_global.name", "1", &address, &bytes,
                                   &error));
  g_assert_nonnull (strstr (error->message, "only integers, enums, bools and pointers"));
  g_clear_error (&error);
  g_assert_false (hs_cexpr_assign (&f.ctx, "1 + 1", "1", &address, &bytes, &error));
  g_assert_nonnull (strstr (error->message, "cannot be set"));
  g_clear_error (&error);
  g_assert_false (hs_cexpr_assign (&f.ctx, "typed_color", "SAMPLE_PURPLE", &address, &bytes,
                                   &error));
  g_assert_nonnull (error);
  fixture_clear (&f);
}

static guint64
query_number (Fixture      *f,
              HsCexprQuery  query,
              const char   *expression)
{
  g_autoptr(GError) error = NULL;
  guint64 number = 1;
  char *text = (char *) "unset";

  if (!hs_cexpr_query (&f->ctx, expression, query, &number, &text, &error))
    g_error ("query %d of %s failed: %s", query, expression, error->message);
  g_assert_null (text);
  return number;
}

static char *
query_text (Fixture    *f,
            const char *expression)
{
  g_autoptr(GError) error = NULL;
  guint64 number = 1;
  char *text = NULL;

  if (!hs_cexpr_query (&f->ctx, expression, HS_CEXPR_STRING, &number, &text, &error))
    g_error ("the string of %s failed: %s", expression, error->message);
  g_assert_cmpuint (number, ==, 0);
  g_assert_nonnull (text);
  return text;
}

static void
query_error (Fixture      *f,
             HsCexprQuery  query,
             const char   *expression,
             const char   *expected)
{
  g_autoptr(GError) error = NULL;
  guint64 number = 1;
  char *text = (char *) "unset";

  g_assert_false (hs_cexpr_query (&f->ctx, expression, query, &number, &text, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (number, ==, 0);
  g_assert_null (text);
  if (!g_str_has_prefix (error->message, "1:::") || strstr (error->message, expected) == NULL)
    g_error ("query %d of %s failed with\n  %s\nexpected it to say\n  %s", query, expression,
             error->message, expected);
}

/* What PRACTICE's Var.VALUE(), Var.ADDRESS(), Var.SIZEOF(), Var.STRing() and Var.EXIST() are
 * built on. */
static void
test_query (gconstpointer data)
{
  Fixture f;
  guint64 global, leaf, name, extra, end;
  guint reads;

  if (!fixture_init (&f, data))
    return;
  global = symbol_address (f.file, "sample_global");
  leaf = symbol_address (f.file, "sample_leaf");
  name = global + G_STRUCT_OFFSET (struct sample, name);

  /* Scalars; signed ones sign-extended to 64 bits, bit-fields included. */
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_counter"), ==, 7);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_global.level"), ==, (guint64) -2);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_global.inner.a"), ==, (guint64) -5);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_global.tag"), ==, 't');
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "-1"), ==, G_MAXUINT64);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "(unsigned int)-1"), ==, G_MAXUINT32);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "typed_ptr"), ==, global);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "typed_color"), ==, SAMPLE_GREEN);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "typed_bits.color"), ==, (guint64) -1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "(_Bool)5"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "typed_bits.low"), ==, (guint64) -3);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "typed_bits.high"), ==, 100);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_global.mode"), ==, 5);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_global.level2"), ==, 1000);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "typed_ptr->next->inner.b"), ==, 3);
  /* Arrays and functions decay to their address, which includes the load offset. */
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_global.name"), ==, name);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "typed_grid"), ==,
                    symbol_address (f.file, "typed_grid"));
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "sample_leaf"), ==, leaf);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_VALUE, "&sample_global"), ==, global);
  query_error (&f, HS_CEXPR_VALUE, "sample_global",
               "1:::sample_global: is struct sample: name a member");
  query_error (&f, HS_CEXPR_VALUE, "typed_either", "is union sample_either: name a member");
  query_error (&f, HS_CEXPR_VALUE, "sample_global.nosuch", "has no member 'nosuch'");
  query_error (&f, HS_CEXPR_VALUE, "((struct sample *)0x10)->id", "cannot read 4 bytes at 0x10");

  /* Addresses: the same as "&x" prints, of lvalues and functions only. */
  g_assert_cmpuint (query_number (&f, HS_CEXPR_ADDRESS, "sample_global"), ==, global);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_ADDRESS, "sample_global.name[2]"), ==, name + 2);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_ADDRESS, "*typed_ptr"), ==, global);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_ADDRESS, "sample_leaf"), ==, leaf);
  {
    g_autofree char *printed = hs_cexpr_print (&f.ctx, "&sample_global.inner", NULL);
    g_autofree char *expected = g_strdup_printf ("(struct sample_inner *) 0x%" G_GINT64_MODIFIER
                                                 "x <sample_global+%u>",
                                                 query_number (&f, HS_CEXPR_ADDRESS,
                                                               "sample_global.inner"),
                                                 (guint) G_STRUCT_OFFSET (struct sample, inner));

    g_assert_cmpstr (printed, ==, expected);
  }
  query_error (&f, HS_CEXPR_ADDRESS, "&sample_global", "&sample_global: is not in memory");
  query_error (&f, HS_CEXPR_ADDRESS, "1 + 1", "is not in memory");
  query_error (&f, HS_CEXPR_ADDRESS, "typed_bits.high", "is a bit-field");

  /* Sizes, read from nothing. */
  reads = f.memory.reads;
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "sample_global"), ==,
                    sizeof (struct sample));
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "typed_grid"), ==, 48);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "typed_grid[1]"), ==, 24);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "sample_global.name"), ==, 16);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "typed_color"), ==, 4);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "&sample_global"), ==, 8);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "(struct sample_inner *)0"), ==, 8);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_SIZEOF, "*(struct sample_inner *)0"), ==,
                    sizeof (struct sample_inner));
  g_assert_cmpuint (f.memory.reads, ==, reads);
  query_error (&f, HS_CEXPR_SIZEOF, "sample_leaf", "is a function");

  /* Strings: char arrays and char pointers up to the NUL, raw; anything else as printed. */
  {
    g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT, global);
    g_autofree char *text = NULL;

    text = query_text (&f, "sample_global.name");
    g_assert_cmpstr (text, ==, "sample\n");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "&sample_global.name[2]");
    g_assert_cmpstr (text, ==, "mple\n");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "sample_global.name + 1");
    g_assert_cmpstr (text, ==, "ample\n");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "typed_bits.bytes");
    g_assert_cmpstr (text, ==, "ab");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "sample_buffer");
    g_assert_cmpstr (text, ==, "");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "sample_counter");
    g_assert_cmpstr (text, ==, "7");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "typed_color");
    g_assert_cmpstr (text, ==, "SAMPLE_GREEN");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "sample_global.inner");
    g_assert_cmpstr (text, ==, "{a = -5, b = 3}");
    g_clear_pointer (&text, g_free);
    text = query_text (&f, "(unsigned long)&sample_global");
    g_assert_cmpstr (text, ==, expected);
  }
  query_error (&f, HS_CEXPR_STRING, "(char *)0x10", "(char *)0x10: cannot read");
  query_error (&f, HS_CEXPR_STRING, "(char *)0", "NULL");

  /* A string longer than the bound is cut at it; one that runs to the end of readable memory
   * (here inside a page) ends there. */
  extra = f.memory.base + f.memory.bytes->len;
  g_byte_array_set_size (f.memory.bytes, f.memory.bytes->len + 3 * HS_CEXPR_MAX_STRING + 301);
  end = f.memory.base + f.memory.bytes->len;
  memset (f.memory.bytes->data + (extra - f.memory.base), 'x', end - extra);
  f.memory.bytes->data[f.memory.bytes->len - 301] = 0;
  {
    g_autofree char *expr = g_strdup_printf ("(char *)0x%" G_GINT64_MODIFIER "x", extra + 3);
    g_autofree char *text = query_text (&f, expr);

    g_assert_cmpuint (strlen (text), ==, HS_CEXPR_MAX_STRING);
    g_assert_cmpint (strspn (text, "x"), ==, HS_CEXPR_MAX_STRING);
  }
  {
    g_autofree char *expr = g_strdup_printf ("(char *)0x%" G_GINT64_MODIFIER "x", end - 300);
    g_autofree char *text = query_text (&f, expr);

    g_assert_cmpuint (strlen (text), ==, 300);
  }
  {
    g_autofree char *expr = g_strdup_printf ("(unsigned char *)0x%" G_GINT64_MODIFIER "x",
                                             end - 305);
    g_autofree char *text = query_text (&f, expr);

    g_assert_cmpstr (text, ==, "xxxx");
  }

  /* Existence: names, members and types, whatever the pointers on the way hold. Nothing is
   * read, and nothing fails. */
  reads = f.memory.reads;
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sample_global"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sample_global.inner.a"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "typed_ptr->next->next->id"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "((struct sample *)0x10)->id"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sample_leaf"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "SAMPLE_BLUE"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sizeof (struct sample)"), ==, 1);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "nosuch_variable"), ==, 0);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sample_global.nosuch"), ==, 0);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "typed_ptr->nosuch"), ==, 0);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sizeof (struct nosuch)"), ==, 0);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sample_global.matrix[2]"), ==, 0);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, "sample_global +"), ==, 0);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, ")(*&"), ==, 0);
  g_assert_cmpuint (query_number (&f, HS_CEXPR_EXISTS, ""), ==, 0);
  g_assert_cmpuint (f.memory.reads, ==, reads);
  fixture_clear (&f);
}

static gboolean
zero_memory (guint64   address,
             guint8   *buffer,
             gsize     length,
             gpointer  user_data,
             GError  **error)
{
  guint *reads = user_data;

  (*reads)++;
  memset (buffer, 0, length);
  return TRUE;
}

/* Types no program should have: 2^30 paths through anonymous members, a 6 GB array, a
 * flexible array, hand-written DWARF whose sizes and offsets pass 2^64. Every answer is a
 * value or an error, soon, and nothing asks for more memory than the caps. */
static void
test_hostile_types (void)
{
  const char *hostile_path = g_getenv ("HS_SYMBOLS_SAMPLE_HOSTILE");
  const char *overflow_path = g_getenv ("HS_SYMBOLS_SAMPLE_OVERFLOW");
  static const char *const hostile_exprs[] = {
    "hostile_l1", "hostile_wide", "hostile_wide.tail", "hostile_wide.y", "*hostile_big",
    "hostile_big->a[4][65535][16][16][16]", "hostile_big->tail", "sizeof (big_array_t)",
    "*hostile_big_array", "(*hostile_big_array)[4]", "hostile_flex", "hostile_flex.items[1000]",
    "&hostile_flex.items[4611686018427387904]", "sizeof (struct big)",
  };
  static const char *const overflow_types[] = {
    "huge_t", "huge2_t", "struct far", "struct inner", "int",
  };
  g_autoptr(HsSymbolFile) hostile = NULL;
  g_autoptr(HsSymbolFile) overflow = NULL;
  guint reads = 0;
  HsCexprContext ctx = { .read = zero_memory, .read_data = &reads };
  guint8 zeros[64] = { 0 };

  if (hostile_path == NULL || overflow_path == NULL)
    {
      g_test_skip ("the hostile samples were not built");
      return;
    }
  hostile = hs_symbol_file_load (hostile_path, NULL);
  overflow = hs_symbol_file_load (overflow_path, NULL);
  g_assert_nonnull (hostile);
  g_assert_nonnull (overflow);

  ctx.file = hostile;
  for (guint i = 0; i < G_N_ELEMENTS (hostile_exprs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = hs_cexpr_print (&ctx, hostile_exprs[i], &error);

      g_assert_true ((text != NULL) != (error != NULL));
      g_test_message ("%s: %s", hostile_exprs[i], text ? text : error->message);
    }
  {
    g_autofree char *text = hs_cexpr_print (&ctx, "sizeof (big_array_t)", NULL);

    g_assert_cmpstr (text, ==, "6439567360");
  }

  ctx.file = overflow;
  for (guint i = 0; i < G_N_ELEMENTS (overflow_types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(HsTypeInfo) info = { 0 };
      g_autoptr(GArray) members = NULL;
      g_autofree char *text = NULL;
      g_autofree char *expr = g_strdup_printf ("*(%s *)0x1000", overflow_types[i]);
      guint64 die;

      g_assert_true (hs_symbol_file_find_type (overflow, overflow_types[i], &die, &error));
      if (!hs_symbol_file_get_type_info (overflow, die, &info, &error))
        g_clear_error (&error);
      members = hs_symbol_file_get_members (overflow, die, &error);
      g_clear_error (&error);
      text = hs_cexpr_format_value (&ctx, die, zeros, sizeof zeros);
      g_assert_nonnull (text);
      g_clear_pointer (&text, g_free);
      text = hs_cexpr_print (&ctx, expr, &error);
      g_assert_true ((text != NULL) != (error != NULL));
      g_test_message ("%s: %s", expr, text ? text : error->message);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const char *variants[] = { "HS_SYMBOLS_SAMPLE_DWARF5", "HS_SYMBOLS_SAMPLE_DWARF4" };
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "values", test_values },
    { "operators", test_operators },
    { "errors", test_errors },
    { "hostile", test_hostile },
    { "assign", test_assign },
    { "enum-names", test_enum_names },
    { "limits", test_limits },
    { "format-value", test_format_value },
    { "query", test_query },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
      {
        g_autofree char *path = g_strdup_printf ("/Hs/Cexpr/%s/%s", tests[i].name,
                                                 v == 0 ? "dwarf5" : "dwarf4");

        g_test_add_data_func (path, variants[v], tests[i].func);
      }
  g_test_add_func ("/Hs/Cexpr/hostile-types", test_hostile_types);
  return g_test_run ();
}
