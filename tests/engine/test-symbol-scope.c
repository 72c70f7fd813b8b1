/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-symbol-scope.c: bindings beside a kernel: modules bound and dropped by name, and the
 * kernel's offset (KASLR slide) found by the engine, set by the user, and handed back.
 */
#include "config.h"

#include "hs-symbol-scope.h"

static HsSymbolFile *
load (const char *variable)
{
  const char *path = g_getenv (variable);
  g_autoptr(GError) error = NULL;
  HsSymbolFile *file;

  if (path == NULL)
    g_error ("%s is not set (tests/engine/meson.build sets it)", variable);
  file = hs_symbol_file_load (path, &error);
  g_assert_no_error (error);
  return file;
}

static const HsSymbolBinding *
kernel_of (GPtrArray *bindings)
{
  for (guint i = 0; i < bindings->len; i++)
    if (hs_symbol_binding_is_kernel (g_ptr_array_index (bindings, i)))
      return g_ptr_array_index (bindings, i);
  return NULL;
}

static void
test_modules (void)
{
  g_autoptr(HsSymbolScope) scope = hs_symbol_scope_new ();
  g_autoptr(HsSymbolFile) kernel = load ("HS_SYMBOLS_SAMPLE_DWARF5");
  g_autoptr(HsSymbolFile) module = load ("HS_SYMBOLS_SAMPLE_DWARF4");
  g_autoptr(HsSymbolFile) got = NULL;
  g_autoptr(GPtrArray) bindings = NULL;

  /* A module bound first is still not the kernel. */
  hs_symbol_scope_bind_module (scope, module, 1, "dummy");
  g_assert_null (hs_symbol_scope_get_kernel (scope, 1, NULL));
  hs_symbol_scope_bind (scope, kernel, 1, 0, 0);
  got = hs_symbol_scope_get_kernel (scope, 1, NULL);
  g_assert_true (got == kernel);

  /* Binding a module again replaces it; dropping it leaves the kernel. */
  hs_symbol_scope_bind_module (scope, module, 1, "dummy");
  bindings = hs_symbol_scope_get_bindings (scope, 1);
  g_assert_cmpuint (bindings->len, ==, 2);
  g_clear_pointer (&bindings, g_ptr_array_unref);
  g_assert_true (hs_symbol_scope_unbind_module (scope, 1, "dummy"));
  g_assert_false (hs_symbol_scope_unbind_module (scope, 1, "dummy"));
  g_assert_false (hs_symbol_scope_unbind_module (scope, 2, "loop"));
  bindings = hs_symbol_scope_get_bindings (scope, 1);
  g_assert_cmpuint (bindings->len, ==, 1);
  g_assert_true (kernel_of (bindings)->file == kernel);
}

static void
test_kernel_offset (void)
{
  g_autoptr(HsSymbolScope) scope = hs_symbol_scope_new ();
  g_autoptr(HsSymbolFile) kernel = load ("HS_SYMBOLS_SAMPLE_DWARF5");
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  guint64 plain = 0, slid = 0, offset = 0;
  HsSymbol sym;

  g_assert_true (hs_symbol_file_lookup (kernel, "main", &sym));
  hs_symbol_scope_bind (scope, kernel, 1, 0, 0);
  g_assert_true (hs_symbol_scope_lookup_symbol (scope, 1, 0, "main", &plain, NULL));

  /* Found: applied in place, as a new binding (bindings already handed out stay as they
   * were), and names resolve through it. */
  before = hs_symbol_scope_get_bindings (scope, 1);
  g_assert_true (hs_symbol_scope_set_kernel_offset (scope, 1, kernel, 0x200000,
                                                    HS_OFFSET_DETECTED));
  g_assert_false (hs_symbol_scope_set_kernel_offset (scope, 1, kernel, 0x200000,
                                                     HS_OFFSET_DETECTED));
  after = hs_symbol_scope_get_bindings (scope, 1);
  g_assert_cmpuint (kernel_of (before)->offset, ==, 0);
  g_assert_cmpuint (kernel_of (after)->offset, ==, 0x200000);
  g_assert_true (kernel_of (after)->auto_offset);
  g_assert_true (hs_symbol_scope_lookup_symbol (scope, 1, 0, "main", &slid, NULL));
  g_assert_cmphex (slid, ==, plain + 0x200000);
  {
    g_autoptr(HsSymbolFile) again = hs_symbol_scope_get_kernel (scope, 1, &offset);

    g_assert_true (again == kernel);
    g_assert_cmphex (offset, ==, 0x200000);
  }

  /* The user's slide stays whatever detection finds, until the user hands it back. */
  g_assert_true (hs_symbol_scope_set_kernel_offset (scope, 1, NULL, 0x400000, HS_OFFSET_USER));
  g_assert_false (hs_symbol_scope_set_kernel_offset (scope, 1, kernel, 0x200000,
                                                     HS_OFFSET_DETECTED));
  g_assert_true (hs_symbol_scope_lookup_symbol (scope, 1, 0, "main", &slid, NULL));
  g_assert_cmphex (slid, ==, plain + 0x400000);
  g_assert_true (hs_symbol_scope_set_kernel_offset (scope, 1, NULL, 0, HS_OFFSET_RESET));
  g_assert_true (hs_symbol_scope_set_kernel_offset (scope, 1, kernel, 0x200000,
                                                    HS_OFFSET_DETECTED));

  /* An offset given at load time is the user's too; another machine is untouched. */
  hs_symbol_scope_bind (scope, kernel, 2, 0, 0x1000);
  g_assert_false (hs_symbol_scope_set_kernel_offset (scope, 2, kernel, 0x200000,
                                                     HS_OFFSET_DETECTED));
  g_assert_false (hs_symbol_scope_set_kernel_offset (scope, 3, kernel, 0x200000,
                                                     HS_OFFSET_DETECTED));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Hs/SymbolScope/modules", test_modules);
  g_test_add_func ("/Hs/SymbolScope/kernel-offset", test_kernel_offset);
  return g_test_run ();
}
