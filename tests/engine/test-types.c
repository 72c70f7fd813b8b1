/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-types.c: the type API of HsSymbolFile (types by DIE: kinds, members, bit-fields,
 * enumerators, names) on symbols-sample.c compiled with DWARF 4 and 5.
 */
#include "config.h"

#include "hs-symbol-file.h"
#include "symbols-sample.h"

#include <stddef.h>

static HsSymbolFile *
load_sample (const char *env)
{
  const char *path = g_getenv (env);
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file;

  if (path == NULL)
    {
      g_test_skip ("the AArch64 sample was not built (no aarch64-linux-gnu-gcc?)");
      return NULL;
    }
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

static guint64
variable_type (HsSymbolFile *file,
               const char   *name)
{
  g_auto(HsSymbolInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (hs_symbol_file_get_variable (file, name, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.type_die, !=, 0);
  return info.type_die;
}

static void
test_kinds (gconstpointer data)
{
  g_autoptr(HsSymbolFile) file = load_sample (data);
  g_autoptr(GError) error = NULL;
  g_auto(HsTypeInfo) info = { 0 };
  g_auto(HsTypeInfo) target = { 0 };
  guint64 die, stripped;

  if (file == NULL)
    return;

  /* sample_u32 sample_counter: a typedef of unsigned int. */
  die = variable_type (file, "sample_counter");
  g_assert_true (hs_symbol_file_get_type_info (file, die, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.kind, ==, HS_TYPE_TYPEDEF);
  g_assert_cmpstr (info.name, ==, "sample_u32");
  g_assert_true (info.has_size);
  g_assert_cmpuint (info.size, ==, 4);
  g_assert_true (hs_symbol_file_get_type_info (file, info.target, &target, &error));
  g_assert_cmpint (target.kind, ==, HS_TYPE_BASE);
  g_assert_cmpint (target.encoding, ==, HS_TYPE_ENCODING_UNSIGNED);
  g_assert_cmpstr (target.spelling, ==, "unsigned int");
  hs_type_info_clear (&info);
  hs_type_info_clear (&target);

  /* sample_cv_t *sample_pointer: pointer to const volatile typedef of struct sample. */
  die = variable_type (file, "sample_pointer");
  g_assert_true (hs_symbol_file_get_type_info (file, die, &info, &error));
  g_assert_cmpint (info.kind, ==, HS_TYPE_POINTER);
  g_assert_cmpuint (info.size, ==, 8);
  g_assert_cmpstr (info.spelling, ==, "sample_cv_t *");
  g_assert_true (hs_symbol_file_strip_type (file, info.target, &stripped, &error));
  g_assert_no_error (error);
  g_assert_true (hs_symbol_file_get_type_info (file, stripped, &target, &error));
  g_assert_cmpint (target.kind, ==, HS_TYPE_STRUCT);
  g_assert_cmpstr (target.spelling, ==, "struct sample");
  g_assert_cmpuint (target.size, ==, sizeof (struct sample));
  hs_type_info_clear (&info);
  hs_type_info_clear (&target);

  /* char sample_buffer[32] (char is unsigned on AArch64). */
  die = variable_type (file, "sample_buffer");
  g_assert_true (hs_symbol_file_get_type_info (file, die, &info, &error));
  g_assert_cmpint (info.kind, ==, HS_TYPE_ARRAY);
  g_assert_cmpuint (info.n_dims, ==, 1);
  g_assert_cmpuint (info.dims[0], ==, 32);
  g_assert_cmpuint (info.size, ==, 32);
  g_assert_true (hs_symbol_file_get_type_info (file, info.target, &target, &error));
  g_assert_cmpint (target.encoding, ==, HS_TYPE_ENCODING_UNSIGNED_CHAR);
  hs_type_info_clear (&info);
  hs_type_info_clear (&target);

  /* short typed_grid[2][3][4]: one DIE, three dimensions. */
  die = variable_type (file, "typed_grid");
  g_assert_true (hs_symbol_file_get_type_info (file, die, &info, &error));
  g_assert_cmpint (info.kind, ==, HS_TYPE_ARRAY);
  g_assert_cmpuint (info.n_dims, ==, 3);
  g_assert_cmpuint (info.dims[0], ==, 2);
  g_assert_cmpuint (info.dims[1], ==, 3);
  g_assert_cmpuint (info.dims[2], ==, 4);
  g_assert_cmpuint (info.size, ==, 48);
  g_assert_cmpstr (info.spelling, ==, "short int[2][3][4]");
  hs_type_info_clear (&info);

  /* sample_ptr_t: a typedef of a pointer to a struct. */
  die = variable_type (file, "typed_ptr");
  g_assert_true (hs_symbol_file_get_type_info (file, die, &info, &error));
  g_assert_cmpint (info.kind, ==, HS_TYPE_TYPEDEF);
  g_assert_cmpstr (info.name, ==, "sample_ptr_t");
  g_assert_true (hs_symbol_file_get_type_info (file, info.target, &target, &error));
  g_assert_cmpint (target.kind, ==, HS_TYPE_POINTER);
  g_assert_cmpstr (target.spelling, ==, "struct sample *");
  hs_type_info_clear (&info);
  hs_type_info_clear (&target);

  /* void */
  g_assert_true (hs_symbol_file_get_type_info (file, 0, &info, &error));
  g_assert_cmpint (info.kind, ==, HS_TYPE_VOID);
  g_assert_false (info.has_size);
  g_assert_cmpstr (info.spelling, ==, "void");
}

static void
test_members (gconstpointer data)
{
  g_autoptr(HsSymbolFile) file = load_sample (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = NULL;
  g_auto(HsTypeMember) member = { 0 };
  g_auto(HsTypeInfo) info = { 0 };
  guint64 die;

  if (file == NULL)
    return;

  g_assert_true (hs_symbol_file_find_type (file, "struct sample_bits", &die, &error));
  g_assert_no_error (error);
  members = hs_symbol_file_get_members (file, die, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 5);
  g_assert_cmpstr (g_array_index (members, HsTypeMember, 0).name, ==, "low");
  g_assert_cmpuint (g_array_index (members, HsTypeMember, 0).offset, ==, 0);
  g_assert_cmpuint (g_array_index (members, HsTypeMember, 0).bit_offset, ==, 0);
  g_assert_cmpuint (g_array_index (members, HsTypeMember, 0).bit_size, ==, 4);
  /* high: bits 4..15, so byte 0 bit 4 */
  g_assert_cmpstr (g_array_index (members, HsTypeMember, 1).name, ==, "high");
  g_assert_cmpuint (g_array_index (members, HsTypeMember, 1).offset * 8
                    + g_array_index (members, HsTypeMember, 1).bit_offset, ==, 4);
  g_assert_cmpuint (g_array_index (members, HsTypeMember, 1).bit_size, ==, 12);
  g_assert_cmpstr (g_array_index (members, HsTypeMember, 2).name, ==, "color");
  g_assert_cmpuint (g_array_index (members, HsTypeMember, 2).offset, ==,
                    offsetof (struct sample_bits, color));
  g_assert_cmpuint (g_array_index (members, HsTypeMember, 4).offset, ==,
                    offsetof (struct sample_bits, grid));
  g_clear_pointer (&members, g_array_unref);

  /* struct sample has anonymous members: listed with no name, found through by name. */
  g_assert_true (hs_symbol_file_find_type (file, "sample_t", &die, &error));
  members = hs_symbol_file_get_members (file, die, &error);
  g_assert_no_error (error);
  g_assert_null (g_array_index (members, HsTypeMember, 1).name);
  g_assert_true (hs_symbol_file_find_member (file, die, "level", &member, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (member.offset, ==, offsetof (struct sample, level));
  hs_type_member_clear (&member);
  g_assert_true (hs_symbol_file_find_member (file, die, "ready", &member, &error));
  g_assert_cmpuint (member.bit_size, ==, 1);
  g_assert_true (hs_symbol_file_get_type_info (file, member.type_die, &info, &error));
  g_assert_cmpstr (info.spelling, ==, "unsigned int");
  hs_type_member_clear (&member);

  g_assert_false (hs_symbol_file_find_member (file, die, "nosuch", &member, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "sample_t has no member 'nosuch'");
  g_clear_error (&error);
  g_assert_false (hs_symbol_file_find_member (file, die, "nexx", &member, &error));
  g_assert_nonnull (strstr (error->message, "did you mean 'next'"));
  g_clear_error (&error);

  /* Not an aggregate. */
  g_assert_true (hs_symbol_file_find_type (file, "int", &die, &error));
  g_assert_null (hs_symbol_file_get_members (file, die, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID);
}

static void
test_enums (gconstpointer data)
{
  g_autoptr(HsSymbolFile) file = load_sample (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) values = NULL;
  g_auto(HsTypeInfo) info = { 0 };
  guint64 die;

  if (file == NULL)
    return;

  die = variable_type (file, "typed_color");
  g_assert_true (hs_symbol_file_get_type_info (file, die, &info, &error));
  g_assert_cmpint (info.kind, ==, HS_TYPE_ENUM);
  g_assert_cmpstr (info.spelling, ==, "enum sample_color");
  g_assert_cmpuint (info.size, ==, 4);
  g_assert_cmpint (info.encoding, ==, HS_TYPE_ENCODING_SIGNED);
  values = hs_symbol_file_get_enumerators (file, die, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 3);
  g_assert_cmpstr (g_array_index (values, HsTypeEnumerator, 1).name, ==, "SAMPLE_GREEN");
  g_assert_cmpint (g_array_index (values, HsTypeEnumerator, 1).value, ==, 5);
  g_assert_cmpint (g_array_index (values, HsTypeEnumerator, 2).value, ==, -1);

  g_assert_true (hs_symbol_file_find_type (file, "enum sample_color", &die, &error));
  {
    guint64 enum_die = 0;
    gint64 value = 0;

    g_assert_true (hs_symbol_file_find_enumerator (file, "SAMPLE_BLUE", &enum_die, &value,
                                                   &error));
    g_assert_no_error (error);
    g_assert_cmpuint (enum_die, ==, die);
    g_assert_cmpint (value, ==, -1);
    g_assert_false (hs_symbol_file_find_enumerator (file, "SAMPLE_PURPLE", &enum_die, &value,
                                                    &error));
    g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_clear_pointer (&values, g_array_unref);
  g_assert_true (hs_symbol_file_find_type (file, "union sample_either", &die, &error));
  values = hs_symbol_file_get_enumerators (file, die, &error);
  g_assert_null (values);
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hs_symbol_file_find_type (file, "struct nosuch", &die, &error));
  g_assert_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND);
}

static void
test_bad_die (gconstpointer data)
{
  g_autoptr(HsSymbolFile) file = load_sample (data);
  g_autoptr(GError) error = NULL;
  g_auto(HsTypeInfo) info = { 0 };

  if (file == NULL)
    return;
  /* An offset past the end of .debug_info is an error, not a crash. */
  g_assert_false (hs_symbol_file_get_type_info (file, G_MAXUINT32, &info, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (hs_symbol_file_get_members (file, G_MAXUINT32, &error));
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  static const char *variants[] = { "HS_SYMBOLS_SAMPLE_DWARF5", "HS_SYMBOLS_SAMPLE_DWARF4" };
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "kinds", test_kinds },
    { "members", test_members },
    { "enums", test_enums },
    { "bad-die", test_bad_die },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
      {
        g_autofree char *path = g_strdup_printf ("/Hs/Types/%s/%s", tests[i].name,
                                                 v == 0 ? "dwarf5" : "dwarf4");

        g_test_add_data_func (path, variants[v], tests[i].func);
      }
  return g_test_run ();
}
